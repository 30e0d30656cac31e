package judge_test

import (
	"context"
	"encoding/json"
	"strings"
	"sync/atomic"
	"time"

	"github.com/stepwise-dev/stepwise/judge/llm"
)

// fakeModel is an in-process model double for batch tests and benchmarks:
// it answers each stage with a canned reply after a fixed latency and keeps
// count of calls in flight. Pairwise verdicts prefer the response holding
// GOOD-MARKER, unless the problem text says BIASED.
type fakeModel struct {
	latency  time.Duration
	calls    atomic.Int64
	inFlight atomic.Int64
	maxIn    atomic.Int64
}

var (
	fakeCriteria = mustMarshal(map[string]any{"criteria": []string{"Is every computation right?", "Is the answer stated?", "Are the conditions used?"}})
	fakeAnalysis = mustMarshal(map[string]any{"mode": "text", "analysis": "Step 0 computes the product; later steps follow.", "code": ""})
	fakeSingle   = mustMarshal(map[string]any{"reasoning": "Step 1 is wrong.", "verdict": "incorrect", "first_error": 1, "flags": []any{map[string]any{"step": 1, "reason": "bad arithmetic"}}})
)

func mustMarshal(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

func (f *fakeModel) Chat(ctx context.Context, req llm.Request) (llm.Response, error) {
	f.calls.Add(1)
	n := f.inFlight.Add(1)
	defer f.inFlight.Add(-1)
	for {
		m := f.maxIn.Load()
		if n <= m || f.maxIn.CompareAndSwap(m, n) {
			break
		}
	}
	if f.latency > 0 {
		select {
		case <-time.After(f.latency):
		case <-ctx.Done():
			return llm.Response{}, ctx.Err()
		}
	}
	u := req.Messages[len(req.Messages)-1].Content
	var out string
	switch req.Schema.Name {
	case "evaluation_questions":
		out = fakeCriteria
	case "criterion_analysis":
		out = fakeAnalysis
	case "trace_verdict":
		out = fakeSingle
	default:
		switch {
		case strings.Contains(u, "BIASED"):
			out = `{"reasoning": "first", "winner": 1}`
		case strings.Index(u, "GOOD-MARKER") < strings.Index(u, "BAD-MARKER"):
			out = `{"reasoning": "first", "winner": 1}`
		default:
			out = `{"reasoning": "second", "winner": 2}`
		}
	}
	return llm.Response{Content: out, FinishReason: "stop", Usage: llm.Usage{PromptTokens: len(u) / 4, CompletionTokens: len(out) / 4}, UsageKnown: true}, nil
}
