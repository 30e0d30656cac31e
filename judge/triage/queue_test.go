package triage

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stepwise-dev/stepwise"
	"github.com/stepwise-dev/stepwise/store"
	"github.com/stepwise-dev/stepwise/store/formats"
)

func TestScoreStep(t *testing.T) {
	none := ScoreStep(Evidence{Source: stepwise.Good})
	if none.Value != 0 || len(none.Reasons) != 0 {
		t.Fatalf("a good step with no evidence: %+v", none)
	}
	// Disproved claim on a step the dataset calls good: 1.0 + 0.6.
	s := ScoreStep(Evidence{Source: stepwise.Good, Proofs: []stepwise.ProofStatus{stepwise.StatusDisproved}})
	if s.Value != wDisproved+wDisagreement || !strings.Contains(strings.Join(s.Reasons, ";"), "evidence says otherwise") {
		t.Fatalf("disproved: %+v", s)
	}
	// A step the dataset calls wrong whose claims all check: disagreement only.
	s = ScoreStep(Evidence{Source: stepwise.Bad, ArithChecked: 2})
	if s.Value != wDisagreement {
		t.Fatalf("claims check on a bad step: %+v", s)
	}
	// A label conflict outranks every other combination of evidence.
	all := ScoreStep(Evidence{Source: stepwise.Good, Proofs: []stepwise.ProofStatus{stepwise.StatusDisproved, stepwise.StatusFailed},
		ArithWrong: 1, ArithChecked: 1, Finding: 1, JudgeFlag: true, AnswerWrong: true})
	noConflict := ScoreStep(Evidence{Source: stepwise.Unlabeled, Proofs: []stepwise.ProofStatus{stepwise.StatusDisproved, stepwise.StatusFailed},
		Finding: 1, JudgeFlag: true, AnswerWrong: true})
	conflict := ScoreStep(Evidence{Source: stepwise.Good, ArithWrong: 1, ArithChecked: 1})
	if !(conflict.Value > noConflict.Value) || all.Value <= conflict.Value {
		t.Fatalf("conflict %v, everything but a conflict %v", conflict.Value, noConflict.Value)
	}
	// Wrong arithmetic outranks a failed proof, which outranks nothing.
	a := ScoreStep(Evidence{ArithWrong: 1, ArithChecked: 1})
	f := ScoreStep(Evidence{Proofs: []stepwise.ProofStatus{stepwise.StatusFailed}})
	if !(a.Value > f.Value && f.Value > ScoreStep(Evidence{}).Value) {
		t.Fatalf("order: arith %v failed %v", a.Value, f.Value)
	}
}

// item builds a constructed trace whose step 1 carries a calculator
// annotation: 48/2 = 25 (wrong) or 24 (right).
func item(id, result string) formats.Item {
	steps := []string{"Natalia sold 48 clips in April.", "In May she sold 48/2=<<48/2=" + result + ">>" + result + " clips.", "The answer is " + result + "."}
	raw := strings.Join(steps, "\n")
	tr := &stepwise.Trace{SourceID: id, Dataset: "constructed", Raw: raw}
	pos := 0
	for _, s := range steps {
		st := stepwise.Step{Span: stepwise.Span{Start: pos, End: pos + len(s)}, Text: s,
			Labels: []stepwise.Label{{Rating: stepwise.Good, Scope: stepwise.ScopeStep, Origin: stepwise.OriginHuman}}}
		if k := strings.Index(s, "<<"); k >= 0 {
			e := strings.Index(s, ">>") + 2
			st.Calcs = []stepwise.Calc{{Expr: "48/2", Result: result, Span: stepwise.Span{Start: pos + k, End: pos + e}}}
		}
		tr.Steps = append(tr.Steps, st)
		pos += len(s) + 1
	}
	return formats.Item{Problem: &stepwise.Problem{Text: "Natalia sold clips to 48 friends " + id}, Trace: tr}
}

