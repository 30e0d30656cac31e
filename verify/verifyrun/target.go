package verifyrun

import (
	"context"
	"errors"
	"fmt"

	"github.com/stepwise-dev/stepwise/store"
)

// Target says which traces and steps to check: one step, one trace, or
// every trace a filter matches.
type Target struct {
	// TraceIDs names traces (ids, source ids or unique prefixes); when
	// empty, Filter selects them (its Offset and Limit apply).
	TraceIDs []string
	Filter   store.Filter
	// Steps restricts a single named trace to these 0-based steps.
	Steps []int
}

// StepTarget is one step of one trace ("verify the current step").
func StepTarget(traceID string, step int) Target {
	return Target{TraceIDs: []string{traceID}, Steps: []int{step}}
}

// TraceTarget is every step of one trace.
func TraceTarget(traceID string) Target { return Target{TraceIDs: []string{traceID}} }

// FilterTarget is every trace the filter matches.
func FilterTarget(f store.Filter) Target { return Target{Filter: f} }

func (t Target) validate() error {
	if len(t.Steps) > 0 && len(t.TraceIDs) != 1 {
		return errors.New("verify: steps can be chosen only within one trace")
	}
	for _, s := range t.Steps {
		if s < 0 {
			return fmt.Errorf("verify: step %d: steps count from 0", s)
		}
	}
	if len(t.TraceIDs) == 0 {
		return t.Filter.Validate()
	}
	return nil
}

// seqs lists the target's traces in import order (named traces in the
// order given). It reads sequence numbers only, in one short read
// transaction per chunk: no transaction stays open while checks run.
func (t Target) seqs(ctx context.Context, db *store.DB) ([]uint64, error) {
	if len(t.TraceIDs) > 0 {
		out := make([]uint64, 0, len(t.TraceIDs))
		for _, id := range t.TraceIDs {
			seq, err := db.ResolveSeq(id)
			if err != nil {
				return nil, err
			}
			out = append(out, seq)
		}
		return out, nil
	}
	var out []uint64
	skip := t.Filter.Offset
	err := db.Seqs(ctx, t.Filter, store.Order{}, func(chunk []uint64) error {
		if skip >= len(chunk) {
			skip -= len(chunk)
			return nil
		}
		out = append(out, chunk[skip:]...)
		skip = 0
		if t.Filter.Limit > 0 && len(out) >= t.Filter.Limit {
			out = out[:t.Filter.Limit]
			return errEnough
		}
		return nil
	})
	if errors.Is(err, errEnough) {
		err = nil
	}
	return out, err
}

var errEnough = errors.New("enough traces")
