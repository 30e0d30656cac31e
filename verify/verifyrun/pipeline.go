package verifyrun

import (
	"context"
	"fmt"
	"time"

	"github.com/stepwise-dev/stepwise"
	"github.com/stepwise-dev/stepwise/store"
	"github.com/stepwise-dev/stepwise/verify"
)

// A run is a pipeline: the producer loads traces one at a time (a short
// read transaction each), formalizes their steps and feeds the jobs to the
// engine's stream; the collector, the only goroutine that touches the run's
// state, files each outcome under its trace, reports it, and commits
// finished traces in batches. The producer registers a trace with the
// collector before sending its jobs, so an outcome always finds its trace.

// entry is one formalization of a step, decided or waiting for its job.
type entry struct {
	f       stepwise.Formalization
	claim   *verify.Claim
	claimed stepwise.ProofStatus
	job     *verify.Job
}

type stepWork struct {
	step    int
	entries []entry
}

// loc places a job in its trace: step slot and entry.
type loc struct{ step, entry int }

type traceWork struct {
	id    string
	seq   uint64
	steps []stepWork
	// first is the engine stream's index of the trace's first job; jobs
	// are sent in order, so job k has index first+k.
	first     int
	jobs      []loc
	remaining int
}

type run struct {
	v        *Verifier
	target   Target
	opts     Options
	each     func(Update)
	window   chan struct{}
	prog     Progress
	steps    int
	byStatus map[stepwise.ProofStatus]int
	batch    []*traceWork
	lastSave time.Time
}

func newRun(v *Verifier, target Target, opts Options, each func(Update), traces int) *run {
	if opts.SaveEvery <= 0 {
		opts.SaveEvery = 256
	}
	if opts.Window <= 0 {
		opts.Window = 1024
	}
	return &run{v: v, target: target, opts: opts, each: each, window: make(chan struct{}, opts.Window),
		prog: Progress{Traces: traces}, byStatus: map[stepwise.ProofStatus]int{}, lastSave: time.Now()}
}

func (r *run) summary() Summary {
	return Summary{Progress: r.prog, Steps: r.steps, ByStatus: r.byStatus}
}

// produce loads and formalizes the traces and sends their jobs.
func (r *run) produce(ctx context.Context, seqs []uint64, regs chan<- *traceWork, jobs chan<- verify.Job) error {
	defer close(jobs)
	defer close(regs)
	next := 0
	for _, seq := range seqs {
		select {
		case r.window <- struct{}{}:
		case <-ctx.Done():
			return ctx.Err()
		}
		t, err := r.v.db.GetSeq(seq)
		if err != nil {
			return fmt.Errorf("verify: %w", err)
		}
		tw, err := r.build(ctx, seq, t)
		if err != nil {
			return err
		}
		tw.first = next
		next += len(tw.jobs)
		select {
		case regs <- tw:
		case <-ctx.Done():
			return ctx.Err()
		}
		for _, l := range tw.jobs {
			select {
			case jobs <- *tw.steps[l.step].entries[l.entry].job:
			case <-ctx.Done():
				return ctx.Err()
			}
		}
	}
	return nil
}

// build formalizes the target's steps of one trace.
func (r *run) build(ctx context.Context, seq uint64, t *stepwise.Trace) (*traceWork, error) {
	tw := &traceWork{id: t.ID, seq: seq}
	steps := r.target.Steps
	if len(steps) == 0 {
		steps = make([]int, len(t.Steps))
		for i := range steps {
			steps[i] = i
		}
	}
	var needAuto []int // step slots for the LLM formalizer
	for _, i := range steps {
		if i >= len(t.Steps) {
			return nil, fmt.Errorf("verify: trace %s has %d steps, no step %d", t.ID, len(t.Steps), i)
		}
		sw := stepWork{step: i}
		for _, sj := range verify.StepJobs(stepID(t.ID, i), t.Steps[i]) {
			e := entry{f: sj.Formalization, claim: sj.Claim}
			if sj.Formalization.Origin == stepwise.FormalImported {
				e.claimed, _ = verify.Claimed(sj.Formalization)
			}
			if sj.Job.Statement != "" {
				job := r.adjust(sj.Job)
				e.job = &job
			}
			sw.entries = append(sw.entries, e)
		}
		if len(sw.entries) == 0 && r.opts.Auto != nil && autoEligible(&t.Steps[i]) {
			needAuto = append(needAuto, len(tw.steps))
		}
		tw.steps = append(tw.steps, sw)
	}
	if len(needAuto) > 0 {
		if err := r.autoformalize(ctx, t, tw, needAuto); err != nil {
			return nil, err
		}
	}
	for si, sw := range tw.steps {
		for ei, e := range sw.entries {
			if e.job != nil {
				tw.jobs = append(tw.jobs, loc{si, ei})
			}
		}
	}
	tw.remaining = len(tw.jobs)
	return tw, nil
}

