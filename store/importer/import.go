// Package importer reads trace files and directories into the store: it
// lists the files (following symbolic links once, refusing what is not a
// regular file), detects each file's format, and runs a pipeline per file —
// a reader cuts records into chunks, workers decode, grade and prepare them
// in parallel (ingest.Prepare), and the chunks rejoin in file order into
// batches that one writer goroutine commits while the next are decoded.
// Memory is bounded by bytes (a read-ahead budget, batch sizes), not only
// by counts. Bad records are reported (file, line, reason) and skipped, or
// end the import under Strict.
//
// It reaches the store through Writer (one transaction per batch). It
// changes no process-wide setting. store.DB.Import is its front door.
package importer

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"unicode"

	"github.com/stepwise-dev/stepwise"

	"golang.org/x/sync/semaphore"

	"github.com/stepwise-dev/stepwise/store/formats"
	"github.com/stepwise-dev/stepwise/store/internal/ingest"
)

// Options tune an import. The store re-exports it as store.ImportOptions.
type Options struct {
	// Format forces a codec; empty detects each file's format from content.
	Format string
	// Strict stops at the first bad record (records already committed stay).
	Strict bool
	// Decode is passed to the codecs (dataset/model overrides, field mapping).
	Decode formats.Options
	// Workers decode in parallel (default: GOMAXPROCS).
	Workers int
	// BatchSize is the number of traces per write transaction (default 10000).
	BatchSize int
	// BatchBytes closes a write transaction's batch early, at this many
	// bytes of encoded traces (default 32 MiB): a batch of 10,000 long
	// chains of thought would otherwise hold gigabytes.
	BatchBytes int64
	// ReadAhead bounds the input bytes read but not yet in a batch
	// (default 64 MiB; a single larger record is read alone).
	ReadAhead int64
	// OnProblem is called for each bad record or unreadable file, as it happens.
	OnProblem func(error)
	// OnWarning is called for each harmless gap in an imported record (a
	// *formats.Warning), as it happens.
	OnWarning func(error)
	// OnProgress is called after each written batch and at the end of each file.
	OnProgress func(Progress)
	// Grader grades each trace's final answer against its problem's gold
	// answer, on the decoding workers (nil: traces keep what their source
	// states). The store never imports the grader: the caller injects it.
	Grader stepwise.AnswerGrader
}

// Progress is the state of a running import.
type Progress struct {
	File       string
	FileIndex  int
	Files      int
	BytesRead  int64
	BytesTotal int64
	Imported   int
	Duplicates int
	Skipped    int
}

// Report is the summary of an import. The store re-exports it as
// store.ImportReport.
type Report struct {
	Files      int `json:"files"`
	Records    int `json:"records"`
	Imported   int `json:"imported"`
	Duplicates int `json:"duplicates"`
	Skipped    int `json:"skipped"`
	// SkippedBy counts skipped records (and unreadable files) by reason
	// (ReasonOf).
	SkippedBy map[string]int `json:"skipped_by_reason"`
	// Warnings counts harmless gaps in imported records: a label that maps
	// to no step, an error step past the end. The record was imported with
	// what could be trusted.
	Warnings   int            `json:"warnings"`
	WarningsBy map[string]int `json:"warnings_by_reason"`
	// Formats counts files by the codec that read them.
	Formats map[string]int `json:"formats"`
	// Companions counts files passed over because they belong to data read
	// from other files (an unzipped Inspect log's header and summaries).
	Companions int `json:"companion_files,omitempty"`
	// Symlinks counts the symbolic links followed inside directories.
	Symlinks int `json:"symlinks_followed"`
}

// ErrStrict wraps the first bad record when ImportOptions.Strict is set.
var ErrStrict = errors.New("import stopped at a bad record (--strict)")

// Writer commits a batch of prepared traces in one transaction (the
// store's writer: store/internal/ingest.Write under the store's lock).
type Writer interface {
	WriteBatch(*ingest.Batch) (ingest.Result, error)
}

