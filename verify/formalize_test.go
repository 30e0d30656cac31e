package verify

import (
	"context"
	"strings"
	"testing"

	"github.com/stepwise-dev/stepwise"
)

// claimTexts lists claims as their texts, "ERR " before those that could
// not be stated.
func claimTexts(cs []Claim) []string {
	var texts []string
	for _, c := range cs {
		if c.Err != "" {
			texts = append(texts, "ERR "+c.Text)
			continue
		}
		texts = append(texts, c.Text)
	}
	return texts
}

func TestFormalizeText(t *testing.T) {
	cases := []struct {
		text string
		want []string // claim texts; "ERR " marks unsupported ones
	}{
		{"So 48/2 = 24 clips.", []string{"48 / 2 = 24"}},
		{"That is 3 × 4 = 12 apples and 3 x 5 = 15 pears", []string{"3 * 4 = 12", "3 * 5 = 15"}},
		{"She pays $2 * 9 = $18 a day", []string{"2 * 9 = 18"}},
		{"20% of 50 = 10", []string{"(20 / 100) * 50 = 10"}},
		{"The total is 1,200 + 300 = 1,500.", []string{"1200 + 300 = 1500"}},
		{"$\\frac{3}{4} \\cdot 8 = 6$", []string{"3 / 4 * 8 = 6"}},
		{"so $2 \\times 3 = 7$", []string{"2 * 3 = 7"}},
		{"a chain 2 + 3 = 5 = 10 / 2", []string{"2 + 3 = 5", "5 = 10 / 2"}},
		{"200 GB * 40% = 80 GB", []string{"ERR * 40% = 80"}},                          // "GB" cuts the left side
		{"9 hours * 2/3 = 6 hours", []string{"ERR * 2/3 = 6"}},                        // same
		{"60g * 4/5 = 240g/5 = 48 grams", []string{"ERR * 4/5 = 240", "ERR /5 = 48"}}, // units glued
		{"x = 5 and 5 = 5", nil},                                                      // no operator: nothing claimed
		{"Step 2: 2^{10} = 1024", []string{"2 ^ 10 = 1024"}},
		{"10 − 4 = 6", []string{"10 - 4 = 6"}},
		// A function name or an absolute value bar beside a side makes it a
		// fragment (real Sky-T1 step): "1/2 = 4" must not be claimed.
		{"Then \\( y = 4 g(\\frac{1}{2}) = 4 |\\frac{1}{2} - \\frac{1}{4}| = 4 \\times \\frac{1}{4} = 1 \\).",
			[]string{"ERR (\\frac{1}{2}) = 4", "4 * (1 / 4) = 1"}},
		{"so f(3) = 2 * 3 = 6", []string{"ERR (3) = 2 * 3", "2 * 3 = 6"}},
		// "× 100 = 70%" is the percentage written with its sign (real
		// ProcessBench gsm8k-9 step), "7 / 10 = 70%" is p/100: a lone
		// percentage against a side without one is stated in both readings.
		{"\\[ \\left( \\frac{1400}{2000} \\right) \\times 100 = 0.7 \\times 100 = 70\\% \\]",
			[]string{"1400 / 2000 * 100 = 0.7 * 100", "0.7 * 100 = 70% (as 70/100 or 70)"}},
		{"0.7 * 100 = 70%", []string{"0.7 * 100 = 70% (as 70/100 or 70)"}},
		{"so 7 / 10 = 70%", []string{"7 / 10 = 70% (as 70/100 or 70)"}},
		{"This is 12/20 x 100% = 60% of the entire students.", []string{"12 / 20 * (100 / 100) = (60 / 100)"}},
		{"a total of 180-12 = 168", []string{"ERR 180-12 = 168"}}, // "of" may multiply
	}
	for _, c := range cases {
		got := claimTexts(FormalizeText(c.text))
		if strings.Join(got, "|") != strings.Join(c.want, "|") {
			t.Errorf("%q: got %q, want %q", c.text, got, c.want)
		}
	}
}

func TestFormalizeTextSpansAndStatements(t *testing.T) {
	text := "Natalia sold 48/2 = 24 clips in May."
	got := FormalizeText(text)
	if len(got) != 1 {
		t.Fatalf("%+v", got)
	}
	c := got[0]
	if s := text[c.Span.Start:c.Span.End]; s != "48/2 = 24" {
		t.Errorf("span covers %q", s)
	}
	if c.Statement != "theorem test : (48 / 2 : ℝ) = 24 := by sorry" || c.Proof != "theorem test : (48 / 2 : ℝ) = 24 := by\n  norm_num" {
		t.Errorf("statement %q proof %q", c.Statement, c.Proof)
	}
	f := c.Formalization()
	if f.Origin != stepwise.FormalRule || f.Header != DefaultHeader || f.Status != "" {
		t.Errorf("formalization %+v", f)
	}
	latex := FormalizeText(`we get $\frac{10}{4} = 2.5$`)
	if len(latex) != 1 || latex[0].Source != "latex" || `we get $\frac{10}{4} = 2.5$`[latex[0].Span.Start:latex[0].Span.End] != `\frac{10}{4} = 2.5` {
		t.Errorf("latex claim %+v", latex)
	}
}