func TestBuildQueue(t *testing.T) {
	db, err := store.Open(filepath.Join(t.TempDir(), "q.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, _, err := db.Add([]formats.Item{item("right", "24"), item("wrong", "25"), item("wrong2", "25")}); err != nil {
		t.Fatal(err)
	}
	q, err := Build(context.Background(), db, Options{Annotator: "ana"})
	if err != nil {
		t.Fatal(err)
	}
	// The two wrong calculator steps, and nothing else (every other step
	// is labeled good by the dataset and has no evidence against it).
	if len(q) != 2 || q[0].TraceID != "constructed:wrong" || q[0].Step != 1 || q[1].TraceID != "constructed:wrong2" {
		t.Fatalf("queue %+v", q)
	}
	// The dataset labels the step correct and exact arithmetic disproves
	// it: a label conflict, ahead of any other evidence.
	if r := strings.Join(q[0].Reasons, "; "); !strings.Contains(r, "arithmetic claim does not check") ||
		!strings.Contains(r, "dataset label contradicted by exact arithmetic") || strings.Contains(r, "formal statement") {
		t.Fatalf("reasons %q (a wrong calculation counts once, as arithmetic)", r)
	}
	if want := wArithWrong + wLabelConflict; q[0].Score != want {
		t.Fatalf("score %v, want %v", q[0].Score, want)
	}
	// Once ana labels it, it leaves her queue but not bo's.
	if _, err := db.Annotate(stepwise.Annotation{Annotator: "ana", TraceID: "constructed:wrong", Step: 1, Rating: stepwise.Bad}); err != nil {
		t.Fatal(err)
	}
	q, _ = Build(context.Background(), db, Options{Annotator: "ana"})
	if len(q) != 1 || q[0].TraceID != "constructed:wrong2" {
		t.Fatalf("ana's queue after labeling %+v", q)
	}
	q, _ = Build(context.Background(), db, Options{Annotator: "bo"})
	if len(q) != 2 {
		t.Fatalf("bo's queue %+v", q)
	}
	// Gold items must fit where they stand: no labeled step scores, with
	// its label hidden, anywhere near 5.9, so none is placed here.
	q, _ = Build(context.Background(), db, Options{Annotator: "bo", Limit: 2, GoldRate: 0.5, Seed: 7})
	if len(q) != 2 || q[0].Gold || q[1].Gold {
		t.Fatalf("a gold item placed where its score does not fit: %+v", q)
	}
}

// TestGoldLooksLikeTheRest: gold items carry the score and reasons their
// step has with its dataset label hidden, and stand where that score
// belongs in the queue; the same seed picks the same ones.
func TestGoldLooksLikeTheRest(t *testing.T) {
	db, err := store.Open(filepath.Join(t.TempDir(), "q.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	wrong := false
	var items []formats.Item
	for k, labeled := range []bool{false, false, true, true, false, true} {
		it := item(fmt.Sprintf("t%d", k), "24")
		it.Trace.Correct = &wrong // a wrong final answer: weak suspicion of every step
		if !labeled {
			for i := range it.Trace.Steps {
				it.Trace.Steps[i].Labels = nil
			}
		}
		items = append(items, it)
	}
	if _, _, err := db.Add(items); err != nil {
		t.Fatal(err)
	}
	opts := Options{Annotator: "ana", Limit: 6, GoldRate: 0.25, Seed: 3, NoArithmetic: true}
	q, err := Build(context.Background(), db, opts)
	if err != nil {
		t.Fatal(err)
	}
	gold := 0
	for i, it := range q {
		if !it.Gold {
			continue
		}
		gold++
		if i == 0 || i == len(q)-1 || it.Score > q[i-1].Score || it.Score < q[i+1].Score {
			t.Errorf("gold item %d (score %.2f) out of order: %+v", i, it.Score, q)
		}
		for _, r := range it.Reasons {
			if strings.Contains(r, "dataset labels") || strings.Contains(r, "dataset label contradicted") {
				t.Errorf("a gold item's reasons tell its dataset label: %q", r)
			}
		}
		if len(it.Reasons) == 0 || it.Score == 0 {
			t.Errorf("a gold item without the score and reasons the others have: %+v", it)
		}
	}
	if gold == 0 {
		t.Fatalf("no gold item among %+v", q)
	}
	again, _ := Build(context.Background(), db, opts)
	if fmt.Sprint(again) != fmt.Sprint(q) {
		t.Fatalf("the same seed gave another queue:\n%+v\n%+v", q, again)
	}
}

// TestJudgeFeedsQueue: a judge's step flag and its named first error put
// steps the dataset calls good in the queue; a step the dataset calls
// wrong that the judge puts before its first error is a disagreement.
// Only the newest run with a verdict counts.
func TestJudgeFeedsQueue(t *testing.T) {
	db, err := store.Open(filepath.Join(t.TempDir(), "q.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	cleared := item("cleared", "24")
	cleared.Trace.Steps[0].Labels[0].Rating = stepwise.Bad
	if _, _, err := db.Add([]formats.Item{item("right", "24"), cleared}); err != nil {
		t.Fatal(err)
	}
	q, _ := Build(context.Background(), db, Options{Annotator: "ana", NoArithmetic: true})
	if len(q) != 0 {
		t.Fatalf("queue before judging %+v", q)
	}
	one, none := 1, -1
	save := func(a stepwise.Analysis) {
		t.Helper()
		a.Mode = "single"
		if _, err := db.SaveAnalysis(&a); err != nil {
			t.Fatal(err)
		}
	}
	// An older run that flags step 2 of "right": replaced by the newer one.
	save(stepwise.Analysis{ID: "r0", TraceIDs: []string{"constructed:right"}, Verdict: "wrong",
		StepFlags: []stepwise.StepFlag{{Step: 2, Reason: "old"}}})
	save(stepwise.Analysis{ID: "r1", TraceIDs: []string{"constructed:right"}, Verdict: "wrong", FirstError: &one,
		StepFlags: []stepwise.StepFlag{{Step: 0, Reason: "unsupported"}}})
	save(stepwise.Analysis{ID: "r2", TraceIDs: []string{"constructed:cleared"}, Verdict: "correct", FirstError: &none})
	q, err = Build(context.Background(), db, Options{Annotator: "ana", NoArithmetic: true})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, it := range q {
		got[it.TraceID+"#"+string(rune('0'+it.Step))] = strings.Join(it.Reasons, "; ")
	}
	if len(got) != 3 {
		t.Fatalf("queue %+v", q)
	}
	for _, k := range []string{"constructed:right#0", "constructed:right#1"} {
		if !strings.Contains(got[k], "a judge flagged the step") || !strings.Contains(got[k], "dataset labels it correct") {
			t.Fatalf("%s: reasons %q", k, got[k])
		}
	}
	if r := got["constructed:cleared#0"]; !strings.Contains(r, "a judge finds no error there") {
		t.Fatalf("cleared step: reasons %q", r)
	}
}

// TestPRMFeedsQueue: a step a PRM scores low enters the queue, the lower
// the score the higher; a PRM that scores every step high adds nothing.
func TestPRMFeedsQueue(t *testing.T) {
	low := ScoreStep(Evidence{PRMLow: 0.05, PRMName: "qwen-prm"})
	mid := ScoreStep(Evidence{PRMLow: 0.4, PRMName: "qwen-prm"})
	if !(low.Value > mid.Value && mid.Value > 0) || !strings.Contains(strings.Join(low.Reasons, ";"), "0.05 by qwen-prm") {
		t.Fatalf("low %+v mid %+v", low, mid)
	}
	db, err := store.Open(filepath.Join(t.TempDir(), "q.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, _, err := db.Add([]formats.Item{item("right", "24"), item("right2", "24")}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.PutPRMScores([]store.TracePRM{
		{TraceID: "constructed:right", Scores: store.PRMScores{Model: "qwen-prm", Steps: []float64{0.9, 0.9, 0.1}}},
		{TraceID: "constructed:right2", Scores: store.PRMScores{Model: "qwen-prm", Steps: []float64{0.9, 0.9, 0.9}}},
	}); err != nil {
		t.Fatal(err)
	}
	q, err := Build(context.Background(), db, Options{Annotator: "ana"})
	if err != nil {
		t.Fatal(err)
	}
	if len(q) != 1 || q[0].TraceID != "constructed:right" || q[0].Step != 2 {
		t.Fatalf("queue %+v", q)
	}
}

// TestGoldFromAdjudicator: with GoldFrom, gold items are the steps the
// adjudicator rated (not the dataset's labels), the adjudicator's own
// queue has none, and an adjudicator's answer on a hidden item is no gold
// answer.
func TestGoldFromAdjudicator(t *testing.T) {
	db, err := store.Open(filepath.Join(t.TempDir(), "q.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	wrong := false
	var items []formats.Item
	for k := range 6 {
		it := item(fmt.Sprintf("t%d", k), "24")
		it.Trace.Correct = &wrong
		for i := range it.Trace.Steps {
			it.Trace.Steps[i].Labels = nil // no dataset labels: only the adjudicator can give gold
		}
		items = append(items, it)
	}
	if _, _, err := db.Add(items); err != nil {
		t.Fatal(err)
	}
	rated := map[[2]any]bool{}
	for _, k := range []int{1, 3, 4} {
		id := fmt.Sprintf("constructed:t%d", k)
		if _, err := db.Annotate(stepwise.Annotation{Annotator: "judy", TraceID: id, Step: 2, Rating: stepwise.Good}); err != nil {
			t.Fatal(err)
		}
		rated[[2]any{id, 2}] = true
	}
	// A hidden-item answer by the adjudicator is not an adjudication.
	if _, err := db.Annotate(stepwise.Annotation{Annotator: "judy", TraceID: "constructed:t5", Step: 0, Rating: stepwise.Good, Gold: true}); err != nil {
		t.Fatal(err)
	}
	opts := Options{Annotator: "ana", Limit: 12, GoldRate: 0.25, Seed: 3, NoArithmetic: true}
	if q, _ := Build(context.Background(), db, opts); countGold(q) != 0 {
		t.Fatalf("gold items from the dataset's labels, and there are none: %+v", q)
	}
	opts.GoldFrom = "judy"
	q, err := Build(context.Background(), db, opts)
	if err != nil {
		t.Fatal(err)
	}
	if countGold(q) == 0 {
		t.Fatalf("no gold item from judy's ratings: %+v", q)
	}
	for _, it := range q {
		if it.Gold && !rated[[2]any{it.TraceID, it.Step}] {
			t.Errorf("gold item %s step %d: judy did not rate it", it.TraceID, it.Step)
		}
	}
	opts.Annotator = "judy"
	if q, _ := Build(context.Background(), db, opts); countGold(q) != 0 {
		t.Fatalf("the adjudicator's own queue has gold items: %+v", q)
	}
}

func countGold(q []Item) int {
	n := 0
	for _, it := range q {
		if it.Gold {
			n++
		}
	}
	return n
}
