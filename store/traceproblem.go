package store

import (
	"encoding/json"
	"fmt"

	bolt "go.etcd.io/bbolt"

	"github.com/stepwise-dev/stepwise"
	"github.com/stepwise-dev/stepwise/store/internal/damage"
	"github.com/stepwise-dev/stepwise/store/internal/problems"
	"github.com/stepwise-dev/stepwise/store/internal/schema"
)

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
	p, err := storedProblemOf(tx, t)
	if err != nil {
		return nil, err
	}
	seq, err := resolve(tx, t.ID)
	if err != nil {
		return nil, err
	}
	return ownProblem(tx, seq, p)
}

// traceProblemSeq is traceProblem for t, the trace of seq.
func traceProblemSeq(tx *bolt.Tx, seq uint64, t *stepwise.Trace) (*stepwise.Problem, error) {
	p, err := storedProblemOf(tx, t)
	if err != nil {
		return nil, err
	}
	return ownProblem(tx, seq, p)
}

// storedProblemOf reads the stored problem of t.
func storedProblemOf(tx *bolt.Tx, t *stepwise.Trace) (*stepwise.Problem, error) {
	v, err := problems.Record(tx, t.ProblemID)
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
	return p, nil
}

// ownProblem applies trace seq's own problem fields to p.
func ownProblem(tx *bolt.Tx, seq uint64, p *stepwise.Problem) (*stepwise.Problem, error) {
	o, err := problems.OwnAt(tx.Bucket(schema.TraceProblems), seq)
	if err != nil {
		return nil, err
	}
	return o.Apply(p), nil
}
