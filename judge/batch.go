package judge

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"sync"
	"time"

	"github.com/stepwise-dev/stepwise"
)

// Job is one unit of batch work: one trace (single mode) or two traces of
// the same problem (pairwise mode).
type Job struct {
	Problem stepwise.Problem
	Traces  []stepwise.Trace
}

// Mode is the job's mode, from its trace count.
func (j Job) Mode() string {
	if len(j.Traces) == 2 {
		return ModePairwise
	}
	return ModeSingle
}

func (j Job) validate() error {
	switch len(j.Traces) {
	case 1:
		return nil
	case 2:
		if j.Traces[0].ID == j.Traces[1].ID {
			return fmt.Errorf("pairwise job compares trace %s with itself", j.Traces[0].ID)
		}
		return nil
	}
	return fmt.Errorf("job has %d traces; want 1 (single) or 2 (pairwise)", len(j.Traces))
}

// Batch runs many jobs with bounded concurrency.
type Batch struct {
	Runner *Runner
	// Concurrency is how many jobs run at once (default: the profile's
	// request cap). Within a job the analyses run in parallel too; with a
	// model of fixed latency, as many jobs as request slots keep about 97%
	// of the slots busy, a quarter as many about 48% (BenchmarkBatchSaturation).
	Concurrency int
	// OnResult receives each finished analysis with its job index, one call
	// at a time (it may write to the store without locking). Jobs that fail
	// validation or are cancelled still produce a result with Error set.
	OnResult func(job int, a stepwise.Analysis)
}

// Summary totals a batch.
type Summary struct {
	Jobs, Done int
	// Failed counts analyses with Error set (including invalid jobs).
	Failed int
	Usage  stepwise.Usage
	// Pairs counts pairwise analyses with both verdicts read; Consistent
	// those whose two orders agree; Consistency is their ratio (0 without
	// pairs).
	Pairs, Consistent int
	Consistency       float64
	Elapsed           time.Duration
}

// Run judges every job, at most Concurrency at a time, reporting progress
// and results as they come. It returns when all started jobs are done; on
// cancellation it starts no more and returns the context's error.
func (b *Batch) Run(ctx context.Context, jobs iter.Seq[Job], progress Progress) (Summary, error) {
	if b.Runner == nil {
		return Summary{}, errors.New("judge: batch without a runner")
	}
	n := b.Concurrency
	if n <= 0 {
		n = b.Runner.Profile.WithDefaults().Concurrency
	}
	start := b.Runner.now()
	var (
		sum  Summary
		mu   sync.Mutex // guards sum and serializes OnResult
		wg   sync.WaitGroup
		sem  = make(chan struct{}, n)
		next int // jobs taken from the sequence
		ran  int // jobs started
	)
	record := func(i int, a stepwise.Analysis) {
		mu.Lock()
		defer mu.Unlock()
		sum.Done++
		if a.Error != "" {
			sum.Failed++
		}
		sum.Usage = addUsage(sum.Usage, a.Usage)
		if p := a.Pair; p != nil && p.Winners[0] != "" && p.Winners[1] != "" {
			sum.Pairs++
			if p.Consistent {
				sum.Consistent++
			}
		}
		if b.OnResult != nil {
			b.OnResult(i, a)
		}
	}
	for job := range jobs {
		i := next
		next++
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			break
		}
		ran++
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			record(i, b.Runner.Run(ctx, i, job, progress))
		}()
	}
	wg.Wait()
	sum.Jobs = ran
	if sum.Pairs > 0 {
		sum.Consistency = float64(sum.Consistent) / float64(sum.Pairs)
	}
	sum.Elapsed = b.Runner.now().Sub(start)
	return sum, ctx.Err()
}

// Run judges one job by its mode. Invalid jobs give an Analysis with Error
// set, so that a batch reports them like any other failure.
func (r *Runner) Run(ctx context.Context, index int, j Job, progress Progress) stepwise.Analysis {
	if err := j.validate(); err != nil {
		a := stepwise.Analysis{ID: r.newID(), Mode: j.Mode(), Model: r.Profile.Model, Endpoint: r.Profile.Endpoint(),
			Prompt: r.prompts().Version, Started: r.now(), Error: "invalid job: " + err.Error()}
		for _, t := range j.Traces {
			a.TraceIDs = append(a.TraceIDs, t.ID)
		}
		if progress != nil {
			progress(Event{Job: index, Kind: EventDone, TraceIDs: a.TraceIDs, Analysis: &a, Err: err})
		}
		return a
	}
	if len(j.Traces) == 2 {
		a, _ := r.pairwise(ctx, index, &j.Problem, &j.Traces[0], &j.Traces[1], progress)
		return a
	}
	a, _ := r.single(ctx, index, &j.Problem, &j.Traces[0], progress)
	return a
}

func addUsage(a, b stepwise.Usage) stepwise.Usage {
	return stepwise.Usage{
		PromptTokens:     a.PromptTokens + b.PromptTokens,
		CompletionTokens: a.CompletionTokens + b.CompletionTokens,
		ReasoningTokens:  a.ReasoningTokens + b.ReasoningTokens,
		LatencySeconds:   a.LatencySeconds + b.LatencySeconds,
		CostUSD:          a.CostUSD + b.CostUSD,
	}
}
