package store

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"

	"github.com/stepwise-dev/stepwise/store/internal/schema"
)

// TestIDLog: traces whose ids are in the id log's runs are found by id, by
// source id and in id order like any other, are duplicates when stored
// again, from a read-only open too; once the log has maxRuns runs the next
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
		if _, err := db.writeBatch(prepareBatch(math[part[0]:part[1]])); err != nil {
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
		if _, err := db.writeBatch(prepareBatch(gsm[start : start+10])); err != nil {
			t.Fatal(err)
		}
		if runs++; runs > maxRuns {
			runs = 0 // this transaction folded the log
		}
		if got, _ := logState(t, db); got != runs {
			t.Fatalf("after %d gsm8k traces: %d runs, want %d", start+10, got, runs)
		}
	}
	checkFindsAll(t, db, 350)
}

// loggedIDs returns every id in the log.
func loggedIDs(tx *bolt.Tx) ([]loggedID, error) {
	x, err := newIDIndex(tx)
	if err != nil {
		return nil, err
	}
	return x.entries()
}

// logState counts the id log's runs and ids.
func logState(t testing.TB, db *DB) (runs, logged int) {
	t.Helper()
	err := db.view(func(tx *bolt.Tx) error {
		x, err := newIDIndex(tx)
		runs, logged = len(x.runs), x.logged
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

// TestIDLogFull: a transaction that would take the log past maxLogged ids
// folds it, whatever the number of runs.
func TestIDLogFull(t *testing.T) {
	db := openTemp(t)
	items := decodeFiles(t, filepath.Join(samples, "processbench", "math_0-49_and_500-549.json"))
	if _, err := db.writeBatch(prepareBatch(items[:60])); err != nil {
		t.Fatal(err)
	}
	err := db.update(func(tx *bolt.Tx) error {
		x, err := newIDIndex(tx)
		if err != nil {
			return err
		}
		x.logged = maxLogged // as if the log were full
		return putIDs(tx, x, []loggedID{{id: "toy:full", seq: 1 << 40}})
	})
	if err != nil {
		t.Fatal(err)
	}
	if runs, logged := logState(t, db); runs != 0 || logged != 0 {
		t.Fatalf("log after a full one: %d runs, %d ids", runs, logged)
	}
	err = db.view(func(tx *bolt.Tx) error {
		if n := tx.Bucket(schema.IDs).Stats().KeyN; n != 61 {
			return fmt.Errorf("ids holds %d ids, want 61", n)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestIDRun: a run gives back its entries, sorted, and finds each.
func TestIDRun(t *testing.T) {
	var entries []loggedID
	for i := range 300 {
		entries = append(entries, loggedID{id: fmt.Sprintf("ds:%d", i*7919%1000), seq: uint64(i + 1), hash: [16]byte{byte(i)}})
	}
	want := slices.Clone(entries)
	slices.SortFunc(want, compareLogged)
	r, err := parseRun([]byte("k"), encodeIDRun(entries))
	if err == nil {
		err = r.check()
	}
	if err != nil {
		t.Fatal(err)
	}
	if r.n != len(want) {
		t.Fatalf("%d entries, want %d", r.n, len(want))
	}
	for i, e := range want {
		if string(r.id(i)) != e.id || r.seq(i) != e.seq || r.hash(i) != e.hash {
			t.Fatalf("entry %d: %s %d %x, want %+v", i, r.id(i), r.seq(i), r.hash(i), e)
		}
		if j := r.search(e.id); j != i {
			t.Fatalf("search(%s) = %d, want %d", e.id, j, i)
		}
	}
	if j := r.search("ds:99999"); j != r.n {
		t.Fatalf("search past the end = %d", j)
	}
}

// FuzzParseRun: a damaged run is an error, never a panic, and a run that
// parses can be read entry by entry.
func FuzzParseRun(f *testing.F) {
	f.Add(encodeIDRun([]loggedID{{id: "a:1", seq: 1}, {id: "a:2", seq: 2}}))
	f.Add(encodeIDRun(nil))
	f.Add([]byte{0, 0, 0, 9, 0, 0, 0, 0})
	f.Fuzz(func(t *testing.T, v []byte) {
		r, err := parseRun([]byte("k"), v)
		if err != nil {
			return
		}
		for i := range r.n {
			_, _, _ = r.id(i), r.seq(i), r.hash(i)
		}
		r.search("a:1")
		if r.check() == nil {
			for i := range r.n {
				if r.entry(i) == nil || i > 0 && string(r.id(i-1)) >= string(r.id(i)) {
					t.Fatalf("check passed a run with entry %d damaged or out of order", i)
				}
			}
		}
	})
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
