package analytics

import (
	"context"
	"sort"

	"github.com/stepwise-dev/stepwise"
	"github.com/stepwise-dev/stepwise/store"
)

// Tokens are token sums, over the traces that record them.
type Tokens struct {
	Prompt     int `json:"prompt"`
	Completion int `json:"completion"`
	Reasoning  int `json:"reasoning"`
}

// Model is one model's statistics over its traces.
type Model struct {
	Model    string   `json:"model"`
	Traces   int      `json:"traces"`
	Problems int      `json:"problems"`
	Graded   int      `json:"graded"`
	Correct  int      `json:"correct"`
	Accuracy *float64 `json:"accuracy"`
	// MeanSteps is the mean number of steps of a trace.
	MeanSteps float64 `json:"mean_steps"`
	// Tokens sums what the traces record; WithUsage counts the traces that
	// record any; CostUSD sums the costs they record (null when none does).
	Tokens    Tokens   `json:"tokens"`
	WithUsage int      `json:"with_usage"`
	CostUSD   *float64 `json:"cost_usd"`
}

// Price is what a model's tokens cost, in USD per million.
type Price struct {
	InputPerM  float64 `toml:"input_per_m" json:"input_per_m"`
	OutputPerM float64 `toml:"output_per_m" json:"output_per_m"`
}

// cost prices a trace's usage: its own cost when the source records one,
// else its tokens at the model's price (reasoning tokens are output), else
// nothing.
func cost(u *stepwise.Usage, p *Price) (float64, bool) {
	switch {
	case u.CostUSD > 0:
		return u.CostUSD, true
	case p != nil && u.PromptTokens+u.CompletionTokens+u.ReasoningTokens > 0:
		out := u.CompletionTokens
		if u.ReasoningTokens > u.CompletionTokens {
			out = u.ReasoningTokens // some sources count reasoning apart from completion
		}
		return (float64(u.PromptTokens)*p.InputPerM + float64(out)*p.OutputPerM) / 1e6, true
	}
	return 0, false
}

// Models computes each model's statistics over the traces the filter
// selects; reference solutions are not a model. prices give a cost to
// the traces whose source records tokens but no cost.
func Models(ctx context.Context, db *store.DB, f store.Filter, prices map[string]Price) ([]Model, error) {
	by := map[string]*Model{}
	problems := map[string]map[string]bool{}
	steps := map[string]int{}
	err := db.EachEvidence(ctx, f, func(ev *store.TraceEvidence) error {
		t := ev.Trace
		if !IsSample(t.Model) {
			return nil
		}
		m := by[t.Model]
		if m == nil {
			m = &Model{Model: t.Model}
			by[t.Model] = m
			problems[t.Model] = map[string]bool{}
		}
		m.Traces++
		problems[t.Model][t.ProblemID] = true
		steps[t.Model] += len(t.Steps)
		if t.Correct != nil {
			m.Graded++
			if *t.Correct {
				m.Correct++
			}
		}
		if u := t.Usage; u != nil {
			m.WithUsage++
			m.Tokens.Prompt += u.PromptTokens
			m.Tokens.Completion += u.CompletionTokens
			m.Tokens.Reasoning += u.ReasoningTokens
			var price *Price
			if p, ok := prices[t.Model]; ok {
				price = &p
			}
			if c, ok := cost(u, price); ok {
				if m.CostUSD != nil {
					c += *m.CostUSD
				}
				m.CostUSD = &c
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := make([]Model, 0, len(by))
	for name, m := range by {
		m.Problems = len(problems[name])
		m.Accuracy = ratio(m.Correct, m.Graded)
		if m.Traces > 0 {
			m.MeanSteps = float64(steps[name]) / float64(m.Traces)
		}
		out = append(out, *m)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Model < out[j].Model })
	return out, nil
}
