package answer

import (
	"testing"

	"github.com/stepwise-dev/stepwise"
)

func TestGraderGradeTrace(t *testing.T) {
	yes, no := true, false
	g := Grader{}
	cases := []struct {
		name    string
		trace   stepwise.Trace
		gold    string
		answer  string
		verdict bool
		correct *bool
		by      string
	}{
		{"extracted and right", stepwise.Trace{Raw: "Thus, the total age of the four birds is 41 years."}, "41", "41", true, &yes, "grader 2: exact"},
		{"extracted and wrong", stepwise.Trace{Raw: "So the answer is $\\boxed{40}$."}, "#### 41", "40", true, &no, "grader 2: numeric"},
		{"answer field kept", stepwise.Trace{Raw: "...", FinalAnswer: "\\frac{1}{2}"}, "0.5", "", true, &yes, "grader 2: numeric"},
		{"no answer found", stepwise.Trace{Raw: "I add 3 and 4 and then 5 more."}, "12", "", true, nil, "grader 2: unknown (no final answer found)"},
		{"source verdict stands", stepwise.Trace{Raw: "\\boxed{7}", Correct: &no, CorrectBy: "source: final_answer_correct"}, "7", "7", false, nil, ""},
		{"no gold", stepwise.Trace{Raw: "\\boxed{7}"}, "", "7", false, nil, ""},
	}
	for _, c := range cases {
		gr := g.GradeTrace(&c.trace, &stepwise.Problem{GoldAnswer: c.gold})
		if gr.Answer != c.answer || gr.Verdict != c.verdict || gr.By != c.by || (gr.Correct == nil) != (c.correct == nil) ||
			gr.Correct != nil && *gr.Correct != *c.correct {
			t.Errorf("%s: got %+v", c.name, gr)
		}
	}
	if g.GraderVersion() != Version {
		t.Errorf("GraderVersion = %d, want %d", g.GraderVersion(), Version)
	}
}

// TestGraderCheckpoints: the checkpoint flags say whether the problem has
// a gold answer and whether a wrong trace committed to it on the way (a
// box or a marker; a step's last number is no commitment).
func TestGraderCheckpoints(t *testing.T) {
	yes, no := true, false
	steps := func(texts ...string) []stepwise.Step {
		var out []stepwise.Step
		for _, s := range texts {
			out = append(out, stepwise.Step{Text: s})
		}
		return out
	}
	gold, held := stepwise.CheckpointGold, stepwise.CheckpointGold|stepwise.CheckpointHeld
	for _, c := range []struct {
		name  string
		trace stepwise.Trace
		gold  string
		want  uint8
	}{
		{"held then left", stepwise.Trace{Raw: "x", Steps: steps("So the answer is 12.", "Wait, recount: \boxed{13}"), FinalAnswer: "13", Correct: &no}, "12", held},
		{"never held", stepwise.Trace{Raw: "x", Steps: steps("so \boxed{11}", "\boxed{13}"), FinalAnswer: "13", Correct: &no}, "12", gold},
		{"a bare number is no checkpoint", stepwise.Trace{Raw: "x", Steps: steps("5 + 7 = 12", "\boxed{13}"), FinalAnswer: "13", Correct: &no}, "12", gold},
		{"right: not read", stepwise.Trace{Raw: "x", Steps: steps("\boxed{12}"), FinalAnswer: "12", Correct: &yes}, "12", gold},
		{"graded wrong here", stepwise.Trace{Raw: "The answer is 12. No: the answer is \boxed{14}.", Steps: steps("The answer is 12.", "No: the answer is \boxed{14}.")}, "#### 12", held},
		{"unknown verdict", stepwise.Trace{Raw: "I add 3 and 4 and then 5 more.", Steps: steps("The answer is 12.")}, "12", gold},
		{"no gold", stepwise.Trace{Raw: "x", Steps: steps("\boxed{12}"), Correct: &no, FinalAnswer: "3"}, "", 0},
	} {
		if got := (Grader{}).GradeTrace(&c.trace, &stepwise.Problem{GoldAnswer: c.gold}).Checkpoints; got != c.want {
			t.Errorf("%s: checkpoints %b, want %b", c.name, got, c.want)
		}
	}
}

func TestGraderUsesSolutionSection(t *testing.T) {
	raw := "<think>maybe \\boxed{3}</think>The answer is 4."
	tr := stepwise.Trace{Raw: raw, Sections: []stepwise.Section{
		{Kind: stepwise.SectionThinking, Span: stepwise.Span{Start: 0, End: 27}},
		{Kind: stepwise.SectionSolution, Span: stepwise.Span{Start: 27, End: len(raw)}},
	}}
	gr := Grader{}.GradeTrace(&tr, &stepwise.Problem{GoldAnswer: "4"})
	if gr.Answer != "4" || gr.Correct == nil || !*gr.Correct {
		t.Errorf("got %+v, want the solution's answer 4, correct", gr)
	}
}
