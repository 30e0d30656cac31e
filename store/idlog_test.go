package store

import (
	"context"
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"

	"github.com/stepwise-dev/stepwise/store/internal/idindex"
	"github.com/stepwise-dev/stepwise/store/internal/ingest"
)

// TestIDLog: traces whose ids are in the id log's runs are found by id, by
// source id and in id order like any other, are duplicates when stored
// again, from a read-only open too; once the log has idindex.MaxRuns runs the next
// transaction folds it into ids, and everything is still found.
func TestIDLog(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.db")
	db, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	omnimath := decodeFiles(t, filepath.Join(samples, "processbench", "omnimath_0-24_and_500-524.json"))
	math := decodeFiles(t, filepath.Join(samples, "processbench", "math_0-49_and_500-549.json"))
	if _, _, err := db.Add(omnimath); err != nil {
		t.Fatal(err)
	}
	for _, part := range [][]int{{0, 30}, {30, 100}} {
		if _, err := db.writeBatch(ingest.PrepareParallel(math[part[0]:part[1]])); err != nil {
			t.Fatal(err)
		}
	}
	if runs, logged := logState(t, db); runs != 3 || logged != 150 {
		t.Fatalf("log: %d runs, %d ids; want 3, 150", runs, logged)
	}
	checkFindsAll(t, db, 150)
	if n, dup, err := db.Add(append(slices.Clone(math), omnimath...)); n != 0 || dup != 150 || err != nil {
		t.Fatalf("again: %d stored, %d duplicates, %v; want 0, 150", n, dup, err)
	}
	db.Close()
	ro, err := Open(path, Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	checkFindsAll(t, ro, 150)
	ro.Close()

	db, err = Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	gsm := decodeFiles(t, filepath.Join(samples, "processbench", "gsm8k_0-99_and_200-299.json"))
	for start, runs := 0, 3; start < len(gsm); start += 10 {
		if _, err := db.writeBatch(ingest.PrepareParallel(gsm[start : start+10])); err != nil {
			t.Fatal(err)
		}
		if runs++; runs > idindex.MaxRuns {
			runs = 0 // this transaction folded the log
		}
		if got, _ := logState(t, db); got != runs {
			t.Fatalf("after %d gsm8k traces: %d runs, want %d", start+10, got, runs)
		}
	}
	checkFindsAll(t, db, 350)
}

// loggedIDs returns every id in the log.
func loggedIDs(tx *bolt.Tx) ([]idindex.Entry, error) {
	x, err := idindex.Open(tx)
	if err != nil {
		return nil, err
	}
	return x.Entries()
}

// logState counts the id log's runs and ids.
func logState(t testing.TB, db *DB) (runs, logged int) {
	t.Helper()
	err := db.view(func(tx *bolt.Tx) error {
		x, err := idindex.Open(tx)
		runs, logged = x.RunCount(), x.LoggedCount()
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return runs, logged
}

// checkFindsAll: every trace resolves by id and by source id, id order is
// the order of the ids, and the store is consistent.
func checkFindsAll(t *testing.T, db *DB, n int) {
	t.Helper()
	checkStore(t, db)
	var all []Summary
	if err := db.List(Filter{}, func(s Summary) error { all = append(all, s); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(all) != n {
		t.Fatalf("%d traces, want %d", len(all), n)
	}
	bySeq := map[uint64]string{}
	for _, s := range all {
		bySeq[s.Seq] = s.ID
		for _, ref := range []string{s.ID, s.SourceID} {
			tr, err := db.Get(ref)
			if err != nil || tr.ID != s.ID {
				t.Fatalf("Get(%q): %v; want %s", ref, err, s.ID)
			}
		}
	}
	var order []string
	err := db.Seqs(context.Background(), Filter{}, Order{Key: SortID}, func(seqs []uint64) error {
		for _, seq := range seqs {
			order = append(order, bySeq[seq])
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(order) != n || !slices.IsSorted(order) {
		t.Fatalf("id order: %d ids, sorted %v", len(order), slices.IsSorted(order))
	}
	// A prefix that several ids share is ambiguous, not a miss.
	_, err = db.Get(strings.TrimSuffix(all[0].ID, all[0].SourceID))
	var amb *AmbiguousError
	if !errors.As(err, &amb) || len(amb.Candidates) < 2 {
		t.Fatalf("dataset prefix: %v", err)
	}
	if _, err := db.Get("no such trace"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("unknown id: %v", err)
	}
}

// TestMigrateIDLog: a schema-8 store (every id in ids, no log) opens with
// an empty log, and its traces are found as before.
func TestMigrateIDLog(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.db")
	db, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := db.Add(decodeFiles(t, filepath.Join(samples, "processbench", "math_0-49_and_500-549.json"))); err != nil {
		t.Fatal(err)
	}
	db = downgrade(t, db, path, 8, func(*bolt.Tx) error { return nil })
	if runs, logged := logState(t, db); runs != 0 || logged != 0 {
		t.Fatalf("migrated log: %d runs, %d ids", runs, logged)
	}
	checkFindsAll(t, db, 100)
}
