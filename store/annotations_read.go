package store

import (
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/stepwise-dev/stepwise"
	"github.com/stepwise-dev/stepwise/store/internal/postings"
	"github.com/stepwise-dev/stepwise/store/internal/record"
	"github.com/stepwise-dev/stepwise/store/internal/schema"
)

// Events returns a trace's annotation events in seq order (gold events
// included: they are the annotator's own history).
func (db *DB) Events(traceID string) ([]stepwise.Annotation, error) {
	var out []stepwise.Annotation
	err := db.view(func(tx *bolt.Tx) error {
		seq, err := resolve(tx, traceID)
		if err != nil {
			return err
		}
		evs, err := traceEvents(tx, seq)
		out = annotations(evs)
		return err
	})
	return out, err
}

// TraceEvents is Events with the stable ids, by trace seq.
func (db *DB) TraceEvents(traceSeq uint64) ([]Event, error) {
	var out []Event
	err := db.view(func(tx *bolt.Tx) error {
		var err error
		out, err = traceEvents(tx, traceSeq)
		return err
	})
	return out, err
}

// Marks folds a trace's events into each annotator's current labels.
// Events on hidden gold items count here (the annotator sees what they
// did); exports and agreement leave them out.
func (db *DB) Marks(traceID string) (map[string]*stepwise.TraceMarks, error) {
	var out map[string]*stepwise.TraceMarks
	err := db.view(func(tx *bolt.Tx) error {
		seq, err := resolve(tx, traceID)
		if err != nil {
			return err
		}
		s, evs, err := summaryAndEvents(tx, seq)
		if err != nil {
			return err
		}
		out = stepwise.FoldAnnotations(annotations(evs), s.Steps)
		return nil
	})
	return out, err
}

// HumanStrips returns, for each trace seq, the annotator's current labels
// as a strip (TraceMarks.Strip), or "" when they have labeled nothing on
// it. A trace without events costs one cursor seek.
func (db *DB) HumanStrips(seqs []uint64, annotator string) ([]string, error) {
	out := make([]string, len(seqs))
	if annotator == "" {
		return out, nil
	}
	err := db.view(func(tx *bolt.Tx) error {
		for i, seq := range seqs {
			evs, err := traceEvents(tx, seq)
			if err != nil || len(evs) == 0 {
				if err != nil {
					return err
				}
				continue
			}
			s, err := summaryOf(tx, seq)
			if err != nil {
				return err
			}
			if mk := stepwise.FoldAnnotations(annotations(evs), s.Steps)[annotator]; mk != nil && len(mk.Steps) > 0 {
				out[i] = mk.Strip(s.Steps)
			}
		}
		return nil
	})
	return out, err
}

func summaryAndEvents(tx *bolt.Tx, seq uint64) (Summary, []Event, error) {
	s, err := summaryOf(tx, seq)
	if err != nil {
		return Summary{}, nil, err
	}
	evs, err := traceEvents(tx, seq)
	return s, evs, err
}

func summaryOf(tx *bolt.Tx, seq uint64) (Summary, error) {
	sv := tx.Bucket(schema.Traces).Get(schema.U64(seq))
	if sv == nil {
		return Summary{}, fmt.Errorf("trace %d: %w", seq, ErrNotFound)
	}
	return record.DecodeSummary(seq, sv)
}

// StepHistory lists, in order, the events of a trace that touched step:
// labels of that step, first-error marks (they set every step), and undos
// of those. Step -1 lists the trace-level events and first-error marks.
func (db *DB) StepHistory(traceID string, step int) ([]stepwise.Annotation, error) {
	evs, err := db.Events(traceID)
	if err != nil {
		return nil, err
	}
	bySeq := map[uint64]stepwise.Annotation{}
	for _, e := range evs {
		bySeq[e.Seq] = e
	}
	var touches func(e stepwise.Annotation, depth int) bool
	touches = func(e stepwise.Annotation, depth int) bool {
		switch {
		case e.Undoes != 0:
			t, ok := bySeq[e.Undoes]
			return ok && depth < len(evs) && touches(t, depth+1)
		case e.FirstError:
			return true
		}
		return e.Step == step
	}
	var out []stepwise.Annotation
	for _, e := range evs {
		if touches(e, 0) {
			out = append(out, e)
		}
	}
	return out, nil
}

// ErrNothingToUndo is returned by Undo and Redo when there is nothing to do.
var ErrNothingToUndo = errors.New("nothing to undo")

// Undo writes an event that reverts the annotator's latest event on the
// trace that is still in effect (a label, or a redo), and returns it. The
// undo event carries the target's step, so a step's history shows it.
func (db *DB) Undo(traceID, annotator string, elapsedMS int64) (stepwise.Annotation, error) {
	return db.undoRedo(traceID, annotator, elapsedMS, false)
}

// Redo reverts the annotator's latest undo on the trace that is in effect.
func (db *DB) Redo(traceID, annotator string, elapsedMS int64) (stepwise.Annotation, error) {
	return db.undoRedo(traceID, annotator, elapsedMS, true)
}

