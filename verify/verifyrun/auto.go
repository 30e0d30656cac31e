package verifyrun

import (
	"context"
	"sync"

	"github.com/stepwise-dev/stepwise"
	"github.com/stepwise-dev/stepwise/verify"
)

// autoParallel bounds LLM calls at once for one trace.
const autoParallel = 4

// autoEligible says whether the LLM formalizer should see a step: prose
// reasoning with no formalization of its own (a dataset that marked a step
// "No Verification Required" has decided already).
func autoEligible(s *stepwise.Step) bool {
	switch s.Kind {
	case stepwise.StepReasoning, stepwise.StepThinking, stepwise.StepAnswer, "":
	default:
		return false
	}
	return len(s.Formalizations) == 0 && len(s.Text) > 0
}

// autoformalize asks the LLM for the statements of the given step slots,
// a few at a time. A failed call becomes a backend_error entry (not cached,
// so the next run asks again); only the end of ctx stops the trace.
func (r *run) autoformalize(ctx context.Context, t *stepwise.Trace, tw *traceWork, slots []int) error {
	question := ""
	if p, err := r.v.db.Problem(t.ProblemID); err == nil {
		question = p.Text
	}
	results := make([]entry, len(slots))
	sem := make(chan struct{}, autoParallel)
	var wg sync.WaitGroup
	for k, si := range slots {
		i := tw.steps[si].step
		prev := make([]string, i)
		for j := range prev {
			prev[j] = t.Steps[j].Text
		}
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			res, err := r.opts.Auto.Formalize(ctx, question, prev, t.Steps[i].Text)
			results[k] = r.autoEntry(stepID(t.ID, i), res, err)
		}()
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return err
	}
	for k, si := range slots {
		tw.steps[si].entries = append(tw.steps[si].entries, results[k])
	}
	return nil
}

func (r *run) autoEntry(id string, res verify.AutoResult, err error) entry {
	f := res.Formalization
	if err != nil {
		f = stepwise.Formalization{Origin: stepwise.FormalLLM, Status: stepwise.StatusBackendError,
			Messages: []string{err.Error()}}
		return entry{f: f}
	}
	switch f.Status {
	case stepwise.StatusSkipped, stepwise.StatusStatementError:
		return entry{f: f}
	}
	job := r.adjust(verify.JobFor(id, f))
	return entry{f: f, job: &job}
}
