package offline

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/stepwise-dev/stepwise"
)

// traceFromText cuts text at blank lines into steps with spans, the way the
// long-CoT codecs do.
func traceFromText(id, text string) stepwise.Trace {
	tr := stepwise.Trace{ID: id, Raw: text}
	off := 0
	for i, part := range strings.Split(text, "\n\n") {
		tr.Steps = append(tr.Steps, stepwise.Step{Index: i, Kind: stepwise.StepReasoning, Text: part, Span: stepwise.Span{Start: off, End: off + len(part)}})
		off += len(part) + 2
	}
	return tr
}

func TestTailLoopBasics(t *testing.T) {
	unit := "Wait, let me recompute the area of the triangle. "
	text := "Intro text that is not part of it.\n" + strings.Repeat(unit, 6) + "\n\n"
	l, ok := TailLoop(text, 3, 200)
	// Trailing white space is ignored, so the last copy lacks its final
	// space: 6 copies less one byte are 5 whole periods.
	trimmed := strings.TrimRight(text, " \n")
	if !ok || l.Period != len(unit) || l.Repeats != 5 || l.Start != 35 || l.End != len(trimmed) {
		t.Fatalf("loop %+v ok %v", l, ok)
	}
	if got := text[l.Start:l.End]; got != strings.TrimSpace(strings.Repeat(unit, 6)) {
		t.Errorf("span %q", got)
	}
	if _, ok := TailLoop("no loop at all here, just one sentence that ends.", 3, 10); ok {
		t.Error("loop found in plain text")
	}
	if _, ok := TailLoop(strings.Repeat("ab", 50), 3, 200); ok {
		t.Error("loop shorter than minSpan reported")
	}
	if _, ok := TailLoop("x"+strings.Repeat(". ", 300), 3, 200); ok {
		t.Error("punctuation-only unit reported")
	}
}

