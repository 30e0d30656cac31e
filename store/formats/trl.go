package formats

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/stepwise-dev/stepwise"
)

// trl reads TRL's stepwise-supervision rows (trl-lib/math_shepherd,
// trl-lib/prm800k; what PRMTrainer takes): prompt, completions (the steps)
// and labels (one bool per step: true = the step is good). Every step is
// labeled; there is no "unknown".
type trl struct{}

func (trl) Name() string { return "trl" }
func (trl) Describe() string {
	return "TRL stepwise supervision: prompt, completions[] and labels[] (bool per step)"
}

func (trl) Detect(k Keys) bool { return k.Has("prompt", "completions", "labels") }

// trlSep joins the completions into the raw text.
const trlSep = "\n\n"

func (trl) Decode(rec Record, opts *Options) ([]Item, error) {
	var r struct {
		Prompt      *string  `json:"prompt"`
		Completions []string `json:"completions"`
		Labels      []bool   `json:"labels"`
	}
	if err := json.Unmarshal(rec.Data, &r); err != nil {
		return nil, err
	}
	if r.Prompt == nil || strings.TrimSpace(*r.Prompt) == "" {
		return nil, fmt.Errorf("missing or empty prompt")
	}
	var warns []string
	aligned := len(r.Completions) == len(r.Labels)
	if !aligned {
		// Which label goes with which completion is unknown: the
		// completions are imported unlabeled.
		warns = append(warns, fmt.Sprintf("%d completions but %d labels; the steps are left unlabeled", len(r.Completions), len(r.Labels)))
	}
	t := &stepwise.Trace{Dataset: pick(opts.Dataset, "", false, "trl"), Model: opts.Model}
	b := newStepBuilder(trlSep)
	b.grow(r.Completions)
	for i, c := range r.Completions {
		st := b.add(stepwise.StepReasoning, c)
		l := stepwise.Label{Rating: stepwise.Unlabeled, Scope: stepwise.ScopeStep, Origin: stepwise.OriginAutomatic,
			Source: "trl.labels", OrigIndex: i, Base: 0}
		switch {
		case !aligned:
		case r.Labels[i]:
			l.Rating = stepwise.Good
		default:
			l.Rating = stepwise.Bad
		}
		st.Labels = []stepwise.Label{l}
	}
	b.into(t, "completions joined by blank lines")
	if n := len(t.Steps); n > 0 {
		if a, ok := LastBoxed(t.Steps[n-1].Text); ok {
			t.FinalAnswer = a
		}
	}
	return []Item{{Problem: &stepwise.Problem{Text: *r.Prompt, Dataset: t.Dataset}, Trace: t, Warnings: warns}}, nil
}