// Run reads files and directories (recursively) into the store through w.
// It changes no process-wide setting: a program that only imports may
// tune the garbage collector around the call (`stepwise import` does).
func Run(ctx context.Context, w Writer, paths []string, opts Options) (*Report, error) {
	if opts.Workers <= 0 {
		opts.Workers = runtime.GOMAXPROCS(0)
	}
	if opts.BatchSize <= 0 {
		opts.BatchSize = 10000
	}
	if opts.BatchBytes <= 0 {
		opts.BatchBytes = 32 << 20
	}
	if opts.ReadAhead <= 0 {
		opts.ReadAhead = 64 << 20
	}
	rep := &Report{SkippedBy: map[string]int{}, WarningsBy: map[string]int{}, Formats: map[string]int{}}
	list, err := listFiles(paths)
	if err != nil {
		return rep, err
	}
	rep.Symlinks = list.symlinks
	im := &importer{w: w, opts: opts, rep: rep, total: list.bytes, files: len(list.files)}
	for _, err := range list.refused {
		if err := im.recordProblem(err); err != nil {
			return rep, err
		}
	}
	for i, f := range list.files {
		if err := ctx.Err(); err != nil {
			return rep, err
		}
		if err := im.file(ctx, i, f); err != nil {
			return rep, err
		}
	}
	return rep, nil
}

// importer carries one import's state across files.
type importer struct {
	w       Writer
	opts    Options
	rep     *Report
	total   int64
	done    int64 // bytes of finished files
	files   int
	current string
	index   int
	read    int64
}

// file imports one file.
func (im *importer) file(ctx context.Context, i int, path string) error {
	im.rep.Files++
	im.current, im.index, im.read = path, i, 0
	in, err := formats.Open(path, im.opts.Format)
	var companion *formats.CompanionError
	if errors.As(err, &companion) {
		im.rep.Companions++
		return nil
	}
	if err != nil {
		im.skip(err)
		if im.opts.Strict {
			return fmt.Errorf("%w: %w", ErrStrict, err)
		}
		return nil
	}
	defer in.Close()
	im.rep.Formats[in.Codec.Name()]++
	err = im.decode(ctx, in)
	im.done += fileSize(path)
	im.read = 0
	im.progress()
	return err
}

// fileSize is a file's bytes once unpacked (packed files: formats.UnpackedSize).
func fileSize(path string) int64 {
	st, err := os.Stat(path)
	if err != nil {
		return 0
	}
	return formats.UnpackedSize(path, st.Size())
}

// chunk is a run of records decoded by one worker.
type chunk struct {
	n        int
	recs     []formats.Record
	bytes    int64
	items    []formats.Item // decoded, until encoded into runs
	prepared *ingest.Batch  // the traces, encoded, and their running counts
	errs     []error        // per-record problems, in record order
	held     int64          // the read-ahead bytes this chunk holds (readChunks)
	parts    []recordParts  // parts of records that could not be read
	warns    []recordWarning
	fatal    error // the file cannot be read further
}

// recordParts are the unreadable parts of the i-th record of a chunk.
type recordParts struct {
	i     int
	parts []*formats.RecordError
}

// recordWarning is a warning about the i-th record of a chunk.
type recordWarning struct {
	i int
	w *formats.Warning
}

// A chunk closes at chunkRecords records or chunkBytes bytes, whichever
// comes first: by count alone, 256 records of a megabyte each made one
// chunk of 256 MB.
const (
	chunkRecords = 256
	chunkBytes   = 4 << 20
)

