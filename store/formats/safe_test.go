package formats

import (
	"strings"
	"testing"

	"github.com/stepwise-dev/stepwise"
)

const safeStmt1 = "theorem test\n  (b x: ℝ)\n  (h₀: x - 5 = 2 * x - b)\n  (h₁: x = -2):\n  (b = 3) := by sorry"

func TestSafeFixture(t *testing.T) {
	path := longCoTFixture("safe_trace_example.json")
	longCoTExpectDetected(t, path, "safe")
	items := readAll(t, path, "", nil)
	// Problem 1: 4 verified answers (2 objects, a bare string, an object
	// with no steps); problem 2: ["predict timeout"].
	if len(items) != 5 {
		t.Fatalf("got %d traces, want 5", len(items))
	}
	p := items[0].Problem
	if p.GoldAnswer != "3" || p.Level != "Level 2" || p.Subject != "Algebra" || p.SourceID != "math_test_algebra_9001" ||
		p.Split != "test" || p.Dataset != "safe" || !strings.HasPrefix(p.GoldSolution, "At $x=-2$") {
		t.Errorf("problem %+v", p)
	}

	tr := items[0].Trace
	if tr.Sample != 0 || tr.SourceID != "math_test_algebra_9001" || tr.Segmenter != safeLocateSegmenter || len(tr.Steps) != 4 {
		t.Fatalf("answer 0: sample %d id %q segmenter %q steps %d", tr.Sample, tr.SourceID, tr.Segmenter, len(tr.Steps))
	}
	if !strings.HasPrefix(tr.Raw, "The function is continuous") || !strings.HasSuffix(tr.Raw, "Therefore $b = \\boxed{3}$.") {
		t.Errorf("raw is not the answer: %q", tr.Raw)
	}
	// Steps are located in the answer: the answer's lines, in order.
	lines := strings.Split(tr.Raw, "\n")
	wantStates := []string{"No Verification Required", "Success of Proof", "Failure of Proof", "Failed Formalization"}
	for i, s := range tr.Steps {
		if s.Text != lines[i] || len(s.Labels) != 0 {
			t.Errorf("step %d %q (labels %v), want %q and no labels", i, s.Text, s.Labels, lines[i])
		}
		if len(s.Formalizations) != 1 {
			t.Fatalf("step %d: %d formalizations", i, len(s.Formalizations))
		}
		f := s.Formalizations[0]
		if f.Origin != stepwise.FormalImported || f.Status != stepwise.StatusStored || f.StoredState != wantStates[i] {
			t.Errorf("step %d formalization %+v", i, f)
		}
	}
	if f := tr.Steps[0].Formalizations[0]; f.Statement != "" || f.Proof != "" {
		t.Errorf("No Verification Required has a statement: %+v", f)
	}
	if f := tr.Steps[1].Formalizations[0]; f.Statement != safeStmt1 ||
		!strings.HasSuffix(f.Proof, ":= by\n  subst h₁\n  linarith") {
		t.Errorf("success formalization %+v", f)
	}
	if f := tr.Steps[2].Formalizations[0]; f.Proof != "" || !strings.Contains(f.Statement, "(h₀: -2 - 5 = 2 * (-2) - b)") {
		t.Errorf("failure formalization %+v", f)
	}
	if tr.Correct == nil || !*tr.Correct || tr.CorrectBy != "source: Safe correct (LLM-judged)" || tr.FinalAnswer != "3" {
		t.Errorf("verdict %v by %q answer %q", tr.Correct, tr.CorrectBy, tr.FinalAnswer)
	}
	if tr.Meta["safe_score"] != "0.87" || tr.Meta["safe_score_prm"] != "0.91" {
		t.Errorf("scores %v", tr.Meta)
	}
}

