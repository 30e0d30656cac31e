package offline

import (
	"context"
	"fmt"

	"github.com/stepwise-dev/stepwise"
	"github.com/stepwise-dev/stepwise/verify"
)

// VerifyChecker is the ArithmeticChecker backed by the verify package:
// verify.FormalizeStep finds a step's claims (calculator annotations,
// equations, LaTeX arithmetic) and Decide checks each.
type VerifyChecker struct {
	// Decide checks one job. Nil uses verify's exact rational evaluator
	// directly (no process, always usable); pass an Engine's Check to get
	// its backend chain and cache.
	Decide func(ctx context.Context, job verify.Job) (verify.Result, error)
}

// CheckStep implements ArithmeticChecker. Claims the formalizer could not
// state come back as unsupported, with the reason, never dropped.
func (v VerifyChecker) CheckStep(ctx context.Context, tr *stepwise.Trace, step int) ([]stepwise.Formalization, error) {
	decide := v.Decide
	if decide == nil {
		r := verify.NewRational()
		decide = func(ctx context.Context, job verify.Job) (verify.Result, error) { return r.Check(ctx, job), nil }
	}
	var out []stepwise.Formalization
	for i, c := range verify.FormalizeStep(tr.Steps[step]) {
		if c.Err != "" {
			out = append(out, stepwise.Formalization{Origin: stepwise.FormalRule, Status: stepwise.StatusUnsupported,
				Messages: []string{"claim: " + c.Text, c.Err}})
			continue
		}
		f := c.Formalization()
		res, err := decide(ctx, verify.JobFor(fmt.Sprintf("%s/%d/%d", tr.ID, step, i), f))
		if err != nil {
			return out, err
		}
		f = res.Apply(f)
		f.Messages = append([]string{"claim: " + c.Text}, f.Messages...)
		out = append(out, f)
	}
	return out, nil
}