func TestFormalizeStepCalcs(t *testing.T) {
	step := stepwise.Step{Text: "Janet sells 16 - 3 - 4 = <<16-3-4=9>>9 duck eggs, <<+8=8>>8, <<30*.5=15>>15, <<2*x=4>>4.",
		Span: stepwise.Span{Start: 100}}
	for i, c := range []struct{ e, r string }{{"16-3-4", "9"}, {"+8", "8"}, {"30*.5", "15"}, {"2*x", "4"}} {
		at := strings.Index(step.Text, "<<"+c.e)
		step.Calcs = append(step.Calcs, stepwise.Calc{Expr: c.e, Result: c.r,
			Span: stepwise.Span{Start: 100 + at, End: 100 + at + len("<<"+c.e+"="+c.r+">>")}})
		_ = i
	}
	claims := FormalizeStep(step)
	var stmts []string
	for _, c := range claims {
		if c.Err != "" {
			stmts = append(stmts, "ERR "+c.Text)
			continue
		}
		stmts = append(stmts, c.Source+" "+c.Statement)
	}
	want := []string{
		"calc theorem test : (16 - 3 - 4 : ℝ) = 9 := by sorry",
		"calc theorem test : (8 : ℝ) = 8 := by sorry",
		"calc theorem test : (30 * 0.5 : ℝ) = 15 := by sorry",
		"ERR 2*x = 4",
	}
	if strings.Join(stmts, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(stmts, "\n"), strings.Join(want, "\n"))
	}
	if s := step.Text[claims[0].Span.Start:claims[0].Span.End]; s != "<<16-3-4=9>>" {
		t.Errorf("calc span %q", s)
	}
}

// scriptedLLM is a Completer double returning canned answers in order.
type scriptedLLM struct {
	answers []string
	prompts []string
}

func (s *scriptedLLM) Complete(_ context.Context, system, user string) (string, error) {
	s.prompts = append(s.prompts, user)
	a := s.answers[0]
	s.answers = s.answers[1:]
	return a, nil
}

func TestParseAutoformalization(t *testing.T) {
	stmt := "theorem test\n  (b x: ℝ)\n  (h₀: x - 5 = 2 * x - b)\n  (h₁: x = -2):\n  (b = 3) := by sorry"
	cases := []struct {
		answer string
		stmt   string
		skip   bool
		bad    bool
	}{
		{"False", "", true, false},
		{"**False**", "", true, false},
		{"```lean\n" + stmt + "\n```", stmt, false, false},
		{"```Lean4\n" + stmt + "\n```\nThis checks the step.", stmt, false, false},
		{"Here it is:\n" + stmt, stmt, false, false},
		{"theorem test : (1 : ℝ) = 1 := by\n  norm_num", "", false, true},                      // a proof, not sorry
		{stmt + "\n" + stmt, "", false, true},                                                  // two theorems
		{"I think this is fine.", "", false, true},                                             // neither
		{"```lean\n" + stmt + "\n```\n```lean\n" + stmt + "\n```", "", false, true},            // two blocks
		{"theorem test : 1 = 1 := by sorry\naxiom cheat : False := by sorry", "", false, true}, // extra command
		{"No verification needed: False.", "", true, false},                                    // prose around False
	}
	for _, c := range cases {
		got, skip, err := ParseAutoformalization(c.answer)
		if (err != nil) != c.bad || skip != c.skip || got != c.stmt {
			t.Errorf("%q: got %q skip=%v err=%v", c.answer, got, skip, err)
		}
	}
}

func TestAutoFormalizer(t *testing.T) {
	llm := &scriptedLLM{answers: []string{"I cannot decide.", "```lean\ntheorem test : (48 / 2 : ℝ) = 24 := by sorry\n```"}}
	a := &AutoFormalizer{LLM: llm}
	res, err := a.Formalize(context.Background(), "How many clips?", []string{"She sold 48 in April."}, "In May she sold 48/2 = 24.")
	if err != nil {
		t.Fatal(err)
	}
	f := res.Formalization
	if f.Statement != "theorem test : (48 / 2 : ℝ) = 24 := by sorry" || f.Origin != stepwise.FormalLLM || f.Status != "" ||
		len(res.Answers) != 2 || res.PromptVersion != AutoPromptVersion {
		t.Errorf("%+v", res)
	}
	if !strings.Contains(llm.prompts[0], "## Step to check\nIn May she sold 48/2 = 24.") || !strings.Contains(llm.prompts[0], "1. She sold 48 in April.") {
		t.Errorf("prompt:\n%s", llm.prompts[0])
	}
	if !strings.Contains(llm.prompts[1], "could not be used") {
		t.Errorf("retry prompt lacks the feedback:\n%s", llm.prompts[1])
	}
	skip, _ := (&AutoFormalizer{LLM: &scriptedLLM{answers: []string{"False"}}}).Formalize(context.Background(), "q", nil, "Let x be the price.")
	if skip.Formalization.Status != stepwise.StatusSkipped {
		t.Errorf("skip: %+v", skip)
	}
	// With a validator that rejects everything, three tries give statement_error.
	bad := &AutoFormalizer{LLM: &scriptedLLM{answers: []string{"theorem test : 1 = 1 := by sorry", "theorem test : 1 = 1 := by sorry", "theorem test : 1 = 1 := by sorry"}},
		Validate: func(context.Context, string) error { return errNotElaborated }}
	res, _ = bad.Formalize(context.Background(), "q", nil, "1 = 1")
	if res.Formalization.Status != stepwise.StatusStatementError || len(res.Answers) != 3 {
		t.Errorf("validator: %+v", res)
	}
}

var errNotElaborated = errorString("unknown identifier")

type errorString string

func (e errorString) Error() string { return string(e) }