// adjust applies the run's options to a job.
func (r *run) adjust(j verify.Job) verify.Job {
	j.Backend, j.NoCache = r.opts.Backend, r.opts.NoCache
	if r.opts.Timeout > 0 {
		j.Timeout = r.opts.Timeout
	}
	return j
}

func stepID(traceID string, step int) string { return fmt.Sprintf("%s#%d", traceID, step) }

// collect files outcomes under their traces and saves finished traces. It
// returns the first save error (after which it cancels the run and drains).
func (r *run) collect(regs <-chan *traceWork, out <-chan verify.Outcome, cancel func()) error {
	byIndex := map[int]*traceWork{}
	tick := time.NewTicker(250 * time.Millisecond)
	defer tick.Stop()
	var saveErr error
	for regs != nil || out != nil {
		select {
		case tw, ok := <-regs:
			if !ok {
				regs = nil
				continue
			}
			r.register(tw, byIndex)
		case o, ok := <-out:
			if !ok {
				out = nil
				continue
			}
			tw := byIndex[o.Index]
			delete(byIndex, o.Index)
			if tw == nil {
				continue // cannot happen: every job is registered first
			}
			r.settle(tw, tw.jobs[o.Index-tw.first], o)
		case <-tick.C:
		}
		if saveErr == nil && r.due() {
			if saveErr = r.save(); saveErr != nil {
				cancel()
			}
		}
	}
	if saveErr == nil {
		saveErr = r.save()
	}
	return saveErr
}

func (r *run) register(tw *traceWork, byIndex map[int]*traceWork) {
	for k := range tw.jobs {
		byIndex[tw.first+k] = tw
	}
	r.steps += len(tw.steps)
	for si, sw := range tw.steps {
		r.prog.Checks += len(sw.entries)
		for ei, e := range sw.entries {
			if e.job == nil {
				r.report(tw, si, ei, verify.Result{})
			}
		}
	}
	if tw.remaining == 0 {
		r.finish(tw)
	}
}

// settle applies an outcome to its entry.
func (r *run) settle(tw *traceWork, l loc, o verify.Outcome) {
	e := &tw.steps[l.step].entries[l.entry]
	if o.Err != nil {
		o.Result = verify.Result{Status: stepwise.StatusBackendError, Detail: o.Err.Error(), At: time.Now()}
	}
	e.f = o.Result.Apply(e.f)
	r.report(tw, l.step, l.entry, o.Result)
	if tw.remaining--; tw.remaining == 0 {
		r.finish(tw)
	}
}

func (r *run) report(tw *traceWork, si, ei int, res verify.Result) {
	e := &tw.steps[si].entries[ei]
	r.prog.ChecksDone++
	r.byStatus[e.f.Status]++
	r.each(Update{Result: &StepResult{TraceID: tw.id, Seq: tw.seq, Step: tw.steps[si].step, Index: ei,
		Formalization: e.f, Result: res, Claim: e.claim, Claimed: e.claimed}, Progress: r.prog})
}

func (r *run) finish(tw *traceWork) {
	r.prog.TracesDone++
	r.batch = append(r.batch, tw)
	<-r.window
}

func (r *run) due() bool {
	return len(r.batch) >= r.opts.SaveEvery || len(r.batch) > 0 && time.Since(r.lastSave) >= time.Second
}

// save commits the finished traces in one transaction.
func (r *run) save() error {
	if len(r.batch) == 0 {
		return nil
	}
	now := time.Now()
	batch := make([]store.TraceChecks, len(r.batch))
	for i, tw := range r.batch {
		batch[i] = tw.checks(now)
	}
	strips, err := r.v.db.PutChecksBatch(batch)
	if err != nil {
		return err
	}
	for i, tw := range r.batch {
		r.prog.TracesSaved++
		r.each(Update{Saved: &SavedTrace{TraceID: tw.id, Seq: tw.seq, Strip: strips[i], Steps: batch[i].Steps},
			Progress: r.prog})
	}
	r.batch, r.lastSave = r.batch[:0], now
	return nil
}

func (tw *traceWork) checks(at time.Time) store.TraceChecks {
	tc := store.TraceChecks{TraceID: tw.id, Seq: tw.seq, Steps: make([]store.CheckedStep, len(tw.steps))}
	for i, sw := range tw.steps {
		cs := store.CheckedStep{Step: sw.step, At: at}
		for _, e := range sw.entries {
			cs.Formalizations = append(cs.Formalizations, e.f)
		}
		tc.Steps[i] = cs
	}
	return tc
}
