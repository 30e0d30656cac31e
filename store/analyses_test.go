package store

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/stepwise-dev/stepwise"
	"github.com/stepwise-dev/stepwise/store/internal/schema"
)

// The first ProcessBench GSM8K record (label 1: step 1 is the earliest wrong
// step) and the 101st (label -1), by reading the sample file.
const (
	pbWrong   = "processbench/gsm8k:gsm8k-0"
	pbWrong2  = "processbench/gsm8k:gsm8k-1"
	pbCorrect = "processbench/gsm8k:gsm8k-200"
)

func pbStore(t *testing.T) *DB {
	t.Helper()
	db := openTemp(t)
	importOK(t, db, filepath.Join(samples, "processbench", "gsm8k_0-99_and_200-299.json"))
	return db
}

func intp(i int) *int { return &i }

// sampleAnalysis is a single-trace run whose prompts repeat a long trace,
// as the judge's do.
func sampleAnalysis(id, trace string, started time.Time, trace60k string) stepwise.Analysis {
	prompt := func(q string) string {
		return "Problem:\n<<<EVIDENCE n>>>\nx\n<<<END EVIDENCE n>>>\n\n" + trace60k + "\n\nEvaluation question: " + q + "\n\nAnswer with JSON only."
	}
	a := stepwise.Analysis{
		ID: id, TraceIDs: []string{trace}, Mode: "single", Model: "m", Endpoint: "http://h/v1", Prompt: "v1",
		Started: started, Verdict: "incorrect", FirstError: intp(1),
		StepFlags: []stepwise.StepFlag{{Step: 1, Reason: "6 × 5 is 30, not 35"}, {Step: 3, Reason: "follows from step 1"}},
		Usage:     stepwise.Usage{PromptTokens: 1000, CompletionTokens: 200, LatencySeconds: 2.5, CostUSD: 0.0012},
		Criteria:  []string{"Is the arithmetic right?", "Is the answer faithful?"},
	}
	a.Stages = append(a.Stages, stepwise.AnalysisStage{Name: "criteria", Prompt: "Problem: x\n\nWrite questions.", Output: `{"criteria":["Is the arithmetic right?"]}`})
	for i, q := range a.Criteria {
		s := stepwise.AnalysisStage{Name: "analysis/" + string(rune('1'+i)), Criterion: q, Prompt: prompt(q),
			Output:    `{"mode":"code","analysis":"checks products","code":"def evaluate(text, steps): print(1)"}`,
			Reasoning: "thinking…", Usage: stepwise.Usage{PromptTokens: 400, CompletionTokens: 80}}
		if i == 0 {
			s.Code = "def evaluate(text, steps):\n    print('<b>&</b>')\n"
			s.Exec = &stepwise.ExecInfo{Stdout: "<b>&</b>\n", Stderr: "", ExitCode: 0, Seconds: 0.04}
		} else {
			s.Error = "code analysis refused: no sandbox configured"
		}
		a.Stages = append(a.Stages, s)
	}
	a.Stages = append(a.Stages, stepwise.AnalysisStage{Name: "verdict", Prompt: prompt("verdict"), Output: `{"verdict":"incorrect","first_error":1}`})
	return a
}

func randomText(n int, seed uint64) string {
	r := rand.New(rand.NewPCG(seed, 1))
	var b strings.Builder
	for b.Len() < n {
		for range 1 + r.IntN(12) {
			b.WriteByte(byte('a' + r.IntN(26)))
		}
		if r.IntN(40) == 0 {
			b.WriteString("\n\n")
		} else {
			b.WriteByte(' ')
		}
	}
	return b.String()
}

func TestAnalysisRoundTrip(t *testing.T) {
	db := pbStore(t)
	t0 := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	a := sampleAnalysis("an-1", pbWrong, t0, randomText(3000, 1))
	seq, err := db.SaveAnalysis(&a)
	if err != nil || seq != 1 {
		t.Fatalf("save: seq %d, %v", seq, err)
	}
	got, err := db.AnalysisSeq(seq)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(*got, a) {
		t.Fatalf("round trip differs:\n got %+v\nwant %+v", *got, a)
	}
	byID, err := db.Analysis("an-1")
	if err != nil || !reflect.DeepEqual(*byID, a) {
		t.Fatalf("by id: %v", err)
	}
	if _, err := db.Analysis("an-none"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("unknown id: %v", err)
	}
	if _, err := db.AnalysisSeq(99); !errors.Is(err, ErrNotFound) {
		t.Fatalf("unknown seq: %v", err)
	}
}

