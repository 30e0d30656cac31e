package main

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stepwise-dev/stepwise"
	"github.com/stepwise-dev/stepwise/store"
	"github.com/stepwise-dev/stepwise/verify/answer"
)

// olderGrader stands for a grader of an older version that got every
// verdict backwards: a store it graded must be re-graded on open.
type olderGrader struct{}

func (olderGrader) GraderVersion() int { return 0 }

func (olderGrader) GradeTrace(t *stepwise.Trace, p *stepwise.Problem) stepwise.Grade {
	g := grader().GradeTrace(t, p)
	if g.Correct != nil {
		wrong := !*g.Correct
		g.Correct = &wrong
	}
	g.Version, g.By = 0, stepwise.GradedBy(0, "backwards")
	return g
}

// TestRegradeThroughTheCLI: a store graded by an older grader is re-graded
// when the CLI opens it for writing, and afterwards `ls --json`, `ls
// --correct` and `stats --json` agree with each other and with `regrade`.
func TestRegradeThroughTheCLI(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(dir, "cfg"))
	db := filepath.Join(dir, "s.db")
	samples := filepath.Join("..", "..", "testdata", "samples")
	if code, _, errs := runCLI(t, "", "--db", db, "import", filepath.Join(samples, "gsm8k", "test_first200.jsonl"),
		filepath.Join(samples, "math500")); code != exitOK {
		t.Fatalf("import: %d %s", code, errs)
	}
	// The older grader's verdicts, as if an older stepwise had stored them.
	s, err := store.Open(db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := s.Regrade(context.Background(), olderGrader{}, store.Filter{})
	s.Close()
	if err != nil || rep.Changed != 400 {
		t.Fatalf("older grader: %+v, %v", rep, err)
	}

	// Opened for writing: re-graded, and said so.
	code, out, errs := runCLI(t, "", "--db", db, "regrade", "--json")
	if code != exitOK || !strings.Contains(errs, fmt.Sprintf("re-graded 400 traces with answer grader %d (was 0): 400 verdicts changed", answer.Version)) {
		t.Fatalf("regrade: %d %q %q", code, out, errs)
	}
	var rr store.RegradeReport
	if err := json.Unmarshal([]byte(out), &rr); err != nil || rr.Traces != 400 || rr.Changed != 0 {
		t.Fatalf("a second regrade changed verdicts: %+v %v", rr, err)
	}

	_, out, _ = runCLI(t, "", "--db", db, "ls", "--json")
	tally := map[string]int{}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var row lsJSON
		if err := json.Unmarshal([]byte(line), &row); err != nil {
			t.Fatal(err)
		}
		if _, _, ok := stepwise.ParseGradedBy(row.CorrectBy); !ok || row.FinalAnswer == "" {
			t.Errorf("%s: correct_by %q answer %q", row.ID, row.CorrectBy, row.FinalAnswer)
		}
		tally[correctText(row.Correct)]++
	}
	if tally["yes"] != 400 {
		t.Errorf("references graded against their own gold answers: %v", tally)
	}
	_, out, _ = runCLI(t, "", "--db", db, "stats", "--json")
	var st store.Stats
	if err := json.Unmarshal([]byte(out), &st); err != nil {
		t.Fatal(err)
	}
	_, lsTrue, _ := runCLI(t, "", "--db", db, "ls", "--json", "--correct", "true")
	_, lsFalse, _ := runCLI(t, "", "--db", db, "ls", "--json", "--correct", "false")
	nTrue, nFalse := strings.Count(lsTrue, "\n"), strings.Count(lsFalse, "\n")
	if st.By["correct"]["true"] != tally["yes"] || nTrue != tally["yes"] || st.By["correct"]["false"] != tally["no"] || nFalse != tally["no"] {
		t.Errorf("stats %v, ls --correct true %d false %d, ls --json %v", st.By["correct"], nTrue, nFalse, tally)
	}
}
