package analyze

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

func TestLastBoxed(t *testing.T) {
	for _, tc := range []struct {
		in, want string
		ok       bool
	}{
		{`so \boxed{5}.`, "5", true},
		{`\boxed{1} then \boxed{\frac{1}{2}}`, `\frac{1}{2}`, true},
		{`\boxed{\left( 3, \frac{\pi}{2} \right)}`, `\left( 3, \frac{\pi}{2} \right)`, true},
		{`\boxed{\{1,2\}}`, `\{1,2\}`, true},
		{`\fbox{7}`, "7", true},
		{`\boxed 42 done`, "42", true},
		{`\boxed{3} and \boxed{unclosed`, "3", true},
		{`\boxedx{3}`, "", false},
		{`no box`, "", false},
		{`\boxed{}`, "", true},
	} {
		got, _, ok := LastBoxed(tc.in)
		if got != tc.want || ok != tc.ok {
			t.Errorf("LastBoxed(%q) = %q, %v; want %q, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

func TestFinalAnswer(t *testing.T) {
	for _, tc := range []struct{ in, text, method string }{
		{"x\n#### 1,200", "1,200", "gsm8k"},
		{"She makes $18.\nA: 18", "18", "answer-line"},
		{"# Answer\n\n28800", "28800", "answer-line"},
		{"Thus the final answer is 12. Done", "12", "answer-is"},
		{"The answer is: **7**", "7", "answer-is"},
		{"A man walks.\nHe stops.", "", ""},
		{`\boxed{2} ... #### 3`, "2", "boxed"},
	} {
		a, ok := FinalAnswer(tc.in)
		if a.Text != tc.text || a.Method != tc.method || ok != (tc.method != "") {
			t.Errorf("FinalAnswer(%q) = %+v, %v; want %q by %q", tc.in, a, ok, tc.text, tc.method)
		}
	}
}

func TestEquivalent(t *testing.T) {
	for _, tc := range []struct {
		pred, gold string
		want       bool
		how        string
	}{
		{"5", "5", true, EqExact},
		{`\dfrac{3}{4}`, `\frac34`, true, EqNormalized},
		{`\tfrac{1}{2}`, "0.5", true, EqNumeric},
		{"1/2", `\frac{1}{2}`, true, EqNumeric},
		{"025", "25", true, EqNumeric},
		{"10,080", `10,\!080`, true, EqNormalized},
		{"1,000,000", "1000000", true, EqNormalized},
		{"$18", "18", true, EqNormalized},
		{`\$18.00`, "18", true, EqNumeric},
		{"18 dollars", "18", true, EqNormalized},
		{`\frac{270}{7}^\circ`, `\frac{270}7\text{ degrees}`, true, EqNormalized},
		{`30^\circ`, "30", true, EqNormalized},
		{"50\\%", "50", true, EqNormalized},
		{"50%", "0.5", true, EqPercent},
		{"x=5", "5", true, EqNormalized},
		{`\text{Evelyn}`, "evelyn", true, EqNormalized},
		{`\left( 3, \frac{\pi}{2} \right)`, `(3,\frac{\pi}{2})`, true, EqNormalized},
		{"(1.5, -2)", `\left(\frac{3}{2},-2\right)`, true, EqTuple},
		{"-2, 1", "1,-2", true, EqSet},
		{"(2, 1)", "(1, 2)", false, ""},
		{"(3,4]", "(3,4)", false, ""},
		{`\sqrt2`, `\sqrt{2}`, true, EqNormalized},
		{`11\sqrt2`, `11\sqrt{2}`, true, EqNormalized},
		{"-2 + 7i", "-2+7i", true, EqNormalized},
		{"-2 + 7i", "-2+7", false, ""},
		{"1.4142", `\sqrt{2}`, false, ""},
		{"6", "7", false, ""},
		{"", "7", false, ""},
		{"12 cm^2", "12", true, EqNormalized},
		{`\boxed{4}`, "4", true, EqNormalized},
		{"0.3333", `\frac{1}{3}`, false, ""},
		{"10^{100000000}", "1", false, ""},
	} {
		ok, how := Equivalent(tc.pred, tc.gold)
		if ok != tc.want || how != tc.how {
			t.Errorf("Equivalent(%q, %q) = %v, %q; want %v, %q", tc.pred, tc.gold, ok, how, tc.want, tc.how)
		}
	}
}

func readJSONL(t *testing.T, path string, each func(line int, raw []byte)) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<24)
	n := 0
	for sc.Scan() {
		n++
		each(n, sc.Bytes())
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
}

func samples(parts ...string) string {
	return filepath.Join(append([]string{"..", "..", "testdata", "samples"}, parts...)...)
}

// MATH-500's gold answer is the last \boxed{} of its reference solution, so
// extraction must return exactly the dataset's answer field for all 200.
func TestMATH500BoxedExtraction(t *testing.T) {
	n := 0
	readJSONL(t, samples("math500", "test_first200.jsonl"), func(line int, raw []byte) {
		var r struct{ Solution, Answer string }
		if err := json.Unmarshal(raw, &r); err != nil {
			t.Fatalf("line %d: %v", line, err)
		}
		a, ok := FinalAnswer(r.Solution)
		if !ok || a.Method != "boxed" || a.Text != r.Answer {
			t.Errorf("line %d: extracted %q (%s), answer field %q", line, a.Text, a.Method, r.Answer)
		}
		if eq, _ := Equivalent(a.Text, r.Answer); !eq {
			t.Errorf("line %d: %q not equivalent to itself", line, r.Answer)
		}
		n++
	})
	if n != 200 {
		t.Errorf("%d records, want 200", n)
	}
}

// The GSM8K example model solutions carry the dataset's own is_correct for
// four models; final answers are "A: x" lines on both sides.
func TestGSM8KModelSolutionsCorrectness(t *testing.T) {
	models := []string{"6b_finetuning", "6b_verification", "175b_finetuning", "175b_verification"}
	agree, total := 0, 0
	readJSONL(t, samples("gsm8k", "example_model_solutions_first50.jsonl"), func(line int, raw []byte) {
		var r map[string]json.RawMessage
		if err := json.Unmarshal(raw, &r); err != nil {
			t.Fatalf("line %d: %v", line, err)
		}
		var gold string
		_ = json.Unmarshal(r["ground_truth"], &gold)
		ga, ok := FinalAnswer(gold)
		if !ok {
			t.Fatalf("line %d: no gold answer in %q", line, gold)
		}
		for _, m := range models {
			var s struct {
				IsCorrect bool   `json:"is_correct"`
				Solution  string `json:"solution"`
			}
			_ = json.Unmarshal(r[m], &s)
			pa, _ := FinalAnswer(s.Solution)
			eq, _ := Equivalent(pa.Text, ga.Text)
			total++
			if eq == s.IsCorrect {
				agree++
			} else {
				t.Errorf("line %d %s: pred %q gold %q: equivalent=%v, dataset is_correct=%v", line, m, pa.Text, ga.Text, eq, s.IsCorrect)
			}
		}
	})
	if total != 200 {
		t.Errorf("%d solutions, want 200", total)
	}
}

// Sky-T1 AIME traces: the dataset's score says whether pred matched the
// gold answer (which AIME pads to three digits: "025").
func TestSkyT1Correctness(t *testing.T) {
	n := 0
	readJSONL(t, samples("longcot_skyt1", "aime24_sky-t1-32b-ckpt140.jsonl"), func(line int, raw []byte) {
		var r struct {
			Answer string   `json:"answer"`
			Code   []string `json:"code"`
			Score  []bool   `json:"score"`
		}
		if err := json.Unmarshal(raw, &r); err != nil {
			t.Fatalf("line %d: %v", line, err)
		}
		a, _ := FinalAnswer(r.Code[0])
		eq, _ := Equivalent(a.Text, r.Answer)
		if eq != r.Score[0] {
			t.Errorf("line %d: extracted %q (%s) vs gold %q: %v, dataset score %v", line, a.Text, a.Method, r.Answer, eq, r.Score[0])
		}
		n++
	})
	if n != 30 {
		t.Errorf("%d records, want 30", n)
	}
}
