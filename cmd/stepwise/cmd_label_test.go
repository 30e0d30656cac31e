package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stepwise-dev/stepwise/store"
)

func runCLI(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), args, strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

// TestLabelExportMerge drives label, export and merge as a script would:
// labels by two annotators, an export of the event log, a merge into a
// second store, and a ProcessBench export of the human labels.
func TestLabelExportMerge(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(dir, "cfg"))
	t.Setenv("STEPWISE_CONFIG", "")
	db1, db2 := filepath.Join(dir, "a.db"), filepath.Join(dir, "b.db")
	pb := filepath.Join("..", "..", "testdata", "samples", "processbench", "gsm8k_0-99_and_200-299.json")
	for _, db := range []string{db1, db2} {
		if code, _, errs := runCLI(t, "", "--db", db, "import", pb); code != exitOK {
			t.Fatalf("import: %d %s", code, errs)
		}
	}
	// gsm8k-0 has 4 steps: step 4 is out of range (exit 2), an unknown
	// trace exits 5, a -1 step with --first-error is a flag-free positional.
	cases := []struct {
		args []string
		code int
	}{
		{[]string{"label", "gsm8k-0", "2", "-1", "--error-type", "calculation", "--annotator", "ana"}, exitOK},
		{[]string{"label", "gsm8k-0", "-1", "--first-error", "--annotator", "bo"}, exitOK},
		{[]string{"label", "gsm8k-0", "4", "good", "--annotator", "ana"}, exitUsage},
		{[]string{"label", "no-such", "0", "good", "--annotator", "ana"}, exitNotFound},
		{[]string{"label", "gsm8k-0", "1", "sorta", "--annotator", "ana"}, exitUsage},
	}
	for _, c := range cases {
		if code, _, errs := runCLI(t, "", append([]string{"--db", db1}, c.args...)...); code != c.code {
			t.Errorf("%v: exit %d, want %d (%s)", c.args, code, c.code, errs)
		}
	}
	lines := `{"trace_id":"gsm8k-1","step":0,"rating":"good"}` + "\n" + `{"trace_id":"gsm8k-1","step":1,"rating":"bad","note":"wrong sum"}` + "\n"
	if code, out, errs := runCLI(t, lines, "--db", db1, "label", "--from", "-", "--annotator", "bo"); code != exitOK ||
		!strings.Contains(out, "saved 2 events") {
		t.Fatalf("label --from: %d %q %s", code, out, errs)
	}
	log := filepath.Join(dir, "events.jsonl")
	if code, _, errs := runCLI(t, "", "--db", db1, "export", "--format", "annotations", "-o", log); code != exitOK {
		t.Fatalf("export annotations: %d %s", code, errs)
	}
	for i, want := range []string{"merged 4 events, 0 already present", "merged 0 events, 4 already present"} {
		code, out, errs := runCLI(t, "", "--db", db2, "merge", log)
		if code != exitOK || !strings.Contains(out, want) {
			t.Fatalf("merge %d: %d %q %s", i, code, out, errs)
		}
	}
	// The second store exports the same human ProcessBench labels as the first.
	var got [2]string
	for i, db := range []string{db1, db2} {
		path := filepath.Join(dir, "pb"+string(rune('0'+i))+".jsonl")
		if code, _, errs := runCLI(t, "", "--db", db, "export", "--format", "processbench", "--labels", "human", "-o", path); code != exitOK {
			t.Fatalf("export: %d %s", code, errs)
		}
		b, _ := os.ReadFile(path)
		got[i] = string(b)
	}
	if got[0] != got[1] || got[0] == "" {
		t.Fatalf("exports differ:\n%s\n%s", got[0], got[1])
	}
	var labels []int
	for _, l := range strings.Split(strings.TrimSpace(got[0]), "\n") {
		var r struct{ Label int }
		json.Unmarshal([]byte(l), &r)
		labels = append(labels, r.Label)
	}
	// gsm8k-0: ana marks step 2 bad, bo (later) marks all good; the latest
	// label per step wins: steps 0, 1, 3 good by bo, step 2 good by bo (his
	// event is later): -1. gsm8k-1: steps 0 good, 1 bad, rest unlabeled: 1.
	if len(labels) != 2 || labels[0] != -1 || labels[1] != 1 {
		t.Fatalf("labels %v from\n%s", labels, got[0])
	}
	code, out, _ := runCLI(t, "", "--db", db1, "stats")
	if code != exitOK || !strings.Contains(out, "HUMAN LABELS") || !strings.Contains(out, "ana / bo") {
		t.Fatalf("stats: %d\n%s", code, out)
	}
	// show prints every annotator's current label under the step.
	code, out, _ = runCLI(t, "", "--db", db1, "show", "gsm8k-0")
	if code != exitOK || !strings.Contains(out, "human: bad by ana (calculation)") ||
		!strings.Contains(out, "human: good by bo (implied by a first-error mark)") {
		t.Fatalf("show: %d\n%s", code, out)
	}
	// What the labels say: ana marked step 2 of gsm8k-0 wrong (calculation);
	// bo said gsm8k-0 has no wrong step (4 good) and labeled gsm8k-1's
	// steps 0 good and 1 wrong.
	code, out, _ = runCLI(t, "", "--db", db1, "stats", "--json")
	var js struct {
		Human struct{ Labels []store.LabelCounts }
	}
	if err := json.Unmarshal([]byte(out), &js); code != exitOK || err != nil {
		t.Fatalf("stats --json: %d %v", code, err)
	}
	byName := map[string]store.LabelCounts{}
	for _, c := range js.Human.Labels {
		byName[c.Annotator] = c
	}
	if a, b, all := byName["ana"], byName["bo"], byName[""]; a.Bad != 1 || a.ErrorTypes["calculation"] != 1 ||
		b.Good != 5 || b.Bad != 1 || all.Good != 5 || all.Bad != 2 {
		t.Fatalf("label counts %+v", js.Human.Labels)
	}
	if code, _, _ := runCLI(t, "", "--db", db1, "export", "--format", "nope"); code != exitUsage {
		t.Fatalf("unknown format exit %d", code)
	}
}

// TestImportMissingPath: a path that does not exist fails with one line
// naming it, and no "imported 0 traces" report above the error.
func TestImportMissingPath(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "nope.jsonl")
	code, out, errs := runCLI(t, "", "--db", filepath.Join(dir, "s.db"), "import", missing)
	if code != exitError || out != "" || errs != "stepwise import: stat "+missing+": no such file or directory\n" {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, out, errs)
	}
}
