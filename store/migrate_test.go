package store

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"

	"github.com/stepwise-dev/stepwise"
	"github.com/stepwise-dev/stepwise/store/internal/idindex"
	"github.com/stepwise-dev/stepwise/store/internal/postings"
	"github.com/stepwise-dev/stepwise/store/internal/problems"
	"github.com/stepwise-dev/stepwise/store/internal/record"
	"github.com/stepwise-dev/stepwise/store/internal/schema"
)

// TestMigrateFromSchema1 turns a current store back into the schema-1
// layout (every field as per-trace index keys, a chars field, no postings),
// reopens it, and checks that the migration restores the same answers.
func TestMigrateFromSchema1(t *testing.T) {
	path := filepath.Join(t.TempDir(), "m.db")
	db, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	importOK(t, db, filepath.Join(samples, "processbench"), filepath.Join(samples, "gsm8k", "test_first200.jsonl"))
	filters := []Filter{{Dataset: "processbench"}, {Label: "correct"}, {Dataset: "processbench/math", Correct: "true", Label: "error"}, {Model: "reference"}}
	before := make([]int, len(filters))
	for i, f := range filters {
		before[i], _ = db.Count(f)
	}
	db = downgrade(t, db, path, 1, func(tx *bolt.Tx) error {
		idx := tx.Bucket(schema.Index)
		err := tx.Bucket(schema.Traces).ForEach(func(k, v []byte) error {
			s, err := record.DecodeSummary(schema.SeqOf(k), v)
			if err != nil {
				return err
			}
			for _, tm := range schema.Terms(&s) {
				if err := idx.Put(indexKey(tm.Field, tm.Value, s.Seq), nil); err != nil {
					return err
				}
			}
			return idx.Put(indexKey("chars", schema.SortNumber(uint32(s.Chars)), s.Seq), nil)
		})
		if err != nil {
			return err
		}
		return tx.DeleteBucket(schema.Postings)
	})
	for i, f := range filters {
		if n, _ := db.Count(f); n != before[i] {
			t.Errorf("filter %+v: %d after migration, %d before", f, n, before[i])
		}
	}
	db.view(func(tx *bolt.Tx) error {
		if v := schema.GetUint(tx.Bucket(schema.Meta), keySchema); v != SchemaVersion {
			t.Errorf("schema %d after migration", v)
		}
		return tx.Bucket(schema.Index).ForEach(func(k, _ []byte) error {
			if f := string(k[:len(k)-len(valueOfIndexKey(k))-10]); postingFields[f] || f == "chars" {
				t.Fatalf("index key of field %s left after migration", f)
			}
			return nil
		})
	})
	checkStore(t, db)
}

