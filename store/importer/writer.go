package importer

import "github.com/stepwise-dev/stepwise/store/internal/ingest"

// batchWriter commits batches on a goroutine of its own, one transaction at
// a time, so that an import decodes the next batch while one is written.
// One more batch can wait for it: a commit ends with two fdatasyncs (about
// a fifth of an import's time, on this project's test machine), and with
// nowhere to put a full batch the decoders would wait them out.
type batchWriter struct {
	in       chan *ingest.Batch
	out      chan writeOutcome
	inflight int // batches sent whose outcome is not yet received
}

// maxInflight is how many batches the writer holds: one in its
// transaction, one waiting.
const maxInflight = 2

// writeOutcome is what one batch's transaction did.
type writeOutcome struct {
	res   ingest.Result
	err   error
	bytes int64 // the input bytes of the batch, for progress
}

// startWriter starts a writer committing through sink; close stops it.
func startWriter(sink Writer) *batchWriter {
	w := &batchWriter{in: make(chan *ingest.Batch, maxInflight-1), out: make(chan writeOutcome, maxInflight)}
	go func() {
		defer close(w.out)
		for b := range w.in {
			res, err := sink.WriteBatch(b)
			w.out <- writeOutcome{res: res, err: err, bytes: b.Bytes}
		}
	}()
	return w
}

// close stops the writer after the batches it holds, if any.
func (w *batchWriter) close() {
	close(w.in)
	for range w.out {
	}
}