func TestRunsNewestFirstAndLatestJudgement(t *testing.T) {
	db := pbStore(t)
	t0 := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	first := sampleAnalysis("an-old", pbWrong, t0, "old")
	first.FirstError = intp(2)
	pair := stepwise.Analysis{ID: "an-pair", TraceIDs: []string{pbWrong, pbWrong2}, Mode: "pairwise", Verdict: pbWrong2,
		Pair: &stepwise.PairResult{Winners: [2]string{pbWrong2, pbWrong2}, Consistent: true}, Started: t0.Add(2 * time.Minute)}
	failed := stepwise.Analysis{ID: "an-failed", TraceIDs: []string{pbWrong}, Mode: "single", Error: "verdict: timeout", Started: t0.Add(3 * time.Minute)}
	second := sampleAnalysis("an-new", pbWrong, t0.Add(time.Minute), "new")
	for _, a := range []*stepwise.Analysis{&first, &second, &pair, &failed} {
		if _, err := db.SaveAnalysis(a); err != nil {
			t.Fatal(err)
		}
	}
	runs, err := db.Runs(pbWrong)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, r := range runs {
		ids = append(ids, r.ID)
		if r.Analysis.Stages != nil {
			t.Fatalf("a head carries stages: %+v", r)
		}
	}
	if strings.Join(ids, ",") != "an-failed,an-pair,an-new,an-old" {
		t.Fatalf("runs of %s: %v", pbWrong, ids)
	}
	if runs[2].Stages != 4 || runs[2].Seq != 2 || runs[2].Bytes == 0 {
		t.Fatalf("head of an-new: %+v", runs[2])
	}
	// The pairwise run is listed under both traces.
	if r2, _ := db.Runs(pbWrong2); len(r2) != 1 || r2[0].ID != "an-pair" || !r2[0].Pair.Consistent {
		t.Fatalf("runs of %s: %+v", pbWrong2, r2)
	}
	// The gutter skips the failed and the pairwise run.
	j, err := db.LatestJudgement(pbWrong)
	if err != nil || j == nil || j.ID != "an-new" || *j.FirstError != 1 || len(j.StepFlags) != 2 || j.StepFlags[1].Step != 3 {
		t.Fatalf("latest judgement: %+v %v", j, err)
	}
	if j, err := db.LatestJudgement(pbWrong2); j != nil || err != nil {
		t.Fatalf("a trace with only a pairwise run has no judgement: %+v %v", j, err)
	}
	full, err := db.Analyses(pbWrong)
	if err != nil || len(full) != 4 || full[2].ID != "an-new" || full[2].Stages[1].Prompt != second.Stages[1].Prompt {
		t.Fatalf("analyses: %d %v", len(full), err)
	}
	if _, err := db.Runs("processbench/gsm8k:nope"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("unknown trace: %v", err)
	}
}

func TestSaveAnalysisRefusesUnknownTraces(t *testing.T) {
	db := pbStore(t)
	a := stepwise.Analysis{ID: "an-x", TraceIDs: []string{pbWrong, "no-such-trace"}, Mode: "pairwise"}
	if _, err := db.SaveAnalysis(&a); !errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), "no-such-trace") {
		t.Fatalf("unknown trace: %v", err)
	}
	// Nothing was linked to the known trace either.
	if runs, _ := db.Runs(pbWrong); len(runs) != 0 {
		t.Fatalf("partial save: %+v", runs)
	}
	if _, err := db.SaveAnalysis(&stepwise.Analysis{ID: "an-y"}); err == nil {
		t.Fatal("an analysis without traces was saved")
	}
}

