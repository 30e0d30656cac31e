package export

import (
	"bytes"
	"context"
	"io"
	"sync"

	"github.com/stepwise-dev/stepwise/store/formats"
	"github.com/stepwise-dev/stepwise/store/internal/damage"
)

// An export runs as a pipeline, so that it keeps up with an import, which
// uses every core: the export's first reader lists the selected seqs in
// order and cuts them into jobs; workers load the traces of a job (each
// with a reader of its own, on the same snapshot) and, for a
// format whose records stand alone, encode them with an exporter of their
// own; one goroutine takes the jobs back in order and writes them. Output
// is byte for byte what one exporter writing trace after trace produces.

// exportJobTraces is how many selected traces one job holds.
const exportJobTraces = 256

// exportJob is a run of consecutive selected traces.
type exportJob struct {
	n      int
	seqs   []uint64
	items  []*formats.ExportItem // loaded; nil after encoding
	out    []byte                // encoded (line formats)
	loaded map[string]int        // traces left out while loading, by reason
	skips  map[string]int        // traces the exporter left out, by reason
	wrote  int
	err    error
}

// pipeline runs an export. When f.Lines (records stand alone) the workers
// encode them with exporters of their own and the ordered writer puts their
// bytes to w, and exp is unused; otherwise the ordered writer hands the
// loaded traces to exp. Each worker reads with one of rs, which show the
// snapshot x.r shows.
func (x *exportRun) pipeline(ctx context.Context, f formats.ExportFormat, exp formats.Exporter, w io.Writer, rs []Reader) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	jobs := make(chan *exportJob, len(rs))
	done := make(chan *exportJob, len(rs))
	// Encoded jobs' buffers go back to the workers once written, instead
	// of each job's bytes being copied out of a worker's buffer.
	free := make(chan []byte, 2*len(rs)+2)
	var wg sync.WaitGroup
	for _, r := range rs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			wx := &exportRun{r: r, opts: x.opts, prmNames: x.prmNames, answerCols: x.answerCols}
			var buf bytes.Buffer
			var enc formats.Exporter
			var encErr error
			if f.Lines {
				enc = f.New(&buf)
				encErr = setExtraColumns(enc, x.prmNames, x.answerCols)
			}
			for j := range jobs {
				// A worker reads the file's mapping on a goroutine of
				// its own: a damaged page must become an error here too
				// (the snapshot's holder adds the file's name).
				if err := damage.Guard("", func() error { wx.load(j); return nil }); err != nil {
					j.err = err
				}
				if j.err == nil {
					j.err = encErr
				}
				if j.err == nil && enc != nil {
					j.encode(enc, &buf, free)
				}
				done <- j
			}
		}()
	}
	go func() { wg.Wait(); close(done) }()
	writeErr := make(chan error, 1)
	go func() { writeErr <- x.writeInOrder(cancel, done, f.Lines, exp, w, free) }()

	listErr := x.listJobs(ctx, jobs)
	close(jobs)
	if err := <-writeErr; err != nil {
		return err
	}
	if listErr != nil {
		return listErr
	}
	return ctx.Err()
}

// listJobs lists the selected seqs in order and sends them in jobs.
func (x *exportRun) listJobs(ctx context.Context, jobs chan<- *exportJob) error {
	j := &exportJob{}
	send := func() bool {
		select {
		case jobs <- j:
			j = &exportJob{n: j.n + 1}
			return true
		case <-ctx.Done():
			return false
		}
	}
	err := x.r.Selected(ctx, func(seq uint64) error {
		j.seqs = append(j.seqs, seq)
		if len(j.seqs) == exportJobTraces && !send() {
			return ctx.Err()
		}
		return nil
	})
	if err != nil {
		return err
	}
	if len(j.seqs) > 0 {
		send()
	}
	return nil
}

// load loads a job's traces.
func (x *exportRun) load(j *exportJob) {
	for _, seq := range j.seqs {
		item, skip, err := x.item(seq)
		if err != nil {
			j.err = err
			return
		}
		if skip != "" {
			if j.loaded == nil {
				j.loaded = map[string]int{}
			}
			j.loaded[skip]++
			continue
		}
		j.items = append(j.items, item)
	}
}

// encode writes the job's records with exp into buf and takes the bytes,
// giving buf a written job's buffer from free (or none) for the next job.
func (j *exportJob) encode(exp formats.Exporter, buf *bytes.Buffer, free chan []byte) {
	buf.Reset()
	j.skips, j.wrote, j.err = writeItems(exp, j.items)
	if j.err == nil {
		if j.err = exp.Close(); j.err == nil { // flushes into buf
			j.out = buf.Bytes()
			var next []byte
			select {
			case next = <-free:
			default:
			}
			*buf = *bytes.NewBuffer(next)
		}
	}
	j.items = nil
}

// writeItems writes items with exp, counting what it writes and skips.
func writeItems(exp formats.Exporter, items []*formats.ExportItem) (skips map[string]int, wrote int, err error) {
	for _, it := range items {
		reason, err := exp.Write(it)
		if err != nil {
			return skips, wrote, err
		}
		if reason == "" {
			wrote++
			continue
		}
		if skips == nil {
			skips = map[string]int{}
		}
		skips[reason]++
	}
	return skips, wrote, nil
}

// writeInOrder takes jobs back in order and writes them: their bytes, or
// their traces through exp. On an error it cancels the export and drains
// the rest.
func (x *exportRun) writeInOrder(cancel context.CancelFunc, done <-chan *exportJob, lines bool, exp formats.Exporter, w io.Writer, free chan<- []byte) error {
	pending := map[int]*exportJob{}
	next := 0
	var firstErr error
	for j := range done {
		pending[j.n] = j
		for j := pending[next]; j != nil; j = pending[next] {
			delete(pending, next)
			next++
			if firstErr != nil {
				continue
			}
			if j.err == nil {
				if lines {
					_, j.err = w.Write(j.out)
					select {
					case free <- j.out[:0]:
					default:
					}
					j.out = nil
				} else {
					j.skips, j.wrote, j.err = writeItems(exp, j.items)
				}
			}
			if j.err != nil {
				firstErr = j.err
				cancel()
				continue
			}
			x.rep.Traces += len(j.seqs)
			x.rep.Written += j.wrote
			for r, n := range j.loaded {
				x.rep.skip(r, n)
			}
			for r, n := range j.skips {
				x.rep.skip(r, n)
			}
		}
	}
	return firstErr
}
