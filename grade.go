package stepwise

import (
	"strconv"
	"strings"
)

// AnswerGrader decides whether a trace's final answer matches its problem's
// gold answer. The store's import and re-grade call it through this
// interface, so that neither the store nor the format codecs import the
// grader (verify/answer implements it; cmd/stepwise wires it in).
type AnswerGrader interface {
	// GradeTrace grades t against p (p may be nil). It does not change t.
	GradeTrace(t *Trace, p *Problem) Grade
	// GraderVersion identifies the grading rules; a store graded by an
	// older version is re-graded.
	GraderVersion() int
}

// Grade is what an AnswerGrader derived for one trace.
type Grade struct {
	// Answer is the final answer the grader found in the trace's text when
	// the source gave none; "" otherwise.
	Answer string
	// Verdict is set when the grader decided correctness (Correct, which
	// is nil for "unknown"); unset, the source's verdict (or none) stands.
	Verdict bool
	Correct *bool
	// By says how the verdict was reached, with the grader's version
	// (GradedBy builds and parses it).
	By string
	// Version is the grader's version (AnswerGrader.GraderVersion).
	Version int
	// Checkpoints is what the grader found in the steps' own answers
	// (CheckpointGold, CheckpointHeld): SRCA's fault tolerance, counted
	// from summaries without reading a trace's text again.
	Checkpoints uint8
}

// Checkpoint flags of a Grade.
const (
	// CheckpointGold: the problem has a gold answer the grader reads.
	CheckpointGold uint8 = 1 << iota
	// CheckpointHeld: the trace ends wrong, and a step commits to an
	// answer (a box or an answer marker) equal to the gold — it held the
	// right answer and left it. Looked for only in traces that end wrong.
	CheckpointHeld
)

// graderPrefix starts a CorrectBy written by the answer grader.
const graderPrefix = "grader "

// GradedBy is the CorrectBy of a grader's verdict: "grader 1: numeric",
// "grader 1: unknown (no final answer found)".
func GradedBy(version int, method string) string {
	return graderPrefix + strconv.Itoa(version) + ": " + method
}

// ParseGradedBy reads a CorrectBy written by GradedBy; ok is false for a
// source's verdict ("source: final_answer_correct") or any other text.
func ParseGradedBy(by string) (version int, method string, ok bool) {
	rest, found := strings.CutPrefix(by, graderPrefix)
	if !found {
		return 0, "", false
	}
	v, m, found := strings.Cut(rest, ": ")
	n, err := strconv.Atoi(v)
	if !found || err != nil || n < 0 {
		return 0, "", false
	}
	return n, m, true
}