// decode runs the pipeline for one file: a reader cuts records into chunks,
// workers decode and encode them, and this goroutine puts the chunks back in
// file order (so that ids and sequence numbers do not depend on scheduling)
// and hands batches to a writer goroutine, one transaction at a time. While a
// transaction is written and synced, decoding goes on into the next batch.
func (im *importer) decode(ctx context.Context, in *formats.Input) error {
	workers := im.opts.Workers
	if in.Sequential() {
		workers = 1
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	jobs := make(chan *chunk, workers*2)
	results := make(chan *chunk, workers*2)
	ahead := semaphore.NewWeighted(im.opts.ReadAhead)
	go readChunks(ctx, in, jobs, ahead, im.opts.ReadAhead)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for c := range jobs {
				im.work(in, c)
				results <- c
			}
		}()
	}
	go func() { wg.Wait(); close(results) }()
	w := startWriter(im.w)
	defer w.close()

	cur := &ingest.Batch{}
	pending := map[int]*chunk{}
	next := 0
	var firstErr error
	fail := func(err error) {
		if err != nil && firstErr == nil {
			firstErr = err
			cancel()
		}
	}
	for results != nil || w.inflight > 0 {
		// The writer takes full batches (small transactions rewrite the
		// same pages again and again); while it holds all it can, a full
		// batch stops the intake, which bounds memory to maxInflight+1
		// batches.
		full := cur.Traces() >= im.opts.BatchSize || cur.Encoded() >= im.opts.BatchBytes
		var send chan<- *ingest.Batch
		if w.inflight < maxInflight && firstErr == nil && full {
			send = w.in
		}
		recv := results
		if firstErr == nil && full {
			recv = nil
		}
		select {
		case c, ok := <-recv:
			if !ok {
				results = nil
				continue
			}
			pending[c.n] = c
			for c := pending[next]; c != nil && firstErr == nil; c = pending[next] {
				delete(pending, next)
				next++
				fail(im.apply(cur, c))
				// Its traces are in the batch now, which BatchBytes bounds.
				ahead.Release(c.held)
			}
		case send <- cur:
			w.inflight++
			cur = &ingest.Batch{}
		case o := <-w.out:
			w.inflight--
			fail(im.written(o))
		}
	}
	if firstErr != nil {
		return firstErr
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	items, err := in.Flush(&im.opts.Decode)
	if err != nil {
		if err := im.recordProblem(err); err != nil {
			return err
		}
	}
	im.grade(items)
	for _, it := range items {
		for _, w := range it.Warnings {
			im.warn(formats.WarningFor(&formats.Record{Path: in.Path, Line: it.Trace.Source.Line}, w))
		}
	}
	cur.Append(ingest.PrepareParallel(items))
	if cur.Traces() == 0 {
		return nil
	}
	w.in <- cur
	return im.written(<-w.out)
}

// readChunks cuts the file into chunks of records. Before it hands a chunk
// on, it takes the chunk's bytes from ahead (of size limit), given back
// when the chunk's traces join a batch: what is read but not yet batched
// (records, then their encoded traces, about as large) stays under the
// limit, plus the chunk being read. Chunks take and give back in file
// order, so the one a batch waits for never waits for the budget.
func readChunks(ctx context.Context, in *formats.Input, jobs chan<- *chunk, ahead *semaphore.Weighted, limit int64) {
	defer close(jobs)
	n := 0
	c := &chunk{n: n}
	send := func() bool {
		c.held = min(c.bytes, limit)
		if ahead.Acquire(ctx, c.held) != nil {
			return false
		}
		select {
		case jobs <- c:
			n++
			c = &chunk{n: n}
			return true
		case <-ctx.Done():
			ahead.Release(c.held)
			return false
		}
	}
	for {
		rec, err := in.Next()
		if err == io.EOF {
			break
		}
		var re *formats.RecordError
		if err != nil && !errors.As(err, &re) {
			c.fatal = err
			break
		}
		if err != nil {
			rec.Data = nil // keep the position, drop the bad bytes
		}
		c.recs = append(c.recs, rec)
		c.errs = append(c.errs, err)
		c.bytes += int64(len(rec.Data)) + 1
		if (len(c.recs) == chunkRecords || c.bytes >= chunkBytes) && !send() {
			return
		}
	}
	if len(c.recs) > 0 || c.fatal != nil {
		send()
	}
}

// work decodes a chunk's records.
func (im *importer) work(in *formats.Input, c *chunk) {
	for i, rec := range c.recs {
		if c.errs[i] != nil {
			continue
		}
		items, err := in.DecodeRecord(rec, &im.opts.Decode)
		var parts *formats.PartsError
		if errors.As(err, &parts) {
			c.parts = append(c.parts, recordParts{i, parts.Parts})
			err = nil
		}
		if err != nil {
			c.errs[i] = err
			continue
		}
		for _, it := range items {
			for _, w := range it.Warnings {
				c.warns = append(c.warns, recordWarning{i, formats.WarningFor(&rec, w)})
			}
		}
		c.items = append(c.items, items...)
	}
	im.grade(c.items)
	c.prepared = ingest.Prepare(c.items)
	c.recs, c.items = nil, nil
}

// grade runs the answer grader on decoded items (see ImportOptions.Grader).
func (im *importer) grade(items []formats.Item) {
	if im.opts.Grader == nil {
		return
	}
	for i := range items {
		g := im.opts.Grader.GradeTrace(items[i].Trace, items[i].Problem)
		items[i].Grade = &g
	}
}

