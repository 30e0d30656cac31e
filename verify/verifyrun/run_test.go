package verifyrun

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stepwise-dev/stepwise"
	"github.com/stepwise-dev/stepwise/store"
	"github.com/stepwise-dev/stepwise/store/formats"
	"github.com/stepwise-dev/stepwise/verify"
)

const (
	gsm8kSample = "../../testdata/samples/gsm8k/test_first200.jsonl"
	safeExample = "../../testdata/constructed/safe_trace_example.json"
	safeFalse   = "../../testdata/constructed/safe_false_steps_constructed.json"
)

// offline is the chain every test machine has: the exact evaluator and the
// two solvers (CI installs z3 and cvc5).
var offline = verify.Config{Backends: []string{verify.BackendRational, verify.BackendZ3, verify.BackendCVC5}}

func openImported(t testing.TB, path string, files ...string) *store.DB {
	t.Helper()
	db, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(files) > 0 {
		rep, err := db.Import(context.Background(), files, store.ImportOptions{})
		if err != nil || rep.Skipped > 0 {
			t.Fatalf("import: %+v %v", rep, err)
		}
	}
	return db
}

// TestGSM8KVerifiedThenCached checks the 200-record GSM8K sample end to
// end, then again in a new process's worth of state (store reopened, new
// engine, new cache): the second run must make no backend call.
//
// Expected figures from python3 over the file: 200 answers, 697 step lines
// before the "####" line, 620 <<a=b>> annotations (one per annotated line),
// every one exact when evaluated with fractions.
func TestGSM8KVerifiedThenCached(t *testing.T) {
	if testing.Short() {
		t.Skip("imports and checks 200 traces")
	}
	path := filepath.Join(t.TempDir(), "s.db")
	db := openImported(t, path, gsm8kSample)
	v := New(db, offline)
	bySource := map[string]map[stepwise.ProofStatus]int{}
	var saved int
	var mu sync.Mutex
	first, err := v.Run(context.Background(), FilterTarget(store.Filter{Dataset: "gsm8k"}), Options{SaveEvery: 64},
		func(u Update) {
			mu.Lock()
			defer mu.Unlock()
			if u.Saved != nil {
				saved++
			}
			if r := u.Result; r != nil {
				src := "none"
				if r.Claim != nil {
					src = r.Claim.Source
				}
				if bySource[src] == nil {
					bySource[src] = map[stepwise.ProofStatus]int{}
				}
				bySource[src][r.Formalization.Status]++
			}
		})
	if err != nil {
		t.Fatal(err)
	}
	if first.Traces != 200 || first.TracesSaved != 200 || saved != 200 || first.Steps != 697 {
		t.Fatalf("first run %+v (saved updates %d), want 200 traces saved and 697 steps", first, saved)
	}
	if got := bySource["calc"]; got[stepwise.StatusProved] != 620 || len(got) != 1 {
		t.Errorf("calculator claims %v, want 620 proved", got)
	}
	// The reference solutions' arithmetic is right: every claim is proved,
	// or unsupported where the text around an equation is not all
	// arithmetic ("3x +4 - 4 = 28 – 4", "3 1/2 - 2 = 1 1/2").
	if first.ByStatus[stepwise.StatusProved]+first.ByStatus[stepwise.StatusUnsupported] != first.Checks || first.Checks < 620 ||
		first.ByStatus[stepwise.StatusUnsupported] > 20 {
		t.Errorf("statuses %v over %d checks: every claim of the reference solutions should be proved or unsupported", first.ByStatus, first.Checks)
	}
	if first.BackendCalls == 0 {
		t.Fatal("first run made no backend call")
	}
	t.Logf("first run: %d checks, %v, %d backend calls, %d cache hits, %s", first.Checks, bySource,
		first.BackendCalls, first.CacheHits, first.Elapsed)
	if err := v.Close(); err != nil {
		t.Fatal(err)
	}
	db.Close()

	db = openImported(t, path)
	defer db.Close()
	v = New(db, offline)
	defer v.Close()
	again, err := v.Run(context.Background(), FilterTarget(store.Filter{Dataset: "gsm8k"}), Options{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	// Unsupported rule claims have no job: they are neither checked nor cached.
	jobs := first.Checks - first.ByStatus[stepwise.StatusUnsupported]
	if again.BackendCalls != 0 || again.CacheHits != int64(jobs) {
		t.Errorf("cached re-run: %d backend calls, %d cache hits; want 0 and %d", again.BackendCalls, again.CacheHits, jobs)
	}
	if again.ByStatus[stepwise.StatusProved] != first.ByStatus[stepwise.StatusProved] {
		t.Errorf("re-run statuses %v, first %v", again.ByStatus, first.ByStatus)
	}
	// Steps: 620 carry an annotation, so at least 620 are proved; the rest
	// have nothing to check or a proved equation in the text.
	pc, err := db.ProofCounts()
	if err != nil {
		t.Fatal(err)
	}
	g := pc.Datasets["gsm8k"]
	if g["proved"] < 600 || g["proved"]+g["none"]+g["unsupported"] != 697 || g["disproved"] != 0 {
		t.Errorf("gsm8k step counts %v, want proved >= 600 and proved + unsupported + none = 697", g)
	}
	// The first answer: "16 - 3 - 4 = <<16-3-4=9>>9" then "9 * 2 = $<<9*2=18>>18".
	var id string
	db.List(store.Filter{Dataset: "gsm8k", Limit: 1}, func(s store.Summary) error { id = s.ID; return nil })
	checks, err := db.Checks(id)
	if err != nil {
		t.Fatal(err)
	}
	if len(checks) != 2 || !strings.Contains(checks[0][0].Statement, "16 - 3 - 4") ||
		!strings.Contains(checks[1][0].Statement, "9 * 2") || checks[1][0].Status != stepwise.StatusProved ||
		checks[0][0].Origin != stepwise.FormalRule || checks[0][0].Evidence == "" || checks[0][0].CacheKey == "" {
		t.Errorf("first trace checks %+v", checks)
	}
	if strip, _ := db.ProofStrip(id); strip != "++" {
		t.Errorf("first trace strip %q, want \"++\"", strip)
	}
}

// TestSafeStatementsDecided re-checks imported Safe statements with the
// offline backends. Expected by hand: in safe_trace_example.json,
// x-5 = 2x-b with x = -2 gives b = 3, so the two "b = 3" statements hold
// (one that Safe marked "Failure of Proof" among them) and `b = \boxed{3}`
// is not Lean; in the constructed false file, b = -3 is refuted by b = 3,
// x = -2; x = 1 and x = 2 cannot both hold (vacuous); 2 + 2 = 5 is false.
func TestSafeStatementsDecided(t *testing.T) {
	db := openImported(t, filepath.Join(t.TempDir(), "s.db"), safeExample, safeFalse)
	defer db.Close()
	v := New(db, offline)
	defer v.Close()
	type got struct {
		status, claimed stepwise.ProofStatus
		backend, ev     string
	}
	var results []got
	imported, rule := map[stepwise.ProofStatus]int{}, map[stepwise.ProofStatus]int{}
	sum, err := v.Run(context.Background(), FilterTarget(store.Filter{}), Options{}, func(u Update) {
		if r := u.Result; r != nil {
			results = append(results, got{r.Formalization.Status, r.Claimed, r.Formalization.Backend, r.Result.Evidence.Counterexample})
			if r.Claim != nil {
				rule[r.Formalization.Status]++
			} else {
				imported[r.Formalization.Status]++
			}
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	want := map[stepwise.ProofStatus]int{stepwise.StatusProved: 3, stepwise.StatusUnsupported: 1,
		stepwise.StatusDisproved: 2, stepwise.StatusVacuous: 1}
	if len(imported) != len(want) {
		t.Errorf("imported statements' statuses %v, want %v", imported, want)
	}
	for st, n := range want {
		if imported[st] != n {
			t.Errorf("%s: %d, want %d (all: %v)", st, imported[st], n, imported)
		}
	}
	// The text's own equations have variables ("$x-5 = 2x-b$",
	// "$-2-5=2(-2)-b$"): the rule-based reader states none of them.
	if len(rule) != 1 || rule[stepwise.StatusUnsupported] != 3 {
		t.Errorf("rule-based claims %v, want 3 unsupported", rule)
	}
	var provedAgainstClaim, smtCounterexample bool
	for _, r := range results {
		provedAgainstClaim = provedAgainstClaim || r.status == stepwise.StatusProved && r.claimed == stepwise.StatusFailed
		if r.status == stepwise.StatusDisproved && strings.HasPrefix(r.backend, "smt-") {
			smtCounterexample = strings.Contains(r.ev, "b = 3") && strings.Contains(r.ev, "x = -2")
		}
	}
	if !provedAgainstClaim {
		t.Error("the statement Safe marked Failure of Proof was not proved")
	}
	if !smtCounterexample {
		t.Errorf("no SMT counterexample b = 3, x = -2 for b = -3: %+v", results)
	}
	// Six traces: four answers and a timeout in the example, one constructed.
	if sum.Traces != 6 || sum.TracesSaved != 6 {
		t.Errorf("traces %+v", sum.Progress)
	}
	// A step shows its most telling status: two steps with a proved
	// statement also hold an unsupported equation of the text, and show it.
	pc, _ := db.ProofCounts()
	if pc.Total["disproved"] != 2 || pc.Total["vacuous"] != 1 || pc.Total["proved"] != 1 || pc.Total["unsupported"] != 3 {
		t.Errorf("step counts %v", pc.Total)
	}
}

func TestStepTargetAndErrors(t *testing.T) {
	db := openImported(t, filepath.Join(t.TempDir(), "s.db"), safeFalse)
	defer db.Close()
	v := New(db, offline)
	defer v.Close()
	var id string
	db.List(store.Filter{}, func(s store.Summary) error { id = s.ID; return nil })
	ctx := context.Background()
	sum, err := v.Run(ctx, StepTarget(id, 2), Options{}, nil)
	if err != nil || sum.Steps != 1 || sum.ByStatus[stepwise.StatusDisproved] != 1 || sum.Checks != 1 {
		t.Fatalf("step 2 only: %+v %v", sum, err)
	}
	if strip, _ := db.ProofStrip(id); strip != "  x " {
		t.Errorf("strip after one step %q, want \"  x \"", strip)
	}
	if _, err := v.Run(ctx, StepTarget(id, 9), Options{}, nil); err == nil || !strings.Contains(err.Error(), "no step 9") {
		t.Errorf("step out of range: %v", err)
	}
	if _, err := v.Run(ctx, TraceTarget("nope"), Options{}, nil); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unknown trace: %v", err)
	}
	if _, err := v.Run(ctx, TraceTarget(id), Options{Backend: "lean-repl"}, nil); err == nil {
		t.Error("a backend that is not configured was accepted")
	}
	if _, err := v.Run(ctx, Target{Steps: []int{1}}, Options{}, nil); err == nil {
		t.Error("steps without a trace accepted")
	}
	// Pinning the solver: the closed claim goes to z3 instead of the evaluator.
	sum, err = v.Run(ctx, StepTarget(id, 2), Options{Backend: verify.BackendZ3}, func(u Update) {
		if u.Result != nil && u.Result.Formalization.Backend != verify.BackendZ3 {
			t.Errorf("pinned backend ignored: %s", u.Result.Formalization.Backend)
		}
	})
	if err != nil || sum.ByStatus[stepwise.StatusDisproved] != 1 {
		t.Errorf("pinned z3: %+v %v", sum.ByStatus, err)
	}
}

// blocking is a backend that never answers before its context ends.
type blocking struct{ started chan struct{} }

func (blocking) Name() string                     { return "blocking" }
func (blocking) Toolchain(context.Context) string { return "test" }
func (b blocking) Check(ctx context.Context, _ verify.Job) verify.Result {
	select {
	case b.started <- struct{}{}:
	default:
	}
	<-ctx.Done()
	return verify.Result{Status: stepwise.StatusTimeout}
}

func TestCancelStopsTheRun(t *testing.T) {
	db := openImported(t, filepath.Join(t.TempDir(), "s.db"), safeFalse, safeExample)
	defer db.Close()
	c := NewCache(db)
	b := blocking{started: make(chan struct{}, 1)}
	eng := verify.NewEngine(verify.Config{Concurrency: 2, Timeout: time.Hour}, c, b)
	v := NewWithEngine(db, eng, c)
	defer v.Close()
	ctx, cancel := context.WithCancel(context.Background())
	go func() { <-b.started; cancel() }()
	done := make(chan error, 1)
	var sum Summary
	go func() {
		var err error
		sum, err = v.Run(ctx, FilterTarget(store.Filter{}), Options{}, nil)
		done <- err
	}()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("canceled run returned %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("run did not stop on cancel")
	}
	// The first trace of the constructed file had jobs in flight: it is not
	// saved half-checked. (Traces with nothing to check may be saved.)
	var id string
	db.List(store.Filter{Dataset: "safe", Limit: 1}, func(s store.Summary) error { id = s.ID; return nil })
	if strip, _ := db.ProofStrip(id); strip != "" {
		t.Errorf("a half-checked trace was saved: strip %q (summary %+v)", strip, sum)
	}
}

// scripted answers autoformalization prompts by the step they end with.
type scripted struct {
	mu    sync.Mutex
	calls int
	reply map[string]string
}

func (s *scripted) Complete(_ context.Context, _, user string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls++
	for step, ans := range s.reply {
		if strings.Contains(user, "## Step to check\n"+step) {
			return ans, nil
		}
	}
	return "", errors.New("no scripted answer")
}

func TestAutoformalizeProseSteps(t *testing.T) {
	db := openImported(t, filepath.Join(t.TempDir(), "s.db"))
	defer db.Close()
	raw := "Let us add the two piles.\nThe piles hold three and four, so seven in all.\nDone."
	steps := []stepwise.Step{
		{Kind: stepwise.StepReasoning, Span: stepwise.Span{Start: 0, End: 25}},
		{Kind: stepwise.StepReasoning, Span: stepwise.Span{Start: 26, End: 73}},
		{Kind: stepwise.StepToolCall, Span: stepwise.Span{Start: 74, End: 79}},
	}
	for i := range steps {
		steps[i].Text = raw[steps[i].Span.Start:steps[i].Span.End]
	}
	tr := &stepwise.Trace{Dataset: "constructed", SourceID: "piles", Raw: raw, Steps: steps}
	if _, _, err := db.Add([]formats.Item{{Problem: &stepwise.Problem{Text: "How many in all?"}, Trace: tr}}); err != nil {
		t.Fatal(err)
	}
	llm := &scripted{reply: map[string]string{
		"Let us add": "False",
		"The piles":  "```lean\ntheorem test (a b : ℝ) (h₀ : a = 3) (h₁ : b = 4) : (a + b = 7) := by sorry\n```",
	}}
	v := New(db, offline)
	defer v.Close()
	var got []stepwise.Formalization
	sum, err := v.Run(context.Background(), TraceTarget("constructed:piles"), Options{Auto: &verify.AutoFormalizer{LLM: llm}},
		func(u Update) {
			if u.Result != nil {
				got = append(got, u.Result.Formalization)
			}
		})
	if err != nil {
		t.Fatal(err)
	}
	// Two prose steps without arithmetic go to the model; the tool call does not.
	if llm.calls != 2 || len(got) != 2 {
		t.Fatalf("%d LLM calls, results %+v", llm.calls, got)
	}
	if sum.ByStatus[stepwise.StatusSkipped] != 1 || sum.ByStatus[stepwise.StatusProved] != 1 {
		t.Errorf("statuses %v, want one skipped and one proved", sum.ByStatus)
	}
	for _, f := range got {
		if f.Origin != stepwise.FormalLLM {
			t.Errorf("origin %s", f.Origin)
		}
	}
	if strip, _ := db.ProofStrip("constructed:piles"); strip != "-+." {
		t.Errorf("strip %q, want \"-+.\"", strip)
	}
}
