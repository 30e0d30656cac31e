package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stepwise-dev/stepwise"
	"github.com/stepwise-dev/stepwise/store"
)

// TestEveryCommandKeepsLabels runs every command against a store that
// holds labels, selected the way users select it (STEPWISE_DB), and checks
// after each one that every label is still there. stepwise demo once
// deleted such a store and wrote the demo into it.
func TestEveryCommandKeepsLabels(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("HOME", dir)
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(dir, "cfg"))
	t.Setenv("STEPWISE_CONFIG", "")
	t.Setenv("OPENAI_API_KEY", "")
	db := filepath.Join(dir, "real.db")
	t.Setenv("STEPWISE_DB", db)
	pb := filepath.Join(sampleDir, "processbench", "gsm8k_0-99_and_200-299.json")
	if code, _, errs := runCLI(t, "", "import", pb); code != exitOK {
		t.Fatalf("import: %s", errs)
	}
	labels := `{"trace_id":"gsm8k-1","step":0,"rating":"good"}
{"trace_id":"gsm8k-1","step":1,"rating":"bad","note":"wrong sum","hallucinated":true}
{"trace_id":"gsm8k-2","step":-1,"rating":"bad","first_error":true}
`
	if code, _, errs := runCLI(t, labels, "label", "--from", "-", "--annotator", "keeper"); code != exitOK {
		t.Fatalf("label: %s", errs)
	}
	want := eventLog(t, db)
	if strings.Count(want, "\n") != 3 {
		t.Fatalf("event log before: %q", want)
	}
	out := t.TempDir()
	log := filepath.Join(out, "events.jsonl")
	commands := [][]string{
		{"demo", "--build-only"},
		{"demo", "--build-only", "--reset"},
		{"ls"}, {"ls", "--json"}, {"show", "gsm8k-1"}, {"show", "--json", "gsm8k-1"}, {"stats"}, {"stats", "--json"},
		{"formats"}, {"doctor"},
		{"import", pb}, {"import", filepath.Join(sampleDir, "gsm8k", "test_first200.jsonl")},
		{"analyze"}, {"verify", "--dataset", "gsm8k"},
		{"judge", "--dry-run", "--dataset", "processbench/gsm8k", "--limit", "2"}, {"judge", "--agreement"},
		{"export", "--format", "annotations", "-o", log},
		{"merge", log},
		{"label", "gsm8k-3", "0", "neutral", "--annotator", "keeper"},
		{"vacuum"},
	}
	for _, f := range []string{"processbench", "prm800k", "prmbench", "trl", "math-shepherd", "dpo", "sft", "steps-jsonl", "steps-parquet"} {
		commands = append(commands, []string{"export", "--format", f, "-o", filepath.Join(out, f+".out")})
	}
	for _, args := range commands {
		code, _, errs := runCLI(t, "", args...)
		if code == exitError || code == exitLocked {
			t.Errorf("%v: exit %d: %s", args, code, errs)
		}
		got := eventLog(t, db)
		if !strings.HasPrefix(got, want) {
			t.Fatalf("after %v the labels changed:\nbefore %q\nafter  %q", args, want, got)
		}
		want = got
	}
	if _, err := os.Stat(filepath.Join(dir, "demo.db")); err != nil {
		t.Errorf("the demo was not built beside the store: %v", err)
	}
	// The selected store is not a demo: demo never made it one.
	sdb, err := store.Open(db, store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer sdb.Close()
	if v, _ := sdb.Setting(demoSetting); v != "" {
		t.Errorf("the user's store carries the demo marker %q", v)
	}
}

// eventLog is the store's annotation events as exported, with the fields
// that identify them.
func eventLog(t *testing.T, db string) string {
	t.Helper()
	sdb, err := store.Open(db, store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer sdb.Close()
	var b strings.Builder
	err = sdb.AllEvents(store.EventFilter{}, func(ev store.Event) error {
		a := ev.Annotation
		b.WriteString(a.Annotator + " " + a.TraceID + " " + a.Rating.String() + " " + a.Note + "\n")
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// TestDemoNeverReplacesAForeignFile: a file where the demo would go that is
// not a demo store (the user's store, named demo.db, or any other file) is
// left byte for byte as it was.
func TestDemoNeverReplacesAForeignFile(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("HOME", dir)
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(dir, "cfg"))
	t.Setenv("STEPWISE_DB", "")
	notes := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(notes, []byte("my notes\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	store := filepath.Join(dir, "demo.db")
	pb := filepath.Join(sampleDir, "processbench", "gsm8k_0-99_and_200-299.json")
	if code, _, errs := runCLI(t, "", "--db", store, "import", pb); code != exitOK {
		t.Fatal(errs)
	}
	if code, _, errs := runCLI(t, "", "--db", store, "label", "gsm8k-0", "0", "bad", "--annotator", "me"); code != exitOK {
		t.Fatal(errs)
	}
	for _, target := range []string{notes, store} {
		before, _ := os.ReadFile(target)
		code, _, errs := runCLI(t, "", "--db", store, "demo", "--build-only", "--reset", "--demo-db", target)
		if code == exitOK || !strings.Contains(errs, "is not a demo store") {
			t.Errorf("demo over %s: exit %d: %s", target, code, errs)
		}
		if after, _ := os.ReadFile(target); !bytes.Equal(before, after) {
			t.Errorf("demo changed %s", target)
		}
	}
	marks := humanMarksOf(t, store, "gsm8k-0")
	if mk := marks["me"]; mk == nil || mk.Rating(0) != stepwise.Bad {
		t.Errorf("the label in the store named demo.db is gone: %+v", marks)
	}
	// A real demo store is rebuilt in place, and the rebuild is marked.
	demo := filepath.Join(dir, "d", "demo.db")
	for _, args := range [][]string{{"demo", "--build-only", "--demo-db", demo}, {"demo", "--build-only", "--reset", "--demo-db", demo}} {
		if code, _, errs := runCLI(t, "", args...); code != exitOK {
			t.Fatalf("%v: %s", args, errs)
		}
	}
	left, _ := filepath.Glob(filepath.Join(dir, "d", "*"))
	for _, f := range left {
		if !strings.HasSuffix(f, "demo.db") && !strings.HasSuffix(f, "demo.db.lock") {
			t.Errorf("demo left %s behind", f)
		}
	}
}

func humanMarksOf(t *testing.T, db, id string) map[string]*stepwise.TraceMarks {
	t.Helper()
	sdb, err := store.Open(db, store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer sdb.Close()
	m, err := sdb.Marks("processbench/gsm8k:" + id)
	if err != nil {
		t.Fatal(err)
	}
	return m
}
