package tui

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stepwise-dev/stepwise/store"
	"github.com/stepwise-dev/stepwise/themes"
	"github.com/stepwise-dev/stepwise/verify/answer"
)

// newTestModelWith is newTestModel over a copy of the test store with more
// files imported.
func newTestModelWith(t *testing.T, w, h int, files ...string) *Model {
	t.Helper()
	db := openTestStore(t)
	if _, err := db.Import(context.Background(), files, store.ImportOptions{Grader: answer.Grader{}}); err != nil {
		t.Fatal(err)
	}
	th, _ := themes.Builtin("dark")
	m, err := New(Options{StorePoll: -1, DB: db, Theme: th, ThemeFixed: true, Annotator: "tester"})
	if err != nil {
		t.Fatal(err)
	}
	settle(t, m, m.Init())
	send(t, m, tea_WindowSize(w, h))
	return m
}

// TestSamplesCountOnlySamples is the case: GSM8K's model-solutions
// file gives four models' solutions of a test problem whose reference
// solution is in the store too. The samples view's accuracy is the four
// models' (read here from the file's is_correct), not five traces'; the
// reference is listed but marked as such. Every record with a mixed result
// is checked.
func TestSamplesCountOnlySamples(t *testing.T) {
	src := filepath.Join(samples, "gsm8k", "example_model_solutions_first50.jsonl")
	m := newTestModelWith(t, 200, 40, src)
	b, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	models := []string{"6b_finetuning", "6b_verification", "175b_finetuning", "175b_verification"}
	checked := 0
	for line, l := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		var r map[string]struct {
			IsCorrect bool `json:"is_correct"`
		}
		json.Unmarshal([]byte(l), &r) // the question and ground truth (strings) are skipped
		right := 0
		for _, name := range models {
			if r[name].IsCorrect {
				right++
			}
		}
		if right == 0 || right == 4 {
			continue
		}
		origin := traceAtLine(t, m.db, src, line+1)
		if n := tracesOf(t, m.db, origin.ProblemID); n != 5 {
			continue // ProcessBench has a sample of it too: not the case
		}
		settle(t, m, m.samples().load(origin.ID, origin.ProblemID))
		h := m.samples().heading
		want := []string{"5 traces (4 samples + 1 reference)", fmt.Sprintf("accuracy %d/4", right), "pass@4 100%",
			map[int]string{1: "hard", 2: "medium", 3: "easy"}[right]}
		for _, w := range want {
			if !strings.Contains(h, w) {
				t.Fatalf("record %d (%d of 4 right): heading %q lacks %q", line+1, right, h, w)
			}
		}
		checked++
	}
	if checked < 5 {
		t.Fatalf("only %d records with a mixed result", checked)
	}
}

// traceAtLine finds the trace imported from line of file.
func traceAtLine(t *testing.T, db *store.DB, file string, line int) store.Summary {
	t.Helper()
	var found store.Summary
	db.List(store.Filter{}, func(s store.Summary) error {
		if s.Source.Line == line && filepath.Base(s.Source.Path) == filepath.Base(file) {
			found = s
		}
		return nil
	})
	if found.ID == "" {
		t.Fatalf("no trace from %s:%d", file, line)
	}
	return found
}

// tracesOf counts a problem's traces.
func tracesOf(t *testing.T, db *store.DB, problem string) int {
	t.Helper()
	n := 0
	if err := db.List(store.Filter{Problem: problem}, func(store.Summary) error { n++; return nil }); err != nil {
		t.Fatal(err)
	}
	return n
}