// downgrade turns an imported store into an older one: change rewrites its
// layout, and the store is marked schema v and reopened, which migrates it.
// Before schema 8 the problems bucket held the records: downgrade puts
// them back. The reopened store is closed when the test ends.
func downgrade(t *testing.T, db *DB, path string, v uint64, change func(*bolt.Tx) error) *DB {
	t.Helper()
	err := db.update(func(tx *bolt.Tx) error {
		if v < 9 {
			if err := unlogIDs(tx); err != nil {
				return err
			}
		}
		if err := change(tx); err != nil {
			return err
		}
		if v < 8 {
			if err := joinProblems(tx); err != nil {
				return err
			}
		}
		return schema.PutUint(tx.Bucket(schema.Meta), keySchema, v)
	})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	if db, err = Open(path, Options{}); err != nil {
		t.Fatalf("migration from schema %d: %v", v, err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// unlogIDs undoes the id log: every id goes into ids, and the log goes.
func unlogIDs(tx *bolt.Tx) error {
	entries, err := loggedIDs(tx)
	if err != nil {
		return err
	}
	if err := idindex.Fold(tx, entries); err != nil {
		return err
	}
	return tx.DeleteBucket(schema.IDLog)
}

// joinProblems undoes splitProblems: each problem's record goes back under
// its id, and problem_texts goes.
func joinProblems(tx *bolt.Tx) error {
	var puts []schema.KV
	err := tx.Bucket(schema.Problems).ForEach(func(k, _ []byte) error {
		v, err := problems.Record(tx, string(k))
		if err != nil {
			return err
		}
		puts = append(puts, schema.KV{K: bytes.Clone(k), V: bytes.Clone(v)})
		return nil
	})
	if err != nil {
		return err
	}
	if err := schema.PutSorted(tx.Bucket(schema.Problems), puts, bolt.DefaultFillPercent); err != nil {
		return err
	}
	return tx.DeleteBucket(schema.ProblemTexts)
}

func TestNewerSchemaIsRefused(t *testing.T) {
	path := filepath.Join(t.TempDir(), "n.db")
	db, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	db.update(func(tx *bolt.Tx) error { return schema.PutUint(tx.Bucket(schema.Meta), keySchema, SchemaVersion+1) })
	db.Close()
	if _, err := Open(path, Options{}); err == nil || !strings.Contains(err.Error(), "newer than this stepwise") {
		t.Fatalf("opening a newer store: %v", err)
	}
}

func TestNotAStoreIsRefused(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.db")
	os.WriteFile(path, []byte("this is not a bbolt file, just text long enough to be read as pages"), 0o600)
	if _, err := Open(path, Options{}); err == nil || !strings.Contains(err.Error(), "not a stepwise store") {
		t.Fatalf("opening garbage: %v", err)
	}
}

// TestMigrateProblemIndex turns the problem postings of a current store
// back into the per-trace index keys of schemas 2 to 5, reopens it, and
// checks that the migration to 6 gives every problem the same traces, and
// that the export by problem groups them as before.
func TestMigrateProblemIndex(t *testing.T) {
	path := filepath.Join(t.TempDir(), "m.db")
	db, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	importOK(t, db, filepath.Join(samples, "processbench"), filepath.Join(samples, "gsm8k"), filepath.Join(samples, "prm800k"))
	before := problemTraces(t, db)
	shared := 0
	for _, seqs := range before {
		if len(seqs) > 1 {
			shared++
		}
	}
	if len(before) < 100 || shared < 10 {
		t.Fatalf("%d problems, %d with several traces: too few to test", len(before), shared)
	}
	groupsBefore := exportGroups(t, db)
	db = downgrade(t, db, path, 5, func(tx *bolt.Tx) error {
		idx, post := tx.Bucket(schema.Index), tx.Bucket(schema.Postings)
		for id, seqs := range before {
			for _, seq := range seqs {
				if err := idx.Put(indexKey(FieldProblem, id, seq), nil); err != nil {
					return err
				}
			}
		}
		var drop [][]byte
		prefix := []byte(FieldProblem + "\x00")
		c := post.Cursor()
		for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
			drop = append(drop, bytes.Clone(k))
		}
		for _, k := range drop {
			if err := post.Delete(k); err != nil {
				return err
			}
		}
		return postings.EachFieldSeq(post, FieldProblem, func([]byte, uint64) error {
			return errors.New("problem postings left in the schema-5 store")
		})
	})
	if got := problemTraces(t, db); !reflect.DeepEqual(got, before) {
		t.Fatalf("problem traces after migration differ: %d problems, %d before", len(got), len(before))
	}
	for id, seqs := range before {
		if n, err := db.Count(Filter{Problem: id}); err != nil || n != len(seqs) {
			t.Fatalf("problem %s: count %d (%v), want %d", id, n, err, len(seqs))
		}
	}
	if got := exportGroups(t, db); !reflect.DeepEqual(got, groupsBefore) {
		t.Fatalf("export groups after migration differ:\n got %v\nwant %v", got, groupsBefore)
	}
	db.view(func(tx *bolt.Tx) error {
		if k, _ := tx.Bucket(schema.Index).Cursor().First(); k != nil {
			t.Errorf("index key %q left after migration", k)
		}
		return nil
	})
	checkStore(t, db)
}

// problemTraces maps each problem id with postings to its trace seqs.
func problemTraces(t *testing.T, db *DB) map[string][]uint64 {
	t.Helper()
	out := map[string][]uint64{}
	err := db.view(func(tx *bolt.Tx) error {
		return postings.EachFieldSeq(tx.Bucket(schema.Postings), FieldProblem, func(id []byte, seq uint64) error {
			out[string(id)] = append(out[string(id)], seq)
			return nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// exportGroups is the DPO export, which walks the traces problem by problem.
func exportGroups(t *testing.T, db *DB) string {
	t.Helper()
	var buf strings.Builder
	rep, err := db.Export(context.Background(), &buf, ExportOptions{Format: "dpo"})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Written == 0 {
		t.Fatalf("the DPO export wrote no pairs: %+v", rep)
	}
	return buf.String()
}

// TestSplitProblems turns a current store back into schema 7, with each
// problem's record under its id, and checks that the migration to 8 keeps
// every problem, numbers their records in id order, and that an import
// afterwards appends new problems' records after them.
func TestSplitProblems(t *testing.T) {
	path := filepath.Join(t.TempDir(), "m.db")
	db, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	importOK(t, db, filepath.Join(samples, "processbench"), filepath.Join(samples, "math"))
	var before []string
	db.view(func(tx *bolt.Tx) error {
		return tx.Bucket(schema.Problems).ForEach(func(k, _ []byte) error {
			before = append(before, string(k))
			return nil
		})
	})
	want := map[string]*stepwise.Problem{}
	for _, id := range before {
		p, err := db.Problem(id)
		if err != nil {
			t.Fatal(err)
		}
		want[id] = p
	}
	if len(want) < 100 {
		t.Fatalf("%d problems: too few to test", len(want))
	}
	db = downgrade(t, db, path, 7, func(*bolt.Tx) error { return nil })
	var ids []string
	db.view(func(tx *bolt.Tx) error {
		return tx.Bucket(schema.Problems).ForEach(func(k, v []byte) error {
			ids = append(ids, string(k))
			if len(v) != 8 || binary.BigEndian.Uint64(v) != uint64(len(ids)) {
				t.Fatalf("problem %s: record number %x, want %d (id order)", k, v, len(ids))
			}
			return nil
		})
	})
	if len(ids) != len(want) {
		t.Fatalf("%d problems after the migration, %d before", len(ids), len(want))
	}
	for id, p := range want {
		got, err := db.Problem(id)
		if err != nil || !reflect.DeepEqual(got, p) {
			t.Fatalf("problem %s after the migration: %+v (%v), want %+v", id, got, err, p)
		}
	}
	importOK(t, db, filepath.Join(samples, "gsm8k", "test_first200.jsonl"))
	db.view(func(tx *bolt.Tx) error {
		if n := tx.Bucket(schema.ProblemTexts).Sequence(); n <= uint64(len(ids)) {
			t.Errorf("record numbers stop at %d after importing new problems (had %d)", n, len(ids))
		}
		return nil
	})
	checkStore(t, db)
}
