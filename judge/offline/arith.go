package offline

import (
	"context"

	"github.com/stepwise-dev/stepwise"
)

// ArithmeticChecker finds and checks the arithmetic claims in one step of a
// trace. The verify package provides it: judge does not parse claims itself,
// so that one parser serves the whole program. This interface is the adapter
// point; a nil checker skips the arithmetic analyzer.
type ArithmeticChecker interface {
	CheckStep(ctx context.Context, tr *stepwise.Trace, step int) ([]stepwise.Formalization, error)
}

// ArithmeticFunc adapts a function to ArithmeticChecker.
type ArithmeticFunc func(ctx context.Context, tr *stepwise.Trace, step int) ([]stepwise.Formalization, error)

// CheckStep calls f.
func (f ArithmeticFunc) CheckStep(ctx context.Context, tr *stepwise.Trace, step int) ([]stepwise.Formalization, error) {
	return f(ctx, tr, step)
}

// ArithmeticTally counts a trace's checked claims by outcome.
type ArithmeticTally struct {
	Claims      int `json:"claims"`
	Proved      int `json:"proved"`
	Disproved   int `json:"disproved"`
	Unsupported int `json:"unsupported"`
	Other       int `json:"other"`
}

func (t *ArithmeticTally) add(f stepwise.Formalization) {
	t.Claims++
	switch f.Status {
	case stepwise.StatusProved, stepwise.StatusProvedTrustingCompiler:
		t.Proved++
	case stepwise.StatusDisproved:
		t.Disproved++
	case stepwise.StatusUnsupported, stepwise.StatusSkipped:
		t.Unsupported++
	default:
		t.Other++
	}
}
