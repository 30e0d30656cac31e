package idindex

import (
	"fmt"
	"path/filepath"
	"slices"
	"testing"

	bolt "go.etcd.io/bbolt"

	"github.com/stepwise-dev/stepwise/store/internal/schema"
)

// TestLogFull: a transaction that would take the log past MaxLogged ids
// folds it, whatever the number of runs.
func TestLogFull(t *testing.T) {
	db, err := bolt.Open(filepath.Join(t.TempDir(), "ids.db"), 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	put := func(full bool, entries []Entry) {
		t.Helper()
		err := db.Update(func(tx *bolt.Tx) error {
			for _, b := range [][]byte{schema.IDs, schema.IDLog} {
				if _, err := tx.CreateBucketIfNotExists(b); err != nil {
					return err
				}
			}
			x, err := Open(tx)
			if err != nil {
				return err
			}
			if full {
				x.logged = MaxLogged // as if the log were full
			}
			return Put(tx, x, entries)
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	var first []Entry
	for i := range 60 {
		first = append(first, Entry{ID: fmt.Sprintf("ds:%d", i), Seq: uint64(i + 1)})
	}
	put(false, first)
	state := func() (runs, logged, keys int) {
		db.View(func(tx *bolt.Tx) error {
			x, err := Open(tx)
			if err != nil {
				t.Fatal(err)
			}
			runs, logged, keys = x.RunCount(), x.LoggedCount(), tx.Bucket(schema.IDs).Stats().KeyN
			return nil
		})
		return runs, logged, keys
	}
	if runs, logged, keys := state(); runs != 1 || logged != 60 || keys != 0 {
		t.Fatalf("after one transaction: %d runs, %d logged, %d in ids; want 1, 60, 0", runs, logged, keys)
	}
	put(true, []Entry{{ID: "toy:full", Seq: 1 << 40}})
	if runs, logged, keys := state(); runs != 0 || logged != 0 || keys != 61 {
		t.Fatalf("log after a full one: %d runs, %d logged, %d in ids; want 0, 0, 61", runs, logged, keys)
	}
	db.View(func(tx *bolt.Tx) error {
		x, _ := Open(tx)
		for _, e := range append(first, Entry{ID: "toy:full", Seq: 1 << 40}) {
			if seq, ok := x.Seq(e.ID); !ok || seq != e.Seq {
				t.Fatalf("%s: seq %d %v, want %d", e.ID, seq, ok, e.Seq)
			}
		}
		return nil
	})
}

// TestIDRun: a run gives back its entries, sorted, and finds each.
func TestIDRun(t *testing.T) {
	var entries []Entry
	for i := range 300 {
		entries = append(entries, Entry{ID: fmt.Sprintf("ds:%d", i*7919%1000), Seq: uint64(i + 1), Hash: [16]byte{byte(i)}})
	}
	want := slices.Clone(entries)
	slices.SortFunc(want, compareEntries)
	r, err := parseRun([]byte("k"), encodeRun(entries))
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
		if string(r.id(i)) != e.ID || r.seq(i) != e.Seq || r.hash(i) != e.Hash {
			t.Fatalf("entry %d: %s %d %x, want %+v", i, r.id(i), r.seq(i), r.hash(i), e)
		}
		if j := r.search(e.ID); j != i {
			t.Fatalf("search(%s) = %d, want %d", e.ID, j, i)
		}
	}
	if j := r.search("ds:99999"); j != r.n {
		t.Fatalf("search past the end = %d", j)
	}
}

// FuzzParseRun: a damaged run is an error, never a panic, and a run that
// parses can be read entry by entry.
func FuzzParseRun(f *testing.F) {
	f.Add(encodeRun([]Entry{{ID: "a:1", Seq: 1}, {ID: "a:2", Seq: 2}}))
	f.Add(encodeRun(nil))
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
