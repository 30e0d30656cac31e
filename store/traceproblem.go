package store

import (
	"encoding/json"
	"fmt"

	bolt "go.etcd.io/bbolt"

	"github.com/stepwise-dev/stepwise"
	"github.com/stepwise-dev/stepwise/store/internal/damage"
	"github.com/stepwise-dev/stepwise/store/internal/schema"
)

// Problems are shared by the hash of their normalized text, so the stored
// problem has the text (and gold answer and solution) of whichever dataset
// brought it first: PRMBench's "$\$1.24$" and ProcessBench's "$1.24$", or a
// question with and without a double space, are one problem. A trace whose
// source wrote those fields otherwise keeps its own copy, so that an export
// gives back what the source said.
//
// The copies live in a bucket of their own rather than in the body: a
// body's content hash must be what a fresh import of the record computes
// (contenthash.go), and what the writer adds depends on what was stored
// before. The bucket is created by the first write that needs it; a store
// without it holds no such trace.

// ownProblem holds the problem fields a trace's source wrote differently
// from the stored problem; nil means "as stored". An empty string is kept:
// the source had no gold answer where the stored problem has one.
type ownProblem struct {
	Text         *string `json:"text,omitempty"`
	GoldAnswer   *string `json:"gold_answer,omitempty"`
	GoldSolution *string `json:"gold_solution,omitempty"`
}

// ownProblemOf compares the problem a trace's source gave with the stored
// one (after the trace's own fields were merged into it) and returns the
// fields that differ; ok is false when none does.
//
// A gold answer the source lacked and a later dataset adds to the stored
// problem is not caught: the trace was written while the problem had none.
// Writers of formats whose records lack a field decide that by the record's
// own shape (PRM800K phase 1 has no ground_truth_solution).
func ownProblemOf(own, stored *stepwise.Problem) (o ownProblem, ok bool) {
	diff := func(a, b string) *string {
		if a == b {
			return nil
		}
		ok = true
		return &a
	}
	o.Text = diff(own.Text, stored.Text)
	o.GoldAnswer = diff(own.GoldAnswer, stored.GoldAnswer)
	o.GoldSolution = diff(own.GoldSolution, stored.GoldSolution)
	return o, ok
}

// apply returns p with the trace's own fields (p itself when there are none).
func (o *ownProblem) apply(p *stepwise.Problem) *stepwise.Problem {
	if o.Text == nil && o.GoldAnswer == nil && o.GoldSolution == nil {
		return p
	}
	cp := *p
	for _, f := range []struct {
		dst *string
		src *string
	}{{&cp.Text, o.Text}, {&cp.GoldAnswer, o.GoldAnswer}, {&cp.GoldSolution, o.GoldSolution}} {
		if f.src != nil {
			*f.dst = *f.src
		}
	}
	return &cp
}

// putOwnProblems writes the queued copies (keys are trace seqs).
func putOwnProblems(tx *bolt.Tx, puts []schema.KV) error {
	if len(puts) == 0 {
		return nil
	}
	b, err := tx.CreateBucketIfNotExists(schema.TraceProblems)
	if err != nil {
		return fmt.Errorf("bucket %s: %w", schema.TraceProblems, err)
	}
	return schema.PutSorted(b, puts, 0.9)
}

// ownProblemAt reads the copy of trace seq, if any, from bucket b (nil when
// the store has none).
func ownProblemAt(b *bolt.Bucket, seq uint64) (ownProblem, error) {
	var o ownProblem
	if b == nil {
		return o, nil
	}
	v := b.Get(schema.U64(seq))
	if v == nil {
		return o, nil
	}
	if err := json.Unmarshal(v, &o); err != nil {
		return o, damage.Corrupt("trace %d: an unreadable problem copy: %v", seq, err)
	}
	return o, nil
}

// TraceProblem is the problem as the trace's source gave it: the stored
// problem with the fields the source wrote otherwise (its own text, gold
// answer or solution). What a trace view or `show` prints.
func (db *DB) TraceProblem(t *stepwise.Trace) (*stepwise.Problem, error) {
	var p *stepwise.Problem
	err := db.view(func(tx *bolt.Tx) error {
		var err error
		p, err = traceProblem(tx, t)
		return err
	})
	return p, err
}

// traceProblem reads t's problem with t's own fields applied.
func traceProblem(tx *bolt.Tx, t *stepwise.Trace) (*stepwise.Problem, error) {
	v, err := problemRecord(tx, t.ProblemID)
	if err != nil {
		return nil, err
	}
	if v == nil {
		return nil, fmt.Errorf("problem %q: %w", t.ProblemID, ErrNotFound)
	}
	p := &stepwise.Problem{}
	if err := json.Unmarshal(v, p); err != nil {
		return nil, damage.Corrupt("problem %s: an unreadable record: %v", t.ProblemID, err)
	}
	seq, err := resolve(tx, t.ID)
	if err != nil {
		return nil, err
	}
	o, err := ownProblemAt(tx.Bucket(schema.TraceProblems), seq)
	if err != nil {
		return nil, err
	}
	return o.apply(p), nil
}
