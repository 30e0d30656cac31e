package storetest

import (
	"fmt"
	"strconv"

	"github.com/stepwise-dev/stepwise"
	"github.com/stepwise-dev/stepwise/store/formats"
)

// Shares of the generated traces, in percent.
const (
	truncatedPct = 5  // cut after a random step, marked truncated
	relabelPct   = 60 // step labels replaced to reach every label state
	problemVars  = 16 // each sample problem appears in this many wordings
)

// Step labels the relabeled traces share (read-only).
var (
	goodLabel  = []stepwise.Label{synthLabel(stepwise.Good, false)}
	badLabel   = []stepwise.Label{synthLabel(stepwise.Bad, true)}
	otherLabel = []stepwise.Label{synthLabel(stepwise.Neutral, false)}
)

func synthLabel(r stepwise.Rating, first bool) stepwise.Label {
	return stepwise.Label{Rating: r, Scope: stepwise.ScopeStep, Origin: stepwise.OriginHuman,
		Source: "storetest.label", OrigIndex: -1, FirstError: first}
}

// item makes trace i from a sample: a fresh source id (so it is never a
// duplicate), a model, a correctness, maybe a truncation and new labels, a
// problem wording, and the unique Marker(i) at the end of its last step.
func (g *generator) item(i int) formats.Item {
	bi := g.rng.IntN(len(g.bases))
	base := g.bases[bi]
	t := *base.Trace
	t.SourceID = "g" + strconv.Itoa(i)
	if base.Trace.SourceID != "" {
		t.SourceID = base.Trace.SourceID + "-g" + strconv.Itoa(i)
	}
	t.Model = Models[g.rng.IntN(len(Models))]
	t.Sample = i % 8
	t.Correct = g.correct()
	t.Steps = append([]stepwise.Step(nil), t.Steps...)
	t.Sections = append([]stepwise.Section(nil), t.Sections...)
	if len(t.Steps) > 1 && g.rng.IntN(100) < truncatedPct {
		truncate(&t, 1+g.rng.IntN(len(t.Steps)-1))
	}
	if g.rng.IntN(100) < relabelPct {
		g.relabel(&t)
	}
	if len(t.Steps) > 0 {
		appendToLastStep(&t, Marker(i))
	}
	p := g.problem(bi)
	t.ProblemID = p.ID
	return formats.Item{Problem: p, Trace: &t}
}

func (g *generator) correct() *bool {
	switch r := g.rng.IntN(100); {
	case r < 45:
		v := true
		return &v
	case r < 85:
		v := false
		return &v
	}
	return nil
}

// truncate keeps the first k steps and the text up to the end of the last.
func truncate(t *stepwise.Trace, k int) {
	t.Steps = t.Steps[:k]
	t.Raw = t.Raw[:t.Steps[k-1].Span.End]
	t.Sections = nil
	t.Truncated = true
	t.FinalAnswer = ""
}

// relabel gives every step a label so that the trace lands in a label state
// chosen at random: none, correct, error (at a random step) or partial.
func (g *generator) relabel(t *stepwise.Trace) {
	n := len(t.Steps)
	state := g.rng.IntN(4)
	bad := g.rng.IntN(max(n, 1))
	for j := range t.Steps {
		s := &t.Steps[j]
		switch state {
		case 0: // none
			s.Labels = nil
		case 1: // correct; an occasional neutral step
			s.Labels = goodLabel
			if g.rng.IntN(10) == 0 {
				s.Labels = otherLabel
			}
		case 2: // error at step `bad`, unknown after it
			switch {
			case j < bad:
				s.Labels = goodLabel
			case j == bad:
				s.Labels = badLabel
			default:
				s.Labels = nil
			}
		default: // partial: the first half labeled good, the rest unknown
			s.Labels = nil
			if j < (n+1)/2 && n > 1 {
				s.Labels = goodLabel
			}
		}
	}
}

// appendToLastStep inserts text at the end of the last step, moving what
// follows it.
func appendToLastStep(t *stepwise.Trace, text string) {
	last := &t.Steps[len(t.Steps)-1]
	at := last.Span.End
	t.Raw = t.Raw[:at] + text + t.Raw[at:]
	last.Span.End += len(text)
	last.Text = t.Raw[last.Span.Start:last.Span.End]
	for j := range t.Sections {
		if s := &t.Sections[j]; s.Span.End >= at {
			s.Span.End += len(text)
		}
	}
}

// problem returns the sample's problem in one of problemVars wordings (the
// original, or the original with a variant note), shared by every trace that
// draws it.
func (g *generator) problem(bi int) *stepwise.Problem {
	v := problemVariant{base: bi, variant: g.rng.IntN(problemVars)}
	if p, ok := g.problems[v]; ok {
		return p
	}
	p := *g.bases[bi].Problem
	if v.variant > 0 {
		p.Text += fmt.Sprintf("\n\n(Variant %d.)", v.variant)
		p.ID = stepwise.ProblemID(p.Text)
	}
	g.problems[v] = &p
	return &p
}
