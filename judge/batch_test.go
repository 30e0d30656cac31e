package judge_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stepwise-dev/stepwise"
	"github.com/stepwise-dev/stepwise/judge"
	"github.com/stepwise-dev/stepwise/judge/llm"
)

func singleJob(i int) judge.Job {
	p, tr := problemAndTrace()
	tr.ID = fmt.Sprintf("t%d", i)
	return judge.Job{Problem: *p, Traces: []stepwise.Trace{*tr}}
}

func pairJob(i int, biased bool) judge.Job {
	p, a, b := twoTraces()
	a.ID, b.ID = fmt.Sprintf("good%d", i), fmt.Sprintf("bad%d", i)
	if biased {
		p.Text += " BIASED"
	}
	return judge.Job{Problem: *p, Traces: []stepwise.Trace{*a, *b}}
}

func TestBatch(t *testing.T) {
	model := &fakeModel{latency: 5 * time.Millisecond}
	r := &judge.Runner{Client: llm.Limit(model, 4), Profile: llm.Profile{Model: "fake", BaseURL: "http://127.0.0.1:1/v1", InputPricePerM: 1}}
	var jobs []judge.Job
	for i := range 6 {
		jobs = append(jobs, singleJob(i))
	}
	jobs = append(jobs, pairJob(0, false), pairJob(1, false), pairJob(2, true))
	p, tr := problemAndTrace()
	jobs = append(jobs, judge.Job{Problem: *p, Traces: []stepwise.Trace{*tr, *tr, *tr}}) // invalid

	var (
		results  = map[int]stepwise.Analysis{}
		inResult atomic.Int32
		overlap  atomic.Bool
		events   sync.Map
	)
	b := &judge.Batch{Runner: r, Concurrency: 4, OnResult: func(i int, a stepwise.Analysis) {
		if inResult.Add(1) > 1 {
			overlap.Store(true)
		}
		time.Sleep(time.Millisecond)
		results[i] = a
		inResult.Add(-1)
	}}
	sum, err := b.Run(context.Background(), slices.Values(jobs), func(e judge.Event) {
		if e.Kind == judge.EventDone {
			events.Store(e.Job, true)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	if overlap.Load() {
		t.Error("OnResult called concurrently")
	}
	if sum.Jobs != 10 || sum.Done != 10 || sum.Failed != 1 || len(results) != 10 {
		t.Errorf("summary %+v, %d results", sum, len(results))
	}
	if sum.Pairs != 3 || sum.Consistent != 2 || sum.Consistency != 2.0/3 {
		t.Errorf("pairs %d consistent %d consistency %v", sum.Pairs, sum.Consistent, sum.Consistency)
	}
	for i := range 10 {
		if _, ok := events.Load(i); !ok {
			t.Errorf("no done event for job %d", i)
		}
	}
	if a := results[9]; !strings.Contains(a.Error, "job has 3 traces") {
		t.Errorf("invalid job: %q", a.Error)
	}
	if a := results[0]; a.Verdict != judge.VerdictIncorrect || *a.FirstError != 1 || a.TraceIDs[0] != "t0" {
		t.Errorf("job 0: %+v", a)
	}
	if a := results[8]; a.Verdict != judge.VerdictInconsistent {
		t.Errorf("biased pair verdict %q", a.Verdict)
	}
	// 6 single jobs × 6 calls + 3 pairs × 11 calls.
	if n := model.calls.Load(); n != 6*6+3*11 {
		t.Errorf("%d model calls", n)
	}
	if m := model.maxIn.Load(); m > 4 {
		t.Errorf("%d calls in flight, cap 4", m)
	}
	var prompt int
	for _, a := range results {
		prompt += a.Usage.PromptTokens
	}
	if sum.Usage.PromptTokens != prompt || sum.Usage.CostUSD != float64(prompt)/1e6 {
		t.Errorf("usage %+v vs %d prompt tokens", sum.Usage, prompt)
	}
}

func TestBatchCancel(t *testing.T) {
	model := &fakeModel{latency: 20 * time.Millisecond}
	r := &judge.Runner{Client: llm.Limit(model, 2), Profile: llm.Profile{Model: "fake"}}
	ctx, cancel := context.WithCancel(context.Background())
	var got atomic.Int32
	b := &judge.Batch{Runner: r, Concurrency: 2, OnResult: func(int, stepwise.Analysis) {
		if got.Add(1) == 2 {
			cancel()
		}
	}}
	jobs := func(yield func(judge.Job) bool) {
		for i := range 1000 {
			if !yield(singleJob(i)) {
				return
			}
		}
	}
	sum, err := b.Run(ctx, jobs, nil)
	if err != context.Canceled {
		t.Fatalf("err %v", err)
	}
	if sum.Jobs >= 1000 || sum.Done != sum.Jobs || int(got.Load()) != sum.Done {
		t.Errorf("summary %+v, %d results", sum, got.Load())
	}
}

func TestEstimate(t *testing.T) {
	r := &judge.Runner{Profile: llm.Profile{Model: "m", InputPricePerM: 1, OutputPricePerM: 2}}
	s := singleJob(0)
	e := r.Estimate(slices.Values([]judge.Job{s}), 4)
	if e.Jobs != 1 || e.Calls != 7 || e.CompletionTokens != 200+5*450+600 || e.MaxCompletionTokens != 7*llm.DefaultMaxTokens {
		t.Errorf("single %+v", e)
	}
	if want := (float64(e.PromptTokens) + 2*float64(e.CompletionTokens)) / 1e6; e.CostUSD != want || e.MaxCostUSD <= e.CostUSD {
		t.Errorf("cost %v max %v, want %v", e.CostUSD, e.MaxCostUSD, want)
	}
	// 4000 more ASCII bytes in a step add 1000 tokens to each of the six
	// prompts that show the trace (five analyses and the verdict).
	long := singleJob(0)
	long.Traces[0].Steps[1].Text += strings.Repeat("a", 4000)
	if d := r.Estimate(slices.Values([]judge.Job{long}), 4).PromptTokens - e.PromptTokens; d != 6000 {
		t.Errorf("longer trace adds %d prompt tokens, want 6000", d)
	}
	pair := pairJob(0, false)
	ep := r.Estimate(slices.Values([]judge.Job{pair}), 4)
	if ep.Calls != 13 {
		t.Errorf("pairwise calls %d", ep.Calls)
	}
	pair.Traces[1].Steps[0].Text += strings.Repeat("b", 4000)
	if d := r.Estimate(slices.Values([]judge.Job{pair}), 4).PromptTokens - ep.PromptTokens; d != 12000 {
		t.Errorf("longer second trace adds %d prompt tokens, want 12000 (both orders)", d)
	}
	both := r.Estimate(slices.Values([]judge.Job{s, pairJob(0, false)}), 4)
	if both.Jobs != 2 || both.Calls != 20 || both.PromptTokens != e.PromptTokens+ep.PromptTokens {
		t.Errorf("sum %+v", both)
	}
}

func TestEstimateTokens(t *testing.T) {
	for s, want := range map[string]int{"": 0, "abcd": 1, "abcde": 2, "中文": 2, "ab中": 2} {
		if got := judge.EstimateTokens(s); got != want {
			t.Errorf("EstimateTokens(%q) = %d, want %d", s, got, want)
		}
	}
}
