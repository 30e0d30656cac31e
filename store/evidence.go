package store

import (
	"context"

	bolt "go.etcd.io/bbolt"

	"github.com/stepwise-dev/stepwise"
	"github.com/stepwise-dev/stepwise/store/internal/schema"
)

// TraceEvidence is what the triage queue weighs about one trace, read in
// one pass: the trace (source labels, stored formalizations, calculator
// annotations), its annotation events, its verification results and its
// offline findings.
type TraceEvidence struct {
	Seq    uint64
	Trace  *stepwise.Trace
	Events []Event
	Checks []CheckedStep
	// Findings is nil when the offline analyzers have not run on the trace.
	Findings *TraceFindings
	// Judgement is the newest single-trace judge run with a verdict (what
	// the trace view's gutter shows), nil when the trace was never judged.
	Judgement *RunHead
	// PRM holds the process reward models' scores of the trace, by name.
	PRM []PRMScores
}

// EachEvidence streams the traces matching f with their evidence, in seq
// order, inside one read transaction. fn must not use the store (a second
// transaction in the same goroutine can deadlock bbolt's remap); collect
// what it needs. The triage ranking lives outside the store (judge/triage),
// where the verifier can be used; this only reads.
func (db *DB) EachEvidence(ctx context.Context, f Filter, fn func(*TraceEvidence) error) error {
	if err := f.Validate(); err != nil {
		return err
	}
	return db.view(func(tx *bolt.Tx) error {
		it, err := f.iterator(tx)
		if err != nil {
			return err
		}
		findings := tx.Bucket(schema.Findings)
		n := 0
		for seq, ok := it.Next(); ok; seq, ok = it.Next() {
			if n++; n%256 == 0 {
				if err := ctx.Err(); err != nil {
					return err
				}
			}
			ev := &TraceEvidence{Seq: seq}
			if ev.Trace, err = loadTrace(tx, seq); err != nil {
				return err
			}
			if ev.Events, err = traceEvents(tx, seq); err != nil {
				return err
			}
			if tx.Bucket(schema.Checks) != nil {
				if ev.Checks, err = checkedSteps(tx, seq); err != nil {
					return err
				}
			}
			if findings != nil {
				if v := findings.Get(schema.U64(seq)); v != nil {
					if ev.Findings, err = decodeFindings(seq, v); err != nil {
						return err
					}
				}
			}
			if tx.Bucket(schema.TraceRuns) != nil {
				if ev.Judgement, err = latestSingle(tx, seq); err != nil {
					return err
				}
			}
			if ev.PRM, err = prmOfSeq(tx, seq); err != nil {
				return err
			}
			if err := fn(ev); err != nil {
				return err
			}
		}
		return ctx.Err()
	})
}
