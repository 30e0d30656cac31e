package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

// TestShowTheTracesOwnProblem: PRMBench records of one problem write its
// text two ways ("$1.24" and "$\$1.24$"); they share one stored problem,
// and show prints each trace's problem as its own source wrote it.
func TestShowTheTracesOwnProblem(t *testing.T) {
	db := filepath.Join(t.TempDir(), "s.db")
	if code, _, errs := runCLI(t, "", "--db", db, "import", filepath.Join(sampleDir, "prmbench")); code != exitOK && code != exitPartial {
		t.Fatal(errs)
	}
	for id, want := range map[string]string{
		"prmbench:prm_test_p1_0/confidence":      "cost $1.24.",
		"prmbench:prm_test_p1_0/multi_solutions": `cost $\$1.24$.`,
	} {
		code, out, errs := runCLI(t, "", "--db", db, "show", "--json", id)
		if code != exitOK {
			t.Fatalf("show %s: %s", id, errs)
		}
		var rec struct {
			Problem struct {
				Text string `json:"text"`
			} `json:"problem"`
		}
		if err := json.Unmarshal([]byte(out), &rec); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(rec.Problem.Text, want) {
			t.Errorf("%s: problem %.60q, want its own %q", id, rec.Problem.Text, want)
		}
	}
}
