package store

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"
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
	err = db.bolt.Update(func(tx *bolt.Tx) error {
		idx := tx.Bucket(bIndex)
		err := tx.Bucket(bTraces).ForEach(func(k, v []byte) error {
			s, err := decodeSummary(seqOfIndexKey(k), v)
			if err != nil {
				return err
			}
			for _, tm := range terms(&s) {
				if err := idx.Put(indexKey(tm.field, tm.value, s.Seq), nil); err != nil {
					return err
				}
			}
			return idx.Put(indexKey("chars", sortNumber(uint32(s.Chars)), s.Seq), nil)
		})
		if err != nil {
			return err
		}
		if err := tx.DeleteBucket(bPostings); err != nil {
			return err
		}
		return putUint(tx.Bucket(bMeta), keySchema, 1)
	})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()

	db, err = Open(path, Options{})
	if err != nil {
		t.Fatalf("migration: %v", err)
	}
	defer db.Close()
	for i, f := range filters {
		if n, _ := db.Count(f); n != before[i] {
			t.Errorf("filter %+v: %d after migration, %d before", f, n, before[i])
		}
	}
	db.bolt.View(func(tx *bolt.Tx) error {
		if v := getUint(tx.Bucket(bMeta), keySchema); v != SchemaVersion {
			t.Errorf("schema %d after migration", v)
		}
		return tx.Bucket(bIndex).ForEach(func(k, _ []byte) error {
			if f := string(k[:len(k)-len(valueOfIndexKey(k))-10]); postingFields[f] || f == "chars" {
				t.Fatalf("index key of field %s left after migration", f)
			}
			return nil
		})
	})
	checkStore(t, db)
}

func TestNewerSchemaIsRefused(t *testing.T) {
	path := filepath.Join(t.TempDir(), "n.db")
	db, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	db.bolt.Update(func(tx *bolt.Tx) error { return putUint(tx.Bucket(bMeta), keySchema, SchemaVersion+1) })
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