// Every Sky-T1 trace whose thought block is never closed (11 of 30) ends in
// a loop, with the periods a naive Python scan of the last 32 KiB finds;
// none of the 19 finished traces does.
func TestSkyT1Truncation(t *testing.T) {
	wantPeriod := map[int]int{1: 2669, 5: 182, 10: 1634, 16: 3710, 20: 2334, 21: 4091, 22: 5981, 23: 1964, 25: 5170, 27: 247, 29: 5032}
	i := 0
	readJSONL(t, samples("longcot_skyt1", "aime24_sky-t1-32b-ckpt140.jsonl"), func(line int, raw []byte) {
		defer func() { i++ }()
		var r struct {
			Answer string   `json:"answer"`
			Code   []string `json:"code"`
		}
		if err := json.Unmarshal(raw, &r); err != nil {
			t.Fatal(err)
		}
		tr := traceFromText("skyt1-"+r.Answer, r.Code[0])
		tc := CheckTruncation(&tr)
		want, truncated := wantPeriod[i]
		unclosed := false
		for _, reason := range tc.Reasons {
			unclosed = unclosed || reason == "unclosed <|begin_of_thought|>"
		}
		if unclosed != truncated {
			t.Errorf("record %d: unclosed thought %v, want %v (%v)", i, unclosed, truncated, tc.Reasons)
		}
		switch {
		case truncated && (tc.Loop == nil || tc.Loop.Period != want):
			t.Errorf("record %d: loop %+v, want period %d", i, tc.Loop, want)
		case !truncated && tc.Loop != nil:
			t.Errorf("record %d: unexpected loop %+v", i, tc.Loop)
		}
		rep, err := Run(context.Background(), &tr, &stepwise.Problem{GoldAnswer: r.Answer}, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if truncated && !hasCode(rep, "tail_loop") {
			t.Errorf("record %d: no tail_loop finding: %+v", i, rep.Findings)
		}
	})
	if i != 30 {
		t.Errorf("%d records", i)
	}
}

func hasCode(r Report, code string) bool {
	for _, f := range r.Findings {
		if f.Code == code {
			return true
		}
	}
	return false
}

func TestRepeatedStepsAndLines(t *testing.T) {
	steps := []string{"a", "Let me check.", "Let me  check.", "Let me check.\n", "b", "c", "c"}
	runs := RepeatedSteps(steps, 3)
	if len(runs) != 1 || runs[0] != (StepRun{First: 1, Count: 3}) {
		t.Errorf("runs %+v", runs)
	}
	text := strings.Repeat("Wait, that is not right at all.\nsome other line\n", 5) + "Wait, that is not right at all.\n"
	lines := RepeatedLines(text, 24, 5, 3)
	if len(lines) != 1 || lines[0].Count != 6 || lines[0].First != 0 {
		t.Errorf("lines %+v", lines)
	}
}

func TestToolStats(t *testing.T) {
	call := func(id, name, args string) stepwise.Step {
		return stepwise.Step{Kind: stepwise.StepToolCall, Tool: &stepwise.Tool{CallID: id, Name: name, Arguments: args}}
	}
	result := func(id, errText string) stepwise.Step {
		return stepwise.Step{Kind: stepwise.StepToolResult, Tool: &stepwise.Tool{CallID: id, Error: errText}}
	}
	tr := stepwise.Trace{Steps: []stepwise.Step{
		{Kind: stepwise.StepReasoning},
		call("c1", "search", `{"q":"x"}`), // 1
		call("c2", "search", `{"q":"y"}`), // 2
		result("c2", ""),                  // 3
		result("c1", "timeout"),           // 4
		call("c3", "search", `{"q":"x"}`), // 5: duplicate of 1, never answered
		call("", "fetch", `{"url":"u"}`),  // 6: no id
		result("c9", ""),                  // 7: an id no call gave: answers 6, the call without one
		result("c7", ""),                  // 8: orphan: no call left without an id
		call("c4", "calc", `1+1`),         // 9: the trace ends with it: not unanswered
	}}
	s := CountTools(&tr)
	if s.Calls != 5 || s.Results != 4 || s.Errors != 1 || s.ByName["search"] != 3 || s.ByName["fetch"] != 1 {
		t.Errorf("counts %+v", s)
	}
	// The summary's counts (Trace.ToolUse, counted at import) say the same.
	if u := tr.ToolUse(); u.Calls != s.Calls || u.Repeated != len(s.Duplicates) || u.Failed != s.Errors || u.Search != s.ByName["search"] {
		t.Errorf("ToolUse %+v disagrees with CountTools %+v", u, s)
	}
	if !equalInts(s.Duplicates, []int{5}) || !equalInts(s.ErrorSteps, []int{4}) || !equalInts(s.Orphans, []int{8}) {
		t.Errorf("dup %v err %v orphans %v", s.Duplicates, s.ErrorSteps, s.Orphans)
	}
	if !equalInts(s.Unanswered, []int{5}) {
		t.Errorf("unanswered %v", s.Unanswered)
	}
	// LLaMA-Factory's shape: calls without ids, results with them, the
	// sample ending with the model's calls: nothing is unanswered or an
	// orphan.
	lf := stepwise.Trace{Steps: []stepwise.Step{
		call("", "a", "1"), call("", "b", "2"), result("r1", ""), result("r2", ""),
		{Kind: stepwise.StepReasoning}, call("", "c", "3"),
	}}
	if s := CountTools(&lf); len(s.Unanswered)+len(s.Orphans) != 0 {
		t.Errorf("LLaMA-Factory shape: unanswered %v orphans %v", s.Unanswered, s.Orphans)
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestReportAnswerAndArithmetic(t *testing.T) {
	tr := traceFromText("t1", "We have 7 × 8 = 54.\n\nSo the answer is \\boxed{54}.")
	p := &stepwise.Problem{GoldAnswer: "56"}
	checker := ArithmeticFunc(func(_ context.Context, tr *stepwise.Trace, step int) ([]stepwise.Formalization, error) {
		if strings.Contains(tr.Steps[step].Text, "7 × 8 = 54") {
			return []stepwise.Formalization{{Statement: "(7 * 8 : ℕ) = 54", Status: stepwise.StatusDisproved, Evidence: "7 * 8 = 56"}}, nil
		}
		return nil, nil
	})
	rep, err := Run(context.Background(), &tr, p, Options{Arithmetic: checker})
	if err != nil {
		t.Fatal(err)
	}
	a := rep.Answer
	if a == nil || a.Predicted != "54" || a.Extraction != "boxed" || a.Equal == nil || *a.Equal || a.Step != 1 {
		t.Fatalf("answer %+v", a)
	}
	if rep.Arithmetic.Claims != 1 || rep.Arithmetic.Disproved != 1 {
		t.Errorf("tally %+v", rep.Arithmetic)
	}
	if len(rep.Findings) < 2 || rep.Findings[0].Code != "arith_false" || rep.Findings[0].Step != 0 || rep.Findings[1].Code != "answer_mismatch" {
		t.Errorf("findings %+v", rep.Findings)
	}
	scores := rep.StepScores(2)
	if scores[0] != 0.9 || scores[1] != 0.7 {
		t.Errorf("step scores %v", scores)
	}

	boom := errors.New("verifier down")
	_, err = Run(context.Background(), &tr, p, Options{Arithmetic: ArithmeticFunc(func(context.Context, *stepwise.Trace, int) ([]stepwise.Formalization, error) {
		return nil, boom
	})})
	if !errors.Is(err, boom) || !strings.Contains(err.Error(), "t1 step 0") {
		t.Errorf("err %v", err)
	}
}

func TestReportUsesImportedAnswerAndGSM8KGold(t *testing.T) {
	tr := traceFromText("t2", "Janet sells 9 eggs.\n\nShe makes $18.")
	tr.FinalAnswer = "18"
	rep, _ := Run(context.Background(), &tr, &stepwise.Problem{GoldAnswer: "She makes 18 dollars.\n#### 18"}, Options{})
	if a := rep.Answer; a.Gold != "18" || a.Extraction != "trace" || a.Equal == nil || !*a.Equal || a.Step != 1 {
		t.Errorf("answer %+v", a)
	}
	if len(rep.Findings) != 0 {
		t.Errorf("findings %+v", rep.Findings)
	}
}

// TestRoundedCalculatorOutputIsNotAnError checks a real GSM8K model
// solution line (example_model_solutions, record 5) with the real checker:
// "800/3 = 266.6666666666667" is the exact value rounded to the digits
// written; verify states it as that approximation, which holds, so the
// analyzer (deciding through verify) reports nothing.
func TestRoundedCalculatorOutputIsNotAnError(t *testing.T) {
	tr := traceFromText("t3", "She feeds 800/3 = <<800/3=266.6666666666667>>266.6666666666667 cups a day.\n\nThen 7 × 8 = 54.")
	tr.Steps[0].Calcs = []stepwise.Calc{{Expr: "800/3", Result: "266.6666666666667"}}
	rep, err := Run(context.Background(), &tr, &stepwise.Problem{}, Options{Arithmetic: VerifyChecker{}})
	if err != nil {
		t.Fatal(err)
	}
	codes := map[int][]string{}
	for _, f := range rep.Findings {
		codes[f.Step] = append(codes[f.Step], f.Code)
	}
	for _, c := range codes[0] {
		if c == "arith_false" {
			t.Fatalf("rounded calculator output reported as false: %v", rep.Findings)
		}
	}
	if len(codes[0]) != 0 || rep.Arithmetic == nil || rep.Arithmetic.Proved < 1 {
		t.Errorf("step 0 findings %v (tally %+v), want none and the claim proved", codes[0], rep.Arithmetic)
	}
	if !strings.Contains(strings.Join(codes[1], ","), "arith_false") {
		t.Errorf("step 1 findings %v, want arith_false (7 × 8 is not 54)", codes[1])
	}
}
