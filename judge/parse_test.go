package judge

import (
	"strings"
	"testing"
)

func TestParseCriteria(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []string
	}{
		{`{"criteria": ["A?", "B?", "C?"]}`, []string{"A?", "B?", "C?"}},
		{"Sure!\n```json\n{\"criteria\": [\"A?\", \"  B?  \", \"A?\", \"\"]}\n```", []string{"A?", "B?"}},
		{`["X?", "Y?"]`, []string{"X?", "Y?"}},
		{"1. First?\n2) Second?\n10. Tenth?\n- bullet?\nnot a question", []string{"First?", "Second?", "Tenth?", "bullet?"}},
		{`{"criteria": ["1","2","3","4","5","6","7","8"]}`, []string{"1", "2", "3", "4", "5", "6"}},
	} {
		got, err := ParseCriteria(tc.in)
		if err != nil || strings.Join(got, "|") != strings.Join(tc.want, "|") {
			t.Errorf("ParseCriteria(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
	if _, err := ParseCriteria("no list here"); err == nil {
		t.Error("no error for an answer without questions")
	}
	long, _ := ParseCriteria(`{"criteria": ["` + strings.Repeat("é", 1000) + `"]}`)
	if len([]rune(long[0])) != maxCriterionLen+1 {
		t.Errorf("long question kept %d runes", len([]rune(long[0])))
	}
}

func TestParseAnalysis(t *testing.T) {
	for _, tc := range []struct {
		in               string
		mode, text, code string
	}{
		{`{"mode": "text", "analysis": "fine", "code": ""}`, ModeText, "fine", ""},
		{`{"mode": "code", "analysis": "count", "code": "def evaluate(t):\n    print(len(t))"}`, ModeCode, "count", "def evaluate(t):\n    print(len(t))"},
		{`{"mode": "code", "analysis": "oops", "code": ""}`, ModeText, "oops", ""},
		{`{"mode": "text", "analysis": "x", "code": "def f(): pass"}`, ModeText, "x", ""},
		{"Let's write a Python function to evaluate.\n```python\ndef evaluate(response):\n    print(1)\n\n# Example usage\nevaluate('x')\n```\n", ModeCode, "Let's write a Python function to evaluate.", "def evaluate(response):\n    print(1)"},
		{"Plain prose about the responses.", ModeText, "Plain prose about the responses.", ""},
		{"```python\nx = 1\n```", ModeText, "```python\nx = 1\n```", ""},
		{"```py\ndef evaluate(t):\n    pass\nif __name__ == '__main__':\n    evaluate('a')", ModeCode, "", "def evaluate(t):\n    pass"},
	} {
		got := ParseAnalysis(tc.in)
		if got.Mode != tc.mode || got.Analysis != tc.text || got.Code != tc.code {
			t.Errorf("ParseAnalysis(%q) = %+v; want %s %q %q", tc.in, got, tc.mode, tc.text, tc.code)
		}
	}
}

func TestParsePairVerdict(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int
	}{
		{`{"reasoning": "r", "winner": 2}`, 2},
		{`{"reasoning": "r", "winner": "Response 1"}`, 1},
		{`{"winner": "2"}`, 2},
		{"Response 1 is better at first sight... Therefore, Response 2 is better.", 2},
		{"**Winner:** Response 1", 1},
		{`{"winner": 3} but in the end Response 2 is the better one. Response 1 is better.`, 1},
	} {
		got, err := ParsePairVerdict(tc.in)
		if err != nil || got != tc.want {
			t.Errorf("ParsePairVerdict(%q) = %d, %v; want %d", tc.in, got, err, tc.want)
		}
	}
	for _, bad := range []string{"", "Both are equal.", `{"winner": 3}`, "Response 3 is better"} {
		if w, err := ParsePairVerdict(bad); err == nil {
			t.Errorf("ParsePairVerdict(%q) = %d, want an error", bad, w)
		}
	}
}

func TestParseSingleVerdict(t *testing.T) {
	sv := ParseSingleVerdict(`{"reasoning":"r","verdict":"incorrect","first_error":2,"flags":[{"step":2,"reason":"bad sum"},{"step":"step 3","reason":"follows"},{"step":2,"reason":"dup"},{"step":7,"reason":"out"}]}`, 5)
	if sv.Verdict != VerdictIncorrect || sv.FirstError == nil || *sv.FirstError != 2 || len(sv.Flags) != 2 || sv.Flags[1].Step != 3 {
		t.Errorf("json: %+v", sv)
	}
	if len(sv.Problems) != 1 || !strings.Contains(sv.Problems[0], "step 7") {
		t.Errorf("problems %q", sv.Problems)
	}
	sv = ParseSingleVerdict(`{"verdict":"correct","first_error":-1,"flags":[]}`, 3)
	if sv.Verdict != VerdictCorrect || *sv.FirstError != -1 || len(sv.Problems) != 0 {
		t.Errorf("all correct: %+v", sv)
	}
	sv = ParseSingleVerdict("Step 1: the product is wrong.\nVERDICT: incorrect\nFIRST_ERROR: step 1", 4)
	if sv.Verdict != VerdictIncorrect || *sv.FirstError != 1 || len(sv.Flags) != 1 || sv.Flags[0].Reason != "the product is wrong." {
		t.Errorf("text: %+v", sv)
	}
	sv = ParseSingleVerdict(`The earliest error is in paragraph \boxed{3}.`, 4)
	if sv.FirstError == nil || *sv.FirstError != 3 || sv.Verdict != "" || len(sv.Problems) != 1 {
		t.Errorf("ProcessBench style: %+v", sv)
	}
	sv = ParseSingleVerdict(`{"verdict":"incorrect","first_error":4}`, 4)
	if sv.FirstError != nil || !strings.Contains(strings.Join(sv.Problems, ";"), "outside -1..3") {
		t.Errorf("out of range: %+v", sv)
	}
	sv = ParseSingleVerdict(`{"verdict":"maybe","first_error":1.5}`, 4)
	if sv.Verdict != "" || sv.FirstError != nil || len(sv.Problems) != 3 {
		t.Errorf("junk: %+v", sv)
	}
}

var parserSeeds = []string{
	`{"criteria": ["A?", "B?"]}`, "1. a\n2. b", `["x"]`,
	`{"mode":"code","analysis":"a","code":"def evaluate(t): pass"}`, "```python\ndef evaluate(t):\n  pass\n```",
	`{"reasoning":"r","winner":1}`, "Therefore, Response 2 is better.",
	`{"verdict":"incorrect","first_error":2,"flags":[{"step":1,"reason":"x"}]}`, "VERDICT: correct\nFIRST_ERROR: -1",
	`\boxed{3}`, "{{{{", `{"winner": {"a": [1,2,3]}}`, `{"first_error": "step 99999999999"}`,
}

func FuzzParsers(f *testing.F) {
	for _, s := range parserSeeds {
		f.Add(s, 5)
	}
	f.Fuzz(func(t *testing.T, s string, n int) {
		if n < 0 || n > 1000 {
			n = 5
		}
		if qs, err := ParseCriteria(s); err == nil {
			if len(qs) == 0 || len(qs) > maxCriteria {
				t.Fatalf("%d criteria", len(qs))
			}
			for _, q := range qs {
				if strings.TrimSpace(q) == "" {
					t.Fatal("blank criterion")
				}
			}
		}
		pa := ParseAnalysis(s)
		if (pa.Mode == ModeCode) != (pa.Code != "") || (pa.Mode != ModeCode && pa.Mode != ModeText) {
			t.Fatalf("analysis %+v", pa)
		}
		if w, err := ParsePairVerdict(s); err == nil && w != 1 && w != 2 {
			t.Fatalf("winner %d", w)
		}
		sv := ParseSingleVerdict(s, n)
		if sv.FirstError != nil && (*sv.FirstError < -1 || *sv.FirstError >= n) {
			t.Fatalf("first error %d of %d steps", *sv.FirstError, n)
		}
		for _, fl := range sv.Flags {
			if fl.Step < 0 || fl.Step >= n {
				t.Fatalf("flag %d of %d steps", fl.Step, n)
			}
		}
		if sv.Verdict != "" && sv.Verdict != VerdictCorrect && sv.Verdict != VerdictIncorrect {
			t.Fatalf("verdict %q", sv.Verdict)
		}
	})
}
