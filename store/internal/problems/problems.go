// Package problems keeps the problems traces answer: one record per
// problem id, shared by every trace of the problem, from any dataset
// (problem_texts holds the records, JSON, numbered in arrival order;
// problems maps an id to its number, so that an import appends new
// records instead of inserting them under hashed keys), and, for a trace
// whose source wrote the problem differently, its own copy of the fields
// that differ (trace_problems).
//
// It imports store/internal/schema and damage, and the domain package.
package problems

import (
	"encoding/binary"
	"encoding/json"
	"fmt"

	bolt "go.etcd.io/bbolt"

	"github.com/stepwise-dev/stepwise"
	"github.com/stepwise-dev/stepwise/store/internal/damage"
	"github.com/stepwise-dev/stepwise/store/internal/schema"
)

// Record returns the stored record (JSON) of problem id, or nil when there
// is none.
func Record(tx *bolt.Tx, id string) ([]byte, error) {
	return RecordAt(tx, id, tx.Bucket(schema.Problems).Get([]byte(id)))
}

// RecordAt returns the record k, id's entry in problems, points at (nil
// for a nil k).
func RecordAt(tx *bolt.Tx, id string, k []byte) ([]byte, error) {
	if k == nil {
		return nil, nil
	}
	if len(k) != 8 {
		return nil, damage.Corrupt("problem %s: corrupt entry (%d bytes)", id, len(k))
	}
	v := tx.Bucket(schema.ProblemTexts).Get(k)
	if v == nil {
		return nil, damage.Corrupt("problem %s: record %d is missing", id, binary.BigEndian.Uint64(k))
	}
	return v, nil
}

// Get reads a problem in either layout: a record under its id (schemas
// before 8) or a number into problem_texts; nil when there is none.
func Get(tx *bolt.Tx, id string) (*stepwise.Problem, error) {
	k := tx.Bucket(schema.Problems).Get([]byte(id))
	if k == nil {
		return nil, nil
	}
	v := k
	if texts := tx.Bucket(schema.ProblemTexts); len(k) == 8 && texts != nil {
		if r := texts.Get(k); r != nil {
			v = r
		}
	}
	var p stepwise.Problem
	if err := json.Unmarshal(v, &p); err != nil {
		return nil, fmt.Errorf("problem %s: %w", id, err)
	}
	return &p, nil
}

// Problems are shared by the hash of their normalized text, so the stored
// problem has the text (and gold answer and solution) of whichever dataset
// brought it first: PRMBench's "$\$1.24$" and ProcessBench's "$1.24$", or a
// question with and without a double space, are one problem. A trace whose
// source wrote those fields otherwise keeps its own copy, so that an export
// gives back what the source said.
//
// The copies live in a bucket of their own rather than in the body: a
// body's content hash must be what a fresh import of the record computes
// (store/internal/ingest), and what the writer adds depends on what was stored
// before. The bucket is created by the first write that needs it; a store
// without it holds no such trace.

// Own holds the problem fields a trace's source wrote differently
// from the stored problem; nil means "as stored". An empty string is kept:
// the source had no gold answer where the stored problem has one.
type Own struct {
	Text         *string `json:"text,omitempty"`
	GoldAnswer   *string `json:"gold_answer,omitempty"`
	GoldSolution *string `json:"gold_solution,omitempty"`
}

// OwnOf compares the problem a trace's source gave with the stored
// one (after the trace's own fields were merged into it) and returns the
// fields that differ; ok is false when none does.
//
// A gold answer the source lacked and a later dataset adds to the stored
// problem is not caught: the trace was written while the problem had none.
// Writers of formats whose records lack a field decide that by the record's
// own shape (PRM800K phase 1 has no ground_truth_solution).
func OwnOf(own, stored *stepwise.Problem) (o Own, ok bool) {
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

// Apply returns p with the trace's own fields (p itself when there are none).
func (o *Own) Apply(p *stepwise.Problem) *stepwise.Problem {
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

// PutOwn writes the queued copies (keys are trace seqs, values JSON).
func PutOwn(tx *bolt.Tx, puts []schema.KV) error {
	if len(puts) == 0 {
		return nil
	}
	b, err := tx.CreateBucketIfNotExists(schema.TraceProblems)
	if err != nil {
		return fmt.Errorf("bucket %s: %w", schema.TraceProblems, err)
	}
	return schema.PutSorted(b, puts, 0.9)
}

// OwnAt reads the copy of trace seq, if any, from bucket b (nil when
// the store has none).
func OwnAt(b *bolt.Bucket, seq uint64) (Own, error) {
	var o Own
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
