package formats

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stepwise-dev/stepwise"
)

func TestR1CompletionsFixture(t *testing.T) {
	path := longCoTFixture("r1_completions.jsonl")
	longCoTExpectDetected(t, path, "r1")
	items := readAll(t, path, "", nil)
	if len(items) != 4 {
		t.Fatalf("got %d traces, want 4", len(items))
	}
	for _, it := range items {
		longCoTCheckSections(t, it.Trace)
	}

	// r1-001: both tags; 3 thinking paragraphs, 2 answer paragraphs.
	tr := items[0].Trace
	if tr.SourceID != "r1-001" || tr.Model != "DeepSeek-R1-Distill-Qwen-7B" || tr.Dataset != "r1" {
		t.Errorf("ids %q %q %q", tr.SourceID, tr.Model, tr.Dataset)
	}
	wantTexts := []string{"\nI need to add 2 and 3.", "2 + 3 = 5.", "Wait, let me double-check: 3 + 2 = 5 as well.\n",
		"The sum is $2+3=5$.", "**Answer:** $\\boxed{5}$"}
	r1CheckSteps(t, tr, wantTexts, 3)
	if tr.FinalAnswer != "5" || tr.Correct != nil || tr.Truncated {
		t.Errorf("r1-001 answer %q correct %v truncated %v", tr.FinalAnswer, tr.Correct, tr.Truncated)
	}
	if tr.Sections[0].Span != (stepwise.Span{Start: len("<think>"), End: strings.Index(tr.Raw, "</think>")}) {
		t.Errorf("thinking span %v", tr.Sections[0].Span)
	}

	// r1-002: the opening tag is missing, the text before </think> is reasoning.
	tr = items[1].Trace
	r1CheckSteps(t, tr, []string{"Okay, 7 times 8.", "7 * 8 = 56.\n", "So $7 \\times 8 = \\boxed{56}$."}, 2)
	if tr.Meta["think_open_tag"] == "" || tr.FinalAnswer != "56" || tr.Correct != nil {
		t.Errorf("r1-002 meta %v answer %q", tr.Meta, tr.FinalAnswer)
	}

	// r1-003: <think> without </think> is truncated; no answer section.
	tr = items[2].Trace
	r1CheckSteps(t, tr, []string{"\nPrimes below 30: 2, 3, 5, 7.", "Then 11, 13, 17, 19,", "then 23, 29, so far"}, 3)
	if !tr.Truncated || len(tr.Sections) != 1 || tr.FinalAnswer != "" || tr.Correct != nil || tr.Meta["finish_reason"] != "length" {
		t.Errorf("r1-003 truncated %v sections %d answer %q correct %v", tr.Truncated, len(tr.Sections), tr.FinalAnswer, tr.Correct)
	}
	if items[2].Problem.Text != "How many primes are less than 30?" || items[2].Problem.GoldAnswer != "10" {
		t.Errorf("r1-003 problem %+v", items[2].Problem)
	}

	// r1-004: a wrong answer with a gold answer; the codec states no verdict
	// (the import's answer grader decides it).
	tr = items[3].Trace
	if tr.FinalAnswer != "6" || tr.Correct != nil || tr.CorrectBy != "" || items[3].Problem.GoldAnswer == "" {
		t.Errorf("r1-004 answer %q correct %v by %q", tr.FinalAnswer, tr.Correct, tr.CorrectBy)
	}
}

// r1CheckSteps checks step texts and that the first nThink are thinking steps.
func r1CheckSteps(t *testing.T, tr *stepwise.Trace, want []string, nThink int) {
	t.Helper()
	if len(tr.Steps) != len(want) {
		t.Fatalf("%s: %d steps, want %d: %+v", tr.SourceID, len(tr.Steps), len(want), tr.Steps)
	}
	for i, w := range want {
		s := tr.Steps[i]
		kind := stepwise.StepReasoning
		if i < nThink {
			kind = stepwise.StepThinking
		}
		if s.Text != w || s.Kind != kind {
			t.Errorf("%s step %d: %s %q, want %s %q", tr.SourceID, i, s.Kind, s.Text, kind, w)
		}
	}
}