// TestPromptsAreDeduplicated: four prompts repeat one 100 KB text of random
// words. Deflate alone cannot share it across prompts (32 KB window), so
// without deduplication the record would hold four compressed copies; with
// it, one.
func TestPromptsAreDeduplicated(t *testing.T) {
	db := pbStore(t)
	long := randomText(100_000, 2)
	a := sampleAnalysis("an-big", pbWrong, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), long)
	a.Stages = append(a.Stages, a.Stages[1], a.Stages[2])
	one := len(deflate(t, long))
	seq, err := db.SaveAnalysis(&a)
	if err != nil {
		t.Fatal(err)
	}
	runs, _ := db.Runs(pbWrong)
	if runs[0].Seq != seq || runs[0].Bytes > one+one/10 {
		t.Fatalf("stored %d bytes; one compressed copy of the trace is %d", runs[0].Bytes, one)
	}
	got, err := db.AnalysisSeq(seq)
	if err != nil || !reflect.DeepEqual(got.Stages, a.Stages) {
		t.Fatalf("stages differ after dedupe: %v", err)
	}
}

func deflate(t *testing.T, s string) []byte {
	t.Helper()
	rec, err := encodeRun(&stepwise.Analysis{ID: "x", Stages: []stepwise.AnalysisStage{{Output: s}}})
	if err != nil {
		t.Fatal(err)
	}
	return rec
}

func TestDamagedRunRecords(t *testing.T) {
	db := pbStore(t)
	a := sampleAnalysis("an-1", pbWrong, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), "text")
	seq, _ := db.SaveAnalysis(&a)
	rec, err := encodeRun(&a)
	if err != nil {
		t.Fatal(err)
	}
	for name, v := range map[string][]byte{
		"future version": append([]byte{9}, rec[1:]...),
		"truncated head": rec[:20],
		"broken body":    append(append([]byte{}, rec[:len(rec)-12]...), 0xff, 0xfe, 0xfd),
		"empty":          {},
	} {
		db.update(func(tx *bolt.Tx) error { return tx.Bucket(schema.Analyses).Put(schema.U64(seq), v) })
		_, err := db.AnalysisSeq(seq)
		if err == nil || !strings.Contains(err.Error(), "judge run 1") {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestEachJudgedFollowsTheFilter(t *testing.T) {
	db := pbStore(t)
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i, id := range []string{pbWrong, pbCorrect, pbWrong2} {
		a := sampleAnalysis("an-"+id, id, t0.Add(time.Duration(i)*time.Minute), "x")
		if _, err := db.SaveAnalysis(&a); err != nil {
			t.Fatal(err)
		}
	}
	collect := func(f Filter) []string {
		var out []string
		err := db.EachJudged(context.Background(), f, func(s Summary, h RunHead) error {
			if h.TraceIDs[0] != s.ID {
				t.Errorf("run %s paired with trace %s", h.ID, s.ID)
			}
			out = append(out, s.ID)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	if got := collect(Filter{}); strings.Join(got, " ") != pbWrong+" "+pbWrong2+" "+pbCorrect {
		t.Fatalf("all judged: %v", got)
	}
	// gsm8k-200 is in the correct half of the sample file.
	if got := collect(Filter{Correct: "true"}); len(got) != 1 || got[0] != pbCorrect {
		t.Fatalf("judged and correct: %v", got)
	}
}

func TestReadOnlyStoreRefusesRuns(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.db")
	db, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	ro, err := Open(path, Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	if _, err := ro.SaveAnalysis(&stepwise.Analysis{ID: "a", TraceIDs: []string{"t"}}); err == nil {
		t.Fatal("read-only store saved a run")
	}
	if err := ro.SaveFindings([]TraceFindings{{TraceID: "t"}}); err == nil {
		t.Fatal("read-only store saved findings")
	}
}

// BenchmarkLatestJudgement is the trace gutter's read: a trace with ten
// runs, the newest a pairwise one, so two heads are decoded.
func BenchmarkLatestJudgement(b *testing.B) {
	db, err := Open(filepath.Join(b.TempDir(), "s.db"), Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Import(context.Background(), []string{filepath.Join(samples, "processbench", "gsm8k_0-99_and_200-299.json")}, ImportOptions{}); err != nil {
		b.Fatal(err)
	}
	long := randomText(60_000, 3)
	for i := range 10 {
		a := sampleAnalysis(fmt.Sprint("an-", i), pbWrong, time.Now(), long)
		if i == 9 {
			a.Mode, a.TraceIDs, a.Pair = "pairwise", []string{pbWrong, pbWrong2}, &stepwise.PairResult{}
		}
		if _, err := db.SaveAnalysis(&a); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		h, err := db.LatestJudgement(pbWrong)
		if err != nil || h == nil || h.ID != "an-8" {
			b.Fatal(h, err)
		}
	}
}