func TestSafeFallbackAndTimeouts(t *testing.T) {
	items := readAll(t, longCoTFixture("safe_trace_example.json"), "", nil)
	// Answer 1: its first step has different spacing from the answer, so
	// the steps are joined and the answer kept in Meta.
	tr := items[1].Trace
	wantRaw := "We need $x-5 = 2x-b$ at $x=-2$, so $b=3$.\nThe answer is $\\boxed{3}$."
	if tr.Segmenter != safeJoinSegmenter || tr.Raw != wantRaw || len(tr.Steps) != 2 {
		t.Errorf("fallback: segmenter %q raw %q", tr.Segmenter, tr.Raw)
	}
	if !strings.HasPrefix(tr.Meta["safe_answer"], "We need $x - 5 = 2x - b$") {
		t.Errorf("original answer not kept: %v", tr.Meta)
	}
	if f := tr.Steps[0].Formalizations; len(f) != 1 || f[0].Statement != safeStmt1 {
		t.Errorf("fallback formalization %+v", f)
	}
	// Answer 2: the bare string.
	tr = items[2].Trace
	if tr.Sample != 2 || len(tr.Steps) != 0 || tr.Raw != "" || tr.Meta["safe_status"] != "predict timeout" || tr.Correct != nil {
		t.Errorf("bare string: %+v", tr)
	}
	// Answer 3: steps [] (per-answer timeout), judged wrong.
	tr = items[3].Trace
	if len(tr.Steps) != 0 || !strings.HasPrefix(tr.Meta["safe_status"], "no steps") || *tr.Correct || tr.FinalAnswer != "-3" {
		t.Errorf("empty steps: %+v", tr)
	}
	// Problem 2: a per-problem timeout.
	if it := items[4]; it.Problem.Text != "What is $1+1$?" || it.Trace.Meta["safe_status"] != "predict timeout" || it.Trace.Sample != 0 {
		t.Errorf("per-problem timeout: %+v", it.Trace)
	}
}

func TestSafeFileNameAndErrors(t *testing.T) {
	rec := Record{Path: "results/trace_math_test_500_Llama-3.1-8B-Instruct.json", Line: 2,
		Data: []byte(`{"question":"q","ground_truth":"1","verified_answers":[{"answer":"x","steps":[{"step":"x","state":"Success of Proof","formal_statement":"s","proof":null}]}]}`)}
	items, err := safeTrace{}.Decode(rec, &Options{})
	if err != nil {
		t.Fatal(err)
	}
	if tr := items[0].Trace; tr.Dataset != "safe/math" || tr.Model != "Llama-3.1-8B-Instruct" || items[0].Problem.Split != "test" {
		t.Errorf("from the file name: dataset %q model %q split %q", tr.Dataset, tr.Model, items[0].Problem.Split)
	}
	for _, c := range []struct{ rec, want string }{
		{`{"question":"q","verified_answers":[]}`, "missing or empty"},
		{`{"question":"q","verified_answers":[{"steps":[]}]}`, "verified_answers[0]: missing answer"},
		{`{"question":"q","verified_answers":[{"answer":"a","steps":[{"formal_statement":"s"}]}]}`, "missing step text"},
		{`{"question":"q","verified_answers":[5]}`, "want an answer object or a status string"},
		{`{"verified_answers":["predict timeout"]}`, "missing question"},
	} {
		if _, err := (safeTrace{}).Decode(Record{Data: []byte(c.rec)}, &Options{}); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err %v, want %q", c.rec, err, c.want)
		}
	}
	// An answer that cannot be read is left out, the others imported; an
	// unknown step state is left out, the step kept; each with a warning.
	items, err = (safeTrace{}).Decode(Record{Data: []byte(`{"question":"q","verified_answers":[{"steps":[]},` +
		`{"answer":"a","steps":[{"step":"a","state":"Proved","formal_statement":"s"}]}]}`)}, &Options{})
	if err != nil || len(items) != 1 || items[0].Trace.Sample != 1 {
		t.Fatalf("partial record: %v %+v", err, items)
	}
	w := strings.Join(items[0].Warnings, "; ")
	f := items[0].Trace.Steps[0].Formalizations
	if !strings.Contains(w, `unknown Safe state "Proved"`) || !strings.Contains(w, "verified_answers[0]: missing answer; that answer is left out") ||
		len(f) != 1 || f[0].StoredState != "" || f[0].Statement != "s" {
		t.Errorf("warnings %q, formalizations %+v", w, f)
	}
}

func FuzzDecodeSafe(f *testing.F) {
	f.Add([]byte(`{"question":"q","ground_truth":"3","verified_answers":[{"answer":"a\nb","correct":true,"steps":[{"step":"a","formal_statement":null,"proof":null,"state":"No Verification Required","correct":true},{"step":"c","state":"Failure of Proof"}]},"predict timeout",{"answer":"z","steps":[]}]}`))
	f.Add([]byte(`{"problem":"q","verified_answers":[{"answer":"","steps":[{"step":""},{"step":""}]}]}`))
	f.Fuzz(func(t *testing.T, data []byte) { longCoTFuzzDecode(t, safeTrace{}, data) })
}
