package judgerun

import (
	"encoding/json"
	"math"
	"testing"

	"github.com/stepwise-dev/stepwise"
	"github.com/stepwise-dev/stepwise/store"
)

func TestReferences(t *testing.T) {
	r := DatasetReference(store.Summary{Steps: 5, Strip: "+0x..", FirstError: ptr(2), Correct: ptr(false)})
	want := []stepwise.Rating{stepwise.Good, stepwise.Neutral, stepwise.Bad, stepwise.Unlabeled, stepwise.Unlabeled}
	for i := range want {
		if r.Ratings[i] != want[i] {
			t.Fatalf("ratings %v", r.Ratings)
		}
	}
	if *r.FirstError != 2 || *r.Correct {
		t.Fatalf("dataset reference %+v", r)
	}
	// Step ratings without a first-error mark: every step rated, none bad → −1.
	m := &stepwise.TraceMarks{Steps: map[int]stepwise.StepMark{0: {Rating: stepwise.Good}, 1: {Rating: stepwise.Neutral}, 2: {Rating: stepwise.Good}},
		Verdict: "correct"}
	h := HumanReference(m, 3)
	if h.FirstError == nil || *h.FirstError != -1 || h.Correct == nil || !*h.Correct {
		t.Fatalf("all rated: %+v", h)
	}
	// A gap before any bad step: the reference is silent on the first error.
	delete(m.Steps, 1)
	m.Steps[2] = stepwise.StepMark{Rating: stepwise.Bad}
	m.Verdict = "wrong"
	if h := HumanReference(m, 3); h.FirstError != nil || h.Correct == nil || *h.Correct {
		t.Fatalf("gap: %+v", h)
	}
	// A first-error mark wins; marks beyond the trace are ignored.
	m.FirstError, m.Steps[7] = ptr(0), stepwise.StepMark{Rating: stepwise.Bad}
	if h := HumanReference(m, 3); *h.FirstError != 0 || len(h.Ratings) != 3 {
		t.Fatalf("first-error mark: %+v", h)
	}
	if h := HumanReference(nil, 2); h.FirstError != nil || len(h.Ratings) != 2 {
		t.Fatalf("no marks: %+v", h)
	}
}

// TestCompareByHand: three traces.
//
//	A: judge first error 2, flags {2};   reference first error 1, steps + x . .
//	B: judge first error −1, no flags;   reference −1, steps + + +
//	C: judge first error 0, flags {0,1}; reference −1, steps + + 0
//
// First error: erroneous 1 (A, judge late), correct 2 (B match, C not):
// acc1 0, acc2 0.5, F1 0.
// Steps (good/bad only): A0 TN, A1 FN (flags miss step 1; step 2 unlabeled),
// B0-2 TN, C0 FP, C1 FP (C2 neutral, left out): TP 0, FP 2, FN 1, TN 4.
// Precision 0/2 = 0, recall 0/1 = 0, F1 0; κ: n 7, po 4/7,
// pe = (2·1 + 5·6)/49 = 32/49, κ = (28/49 − 32/49)/(17/49) = −4/17.
func TestCompareByHand(t *testing.T) {
	g, b, u, n := stepwise.Good, stepwise.Bad, stepwise.Unlabeled, stepwise.Neutral
	items := []Item{
		{Judge: &stepwise.Analysis{Verdict: "incorrect", FirstError: ptr(2), StepFlags: []stepwise.StepFlag{{Step: 2}}},
			Ref: Reference{Steps: 4, FirstError: ptr(1), Ratings: []stepwise.Rating{g, b, u, u}, Correct: ptr(false)}},
		{Judge: &stepwise.Analysis{Verdict: "correct", FirstError: ptr(-1)},
			Ref: Reference{Steps: 3, FirstError: ptr(-1), Ratings: []stepwise.Rating{g, g, g}, Correct: ptr(true)}},
		{Judge: &stepwise.Analysis{Verdict: "incorrect", FirstError: ptr(0), StepFlags: []stepwise.StepFlag{{Step: 0}, {Step: 1}, {Step: 9}}},
			Ref: Reference{Steps: 3, FirstError: ptr(-1), Ratings: []stepwise.Rating{g, g, n}}},
		{Judge: nil, Ref: Reference{Steps: 1}},
	}
	a := Compare(items)
	fe := a.FirstError
	if a.Traces != 3 || fe.Erroneous != 1 || fe.ErroneousMatch != 0 || fe.Late != 1 || fe.Correct != 2 || fe.CorrectMatch != 1 ||
		fe.Acc1 != 0 || fe.Acc2 != 0.5 || fe.F1 != 0 {
		t.Fatalf("first error %+v", fe)
	}
	st := a.Steps
	if st.TP != 0 || st.FP != 2 || st.FN != 1 || st.TN != 4 || st.Precision != 0 || st.Recall != 0 || st.F1 != 0 ||
		math.Abs(float64(st.Kappa)-(-4.0/17)) > 1e-12 {
		t.Fatalf("steps %+v", st)
	}
	// Verdict: A (incorrect, wrong) and B (correct, right) agree; C has no
	// reference verdict. Both sides vary, po 1, κ 1.
	if a.Verdict.N != 2 || a.Verdict.Agree != 2 || a.Verdict.Kappa != 1 {
		t.Fatalf("verdict %+v", a.Verdict)
	}
	// Undefined metrics are null in JSON, not an encoding error.
	empty := Compare(nil)
	b2, err := json.Marshal(empty)
	if err != nil || empty.Steps.Kappa.Defined() || empty.FirstError.F1.String() != "n/a" {
		t.Fatalf("empty: %s %v", b2, err)
	}
	var back map[string]map[string]any
	json.Unmarshal(b2, &back)
	if v, ok := back["steps"]["kappa"]; !ok || v != nil {
		t.Fatalf("kappa in JSON: %s", b2)
	}
}

func TestHumanVsJudgeItem(t *testing.T) {
	run := &stepwise.Analysis{Verdict: "incorrect", FirstError: ptr(1), StepFlags: []stepwise.StepFlag{{Step: 1}}}
	marks := &stepwise.TraceMarks{FirstError: ptr(1), Steps: map[int]stepwise.StepMark{0: {Rating: stepwise.Good}, 1: {Rating: stepwise.Bad}}}
	a := Compare([]Item{HumanVsJudge(run, marks, 4)})
	if a.FirstError.ErroneousMatch != 1 || a.Steps.TP != 1 || a.Steps.TN != 1 || a.Steps.Kappa != 1 {
		t.Fatalf("human vs judge %+v", a)
	}
}