func TestR1APIFixture(t *testing.T) {
	path := longCoTFixture("r1_api_responses.jsonl")
	longCoTExpectDetected(t, path, "r1")
	items := readAll(t, path, "", nil)
	if len(items) != 2 {
		t.Fatalf("got %d traces, want 2", len(items))
	}
	// DeepSeek API: reasoning_content; the problem is the last user message.
	it := items[0]
	tr := it.Trace
	if it.Problem.Text != "What is 12/4?" || tr.Model != "deepseek-reasoner" || tr.SourceID != "chatcmpl-c1" {
		t.Errorf("problem %q model %q id %q", it.Problem.Text, tr.Model, tr.SourceID)
	}
	wantRaw := "We divide 12 by 4.\n\n4 * 3 = 12, so the quotient is 3.\n\n12 divided by 4 is $\\boxed{3}$."
	if tr.Raw != wantRaw || tr.Meta["reasoning_field"] != "reasoning_content" {
		t.Errorf("raw %q meta %v", tr.Raw, tr.Meta)
	}
	r1CheckSteps(t, tr, []string{"We divide 12 by 4.", "4 * 3 = 12, so the quotient is 3.", "12 divided by 4 is $\\boxed{3}$."}, 2)
	if tr.Usage == nil || tr.Usage.PromptTokens != 12 || tr.Usage.CompletionTokens != 40 || tr.Usage.ReasoningTokens != 28 {
		t.Errorf("usage %+v", tr.Usage)
	}
	if tr.FinalAnswer != "3" || tr.Correct != nil {
		t.Errorf("answer %q correct %v", tr.FinalAnswer, tr.Correct)
	}
	// vLLM: the field is called reasoning.
	tr = items[1].Trace
	if tr.Meta["reasoning_field"] != "reasoning" || tr.Model != "deepseek-ai/DeepSeek-R1-Distill-Qwen-1.5B" ||
		len(tr.Steps) != 3 || tr.Steps[1].Text != "91 / 7 = 13, so 91 = 7 * 13." {
		t.Errorf("vLLM trace: meta %v model %q steps %d", tr.Meta, tr.Model, len(tr.Steps))
	}
	if tr.FinalAnswer != `\text{No}` || tr.Correct != nil || tr.Usage.ReasoningTokens != 0 {
		t.Errorf("vLLM answer %q correct %v", tr.FinalAnswer, tr.Correct)
	}
	for _, it := range items {
		longCoTCheckSections(t, it.Trace)
	}
}

func TestR1FlatAndErrors(t *testing.T) {
	dec := func(s string) ([]Item, error) {
		return r1Completion{}.Decode(Record{Data: []byte(s), Path: "p.jsonl", Line: 1}, &Options{Model: "m"})
	}
	items, err := dec(`{"prompt":[{"role":"user","content":[{"type":"text","text":"Q?"}]}],"reasoning_content":"r1\n\nr2","content":"A \\boxed{1}","finish_reason":"length"}`)
	if err != nil {
		t.Fatal(err)
	}
	tr := items[0].Trace
	if items[0].Problem.Text != "Q?" || tr.Model != "m" || len(tr.Steps) != 3 || !tr.Truncated || tr.FinalAnswer != "1" {
		t.Errorf("flat record: problem %q model %q steps %d truncated %v", items[0].Problem.Text, tr.Model, len(tr.Steps), tr.Truncated)
	}
	// Two choices give two samples.
	items, err = dec(`{"question":"Q","choices":[{"index":0,"message":{"content":"a","reasoning_content":"x"}},` +
		`{"index":1,"message":{"content":"<think>y</think>b"}}]}`)
	if err != nil || len(items) != 2 || items[1].Trace.Sample != 1 || items[1].Trace.Steps[0].Text != "y" {
		t.Errorf("choices: %v %d", err, len(items))
	}
	for _, c := range []struct{ rec, want string }{
		{`{"choices":[{"message":{"content":"a","reasoning_content":"x"}}]}`, "no problem text"},
		{`{"question":"Q","response":{"choices":[]}}`, "choices is empty"},
		{`{"question":"Q"}`, "no completion"},
		{`{"question":5,"response":"</think>"}`, "field question"},
		{`null`, "null"},
	} {
		if _, err := dec(c.rec); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err %v, want %q", c.rec, err, c.want)
		}
	}
}

func TestR1DetectIsSpecific(t *testing.T) {
	keys := func(s string) Keys {
		var k Keys
		if err := json.Unmarshal([]byte(s), &k); err != nil {
			t.Fatal(err)
		}
		return k
	}
	yes := []string{
		`{"problem":"p","response":"a</think>b"}`,
		`{"question":"q","output":"<think>a"}`,
		`{"prompt":"p","reasoning":"r","content":"c"}`,
		`{"choices":[{"message":{"content":"c","reasoning_content":"r"}}]}`,
		`{"response":{"choices":[{"message":{"content":"c","reasoning":"r"}}]}}`,
	}
	no := []string{
		`{"problem":"p","response":"plain answer"}`,
		`{"choices":[{"message":{"content":"c"}}]}`,
		`{"response":"a</think>b"}`,
		`{"question":"q","answer":"a"}`,
	}
	for _, s := range yes {
		if !(r1Completion{}).Detect(keys(s)) {
			t.Errorf("not detected: %s", s)
		}
	}
	for _, s := range no {
		if (r1Completion{}).Detect(keys(s)) {
			t.Errorf("wrongly detected: %s", s)
		}
	}
}

