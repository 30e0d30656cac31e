package demo

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stepwise-dev/stepwise/store"
)

func TestBuildImportsEverySample(t *testing.T) {
	db, err := store.Open(filepath.Join(t.TempDir(), "demo.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rep, err := Build(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Skipped != 0 {
		t.Fatalf("demo import skipped records: %v", rep.SkippedBy)
	}
	// 200 + 100 ProcessBench, 100 GSM8K, 50×4 GSM8K model solutions,
	// 3 Sky-T1, 72 PRMBench, 3 PRM800K, 10 LLaMA-Factory, 1 Inspect,
	// 2 DeltaBench, and the Safe fixture's traces.
	want := map[string]int{"processbench": 2, "gsm8k": 1, "gsm8k-solutions": 1, "sky-t1": 1, "prmbench": 1,
		"prm800k": 1, "llamafactory": 1, "inspect": 1, "deltabench": 1, "safe": 1}
	for f, n := range want {
		if rep.Formats[f] != n {
			t.Errorf("format %s read %d files, want %d", f, rep.Formats[f], n)
		}
	}
	if rep.Imported < 691 {
		t.Errorf("imported %d traces, want at least 691", rep.Imported)
	}
	// The model solutions share problems with the GSM8K references: the
	// first test problem has the reference and four models' samples.
	pid, n := "", 0
	err = db.List(store.Filter{Dataset: "gsm8k/model-solutions", Limit: 1}, func(s store.Summary) error {
		pid = s.ProblemID
		return nil
	})
	if err == nil {
		err = db.List(store.Filter{Problem: pid}, func(store.Summary) error { n++; return nil })
	}
	if err != nil || n < 5 {
		t.Errorf("samples of the first model solution's problem: %d (%v), want at least 5", n, err)
	}
	// The long Sky-T1 trace is there in full.
	long, err := db.Get("aime24_sky-t1-32b-ckpt140/21")
	if err != nil {
		t.Fatal(err)
	}
	if utf8.RuneCountInString(long.Raw) != 153700 || !long.Truncated {
		t.Errorf("long trace: %d chars, truncated %v", len(long.Raw), long.Truncated)
	}
	if !strings.Contains(Notice(), "CONSTRUCTED") || Version() == "" {
		t.Error("notice or version missing")
	}
}
