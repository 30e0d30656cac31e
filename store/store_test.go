package store

import (
	"fmt"
	"os"
	"strings"

	bolt "go.etcd.io/bbolt"

	"context"
	"errors"
	"path/filepath"
	"testing"

	"github.com/stepwise-dev/stepwise"
)

var samples = filepath.Join("..", "testdata", "samples")

func openTemp(t *testing.T) *DB {
	t.Helper()
	db, err := Open(filepath.Join(t.TempDir(), "s.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// hold holds the store's bbolt handle (as a transaction in progress does)
// until release is called.
func hold(t *testing.T, db *DB) (b *bolt.DB, release func()) {
	t.Helper()
	got, done, ended := make(chan *bolt.DB), make(chan struct{}), make(chan error)
	go func() {
		ended <- db.h.With(context.Background(), func(b *bolt.DB) error {
			got <- b
			<-done
			return nil
		})
	}()
	select {
	case b = <-got:
	case err := <-ended:
		t.Fatal(err)
	}
	return b, func() { close(done); <-ended }
}

func importOK(t *testing.T, db *DB, paths ...string) *ImportReport {
	t.Helper()
	rep, err := db.Import(context.Background(), paths, ImportOptions{
		OnProblem: func(err error) { t.Errorf("unexpected problem: %v", err) },
	})
	if err != nil {
		t.Fatalf("import: %v", err)
	}
	return rep
}

func TestImportIsIdempotent(t *testing.T) {
	db := openTemp(t)
	pb := filepath.Join(samples, "processbench")
	rep := importOK(t, db, pb)
	// 200 + 100 + 50 + 50 traces in the four ProcessBench samples.
	if rep.Imported != 400 || rep.Duplicates != 0 || rep.Files != 4 {
		t.Fatalf("first import: %+v", rep)
	}
	rep = importOK(t, db, pb)
	if rep.Imported != 0 || rep.Duplicates != 400 {
		t.Fatalf("second import added traces: %+v", rep)
	}
	n, err := db.Count(Filter{})
	if err != nil || n != 400 {
		t.Fatalf("count %d %v", n, err)
	}
}

func TestListFiltersUseIndexes(t *testing.T) {
	db := openTemp(t)
	importOK(t, db, filepath.Join(samples, "processbench"), filepath.Join(samples, "gsm8k", "test_first200.jsonl"))
	count := func(f Filter) int {
		t.Helper()
		n := 0
		if err := db.List(f, func(Summary) error { n++; return nil }); err != nil {
			t.Fatal(err)
		}
		c, err := db.Count(f)
		if err != nil || c != n {
			t.Fatalf("Count %d != List %d (%v)", c, n, err)
		}
		return n
	}
	if n := count(Filter{Dataset: "processbench"}); n != 400 {
		t.Errorf("dataset prefix processbench: %d, want 400", n)
	}
	if n := count(Filter{Dataset: "processbench/gsm8k"}); n != 200 {
		t.Errorf("processbench/gsm8k: %d, want 200", n)
	}
	if n := count(Filter{Dataset: "gsm8k"}); n != 200 {
		t.Errorf("gsm8k: %d, want 200 (must not match processbench/gsm8k)", n)
	}
	// 96 label -1 in gsm8k, 37 in math: read from the files.
	if n := count(Filter{Dataset: "processbench/gsm8k", Label: "correct"}); n != 96 {
		t.Errorf("gsm8k all-correct: %d, want 96", n)
	}
	if n := count(Filter{Dataset: "processbench/math", Label: "error", Correct: "true"}); n != 13 {
		t.Errorf("math error-but-correct: %d, want 13", n)
	}
	if n := count(Filter{Label: "none"}); n != 200 {
		t.Errorf("unlabeled: %d, want 200 (GSM8K reference solutions)", n)
	}
	var page []string
	db.List(Filter{Dataset: "processbench", Offset: 398, Limit: 5}, func(s Summary) error {
		page = append(page, s.SourceID)
		return nil
	})
	if len(page) != 2 {
		t.Errorf("offset 398 of 400 gave %d traces, want 2", len(page))
	}
	if err := db.List(Filter{Label: "bogus"}, func(Summary) error { return nil }); err == nil {
		t.Error("bad filter value accepted")
	}
}

func TestGetRoundTrip(t *testing.T) {
	db := openTemp(t)
	importOK(t, db, filepath.Join(samples, "processbench", "gsm8k_0-99_and_200-299.json"),
		filepath.Join(samples, "gsm8k", "test_first200.jsonl"))
	tr, err := db.Get("gsm8k-0")
	if err != nil {
		t.Fatal(err)
	}
	if tr.ID != "processbench/gsm8k:gsm8k-0" || len(tr.Steps) != 4 {
		t.Fatalf("got %s with %d steps", tr.ID, len(tr.Steps))
	}
	if fe := tr.FirstError(); fe == nil || *fe != 1 {
		t.Fatalf("first error %v", fe)
	}
	for i, s := range tr.Steps {
		if s.Index != i {
			t.Fatalf("step %d loaded with index %d", i, s.Index)
		}
	}
	if tr.Steps[2].StepRating() != stepwise.Unlabeled || !tr.Steps[1].Labels[0].FirstError {
		t.Fatalf("labels lost in store: %+v", tr.Steps[1].Labels)
	}
	p, err := db.Problem(tr.ProblemID)
	if err != nil || p.Split != "gsm8k" {
		t.Fatalf("problem %+v %v", p, err)
	}
	// A GSM8K reference trace keeps its calculator annotations.
	var id string
	db.List(Filter{Dataset: "gsm8k", Limit: 1}, func(s Summary) error { id = s.ID; return nil })
	g, err := db.Get(id)
	if err != nil {
		t.Fatal(err)
	}
	if len(g.Steps[0].Calcs) != 1 || g.Steps[0].Calcs[0].Expr != "16-3-4" {
		t.Fatalf("calcs %+v", g.Steps[0].Calcs)
	}
	if _, err := db.Get("no-such-trace"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("missing id: %v", err)
	}
}

func TestStatsCounts(t *testing.T) {
	db := openTemp(t)
	importOK(t, db, filepath.Join(samples, "processbench"))
	st, err := db.Stats()
	if err != nil {
		t.Fatal(err)
	}
	if st.Traces != 400 || st.By["dataset"]["processbench/omnimath"] != 50 {
		t.Fatalf("stats %+v", st.By)
	}
	if got := st.Datasets["processbench/gsm8k"]["label"]["correct"]; got != 96 {
		t.Errorf("per-dataset label count %d, want 96", got)
	}
}

func TestLockedStoreSaysSo(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.db")
	db, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	// A second DB opens while the first is idle...
	other, err := Open(path, Options{Timeout: 50e6})
	if err != nil {
		t.Fatalf("open beside an idle store: %v", err)
	}
	defer other.Close()
	// ...and waits for it, then gives up, while it is in a transaction.
	_, release := hold(t, db)
	_, err = other.Stats()
	release()
	var le *LockedError
	if !errors.As(err, &le) || !errors.Is(err, ErrLocked) {
		t.Fatalf("read while another holds the store: %v", err)
	}
	if !strings.Contains(le.Owner, fmt.Sprintf("pid %d", os.Getpid())) {
		t.Errorf("the error does not name the holder: %v", err)
	}
}

// TestImportUnzippedInspectLog: a directory of Inspect logs, one of them
// unzipped, imports with nothing skipped: the unzipped log's sample is the
// same trace as the JSON log of the same run (a duplicate), and its header,
// summaries and journal are counted as companions.
func TestImportUnzippedInspectLog(t *testing.T) {
	db := openTemp(t)
	rep := importOK(t, db, filepath.Join(samples, "inspect_ai"))
	if rep.Skipped != 0 || rep.Companions != 5 || rep.Duplicates != 1 || rep.Files != 11 {
		t.Fatalf("report %+v", rep)
	}
}
