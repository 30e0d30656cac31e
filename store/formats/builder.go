package formats

import (
	"fmt"
	"strings"

	"github.com/stepwise-dev/stepwise"
)

// stepBuilder assembles a trace's Raw text from step texts that a format ships
// as a list, recording each step's byte span, so that Raw[span] is the step
// text byte for byte.
type stepBuilder struct {
	raw   strings.Builder
	steps []stepwise.Step
	sep   string
}

func newStepBuilder(sep string) *stepBuilder { return &stepBuilder{sep: sep} }

// grow reserves room for texts, so that building Raw copies each byte once.
func (b *stepBuilder) grow(texts []string) {
	n := len(b.sep) * len(texts)
	for _, t := range texts {
		n += len(t)
	}
	b.raw.Grow(n)
	b.steps = make([]stepwise.Step, 0, len(texts))
}

// add appends one step of the given kind and returns it for labelling.
func (b *stepBuilder) add(kind stepwise.StepKind, text string) *stepwise.Step {
	if b.raw.Len() > 0 {
		b.raw.WriteString(b.sep)
	}
	start := b.raw.Len()
	b.raw.WriteString(text)
	// Filled in place: appending a composite literal of this size builds it
	// on the stack and copies it, with write barriers.
	n := len(b.steps)
	if n < cap(b.steps) {
		b.steps = b.steps[:n+1]
	} else {
		b.steps = append(b.steps, stepwise.Step{})
	}
	st := &b.steps[n]
	st.Index, st.Kind, st.Text = n, kind, text
	st.Span = stepwise.Span{Start: start, End: b.raw.Len()}
	return st
}

// mark returns the current end of Raw, for section spans.
func (b *stepBuilder) mark() int { return b.raw.Len() }

// into moves the raw text and steps into t.
func (b *stepBuilder) into(t *stepwise.Trace, segmenter string) {
	t.Raw = b.raw.String()
	// Each step's text becomes a slice of Raw: the decoder's copies can be
	// collected, and finish's span check compares equal pointers, not bytes.
	for i := range b.steps {
		sp := b.steps[i].Span
		b.steps[i].Text = t.Raw[sp.Start:sp.End]
	}
	t.Steps = b.steps
	t.Segmenter = segmenter
}

// splitSpans cuts raw at every sep and returns the spans of the pieces that
// are not blank. Pieces keep their bytes exactly (no trimming), so step texts
// stay byte-exact and Raw[span] is the step.
func splitSpans(raw, sep string, offset int) []stepwise.Span {
	var out []stepwise.Span
	pos := 0
	for pos <= len(raw) {
		i := strings.Index(raw[pos:], sep)
		end := len(raw)
		if i >= 0 {
			end = pos + i
		}
		if strings.TrimSpace(raw[pos:end]) != "" {
			out = append(out, stepwise.Span{Start: offset + pos, End: offset + end})
		}
		if i < 0 {
			break
		}
		pos = end + len(sep)
	}
	return out
}

// stepsFromSpans makes steps of one kind from spans of t.Raw, appending to t.Steps.
func stepsFromSpans(t *stepwise.Trace, kind stepwise.StepKind, spans []stepwise.Span) {
	for _, sp := range spans {
		t.Steps = append(t.Steps, stepwise.Step{
			Index: len(t.Steps),
			Kind:  kind,
			Span:  sp,
			Text:  t.Raw[sp.Start:sp.End],
		})
	}
}

// finish completes an item the same way for every codec: problem id, step
// indexes, span check. Correctness against the gold answer is not a codec's
// business: the import's answer grader decides it (stepwise.AnswerGrader). A
// span that does not match its text is a codec bug, and is reported rather
// than stored.
func finish(it *Item) error {
	p, t := it.Problem, it.Trace
	if p == nil || t == nil {
		return fmt.Errorf("internal: item without problem or trace")
	}
	if p.ID == "" {
		p.ID = stepwise.ProblemID(p.Text)
	}
	if p.Dataset == "" {
		p.Dataset = t.Dataset
	}
	t.ProblemID = p.ID
	for i := range t.Steps {
		s := &t.Steps[i]
		s.Index = i
		if s.Span.Start < 0 || s.Span.End > len(t.Raw) || s.Span.Start > s.Span.End ||
			t.Raw[s.Span.Start:s.Span.End] != s.Text {
			return fmt.Errorf("internal: step %d span %v does not match its text", i, s.Span)
		}
	}
	return nil
}

func boolPtr(b bool) *bool { return &b }
