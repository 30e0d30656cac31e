package verifyrun

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/stepwise-dev/stepwise"
	"github.com/stepwise-dev/stepwise/store"
	"github.com/stepwise-dev/stepwise/verify"
)

// Options tune a run.
type Options struct {
	// Backend pins one backend by name; empty walks the engine's chain.
	Backend string
	// Timeout overrides the configured per-check budget.
	Timeout time.Duration
	// NoCache checks again even when a result is cached (and caches anew).
	NoCache bool
	// Auto, when set, formalizes with an LLM the steps in which neither the
	// data nor the rule-based formalizer found anything to check.
	Auto *verify.AutoFormalizer
	// SaveEvery is the number of finished traces committed together
	// (default 256); a run also commits at least once a second.
	SaveEvery int
	// Window bounds the traces loaded and not yet finished (default 1024),
	// so memory does not grow with the target.
	Window int
}

// StepResult is one checked formalization of a step.
type StepResult struct {
	TraceID string
	Seq     uint64
	Step    int
	// Index is the formalization's place among the step's checks.
	Index int
	// Formalization is what is saved: statement, origin, status, backend,
	// messages, evidence, cache key.
	Formalization stepwise.Formalization
	// Result is the backend's full answer (zero for claims that could not
	// be stated and LLM answers that need no check).
	Result verify.Result
	// Claim is set for rule-based formalizations (the claim's text and span
	// in the step).
	Claim *verify.Claim
	// Claimed is the status the dataset claimed for an imported
	// formalization ("" for others).
	Claimed stepwise.ProofStatus
}

// SavedTrace reports a trace whose checks are committed.
type SavedTrace struct {
	TraceID string
	Seq     uint64
	// Strip is the trace's new proof strip (store.StripStatus reads it).
	Strip string
	Steps []store.CheckedStep
}

// Progress counts a run so far.
type Progress struct {
	// Traces is the number of traces targeted; TracesDone have every
	// formalization checked, TracesSaved are committed.
	Traces, TracesDone, TracesSaved int
	// Checks is the number of formalizations found so far, ChecksDone of
	// them have a status.
	Checks, ChecksDone int
}

// Update is what a run reports: one result, or a committed trace, with the
// progress so far.
type Update struct {
	Result   *StepResult
	Saved    *SavedTrace
	Progress Progress
}

// Summary is a finished (or canceled) run.
type Summary struct {
	Progress
	// Steps is the number of steps looked at.
	Steps int
	// ByStatus counts checked formalizations by status.
	ByStatus map[stepwise.ProofStatus]int
	// BackendCalls, CacheHits and Deduped are the engine's counts for this
	// run (approximate if other runs share the engine meanwhile).
	BackendCalls, CacheHits, Deduped int64
	Elapsed                          time.Duration
}

// Run formalizes and checks the target's steps and saves the results.
// Steps are formalized from the data (imported statements, re-checked),
// from arithmetic in their text (rule-based), and with opts.Auto when set.
// Checks run with the engine's concurrency bound; each is called, one call
// at a time and never inside a store transaction, for every result and
// every committed trace. Traces are saved whole: when ctx ends, the traces
// already finished are saved and ctx.Err() is returned.
func (v *Verifier) Run(ctx context.Context, target Target, opts Options, each func(Update)) (Summary, error) {
	start := time.Now()
	before := v.eng.Stats()
	if each == nil {
		each = func(Update) {}
	}
	if err := target.validate(); err != nil {
		return Summary{}, err
	}
	if opts.Backend != "" && !slices.ContainsFunc(v.eng.Backends(), func(b verify.Backend) bool { return b.Name() == opts.Backend }) {
		return Summary{}, fmt.Errorf("verify: backend %q is not available (see `stepwise doctor`)", opts.Backend)
	}
	seqs, err := target.seqs(ctx, v.db)
	if err != nil {
		return Summary{}, err
	}
	r := newRun(v, target, opts, each, len(seqs))
	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	jobs := make(chan verify.Job)
	regs := make(chan *traceWork)
	prodErr := make(chan error, 1)
	go func() { prodErr <- r.produce(runCtx, seqs, regs, jobs) }()
	collectErr := r.collect(regs, v.eng.Stream(runCtx, jobs), cancel)
	perr := <-prodErr
	flushErr := v.Flush()
	after := v.eng.Stats()
	sum := r.summary()
	sum.BackendCalls = after.BackendCalls - before.BackendCalls
	sum.CacheHits = after.CacheHits - before.CacheHits
	sum.Deduped = after.Deduped - before.Deduped
	sum.Elapsed = time.Since(start)
	switch {
	case collectErr != nil:
		return sum, collectErr
	case perr != nil && !errors.Is(perr, context.Canceled):
		return sum, perr
	case ctx.Err() != nil:
		return sum, ctx.Err()
	}
	return sum, flushErr
}
