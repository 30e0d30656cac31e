package store

import (
	"context"
	"errors"

	bolt "go.etcd.io/bbolt"

	"github.com/stepwise-dev/stepwise"
	"github.com/stepwise-dev/stepwise/store/internal/damage"
	"github.com/stepwise-dev/stepwise/store/internal/schema"
)

// TraceEvidence is a trace with everything known about it, read in one
// transaction: the trace as stored (source labels, the formalizations its
// dataset shipped, calculator annotations), its annotation events, its
// verification checks, its offline findings, its newest judge verdict and
// its process reward model scores. The workbench's trace view, `stepwise
// show` and the triage queue read it.
//
// The parts are as stored; merging them for display is the domain's:
// stepwise.ApplyChecks(ev.Trace, ev.CheckMap()) puts the checks in place of
// the steps' shipped statuses, and Marks folds the events into each
// annotator's current labels.
type TraceEvidence struct {
	Seq   uint64
	Trace *stepwise.Trace
	// Problem is the problem as the trace's source wrote it (TraceProblem);
	// Evidence reads it, EachEvidence leaves it nil.
	Problem *stepwise.Problem
	Events  []Event
	Checks  []CheckedStep
	// Findings is nil when the offline analyzers have not run on the trace.
	Findings *TraceFindings
	// Judgement is the newest single-trace judge run with a verdict (what
	// the trace view's gutter shows), nil when the trace was never judged.
	Judgement *RunHead
	// PRM holds the process reward models' scores of the trace, by name.
	PRM []PRMScores
}

// CheckMap is the checked formalizations by step (steps checked with
// nothing found left out), as stepwise.ApplyChecks takes them.
func (ev *TraceEvidence) CheckMap() map[int][]stepwise.Formalization {
	out := make(map[int][]stepwise.Formalization, len(ev.Checks))
	for _, s := range ev.Checks {
		if len(s.Formalizations) > 0 {
			out[s.Step] = s.Formalizations
		}
	}
	return out
}

// Annotations are the events' annotations, in order, gold events included
// (they are the annotator's own history).
func (ev *TraceEvidence) Annotations() []stepwise.Annotation { return annotations(ev.Events) }

// Marks folds the events into each annotator's current labels, gold events
// included (the annotator sees what they did), as DB.Marks does.
func (ev *TraceEvidence) Marks() map[string]*stepwise.TraceMarks {
	return stepwise.FoldAnnotations(ev.Annotations(), len(ev.Trace.Steps))
}

// Evidence reads a trace with its evidence in one read transaction. id is
// what Get accepts: a trace id, a unique source id or id prefix.
func (db *DB) Evidence(id string) (*TraceEvidence, error) {
	var ev *TraceEvidence
	err := db.view(func(tx *bolt.Tx) error {
		seq, err := resolve(tx, id)
		if err != nil {
			return err
		}
		ev, err = readEvidence(tx, seq, true)
		return err
	})
	return ev, err
}

// EvidenceSeq is Evidence by sequence number.
func (db *DB) EvidenceSeq(seq uint64) (*TraceEvidence, error) {
	var ev *TraceEvidence
	err := db.view(func(tx *bolt.Tx) error {
		var err error
		ev, err = readEvidence(tx, seq, true)
		return err
	})
	return ev, err
}

// EachEvidence streams the traces matching f with their evidence (Problem
// left nil), in seq order, inside one read transaction. fn must not use
// the store (a second transaction in the same goroutine can deadlock
// bbolt's remap); collect what it needs. The triage ranking lives outside
// the store (judge/triage), where the verifier can be used; this only
// reads.
func (db *DB) EachEvidence(ctx context.Context, f Filter, fn func(*TraceEvidence) error) error {
	if err := f.Validate(); err != nil {
		return err
	}
	return db.view(func(tx *bolt.Tx) error {
		it, err := f.iterator(tx)
		if err != nil {
			return err
		}
		n := 0
		for seq, ok := it.Next(); ok; seq, ok = it.Next() {
			if n++; n%256 == 0 {
				if err := ctx.Err(); err != nil {
					return err
				}
			}
			ev, err := readEvidence(tx, seq, false)
			if err != nil {
				return err
			}
			if err := fn(ev); err != nil {
				return err
			}
		}
		return ctx.Err()
	})
}

// readEvidence is the one read of a trace with its evidence; withProblem
// adds the problem as the trace's source wrote it.
func readEvidence(tx *bolt.Tx, seq uint64, withProblem bool) (*TraceEvidence, error) {
	ev := &TraceEvidence{Seq: seq}
	var err error
	if ev.Trace, err = loadTrace(tx, seq); err != nil {
		return nil, err
	}
	if withProblem {
		ev.Problem, err = traceProblemSeq(tx, seq, ev.Trace)
		if errors.Is(err, ErrNotFound) {
			// A stored trace always has its problem stored.
			err = damage.Corrupt("trace %s names problem %q, which is not in the store", ev.Trace.ID, ev.Trace.ProblemID)
		}
		if err != nil {
			return nil, err
		}
	}
	if ev.Events, err = traceEvents(tx, seq); err != nil {
		return nil, err
	}
	if tx.Bucket(schema.Checks) != nil {
		if ev.Checks, err = checkedSteps(tx, seq); err != nil {
			return nil, err
		}
	}
	if findings := tx.Bucket(schema.Findings); findings != nil {
		if v := findings.Get(schema.U64(seq)); v != nil {
			if ev.Findings, err = decodeFindings(seq, v); err != nil {
				return nil, err
			}
		}
	}
	if tx.Bucket(schema.TraceRuns) != nil {
		if ev.Judgement, err = latestSingle(tx, seq); err != nil {
			return nil, err
		}
	}
	if ev.PRM, err = prmOfSeq(tx, seq); err != nil {
		return nil, err
	}
	return ev, nil
}
