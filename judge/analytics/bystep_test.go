package analytics

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/stepwise-dev/stepwise"
	"github.com/stepwise-dev/stepwise/store"
)

// TestByStepCountsChecksAndJudgeFlags writes checks and judge runs on a
// few ProcessBench traces and compares ByStep's rows with counts kept
// while writing them: a checked step's status replaces what it had, a
// step proved by one formalization and disproved by another counts as
// disproved, and only the newest single-trace verdict counts.
func TestByStepCountsChecksAndJudgeFlags(t *testing.T) {
	ctx := context.Background()
	db, err := store.Open(filepath.Join(t.TempDir(), "s.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	src := filepath.Join("..", "..", "testdata", "samples", "processbench", "gsm8k_0-99_and_200-299.json")
	if _, err := db.Import(ctx, []string{src}, store.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	var ids []string
	steps := map[int]int{} // step index → traces with a step there
	longest := 0
	if err := db.List(store.Filter{}, func(s store.Summary) error {
		ids = append(ids, s.ID)
		for i := range s.Steps {
			steps[i]++
		}
		longest = max(longest, s.Steps)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if len(ids) < 4 {
		t.Fatalf("%d traces", len(ids))
	}
	f := func(st stepwise.ProofStatus) stepwise.Formalization {
		return stepwise.Formalization{Statement: string(st), Origin: stepwise.FormalRule, Status: st}
	}
	wantProved, wantDisproved, wantUnknown := map[int]int{}, map[int]int{}, map[int]int{}
	check := func(id string, step int, fs ...stepwise.Formalization) {
		t.Helper()
		if err := db.PutChecks(id, []store.CheckedStep{{Step: step, Formalizations: fs}}); err != nil {
			t.Fatal(err)
		}
	}
	check(ids[0], 0, f(stepwise.StatusProved))
	wantProved[0]++
	check(ids[1], 0, f(stepwise.StatusProved), f(stepwise.StatusDisproved))
	wantDisproved[0]++
	check(ids[2], 1, f(stepwise.StatusTimeout))
	wantUnknown[1]++
	check(ids[2], 0, f(stepwise.StatusSkipped)) // counted in proof, in no group
	check(ids[3], 1, f(stepwise.StatusProvedTrustingCompiler))
	wantProved[1]++

	one, two := 1, -1
	judge := func(id, verdict string, fe *int, flags ...int) {
		t.Helper()
		a := &stepwise.Analysis{ID: "run-" + id + verdict, TraceIDs: []string{id}, Mode: "single", Verdict: verdict, FirstError: fe}
		for _, s := range flags {
			a.StepFlags = append(a.StepFlags, stepwise.StepFlag{Step: s, Reason: "wrong"})
		}
		if _, err := db.SaveAnalysis(a); err != nil {
			t.Fatal(err)
		}
	}
	judge(ids[0], "incorrect", &two, 0, 1) // replaced by the next run of the trace
	judge(ids[0], "incorrect", &one, 1, 1) // a step flagged twice counts once
	judge(ids[1], "correct", &two)
	judged := 0
	for _, id := range ids[:2] {
		s, err := db.Get(id)
		if err != nil {
			t.Fatal(err)
		}
		judged += len(s.Steps)
	}

	rows, err := ByStep(ctx, db, store.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != longest {
		t.Fatalf("%d rows, the longest trace has %d steps", len(rows), longest)
	}
	sumJudged := 0
	for _, r := range rows {
		i := r.Step
		if r.Traces != steps[i] || r.Proved != wantProved[i] || r.Disproved != wantDisproved[i] || r.Unknown != wantUnknown[i] {
			t.Errorf("step %d: %+v; want traces %d proved %d disproved %d unknown %d", i, r, steps[i], wantProved[i], wantDisproved[i], wantUnknown[i])
		}
		wantFlag, wantFirst := 0, 0
		if i == 1 {
			wantFlag, wantFirst = 1, 1
		}
		if r.JudgeFlagged != wantFlag || r.JudgeFirstError != wantFirst {
			t.Errorf("step %d: judge flagged %d, first error %d; want %d, %d", i, r.JudgeFlagged, r.JudgeFirstError, wantFlag, wantFirst)
		}
		sumJudged += r.Judged
	}
	if sumJudged != judged {
		t.Errorf("judged steps %d, want the steps of the two judged traces, %d", sumJudged, judged)
	}
	if rows[0].Proof[string(stepwise.StatusSkipped)] != 1 {
		t.Errorf("step 0 proof counts %v: the skipped step is missing", rows[0].Proof)
	}
}

// TestAccuracyByDifficultySumsBuckets on hand-made problems.
func TestAccuracyByDifficultySumsBuckets(t *testing.T) {
	ps := []Problem{
		{Difficulty: "hard", Samples: 4, Graded: 4, Correct: 1},
		{Difficulty: "easy", Samples: 3, Graded: 2, Correct: 2},
		{Difficulty: "hard", Samples: 2, Graded: 2, Correct: 0},
		{Difficulty: "unknown", Samples: 1},
	}
	rows := AccuracyByDifficulty(ps)
	if len(rows) != 3 || rows[0].Difficulty != "easy" || rows[1].Difficulty != "hard" || rows[2].Difficulty != "unknown" {
		t.Fatalf("%+v", rows)
	}
	h := rows[1]
	if h.Problems != 2 || h.Samples != 6 || h.Graded != 6 || h.Correct != 1 || *h.Accuracy != 1.0/6 {
		t.Errorf("hard: %+v", h)
	}
	if rows[2].Accuracy != nil {
		t.Errorf("unknown bucket has an accuracy: %v", *rows[2].Accuracy)
	}
}

// TestProblemAccuracyIsProblemsWithoutAnswers: on GSM8K's four models'
// solutions (and the reference solutions, which are no samples), every
// field ProblemAccuracy fills is what Problems computes.
func TestProblemAccuracyIsProblemsWithoutAnswers(t *testing.T) {
	ctx := context.Background()
	db, err := store.Open(filepath.Join(t.TempDir(), "s.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	dir := filepath.Join("..", "..", "testdata", "samples", "gsm8k")
	if _, err := db.Import(ctx, []string{filepath.Join(dir, "example_model_solutions_first50.jsonl"), filepath.Join(dir, "test_first200.jsonl")}, store.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	want, err := Problems(ctx, db, store.Filter{}, DefaultBuckets)
	if err != nil {
		t.Fatal(err)
	}
	got, err := ProblemAccuracy(ctx, db, store.Filter{}, DefaultBuckets)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) || len(want) < 50 {
		t.Fatalf("%d problems, Problems has %d", len(got), len(want))
	}
	for i, w := range want {
		g := got[i]
		same := g.ProblemID == w.ProblemID && g.Dataset == w.Dataset && g.Samples == w.Samples && g.Graded == w.Graded &&
			g.Correct == w.Correct && g.Difficulty == w.Difficulty && counts(g.ByModel) == counts(w.ByModel)
		if !same || (g.Accuracy == nil) != (w.Accuracy == nil) || g.Accuracy != nil && *g.Accuracy != *w.Accuracy {
			t.Fatalf("problem %d:\n got %+v\nwant %+v", i, g, w)
		}
	}
}

// counts writes per-model counts and accuracies as text, to compare.
func counts(by map[string]ModelCount) string {
	m := map[string]string{}
	for name, c := range by {
		a := "nil"
		if c.Accuracy != nil {
			a = fmt.Sprint(*c.Accuracy)
		}
		m[name] = fmt.Sprintf("%d/%d/%d/%s", c.Samples, c.Graded, c.Correct, a)
	}
	return fmt.Sprint(m)
}

// TestSearchIntensityIsAgents: the rows from the summaries are the rows
// Agents computes from the trace bodies, on two tool-call datasets.
func TestSearchIntensityIsAgents(t *testing.T) {
	ctx := context.Background()
	db, err := store.Open(filepath.Join(t.TempDir(), "s.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	dir := filepath.Join("..", "..", "testdata", "samples", "toolcall")
	if _, err := db.Import(ctx, []string{filepath.Join(dir, "glaive_toolcall_en_demo_first100.json"), filepath.Join(dir, "reason_tool_use_demo_first30.jsonl")}, store.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	_, want, err := Agents(ctx, db, store.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	got, err := SearchIntensity(ctx, db, store.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(want) < 2 || fmt.Sprint(rowsText(got)) != fmt.Sprint(rowsText(want)) {
		t.Fatalf("from summaries %v\nfrom bodies    %v", rowsText(got), rowsText(want))
	}
}

func rowsText(rows []IntensityRow) []string {
	var out []string
	for _, r := range rows {
		a := "nil"
		if r.Accuracy != nil {
			a = fmt.Sprint(*r.Accuracy)
		}
		out = append(out, fmt.Sprintf("%d:%d/%d/%s", r.SearchCalls, r.Traces, r.Graded, a))
	}
	return out
}