// apply takes a decoded chunk in file order: reports its problems and queues
// its traces in b.
func (im *importer) apply(b *ingest.Batch, c *chunk) error {
	warns, parts := c.warns, c.parts
	for i, err := range c.errs {
		im.rep.Records++
		if err != nil {
			if perr := im.recordProblem(err); perr != nil {
				return perr
			}
		}
		for ; len(parts) > 0 && parts[0].i == i; parts = parts[1:] {
			for _, p := range parts[0].parts {
				if perr := im.recordProblem(p); perr != nil {
					return perr
				}
			}
		}
		for ; len(warns) > 0 && warns[0].i == i; warns = warns[1:] {
			im.warn(warns[0].w)
		}
	}
	b.Append(c.prepared)
	b.Bytes += c.bytes
	if c.fatal != nil {
		return im.recordProblem(c.fatal)
	}
	return nil
}

// recordProblem reports a bad record; under --strict it ends the import.
func (im *importer) recordProblem(err error) error {
	im.skip(err)
	if im.opts.Strict {
		return fmt.Errorf("%w: %w", ErrStrict, err)
	}
	return nil
}

func (im *importer) skip(err error) {
	im.rep.Skipped++
	im.rep.SkippedBy[ReasonOf(err)]++
	if im.opts.OnProblem != nil {
		im.opts.OnProblem(err)
	}
}

func (im *importer) warn(w *formats.Warning) {
	im.rep.Warnings++
	im.rep.WarningsBy[ReasonOf(w)]++
	if im.opts.OnWarning != nil {
		im.opts.OnWarning(w)
	}
}

// written takes the outcome of a write transaction.
func (im *importer) written(o writeOutcome) error {
	if o.err != nil {
		return o.err
	}
	im.rep.Imported += o.res.Imported
	im.rep.Duplicates += o.res.Duplicates
	im.read += o.bytes
	im.progress()
	return nil
}

func (im *importer) progress() {
	if im.opts.OnProgress == nil {
		return
	}
	im.opts.OnProgress(Progress{
		File: im.current, FileIndex: im.index, Files: im.files,
		BytesRead: im.done + im.read, BytesTotal: im.total,
		Imported: im.rep.Imported, Duplicates: im.rep.Duplicates, Skipped: im.rep.Skipped,
	})
}

// ReasonOf groups problems for the summary: the reason without its
// location, with the numbers that vary from record to record (a column, an
// index, a count) written N, so that "label 7 out of range for 5 steps" and
// "label 9 out of range for 8 steps" are one line of the summary. Digits
// that belong to a word stay: "invalid UTF-8", "a 1-based step number".
func ReasonOf(err error) string {
	var re *formats.RecordError
	var fe *formats.FileError
	var nd *formats.NotDataError
	var w *formats.Warning
	s := err.Error()
	switch {
	case errors.As(err, &w):
		s = w.Reason
	case errors.As(err, &re):
		s = re.Reason
	case errors.As(err, &fe):
		s = fe.Reason
	case errors.As(err, &nd):
		s = nd.Reason
	}
	out := maskNumbers(s)
	if i := strings.Index(out, " (keys: "); i > 0 {
		out = out[:i] // detection failures group by cause, not by key set
	}
	return out
}

// maskNumbers writes each number of s as N, unless it is part of a word: a
// letter touches it, directly or across a hyphen (UTF-8, 1-based, phase2,
// 0x1f). A number is a run of digits with the dots between them (3.14).
func maskNumbers(s string) string {
	rs := []rune(s)
	letter := func(i int) bool { return i >= 0 && i < len(rs) && unicode.IsLetter(rs[i]) }
	digit := func(i int) bool { return i >= 0 && i < len(rs) && unicode.IsDigit(rs[i]) }
	var b strings.Builder
	for i := 0; i < len(rs); {
		if !digit(i) {
			b.WriteRune(rs[i])
			i++
			continue
		}
		j := i
		for digit(j) || (j < len(rs) && rs[j] == '.' && digit(j-1) && digit(j+1)) {
			j++
		}
		word := letter(i-1) || letter(j) ||
			(i >= 2 && rs[i-1] == '-' && letter(i-2)) || (j+1 < len(rs) && rs[j] == '-' && letter(j+1))
		if word {
			b.WriteString(string(rs[i:j]))
		} else {
			b.WriteByte('N')
		}
		i = j
	}
	// A list of numbers is one N: "error_steps [N…]" whatever its length.
	return numberList.ReplaceAllString(b.String(), "${1}N…")
}

var numberList = regexp.MustCompile(`(^|[^\pL\pN])N(?:,? N)+\b`)
