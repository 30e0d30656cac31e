package judgerun

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"sync"

	"github.com/stepwise-dev/stepwise"
	"github.com/stepwise-dev/stepwise/judge"
	"github.com/stepwise-dev/stepwise/store"
)

// Unit is one job: one trace (single mode) or two of one problem
// (pairwise).
type Unit struct {
	Traces []Candidate
	// Mixed marks a pair with one known-correct and one known-wrong trace.
	Mixed bool
}

// Plan is the work a selection makes, before anything is sent.
type Plan struct {
	Units    []Unit
	Pairwise bool
	// Unpaired counts traces of the selection left without a partner.
	Unpaired int
	// Mixed counts pairs with a known-correct and a known-wrong trace.
	Mixed int
}

// Traces counts the traces the plan judges.
func (p *Plan) Traces() int {
	n := 0
	for _, u := range p.Units {
		n += len(u.Traces)
	}
	return n
}

func candidate(s store.Summary) Candidate {
	return Candidate{Seq: s.Seq, ID: s.ID, Problem: s.ProblemID, Correct: s.Correct}
}

// PlanFilter selects the traces matching f: one job per trace, or with
// pairwise one job per pair (MakePairs). In pairwise mode the filter's
// Offset and Limit count pairs, not traces, so that a limit never splits a
// problem's traces before they are paired.
func PlanFilter(db *store.DB, f store.Filter, pairwise bool) (*Plan, error) {
	lf := f
	if pairwise {
		lf.Offset, lf.Limit = 0, 0
	}
	var cs []Candidate
	if err := db.List(lf, func(s store.Summary) error {
		cs = append(cs, candidate(s))
		return nil
	}); err != nil {
		return nil, err
	}
	p := &Plan{Pairwise: pairwise}
	if !pairwise {
		for _, c := range cs {
			p.Units = append(p.Units, Unit{Traces: []Candidate{c}})
		}
		return p, nil
	}
	pairs, unpaired := MakePairs(cs)
	p.Unpaired = unpaired
	if f.Offset > 0 {
		pairs = pairs[min(f.Offset, len(pairs)):]
	}
	if f.Limit > 0 && len(pairs) > f.Limit {
		pairs = pairs[:f.Limit]
	}
	for _, pr := range pairs {
		p.Units = append(p.Units, Unit{Traces: []Candidate{pr.A, pr.B}, Mixed: pr.Mixed})
		if pr.Mixed {
			p.Mixed++
		}
	}
	return p, nil
}

// PlanIDs is one job on the given traces: one id judges a trace, two judge
// a pair (they must share a problem).
func PlanIDs(db *store.DB, ids ...string) (*Plan, error) {
	if len(ids) != 1 && len(ids) != 2 {
		return nil, fmt.Errorf("judge one trace or a pair, not %d", len(ids))
	}
	u := Unit{}
	for _, id := range ids {
		c, err := summaryOf(db, id)
		if err != nil {
			return nil, err
		}
		u.Traces = append(u.Traces, c)
	}
	if len(u.Traces) == 2 {
		a, b := u.Traces[0], u.Traces[1]
		if a.ID == b.ID {
			return nil, fmt.Errorf("a pair needs two different traces, got %s twice", a.ID)
		}
		if a.Problem != b.Problem {
			return nil, fmt.Errorf("traces %s and %s answer different problems; a pair must share one", a.ID, b.ID)
		}
		u.Mixed = a.Correct != nil && b.Correct != nil && *a.Correct != *b.Correct
	}
	p := &Plan{Units: []Unit{u}, Pairwise: len(ids) == 2}
	if u.Mixed {
		p.Mixed = 1
	}
	return p, nil
}

// summaryOf resolves an id (or a source id, or a unique prefix) and finds
// the trace's summary among its problem's traces.
func summaryOf(db *store.DB, id string) (Candidate, error) {
	t, err := db.Get(id)
	if err != nil {
		return Candidate{}, err
	}
	var out *Candidate
	stop := errors.New("found")
	err = db.List(store.Filter{Problem: t.ProblemID}, func(s store.Summary) error {
		if s.ID == t.ID {
			c := candidate(s)
			out = &c
			return stop
		}
		return nil
	})
	if err != nil && !errors.Is(err, stop) {
		return Candidate{}, err
	}
	if out == nil {
		return Candidate{}, fmt.Errorf("trace %s is not indexed under its problem %s", t.ID, t.ProblemID)
	}
	return *out, nil
}

