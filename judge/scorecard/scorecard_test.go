package scorecard

import (
	"encoding/json"
	"math"
	"testing"

	"github.com/stepwise-dev/stepwise"
)

func ip(i int) *int                   { return &i }
func bp(b bool) *bool                 { return &b }
func fp(f float64) *float64           { return &f }
func near(a *float64, b float64) bool { return a != nil && math.Abs(*a-b) < 1e-9 }

// TestComputeByHand: four traces of one problem, scored by hand.
//
//	t1 ref first error 1 (steps G B U), answer 5 (wrong)
//	t2 ref -1 (G G), answer 6 (right)
//	t3 ref -1 (G G), answer 6 (right)
//	t4 ref first error 0 (B U), answer 7 (wrong); "a" never looked at it
//
// Source "a" flags t1 step 1 and t2 step 0: ProcessBench acc_error 1/1
// (t1 exact), acc_correct 1/2 (t3 clean, t2 flagged), F1 2·1·0.5/1.5 =
// 2/3; steps: t1 G B → TP 1 (step 1), t2 G G → FP 1 (step 0), t3 none:
// precision 1/2, recall 1/1, n = 2+2+2 = 6; coverage 3/4.
// Source "b" names t4's first error 0 and flags nothing else, looks at
// all four: acc_error 1/2 (t1 missed, t4 hit), acc_correct 2/2, F1 2/3;
// steps: TP 1 (t4 step 0), FN 1 (t1 step 1), precision 1, recall 1/2.
// Best of N over t1..t4 (all samples, all graded): majority vote picks an
// answer-6 trace (2 votes) → right; "b" picks among traces with no error
// found (t1, t2, t3) by majority → 6 → right; "a" did not look at t4: no
// problem scored.
func TestComputeByHand(t *testing.T) {
	G, B, U := stepwise.Good, stepwise.Bad, stepwise.Unlabeled
	traces := []Trace{
		{ID: "t1", Dataset: "d", ProblemID: "p", Sample: true, Answer: "5", Correct: bp(false), RefFirstError: ip(1),
			RefSteps: []stepwise.Rating{G, B, U}, Verdicts: []Verdict{{Source: "a", Flags: []int{1}}, {Source: "b"}}},
		{ID: "t2", Dataset: "d", ProblemID: "p", Sample: true, Answer: "6", Correct: bp(true), RefFirstError: ip(-1),
			RefSteps: []stepwise.Rating{G, G}, Verdicts: []Verdict{{Source: "a", Flags: []int{0}}, {Source: "b"}}},
		{ID: "t3", Dataset: "d", ProblemID: "p", Sample: true, Answer: "6.0", Correct: bp(true), RefFirstError: ip(-1),
			RefSteps: []stepwise.Rating{G, G}, Verdicts: []Verdict{{Source: "a"}, {Source: "b"}}},
		{ID: "t4", Dataset: "d", ProblemID: "p", Sample: true, Answer: "7", Correct: bp(false), RefFirstError: ip(0),
			RefSteps: []stepwise.Rating{B, U}, Verdicts: []Verdict{{Source: "b", FirstError: ip(0)}}},
	}
	rows := Compute(traces)
	if len(rows) != 2 || rows[0].Source != "a" || rows[1].Source != "b" {
		t.Fatalf("rows %+v", rows)
	}
	a, b := rows[0], rows[1]
	if a.Looked != 3 || a.Traces != 4 || a.Coverage != 0.75 {
		t.Errorf("a coverage %+v", a)
	}
	if !near(a.ProcessBench.AccError, 1) || !near(a.ProcessBench.AccCorrect, 0.5) || !near(a.ProcessBench.F1, 2.0/3) ||
		a.ProcessBench.NError != 1 || a.ProcessBench.NCorrect != 2 {
		t.Errorf("a processbench %+v", a.ProcessBench)
	}
	if !near(a.Steps.Precision, 0.5) || !near(a.Steps.Recall, 1) || a.Steps.N != 6 || !near(a.Steps.F1, 2.0/3) {
		t.Errorf("a steps %+v", a.Steps)
	}
	if a.BestOfN != nil {
		t.Errorf("a best of n %+v: it did not look at every sample", a.BestOfN)
	}
	if !near(b.ProcessBench.AccError, 0.5) || !near(b.ProcessBench.AccCorrect, 1) || !near(b.ProcessBench.F1, 2.0/3) {
		t.Errorf("b processbench %+v", b.ProcessBench)
	}
	if !near(b.Steps.Precision, 1) || !near(b.Steps.Recall, 0.5) || b.Steps.N != 7 {
		t.Errorf("b steps %+v", b.Steps)
	}
	if b.BestOfN == nil || b.BestOfN.Problems != 1 || b.BestOfN.Accuracy != 1 || b.BestOfN.Baseline != 1 {
		t.Errorf("b best of n %+v", b.BestOfN)
	}
	// The JSON names the issue fixes.
	js, _ := json.Marshal(b)
	var m map[string]any
	json.Unmarshal(js, &m)
	for _, k := range []string{"source", "dataset", "processbench", "steps", "coverage", "best_of_n"} {
		if _, ok := m[k]; !ok {
			t.Errorf("json lacks %q: %s", k, js)
		}
	}
}

// TestScoreRanksSelection: a score picks finer than "no error found", and
// selection can beat majority vote.
func TestScoreRanksSelection(t *testing.T) {
	mk := func(id, ans string, ok bool, score float64) Trace {
		return Trace{ID: id, Dataset: "d", ProblemID: "p", Sample: true, Answer: ans, Correct: bp(ok),
			Verdicts: []Verdict{{Source: "prm", Score: fp(score)}}}
	}
	rows := Compute([]Trace{mk("1", "3", false, 0.2), mk("2", "3", false, 0.3), mk("3", "4", true, 0.9)})
	b := rows[0].BestOfN
	if b == nil || b.Accuracy != 1 || b.Baseline != 0 || b.Problems != 1 {
		t.Fatalf("best of n %+v", b)
	}
	if rows[0].ProcessBench.NError != 0 || rows[0].ProcessBench.F1 != nil {
		t.Errorf("no reference first error: %+v", rows[0].ProcessBench)
	}
}
