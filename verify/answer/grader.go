package answer

import (
	"strings"

	"github.com/stepwise-dev/stepwise"
)

// Grader is the product's stepwise.AnswerGrader: the store's import and
// re-grade call it for every trace.
type Grader struct {
	Options Options
}

var _ stepwise.AnswerGrader = Grader{}

// GraderVersion is Version.
func (Grader) GraderVersion() int { return Version }

// GradeTrace finds the trace's final answer when its source gave none, and
// grades it against the problem's gold answer unless the source stated a
// verdict. Without a gold answer there is nothing to grade.
func (g Grader) GradeTrace(t *stepwise.Trace, p *stepwise.Problem) stepwise.Grade {
	out := stepwise.Grade{Version: Version}
	pred := strings.TrimSpace(t.FinalAnswer)
	if t.Correct != nil && pred != "" {
		// The source states the verdict and the answer: nothing to do (the
		// import's fast path, ProcessBench's boxed traces).
		return out
	}
	if pred == "" {
		if a, ok := Extract(answerText(t)); ok {
			out.Answer, pred = a.Text, a.Text
		}
	} else if a, ok := Extract(pred); ok {
		// An answer field may hold "\boxed{5}" or "The answer is 5".
		pred = a.Text
	}
	if t.Correct != nil || p == nil || strings.TrimSpace(p.GoldAnswer) == "" {
		return out
	}
	out.Verdict = true
	gold, ok := Extract(p.GoldAnswer)
	switch {
	case !ok:
		out.By = stepwise.GradedBy(Version, "unknown (no gold answer found)")
		return out
	case pred == "":
		out.By = stepwise.GradedBy(Version, "unknown (no final answer found)")
		return out
	}
	v := Compare(pred, gold.Text, g.Options)
	out.Correct = v.Correct()
	if v.Outcome == Unknown {
		out.By = stepwise.GradedBy(Version, "unknown ("+v.Reason+")")
		return out
	}
	out.By = stepwise.GradedBy(Version, string(v.Method))
	return out
}

// answerText is the part of a trace that states its answer: the solution
// section when the trace has one (after a long thinking section), else the
// whole text.
func answerText(t *stepwise.Trace) string {
	if n := len(t.Sections); n > 0 {
		s := t.Sections[n-1]
		if s.Kind == stepwise.SectionSolution && s.Span.Start >= 0 && s.Span.End <= len(t.Raw) && s.Span.Start < s.Span.End {
			return t.Raw[s.Span.Start:s.Span.End]
		}
	}
	return t.Raw
}