func (db *DB) undoRedo(traceID, annotator string, elapsedMS int64, redo bool) (stepwise.Annotation, error) {
	evs, err := db.Events(traceID)
	if err != nil {
		return stepwise.Annotation{}, err
	}
	target, ok := undoTarget(evs, annotator, redo)
	if !ok {
		if redo {
			return stepwise.Annotation{}, fmt.Errorf("%w: %s has no undone label on %s to redo", ErrNothingToUndo, annotator, traceID)
		}
		return stepwise.Annotation{}, fmt.Errorf("%w: %s has no label on %s", ErrNothingToUndo, annotator, traceID)
	}
	return db.Annotate(stepwise.Annotation{Annotator: annotator, TraceID: target.TraceID, Step: target.Step,
		Undoes: target.Seq, ElapsedMS: elapsedMS, Gold: target.Gold})
}

// undoTarget finds the annotator's latest event in effect: for undo, a
// label event (not an undo: undoing again goes further back, as in an
// editor); for redo, an undo of a label event.
func undoTarget(evs []stepwise.Annotation, annotator string, redo bool) (stepwise.Annotation, bool) {
	undoneBy := map[uint64]uint64{}
	bySeq := map[uint64]stepwise.Annotation{}
	for _, e := range evs {
		bySeq[e.Seq] = e
		if e.Undoes != 0 {
			undoneBy[e.Undoes] = e.Seq
		}
	}
	// An event is in effect when the chain of undos after it is even
	// (undo, redo, undo, ...), the rule FoldAnnotations applies.
	inEffect := func(seq uint64) bool {
		for n := 0; n <= len(evs); n++ {
			u, ok := undoneBy[seq]
			if !ok {
				return n%2 == 0
			}
			seq = u
		}
		return true
	}
	for i := len(evs) - 1; i >= 0; i-- {
		e := evs[i]
		if e.Annotator != annotator || !inEffect(e.Seq) {
			continue
		}
		if !redo && e.Undoes == 0 {
			return e, true
		}
		if redo && e.Undoes != 0 && bySeq[e.Undoes].Undoes == 0 {
			return e, true
		}
	}
	return stepwise.Annotation{}, false
}

// EventFilter selects events for export and merge. Empty fields match all.
type EventFilter struct {
	// Dataset matches the trace's dataset and its subsets.
	Dataset   string
	Annotator string
	// Since and Until bound the event time: Since ≤ t < Until.
	Since, Until time.Time
	// NoGold leaves out events made on hidden quality-control items.
	NoGold bool
}

func (f EventFilter) match(e *Event, dataset string) bool {
	switch {
	case f.Annotator != "" && e.Annotator != f.Annotator:
		return false
	case !f.Since.IsZero() && e.Time.Before(f.Since):
		return false
	case !f.Until.IsZero() && !e.Time.Before(f.Until):
		return false
	case f.NoGold && e.Gold:
		return false
	}
	return schema.DatasetMatches(f.Dataset, dataset)
}

// AllEvents streams every matching event in seq order (the order they were
// written) inside one read transaction, never holding more than one event.
func (db *DB) AllEvents(f EventFilter, fn func(Event) error) error {
	return db.view(func(tx *bolt.Tx) error {
		events := tx.Bucket(schema.Events)
		if events == nil {
			return nil
		}
		datasets := map[uint64]string{} // trace seq → dataset, for the filter
		traces := tx.Bucket(schema.Traces)
		c := events.Cursor()
		for k, v := c.First(); k != nil; k, v = c.Next() {
			if len(k) != 8 {
				continue
			}
			ev, err := decodeEvent(binary.BigEndian.Uint64(k), v)
			if err != nil {
				return err
			}
			ds, ok := datasets[ev.TraceSeq]
			if !ok && f.Dataset != "" {
				s, err := record.DecodeSummary(ev.TraceSeq, traces.Get(schema.U64(ev.TraceSeq)))
				if err != nil {
					return err
				}
				ds = s.Dataset
				datasets[ev.TraceSeq] = ds
			}
			if !f.match(&ev, ds) {
				continue
			}
			if err := fn(ev); err != nil {
				return err
			}
		}
		return nil
	})
}

// EventCount is the number of stored events.
func (db *DB) EventCount() (int, error) {
	n := 0
	err := db.view(func(tx *bolt.Tx) error {
		if b := tx.Bucket(schema.Events); b != nil {
			n = b.Stats().KeyN
		}
		return nil
	})
	return n, err
}

// AnnotatedSeqs streams, ascending, the seqs of traces with annotation
// events — by anyone, or by annotator when set. It is a superset of the
// traces with current labels (undone labels leave the trace in it).
func (db *DB) AnnotatedSeqs(annotator string, fn func(seq uint64) error) error {
	return db.view(func(tx *bolt.Tx) error {
		it := annotatedIter(tx, annotator)
		for seq, ok := it.Next(); ok; seq, ok = it.Next() {
			if err := fn(seq); err != nil {
				return err
			}
		}
		return nil
	})
}

func annotatedIter(tx *bolt.Tx, annotator string) postings.Iter {
	if annotator != "" {
		return postings.NewIter(tx.Bucket(schema.Postings), FieldAnnotator, annotator)
	}
	return postings.NewIter(tx.Bucket(schema.Postings), FieldAnnotated, "true")
}
