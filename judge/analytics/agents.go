package analytics

import (
	"context"

	"github.com/stepwise-dev/stepwise"
	"github.com/stepwise-dev/stepwise/store"
)

// Agent traces (DeepDiver, ToolACE-R): how much a trace searched and
// called tools, and whether more search bought accuracy.

// AgentTrace is one trace's tool use.
type AgentTrace struct {
	TraceID string `json:"trace_id"`
	Model   string `json:"model"`
	// ToolCalls counts calls; SearchCalls those of a tool whose name says
	// search; Rounds the assistant turns that call a tool; Repeated the
	// calls repeating an earlier call's name and arguments; Failed the
	// results that report an error.
	ToolCalls   int   `json:"tool_calls"`
	SearchCalls int   `json:"search_calls"`
	Rounds      int   `json:"rounds"`
	Repeated    int   `json:"repeated_calls"`
	Failed      int   `json:"failed_calls"`
	Correct     *bool `json:"correct"`
}

// IntensityRow is the accuracy of the traces with a given number of search
// calls.
type IntensityRow struct {
	SearchCalls int      `json:"search_calls"`
	Traces      int      `json:"traces"`
	Graded      int      `json:"graded"`
	Accuracy    *float64 `json:"accuracy"`
}

// Agents reads every selected trace's tool use from the summaries (traces
// without a tool call are left out) and the accuracy by search intensity.
func Agents(ctx context.Context, db *store.DB, f store.Filter) ([]AgentTrace, []IntensityRow, error) {
	var out []AgentTrace
	err := db.List(f, func(s store.Summary) error {
		if u := s.Tools; u.Calls > 0 {
			out = append(out, AgentTrace{TraceID: s.ID, Model: s.Model, ToolCalls: u.Calls, SearchCalls: u.Search,
				Rounds: u.Rounds, Repeated: u.Repeated, Failed: u.Failed, Correct: s.Correct})
		}
		return ctx.Err()
	})
	if err != nil {
		return nil, nil, err
	}
	return out, intensity(out), nil
}

// DifficultyIntensity is the tool use and accuracy of the agent traces of
// one difficulty bucket: whether harder problems get more search, and
// what it buys.
type DifficultyIntensity struct {
	Difficulty      string   `json:"difficulty"`
	Traces          int      `json:"traces"`
	MeanSearchCalls float64  `json:"mean_search_calls"`
	MeanToolCalls   float64  `json:"mean_tool_calls"`
	Graded          int      `json:"graded"`
	Accuracy        *float64 `json:"accuracy"`
}

// IntensityByDifficulty groups the selected agent traces by their
// problem's difficulty (sampled accuracy over every trace f selects, as
// ProblemAccuracy computes it), in bucket order.
func IntensityByDifficulty(ctx context.Context, db *store.DB, f store.Filter, b Buckets) ([]DifficultyIntensity, error) {
	ps, err := ProblemAccuracy(ctx, db, f, b)
	if err != nil {
		return nil, err
	}
	bucket := make(map[string]string, len(ps))
	for _, p := range ps {
		bucket[p.ProblemID] = p.Difficulty
	}
	type sums struct{ traces, search, calls, graded, correct int }
	by := map[string]*sums{}
	err = db.List(f, func(s store.Summary) error {
		if s.Tools.Calls == 0 || !IsSample(s.Model) {
			return ctx.Err()
		}
		d := bucket[s.ProblemID]
		if d == "" {
			d = b.Bucket(nil) // a reference-only problem: no sampled accuracy
		}
		x := by[d]
		if x == nil {
			x = &sums{}
			by[d] = x
		}
		x.traces++
		x.search += s.Tools.Search
		x.calls += s.Tools.Calls
		if s.Correct != nil {
			x.graded++
			if *s.Correct {
				x.correct++
			}
		}
		return ctx.Err()
	})
	var out []DifficultyIntensity
	for _, d := range BucketNames() {
		if x := by[d]; x != nil {
			out = append(out, DifficultyIntensity{Difficulty: d, Traces: x.traces, MeanSearchCalls: float64(x.search) / float64(x.traces),
				MeanToolCalls: float64(x.calls) / float64(x.traces), Graded: x.graded, Accuracy: ratio(x.correct, x.graded)})
		}
	}
	return out, err
}

func intensity(ts []AgentTrace) []IntensityRow {
	by := map[int]*IntensityRow{}
	correct := map[int]int{}
	most := 0
	for _, t := range ts {
		r := by[t.SearchCalls]
		if r == nil {
			r = &IntensityRow{SearchCalls: t.SearchCalls}
			by[t.SearchCalls] = r
		}
		r.Traces++
		if t.Correct != nil {
			r.Graded++
			if *t.Correct {
				correct[t.SearchCalls]++
			}
		}
		most = max(most, t.SearchCalls)
	}
	var out []IntensityRow
	for n := 0; n <= most; n++ {
		if r := by[n]; r != nil {
			r.Accuracy = ratio(correct[n], r.Graded)
			out = append(out, *r)
		}
	}
	return out
}

// AgentsOf is Agents over traces already loaded.
func AgentsOf(traces []*stepwise.Trace) ([]AgentTrace, []IntensityRow) {
	var out []AgentTrace
	for _, t := range traces {
		if u := t.ToolUse(); u.Calls > 0 {
			out = append(out, AgentTrace{TraceID: t.ID, Model: t.Model, ToolCalls: u.Calls, SearchCalls: u.Search,
				Rounds: u.Rounds, Repeated: u.Repeated, Failed: u.Failed, Correct: t.Correct})
		}
	}
	return out, intensity(out)
}
