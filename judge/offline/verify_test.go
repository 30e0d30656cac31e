package offline

import (
	"context"
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"github.com/stepwise-dev/stepwise"
)

func TestVerifyCheckerConstructed(t *testing.T) {
	tr := traceFromText("c1", "So 7 × 8 = 54 apples.\n\nThen 48/2 = 24.\n\nNo numbers here.")
	rep, err := Run(context.Background(), &tr, nil, Options{Arithmetic: VerifyChecker{}})
	if err != nil {
		t.Fatal(err)
	}
	if a := rep.Arithmetic; a == nil || a.Claims != 2 || a.Proved != 1 || a.Disproved != 1 {
		t.Fatalf("tally %+v", rep.Arithmetic)
	}
	var found bool
	for _, f := range rep.Findings {
		if f.Code == "arith_false" {
			found = true
			if f.Step != 0 || !strings.Contains(f.Message, "54") {
				t.Errorf("finding %+v", f)
			}
		}
	}
	if !found {
		t.Errorf("no arith_false finding: %+v", rep.Findings)
	}
}

var calcRe = regexp.MustCompile(`<<([^<>=]*)=([^<>]*)>>`)

// The 200 GSM8K reference solutions carry 620 calculator annotations, all
// exact (counted and evaluated with python3 fractions); the references'
// arithmetic is right, so no claim may come back disproved.
func TestVerifyCheckerGSM8KReferences(t *testing.T) {
	var tally ArithmeticTally
	readJSONL(t, samples("gsm8k", "test_first200.jsonl"), func(line int, raw []byte) {
		var r struct{ Answer string }
		if err := json.Unmarshal(raw, &r); err != nil {
			t.Fatal(err)
		}
		tr := stepwise.Trace{ID: "gsm8k", Raw: r.Answer}
		off := 0
		for i, text := range strings.Split(r.Answer, "\n") {
			st := stepwise.Step{Index: i, Text: text, Span: stepwise.Span{Start: off, End: off + len(text)}}
			for _, m := range calcRe.FindAllStringSubmatchIndex(text, -1) {
				st.Calcs = append(st.Calcs, stepwise.Calc{Expr: text[m[2]:m[3]], Result: text[m[4]:m[5]], Span: stepwise.Span{Start: off + m[0], End: off + m[1]}})
			}
			tr.Steps = append(tr.Steps, st)
			off += len(text) + 1
		}
		rep, err := Run(context.Background(), &tr, nil, Options{Arithmetic: VerifyChecker{}})
		if err != nil {
			t.Fatalf("line %d: %v", line, err)
		}
		a := rep.Arithmetic
		tally.Claims += a.Claims
		tally.Proved += a.Proved
		tally.Disproved += a.Disproved
		if a.Disproved > 0 {
			t.Errorf("line %d: %+v", line, rep.Findings)
		}
	})
	if tally.Claims < 620 || tally.Proved < 620 || tally.Disproved != 0 {
		t.Errorf("tally %+v: want at least the 620 annotations proved and none disproved", tally)
	}
	t.Logf("tally %+v", tally)
}
