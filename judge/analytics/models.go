package analytics

import (
	"context"
	"sort"
	"strconv"

	"github.com/stepwise-dev/stepwise"
	"github.com/stepwise-dev/stepwise/store"
)

// Tokens are token sums, over the traces that record them.
type Tokens struct {
	Prompt     int `json:"prompt"`
	Completion int `json:"completion"`
	Reasoning  int `json:"reasoning"`
}

// Model is one model's statistics over its traces (on one dataset, for
// ModelsByDataset).
type Model struct {
	Model    string   `json:"model"`
	Dataset  string   `json:"dataset,omitempty"`
	Traces   int      `json:"traces"`
	Problems int      `json:"problems"`
	Graded   int      `json:"graded"`
	Correct  int      `json:"correct"`
	Accuracy *float64 `json:"accuracy"`
	// MeanSteps is the mean number of steps of a trace.
	MeanSteps float64 `json:"mean_steps"`
	// Tokens sums what the traces record; WithUsage counts the traces that
	// record any; CostUSD sums the costs they record or the price table
	// gives (null when none has one). MeanTokens is prompt + completion
	// per trace that records tokens, MeanCostUSD the cost per priced trace: the
	// quality-vs-cost axes (Agentic ROI).
	Tokens      Tokens   `json:"tokens"`
	WithUsage   int      `json:"with_usage"`
	CostUSD     *float64 `json:"cost_usd"`
	MeanTokens  *float64 `json:"mean_tokens"`
	MeanCostUSD *float64 `json:"mean_cost_usd"`
	// MajAt is the model's maj@k averaged over the problems where it has
	// k answered samples and maj@k is computed (AttachMajAt; empty unless
	// asked for: it needs every problem's answer clusters).
	MajAt map[int]float64 `json:"maj_at,omitempty"`
	// FirstErrors counts the traces by the step of their first error as
	// the labels say ("none": labeled, no wrong step); traces whose first
	// error is unknown are left out.
	FirstErrors map[string]int `json:"first_errors"`
}

// Price is what a model's tokens cost, in USD per million.
type Price struct {
	InputPerM  float64 `toml:"input_per_m" json:"input_per_m"`
	OutputPerM float64 `toml:"output_per_m" json:"output_per_m"`
}

// Cost prices a trace's usage: its own cost when the source records one,
// else its tokens at the model's price (reasoning tokens are output), else
// nothing.
func Cost(u *stepwise.Usage, p *Price) (float64, bool) {
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
// selects, from their summaries; reference solutions are not a model.
// prices give a cost to the traces whose source records tokens but no
// cost.
func Models(ctx context.Context, db *store.DB, f store.Filter, prices map[string]Price) ([]Model, error) {
	return models(ctx, db, f, prices, false)
}

// ModelsByDataset is Models for each model and dataset.
func ModelsByDataset(ctx context.Context, db *store.DB, f store.Filter, prices map[string]Price) ([]Model, error) {
	return models(ctx, db, f, prices, true)
}

// modelAcc gathers one row's sums.
type modelAcc struct {
	Model
	problems           map[string]bool
	steps, priced      int
	tokens, withTokens int
}

func models(ctx context.Context, db *store.DB, f store.Filter, prices map[string]Price, byDataset bool) ([]Model, error) {
	by := map[[2]string]*modelAcc{}
	err := db.List(f, func(s store.Summary) error {
		if !IsSample(s.Model) {
			return nil
		}
		key := [2]string{s.Model, ""}
		if byDataset {
			key[1] = s.Dataset
		}
		m := by[key]
		if m == nil {
			m = &modelAcc{Model: Model{Model: s.Model, Dataset: key[1], FirstErrors: map[string]int{}}, problems: map[string]bool{}}
			by[key] = m
		}
		m.add(&s, prices)
		return ctx.Err()
	})
	if err != nil {
		return nil, err
	}
	out := make([]Model, 0, len(by))
	for _, m := range by {
		out = append(out, m.result())
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Model != out[j].Model {
			return out[i].Model < out[j].Model
		}
		return out[i].Dataset < out[j].Dataset
	})
	return out, nil
}

func (m *modelAcc) add(s *store.Summary, prices map[string]Price) {
	m.Traces++
	m.problems[s.ProblemID] = true
	m.steps += s.Steps
	if s.Correct != nil {
		m.Graded++
		if *s.Correct {
			m.Correct++
		}
	}
	if fe := s.FirstError; fe != nil {
		key := "none"
		if *fe >= 0 {
			key = strconv.Itoa(*fe)
		}
		m.FirstErrors[key]++
	}
	u := s.Usage
	if u == nil {
		return
	}
	m.WithUsage++
	m.Tokens.Prompt += u.PromptTokens
	m.Tokens.Completion += u.CompletionTokens
	m.Tokens.Reasoning += u.ReasoningTokens
	if n := u.PromptTokens + u.CompletionTokens; n > 0 {
		m.tokens += n
		m.withTokens++
	}
	var price *Price
	if p, ok := prices[s.Model]; ok {
		price = &p
	}
	if c, ok := Cost(u, price); ok {
		if m.CostUSD != nil {
			c += *m.CostUSD
		}
		m.CostUSD = &c
		m.priced++
	}
}

func (m *modelAcc) result() Model {
	r := m.Model
	r.Problems = len(m.problems)
	r.Accuracy = ratio(r.Correct, r.Graded)
	r.MeanSteps = float64(m.steps) / float64(r.Traces)
	if m.withTokens > 0 {
		r.MeanTokens = ratio(m.tokens, m.withTokens)
	}
	if r.CostUSD != nil {
		mean := *r.CostUSD / float64(m.priced)
		r.MeanCostUSD = &mean
	}
	return r
}

// AttachMajAt fills each row's MajAt from the problems' per-model maj@k:
// for each k, the mean over the row's problems (of its dataset, for a
// ModelsByDataset row) that have it. A k that is a problem's own sample
// count (5 of 5) averages only the problems with exactly that many; the
// powers of two average every problem with at least k.
func AttachMajAt(ms []Model, ps []Problem) {
	type key struct{ model, dataset string }
	sums := map[key]map[int][2]float64{} // k → (sum, problems)
	for _, p := range ps {
		for name, mc := range p.ByModel {
			for _, k := range []key{{name, ""}, {name, p.Dataset}} {
				if sums[k] == nil {
					sums[k] = map[int][2]float64{}
				}
				for kk, v := range mc.MajAt {
					x := sums[k][kk]
					sums[k][kk] = [2]float64{x[0] + v, x[1] + 1}
				}
			}
		}
	}
	for i := range ms {
		s := sums[key{ms[i].Model, ms[i].Dataset}]
		if len(s) == 0 {
			continue
		}
		ms[i].MajAt = map[int]float64{}
		for k, x := range s {
			ms[i].MajAt[k] = x[0] / x[1]
		}
	}
}
