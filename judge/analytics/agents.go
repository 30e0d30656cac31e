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

// Agents reads every selected trace's tool use (traces without a tool call
// are left out) and the accuracy by search intensity.
func Agents(ctx context.Context, db *store.DB, f store.Filter) ([]AgentTrace, []IntensityRow, error) {
	var out []AgentTrace
	err := db.EachEvidence(ctx, f, func(ev *store.TraceEvidence) error {
		if a, ok := agentTrace(ev.Trace); ok {
			out = append(out, a)
		}
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	return out, intensity(out), nil
}

func agentTrace(t *stepwise.Trace) (AgentTrace, bool) {
	u := t.ToolUse()
	if u.Calls == 0 {
		return AgentTrace{}, false
	}
	return AgentTrace{TraceID: t.ID, Model: t.Model, ToolCalls: u.Calls, SearchCalls: u.Search, Rounds: u.Rounds,
		Repeated: u.Repeated, Failed: u.Failed, Correct: t.Correct}, true
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
		if a, ok := agentTrace(t); ok {
			out = append(out, a)
		}
	}
	return out, intensity(out)
}
