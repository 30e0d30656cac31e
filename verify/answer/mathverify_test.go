package answer

import (
	"bufio"
	"encoding/json"
	"os"
	"testing"
)

// mvCase is one of Math-Verify's test cases (testdata/SOURCES.md).
type mvCase struct {
	Case       string `json:"case"`
	Gold       string `json:"gold"`
	Pred       string `json:"pred"`
	Equivalent bool   `json:"equivalent"`
	Origin     string `json:"origin"`
	Precision  int    `json:"precision"`
}

func loadCases(t testing.TB, path string) []mvCase {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []mvCase
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for line := 1; sc.Scan(); line++ {
		var c mvCase
		if err := json.Unmarshal(sc.Bytes(), &c); err != nil {
			t.Fatalf("%s:%d: %v", path, line, err)
		}
		out = append(out, c)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if len(out) == 0 {
		t.Fatalf("%s: no cases", path)
	}
	return out
}

// agreement grades every case and returns the ids where the grader's
// verdict is not Math-Verify's (an unknown verdict counts as a
// disagreement), with the verdicts.
func agreement(cases []mvCase) (agree int, off map[string]Verdict) {
	off = map[string]Verdict{}
	for _, c := range cases {
		v := Grade(c.Pred, c.Gold, Options{Precision: c.Precision})
		if v.Outcome != Unknown && (v.Outcome == Equal) == c.Equivalent {
			agree++
			continue
		}
		off[c.Case] = v
	}
	return agree, off
}

func TestMathVerifyEvenCases(t *testing.T) {
	cases := loadCases(t, "testdata/math_verify_cases_even.jsonl")
	agree, off := agreement(cases)
	t.Logf("agreement with Math-Verify on the shared (even) cases: %d/%d (%.1f%%)", agree, len(cases), 100*float64(agree)/float64(len(cases)))
	for _, c := range cases {
		v, ok := off[c.Case]
		if !ok {
			continue
		}
		t.Logf("%s want %v got %v (%s) pred %.60q gold %.60q", c.Case, c.Equivalent, v.Outcome, v.Method, v.Predicted, v.Gold)
	}
	if float64(agree) < 0.95*float64(len(cases)) {
		t.Errorf("agreement %d/%d is below 95%%", agree, len(cases))
	}
}

// TestMathVerifyHeldOutCases measures the grader on Math-Verify cases that
// were not used to tune it (testdata/gen says where each comes from).
func TestMathVerifyHeldOutCases(t *testing.T) {
	cases := loadCases(t, "testdata/math_verify_cases_heldout.jsonl")
	agree, off := agreement(cases)
	t.Logf("agreement with Math-Verify on the held-out cases: %d/%d (%.1f%%)", agree, len(cases), 100*float64(agree)/float64(len(cases)))
	for _, c := range cases {
		v, ok := off[c.Case]
		if !ok {
			continue
		}
		t.Logf("%s want %v got %v (%s) pred %.60q gold %.60q", c.Case, c.Equivalent, v.Outcome, v.Method, v.Predicted, v.Gold)
	}
	if float64(agree) < 0.95*float64(len(cases)) {
		t.Errorf("agreement %d/%d is below 95%%", agree, len(cases))
	}
}
