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
	out := g.gradeAnswer(t, p)
	ended := t.Correct
	if out.Verdict {
		ended = out.Correct
	}
	out.Checkpoints = g.checkpoints(t, p, ended)
	return out
}

// gradeAnswer finds the final answer and, where the source states no
// verdict, decides it against the gold.
func (g Grader) gradeAnswer(t *stepwise.Trace, p *stepwise.Problem) stepwise.Grade {
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

// checkpoints flags a trace whose problem has a gold answer and, when the
// trace ended wrong (ended), whether a step committed to the gold answer
// on the way: a box or an answer marker in the step equal to the gold
// (SRCA's checkpoint answers; the last number of a step is no
// commitment). Only wrong traces are read: the count SRCA needs is of
// traces that held the right answer and still ended wrong.
func (g Grader) checkpoints(t *stepwise.Trace, p *stepwise.Problem, ended *bool) uint8 {
	if p == nil || strings.TrimSpace(p.GoldAnswer) == "" {
		return 0
	}
	gold, ok := Extract(p.GoldAnswer)
	if !ok {
		return 0
	}
	flags := stepwise.CheckpointGold
	if ended == nil || *ended {
		return flags
	}
	for i := range t.Steps {
		a, ok := Extract(t.Steps[i].Text)
		if ok && (a.How == "boxed" || a.How == "marker") && Compare(a.Text, gold.Text, g.Options).Outcome == Equal {
			return flags | stepwise.CheckpointHeld
		}
	}
	return flags
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
