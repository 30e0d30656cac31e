package judgerun

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/stepwise-dev/stepwise"
	"github.com/stepwise-dev/stepwise/judge"
	"github.com/stepwise-dev/stepwise/judge/judgerun/judgetest"
	"github.com/stepwise-dev/stepwise/store"
)

var samples = filepath.Join("..", "..", "testdata", "samples")

func testStore(t *testing.T, files ...string) *store.DB {
	t.Helper()
	db, err := store.Open(filepath.Join(t.TempDir(), "s.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	var paths []string
	for _, f := range files {
		paths = append(paths, filepath.Join(samples, f))
	}
	if _, err := db.Import(context.Background(), paths, store.ImportOptions{
		OnProblem: func(err error) { t.Errorf("import: %v", err) },
	}); err != nil {
		t.Fatal(err)
	}
	return db
}

const (
	pbFile   = "processbench/gsm8k_0-99_and_200-299.json"
	solsFile = "gsm8k/example_model_solutions_first50.jsonl"
)

// runner builds a runner through the configuration path, pointed at the
// double, with no key in the environment and code analyses off.
func runner(t *testing.T, srv *judgetest.Server) *judge.Runner {
	t.Helper()
	cfg := Settings{Profile: "double", Profiles: map[string]ProfileSettings{
		"double": {BaseURL: srv.BaseURL(), Model: "judge-double", InputPricePerM: 1, OutputPricePerM: 2, Retries: -1},
	}}
	r, err := NewRunner(cfg, Options{NoCode: true, Getenv: func(string) string { return "" }})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestNewRunnerNeedsAModel(t *testing.T) {
	_, err := NewRunner(Settings{}, Options{Getenv: func(string) string { return "" }})
	if !errors.Is(err, ErrNoModel) {
		t.Fatalf("no model: %v", err)
	}
	r, err := NewRunner(Settings{}, Options{Model: "m", Getenv: func(k string) string {
		return map[string]string{"OPENAI_BASE_URL": "http://127.0.0.1:1/v1"}[k]
	}})
	if err != nil || r.Profile.Model != "m" || r.Profile.Endpoint() != "http://127.0.0.1:1/v1" || r.Sandbox == nil {
		t.Fatalf("env runner: %+v %v", r, err)
	}
	if _, err := NewRunner(Settings{}, Options{Model: "m", Prompts: t.TempDir() + "/none"}); err == nil {
		t.Fatal("a missing prompts directory was accepted")
	}
}

func ptr[T any](v T) *T { return &v }

func TestMakePairs(t *testing.T) {
	yes, no := ptr(true), ptr(false)
	c := func(seq uint64, prob string, ok *bool) Candidate {
		return Candidate{Seq: seq, ID: fmt.Sprint("t", seq), Problem: prob, Correct: ok}
	}
	cs := []Candidate{
		c(1, "p", no), c(2, "q", yes), c(3, "p", no), c(4, "p", yes), c(5, "q", nil),
		c(6, "p", nil), c(7, "r", yes), c(8, "q", yes), c(9, "p", yes), c(10, "p", no),
	}
	pairs, unpaired := MakePairs(cs)
	var got []string
	for _, p := range pairs {
		got = append(got, fmt.Sprintf("%d-%d%s", p.A.Seq, p.B.Seq, map[bool]string{true: "*"}[p.Mixed]))
	}
	// p: wrong 1,3,10, right 4,9, unknown 6 → mixed (1,4) (3,9); rest 6,10.
	// q: right 2,8, unknown 5 → (2,5), 8 alone. r: 7 alone.
	want := "1-4* 3-9* 6-10 2-5"
	if strings.Join(got, " ") != want || unpaired != 2 {
		t.Fatalf("pairs %v unpaired %d, want %s and 2", got, unpaired, want)
	}
}

// TestPlanPairsModelSolutions: the GSM8K example solutions hold four
// solutions per problem with is_correct. Counted from the file with
// python: 36 pairs can be correct-versus-wrong, 64 more pair the rest, no
// trace is left over.
func TestPlanPairsModelSolutions(t *testing.T) {
	db := testStore(t, solsFile)
	p, err := PlanFilter(db, store.Filter{}, true)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Units) != 100 || p.Mixed != 36 || p.Unpaired != 0 || p.Traces() != 200 {
		t.Fatalf("plan: %d units, %d mixed, %d unpaired", len(p.Units), p.Mixed, p.Unpaired)
	}
	for i, u := range p.Units {
		a, b := u.Traces[0], u.Traces[1]
		if a.Problem != b.Problem || a.ID == b.ID || (i < 36) != u.Mixed || (u.Mixed && *a.Correct == *b.Correct) {
			t.Fatalf("unit %d: %+v", i, u)
		}
	}
	// Limit counts pairs.
	p, err = PlanFilter(db, store.Filter{Offset: 35, Limit: 2}, true)
	if err != nil || len(p.Units) != 2 || p.Mixed != 1 {
		t.Fatalf("limited plan: %+v %v", p, err)
	}
	// The first record's first solution (175b_finetuning, wrong) pairs with
	// the only right one (175b_verification).
	mate, err := Partner(db, "gsm8k/model-solutions:69c7cf8025")
	if err != nil || mate != "gsm8k/model-solutions:4466cb756a" {
		t.Fatalf("partner %q %v", mate, err)
	}
	if _, err := PlanIDs(db, "gsm8k/model-solutions:69c7cf8025", "gsm8k/model-solutions:2205876228"); err == nil ||
		!strings.Contains(err.Error(), "different problems") {
		t.Fatalf("pair across problems: %v", err)
	}
}

// pbIDs are ProcessBench GSM8K records with known labels (from the file):
// gsm8k-0, -1, -2 first error 1; gsm8k-3 first error 2; gsm8k-200 and -201
// no error (8 and 6 steps).
var pbIDs = []string{"gsm8k-0", "gsm8k-1", "gsm8k-2", "gsm8k-3", "gsm8k-200", "gsm8k-201"}

func planOf(t *testing.T, db *store.DB, ids ...string) *Plan {
	t.Helper()
	all := &Plan{}
	for _, id := range ids {
		p, err := PlanIDs(db, id)
		if err != nil {
			t.Fatal(err)
		}
		all.Units = append(all.Units, p.Units...)
	}
	return all
}

func TestRunSavesAndAgreesWithDataset(t *testing.T) {
	db := testStore(t, pbFile)
	srv := judgetest.New(judgetest.Script{})
	defer srv.Close()
	r := runner(t, srv)
	plan := planOf(t, db, pbIDs...)
	// The estimate assumes four generated questions plus the fixed one.
	est, err := Estimate(db, r, plan)
	if err != nil || est.Jobs != 6 || est.Calls != 6*(1+(4+1)+1) || est.CostUSD <= 0 {
		t.Fatalf("estimate %+v %v", est, err)
	}
	if srv.Calls() != 0 {
		t.Fatal("the estimate called the model")
	}
	var mu sync.Mutex
	stages := 0
	var saved []Saved
	sum, err := Run(context.Background(), db, r, plan, RunOptions{
		Progress: func(e judge.Event) {
			mu.Lock()
			defer mu.Unlock()
			if e.Kind == judge.EventStage {
				stages++
			}
		},
		OnSaved: func(s Saved) { saved = append(saved, s) },
	})
	if err != nil {
		t.Fatal(err)
	}
	// Three generated questions plus the fixed one: 1 + 4 + 1 calls a trace.
	if sum.Done != 6 || sum.Failed != 0 || srv.Calls() != 36 || stages != 36 || len(saved) != 6 {
		t.Fatalf("summary %+v, %d calls, %d stage events, %d saved", sum, srv.Calls(), stages, len(saved))
	}
	for _, s := range saved {
		runs, err := db.Runs(s.Analysis.TraceIDs[0])
		if err != nil || len(runs) != 1 || runs[0].Seq != s.Seq || runs[0].Model != "judge-double" ||
			runs[0].Usage.CostUSD <= 0 || runs[0].Stages != 6 {
			t.Fatalf("stored run of %s: %+v %v", s.Analysis.TraceIDs[0], runs, err)
		}
	}
	ag, err := DatasetAgreement(context.Background(), db, store.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	// By hand (the double names step 1 everywhere and flags it):
	// first error: erroneous 4, 3 exact, gsm8k-3 early; correct 2, 0 match.
	fe := ag.FirstError
	if ag.Traces != 6 || fe.Erroneous != 4 || fe.ErroneousMatch != 3 || fe.Early != 1 || fe.Correct != 2 ||
		fe.CorrectMatch != 0 || fe.Acc1 != 0.75 || fe.Acc2 != 0 || fe.F1 != 0 {
		t.Fatalf("first error: %+v", ag)
	}
	// Steps: TP 3 (step 1 of gsm8k-0..2), FP 3 (step 1 of gsm8k-3, -200,
	// -201), FN 1 (step 2 of gsm8k-3), TN 1+1+1+1+7+5 = 16.
	// κ = (19/23 − 347/529)/(1 − 347/529) = 90/182.
	st := ag.Steps
	if st.TP != 3 || st.FP != 3 || st.FN != 1 || st.TN != 16 || st.Precision != 0.5 || st.Recall != 0.75 ||
		!near(float64(st.F1), 0.6) || !near(float64(st.Kappa), 90.0/182) {
		t.Fatalf("steps: %+v", st)
	}
	// Verdict: "incorrect" everywhere, 4 of 6 traces are wrong: κ 0.
	if ag.Verdict.N != 6 || ag.Verdict.Agree != 4 || !near(float64(ag.Verdict.Kappa), 0) {
		t.Fatalf("verdict: %+v", ag.Verdict)
	}
	// A person marks gsm8k-3's first error at step 1, as the judge did.
	if _, err := db.Annotate(stepwise.Annotation{Annotator: "ana", TraceID: "gsm8k-3", Step: 1, Rating: stepwise.Bad, FirstError: true}); err != nil {
		t.Fatal(err)
	}
	hu, err := HumanAgreement(context.Background(), db, store.Filter{}, "ana")
	if err != nil {
		t.Fatal(err)
	}
	if hu.Traces != 1 || hu.FirstError.ErroneousMatch != 1 || hu.Steps.TP != 1 || hu.Steps.TN != 1 ||
		hu.Steps.FP+hu.Steps.FN != 0 || !near(float64(hu.Steps.Kappa), 1) {
		t.Fatalf("human vs judge: %+v", hu)
	}
	if none, _ := HumanAgreement(context.Background(), db, store.Filter{}, "bob"); none.Traces != 0 {
		t.Fatalf("an annotator with no marks: %+v", none)
	}
}

func near(a, b float64) bool { return a-b < 1e-9 && b-a < 1e-9 }

func TestJudgeOnePairAndFailures(t *testing.T) {
	db := testStore(t, solsFile)
	// The right solution to the first problem computes 2 * 9 = 18; the wrong one does not.
	srv := judgetest.New(judgetest.Script{Prefer: "<<2*9=18>>"})
	defer srv.Close()
	r := runner(t, srv)
	var events []judge.EventKind
	var mu sync.Mutex
	s, err := Judge(context.Background(), db, r, func(e judge.Event) {
		mu.Lock()
		events = append(events, e.Kind)
		mu.Unlock()
	}, "gsm8k/model-solutions:69c7cf8025", "gsm8k/model-solutions:4466cb756a")
	if err != nil {
		t.Fatal(err)
	}
	a := s.Analysis
	if a.Mode != judge.ModePairwise || !a.Pair.Consistent || a.Verdict != "gsm8k/model-solutions:4466cb756a" || !s.Unit.Mixed {
		t.Fatalf("pair: %+v", a)
	}
	if events[0] != judge.EventStart || events[len(events)-1] != judge.EventDone {
		t.Fatalf("events: %v", events)
	}
	for _, id := range a.TraceIDs {
		if runs, _ := db.Runs(id); len(runs) != 1 || runs[0].Seq != s.Seq {
			t.Fatalf("runs of %s: %+v", id, runs)
		}
	}
	// A failing endpoint still gives a stored analysis, with the error.
	bad := judgetest.New(judgetest.Script{Fail: 400})
	defer bad.Close()
	s, err = Judge(context.Background(), db, runner(t, bad), nil, "gsm8k/model-solutions:69c7cf8025")
	if err != nil || s.Analysis.Error == "" || s.Seq == 0 {
		t.Fatalf("failed run: %+v %v", s, err)
	}
	got, err := db.AnalysisSeq(s.Seq)
	if err != nil || got.Error != s.Analysis.Error {
		t.Fatalf("stored failure: %+v %v", got, err)
	}
}

func TestJudgeCancelledIsSaved(t *testing.T) {
	db := testStore(t, pbFile)
	srv := judgetest.New(judgetest.Script{Delay: 5e9})
	defer srv.Close()
	ctx, cancel := context.WithCancel(context.Background())
	s, err := Judge(ctx, db, runner(t, srv), func(e judge.Event) {
		if e.Kind == judge.EventStart {
			cancel()
		}
	}, "gsm8k-0")
	if !errors.Is(err, context.Canceled) || !strings.Contains(s.Analysis.Error, "cancelled") || s.Seq == 0 {
		t.Fatalf("cancelled run: %+v %v", s, err)
	}
}

// TestJudgeStreamsDeltas: with Deltas on, each stage's streamed text is
// the whole answer the stage records.
func TestJudgeStreamsDeltas(t *testing.T) {
	db := testStore(t, pbFile)
	srv := judgetest.New(judgetest.Script{})
	defer srv.Close()
	r := runner(t, srv)
	r.Deltas = true
	var mu sync.Mutex
	streamed := map[string]string{}
	s, err := Judge(context.Background(), db, r, func(e judge.Event) {
		mu.Lock()
		defer mu.Unlock()
		switch {
		case e.Kind != judge.EventDelta:
		case e.Restart:
			streamed[e.StageName] = e.Delta
		default:
			streamed[e.StageName] += e.Delta
		}
	}, "gsm8k-0")
	if err != nil {
		t.Fatal(err)
	}
	if len(streamed) != 6 {
		t.Fatalf("streamed stages: %v", streamed)
	}
	for _, st := range s.Analysis.Stages {
		if streamed[st.Name] != st.Output {
			t.Fatalf("stage %s: streamed %q, recorded %q", st.Name, streamed[st.Name], st.Output)
		}
	}
}