func TestOpenR1Fixture(t *testing.T) {
	path := longCoTFixture("r1_openr1_math.jsonl")
	longCoTExpectDetected(t, path, "openr1")
	items := readAll(t, path, "", nil)
	if len(items) != 4 {
		t.Fatalf("got %d traces, want 2 generations x 2 rows", len(items))
	}
	a, b := items[0].Trace, items[1].Trace
	if a.SourceID != "0c3f1e2a-5b7d-5e8f-9a1b-2c3d4e5f6a7b" || a.Sample != 0 || b.Sample != 1 || a.Model != "DeepSeek-R1" ||
		a.Dataset != "openr1-math" {
		t.Errorf("ids: %q %d %d %q %q", a.SourceID, a.Sample, b.Sample, a.Model, a.Dataset)
	}
	if !*a.Correct || *b.Correct || a.CorrectBy != "source: correctness_math_verify" || a.FinalAnswer != "12" {
		t.Errorf("verdicts %v %v %q", *a.Correct, *b.Correct, a.FinalAnswer)
	}
	if a.Truncated || !b.Truncated || b.Meta["finish_reason"] != "length" || b.Meta["is_reasoning_complete"] != "false" {
		t.Errorf("truncation %v %v meta %v", a.Truncated, b.Truncated, b.Meta)
	}
	if len(a.Steps) != 4 || a.Steps[3].Text != "The number is $\\boxed{12}$." || len(b.Steps) != 2 {
		t.Errorf("steps %d %d", len(a.Steps), len(b.Steps))
	}
	p := items[0].Problem
	if p.GoldAnswer != "12" || p.Subject != "Algebra" || !strings.HasPrefix(p.GoldSolution, "Let the number be") {
		t.Errorf("problem %+v", p)
	}
	// Second row: correctness_llama per generation, no finish_reasons.
	c, d := items[2].Trace, items[3].Trace
	if c.Meta["correctness_llama"] != "true" || d.Meta["correctness_llama"] != "false" || d.FinalAnswer != "4" ||
		*d.Correct || c.Meta["source"] != "cn_contest" || c.Meta["correctness_count"] != "2" {
		t.Errorf("row 2 meta %v / %v", c.Meta, d.Meta)
	}
	// A list not parallel to generations is left out, with a warning: its
	// one verdict belongs to no generation for sure.
	bad := `{"problem":"p","generations":["a",null,"b"],"correctness_math_verify":[true]}`
	got, err := (openR1{}).Decode(Record{Data: []byte(bad)}, &Options{})
	if err != nil || len(got) != 2 || got[0].Trace.Correct != nil || got[1].Trace.Sample != 2 ||
		!strings.Contains(strings.Join(got[0].Warnings, ";"), "correctness_math_verify has 1 entries") ||
		!strings.Contains(strings.Join(got[0].Warnings, ";"), "generations[1] is null") {
		t.Errorf("mismatched lists: %v %+v", err, got)
	}
	if _, err := (openR1{}).Decode(Record{Data: []byte(`{"problem":"p","generations":[null]}`)}, &Options{}); err == nil {
		t.Error("a record with no generation was imported")
	}
}

func FuzzDecodeR1(f *testing.F) {
	longCoTSeedLines(f, longCoTFixture("r1_completions.jsonl"), 2000)
	longCoTSeedLines(f, longCoTFixture("r1_api_responses.jsonl"), 2000)
	f.Add([]byte(`{"messages":[{"role":"user","content":"q"}],"choices":[{"message":{"content":null,"reasoning":"</think>"}}]}`))
	f.Fuzz(func(t *testing.T, data []byte) { longCoTFuzzDecode(t, r1Completion{}, data) })
}

func FuzzDecodeOpenR1(f *testing.F) {
	longCoTSeedLines(f, longCoTFixture("r1_openr1_math.jsonl"), 4000)
	f.Add([]byte(`{"problem":"p","generations":["</think><think>"],"is_reasoning_complete":[null],"finish_reasons":[null]}`))
	f.Fuzz(func(t *testing.T, data []byte) { longCoTFuzzDecode(t, openR1{}, data) })
}