// Partner finds a trace to pair with the given one: another trace of the
// same problem, of the opposite correctness when there is one (the earliest
// such), else the earliest other. "" when the trace is its problem's only one.
func Partner(db *store.DB, traceID string) (string, error) {
	me, err := summaryOf(db, traceID)
	if err != nil {
		return "", err
	}
	var first, opposite string
	err = db.List(store.Filter{Problem: me.Problem}, func(s store.Summary) error {
		if s.ID == me.ID {
			return nil
		}
		if first == "" {
			first = s.ID
		}
		if opposite == "" && me.Correct != nil && s.Correct != nil && *me.Correct != *s.Correct {
			opposite = s.ID
		}
		return nil
	})
	if opposite != "" {
		return opposite, err
	}
	return first, err
}

// jobSource loads a plan's jobs from the store as the batch asks for them,
// one trace at a time, so a large plan never sits in memory. A load error
// ends the sequence and is kept in err.
type jobSource struct {
	db   *store.DB
	plan *Plan

	mu  sync.Mutex
	err error
}

func (s *jobSource) fail(err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.err == nil {
		s.err = err
	}
}

func (s *jobSource) Err() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.err
}

func (s *jobSource) jobs() iter.Seq[judge.Job] {
	return func(yield func(judge.Job) bool) {
		for _, u := range s.plan.Units {
			j, err := loadJob(s.db, u)
			if err != nil {
				s.fail(err)
				return
			}
			if !yield(j) {
				return
			}
		}
	}
}

func loadJob(db *store.DB, u Unit) (judge.Job, error) {
	var j judge.Job
	for _, c := range u.Traces {
		t, err := db.GetSeq(c.Seq)
		if err != nil {
			return j, fmt.Errorf("load trace %s: %w", c.ID, err)
		}
		j.Traces = append(j.Traces, *t)
	}
	p, err := db.Problem(j.Traces[0].ProblemID)
	if err != nil {
		return j, fmt.Errorf("load problem of %s: %w", j.Traces[0].ID, err)
	}
	j.Problem = *p
	return j, nil
}

// Estimate prices the plan with the runner's profile and prompts without
// calling the model (judge.Runner.Estimate), loading each job's traces.
func Estimate(db *store.DB, r *judge.Runner, p *Plan) (judge.Estimate, error) {
	src := &jobSource{db: db, plan: p}
	e := r.Estimate(src.jobs(), 0)
	return e, src.Err()
}

// Saved is one finished job: the analysis as stored and its run number.
type Saved struct {
	Job      int
	Seq      uint64
	Analysis stepwise.Analysis
	Unit     Unit
}

// RunOptions tune Run.
type RunOptions struct {
	// Concurrency is the jobs at once (0: the profile's request cap).
	Concurrency int
	// Progress receives the judge's events (from several goroutines).
	Progress judge.Progress
	// OnSaved is called after each analysis is stored, one at a time.
	OnSaved func(Saved)
}

// Run judges a plan with bounded concurrency and stores every analysis as
// it finishes, failed and cancelled ones included (their tokens were
// spent, and provenance keeps them). A store error stops the batch. On
// cancellation, running jobs end with partial analyses, which are saved;
// the error is then the context's.
func Run(ctx context.Context, db *store.DB, r *judge.Runner, p *Plan, o RunOptions) (judge.Summary, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	src := &jobSource{db: db, plan: p}
	var saveErr error
	b := &judge.Batch{Runner: r, Concurrency: o.Concurrency, OnResult: func(i int, a stepwise.Analysis) {
		if saveErr != nil {
			return
		}
		seq, err := db.SaveAnalysis(&a)
		if err != nil {
			saveErr = fmt.Errorf("save analysis %s: %w", a.ID, err)
			cancel()
			return
		}
		if o.OnSaved != nil {
			o.OnSaved(Saved{Job: i, Seq: seq, Analysis: a, Unit: p.Units[i]})
		}
	}}
	sum, err := b.Run(ctx, src.jobs(), o.Progress)
	switch {
	case saveErr != nil:
		return sum, saveErr
	case src.Err() != nil:
		return sum, src.Err()
	}
	return sum, err
}

// Judge runs one job on the given traces (one: single; two: a pair of one
// problem), streams its progress to the callback and stores the analysis.
// This is the workbench's entry point: call it from a tea.Cmd goroutine,
// throttle the events into messages, and cancel through ctx. The analysis
// is returned and saved even when the run failed or was cancelled.
func Judge(ctx context.Context, db *store.DB, r *judge.Runner, progress judge.Progress, traceIDs ...string) (Saved, error) {
	p, err := PlanIDs(db, traceIDs...)
	if err != nil {
		return Saved{}, err
	}
	var out Saved
	_, err = Run(ctx, db, r, p, RunOptions{Concurrency: 1, Progress: progress, OnSaved: func(s Saved) { out = s }})
	if out.Analysis.ID == "" && err == nil {
		err = errors.New("judge: the run produced no analysis")
	}
	return out, err
}
