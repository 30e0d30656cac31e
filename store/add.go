package store

import (
	"errors"
	"fmt"

	"github.com/stepwise-dev/stepwise"
	"github.com/stepwise-dev/stepwise/store/formats"
	"github.com/stepwise-dev/stepwise/store/internal/ingest"
)

// addBatch is the number of traces Add writes per transaction, as Import.
const addBatch = 10000

// Add stores decoded items through the import path (same encoding, dedupe,
// ids, indexes and counts), for programs that build traces themselves: a
// generator, a judge writing back, a test. Items are checked first; an
// invalid item fails the call before anything is written. A missing problem
// id (and the trace's problem id) is filled in from the problem text, as the
// codecs do; step indexes are set. Writes are committed in batches of up to
// 10,000 traces, so an error from the store can leave earlier batches
// committed; adding the same items again then adds only the rest.
func (db *DB) Add(items []formats.Item) (imported, duplicates int, err error) {
	if db.readOnly {
		return 0, 0, errors.New("add: store opened read-only")
	}
	for i := range items {
		if err := completeItem(&items[i]); err != nil {
			return 0, 0, fmt.Errorf("add: item %d: %w", i, err)
		}
	}
	done := make(chan struct{})
	defer close(done)
	batches := make(chan *ingest.Batch, 1)
	// Preparing batch k+1 (encoding and hashing, on every core) overlaps
	// writing batch k.
	go func() {
		defer close(batches)
		for start := 0; start < len(items); start += addBatch {
			b := ingest.PrepareParallel(items[start:min(start+addBatch, len(items))])
			select {
			case batches <- b:
			case <-done:
				return
			}
		}
	}()
	for b := range batches {
		res, err := db.writeBatch(b)
		if err != nil {
			return imported, duplicates, fmt.Errorf("add: %w", err)
		}
		imported += res.Imported
		duplicates += res.Duplicates
	}
	return imported, duplicates, nil
}

// completeItem checks what the store relies on and fills the ids the codecs
// would have filled.
func completeItem(it *formats.Item) error {
	p, t := it.Problem, it.Trace
	if p == nil || t == nil {
		return errors.New("item without problem or trace")
	}
	if p.ID == "" {
		if p.Text == "" {
			return fmt.Errorf("trace %q: problem has neither id nor text", t.SourceID)
		}
		p.ID = stepwise.ProblemID(p.Text)
	}
	switch t.ProblemID {
	case "":
		t.ProblemID = p.ID
	case p.ID:
	default:
		return fmt.Errorf("trace %q: problem id %q differs from its problem's id %q", t.SourceID, t.ProblemID, p.ID)
	}
	if t.Dataset == "" {
		return fmt.Errorf("trace %q: no dataset", t.SourceID)
	}
	for i := range t.Steps {
		s := &t.Steps[i]
		s.Index = i
		// The store keeps spans only: a step whose text is not Raw[span]
		// would come back different.
		if s.Span.Start < 0 || s.Span.End > len(t.Raw) || s.Span.Start > s.Span.End {
			return fmt.Errorf("trace %q: step %d span %v outside raw text of %d bytes", t.SourceID, i, s.Span, len(t.Raw))
		}
		if t.Raw[s.Span.Start:s.Span.End] != s.Text {
			return fmt.Errorf("trace %q: step %d text is not the raw text at its span %v", t.SourceID, i, s.Span)
		}
	}
	return nil
}
