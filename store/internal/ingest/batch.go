package ingest

import (
	"runtime"
	"sync"

	"github.com/stepwise-dev/stepwise/store/formats"
)

// Batch is a run of prepared traces, in the runs whose bodies make one
// block each, with the running-count changes they make if all of them are
// stored. A decoding worker prepares a chunk of records into one (Prepare);
// the import appends chunks, in file order, into the batch one write
// transaction stores (Write).
type Batch struct {
	runs    []run
	traces  int
	encoded int64 // the bytes of the runs' body blocks
	counts  counter
	// Bytes is the input the traces were read from, for progress.
	Bytes int64
}

// Traces is the number of traces in the batch.
func (b *Batch) Traces() int { return b.traces }

// Encoded is the size of the batch's encoded bodies: what bounds a
// transaction's memory.
func (b *Batch) Encoded() int64 { return b.encoded }

// Append adds o's traces and counts after b's. The runs keep o's slices: a
// batch copies no trace.
func (b *Batch) Append(o *Batch) {
	for _, r := range o.runs {
		b.runs = append(b.runs, r)
		b.traces += len(r.items)
		b.encoded += int64(len(r.block))
	}
	b.counts.merge(&o.counts)
	b.Bytes += o.Bytes
}

// Prepare encodes, hashes and tallies decoded items on the calling
// goroutine (a decoding worker): what the single writer then does per
// trace is only what depends on the store.
func Prepare(items []formats.Item) *Batch {
	out, runs := encodeRuns(items)
	b := &Batch{}
	b.appendRuns(runs, tally(out))
	return b
}

// PrepareParallel is Prepare on every core, keeping the items' order:
// each core takes a contiguous part, so that its bodies make blocks.
func PrepareParallel(items []formats.Item) *Batch {
	workers := min(runtime.GOMAXPROCS(0), max(1, len(items)/256))
	parts := make([]*Batch, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			lo, hi := w*len(items)/workers, (w+1)*len(items)/workers
			parts[w] = Prepare(items[lo:hi])
		}()
	}
	wg.Wait()
	b := &Batch{}
	for _, p := range parts {
		b.Append(p)
	}
	return b
}

func (b *Batch) appendRuns(runs []run, counts *counter) {
	for _, r := range runs {
		b.runs = append(b.runs, r)
		b.traces += len(r.items)
		b.encoded += int64(len(r.block))
	}
	b.counts.merge(counts)
}
