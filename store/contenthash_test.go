package store

import (
	"context"
	"crypto/sha256"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"
)

// TestMigrateRehashesContent: a schema-3 store's dedupe hashes were made by
// another function; after the migration to schema 4, importing the same
// files again must add nothing (without the rehash every trace would be
// imported a second time).
func TestMigrateRehashesContent(t *testing.T) {
	path := filepath.Join(t.TempDir(), "m.db")
	db, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	files := []string{filepath.Join(samples, "processbench"), filepath.Join(samples, "gsm8k")}
	first := importOK(t, db, files...)
	err = db.bolt.Update(func(tx *bolt.Tx) error {
		if err := tx.DeleteBucket(bHashes); err != nil {
			return err
		}
		hashes, err := tx.CreateBucket(bHashes)
		if err != nil {
			return err
		}
		err = tx.Bucket(bTraces).ForEach(func(k, _ []byte) error {
			old := sha256.Sum256(k) // not what schema 4 computes
			return hashes.Put(old[:16], k)
		})
		if err != nil {
			return err
		}
		return putUint(tx.Bucket(bMeta), keySchema, 3)
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
	rep := importOK(t, db, files...)
	if rep.Imported != 0 || rep.Duplicates != first.Imported+first.Duplicates {
		t.Fatalf("re-import after migration: %+v (first import %+v)", rep, first)
	}
	checkStore(t, db)
}

// TestSourcelessIDsAreStable: a trace whose source gives no id is named by
// a short content hash. Ids appear in exports and annotation files, so they
// must not change with the dedupe hash: the golden file lists the ids that
// schema 3 (before the dedupe hash changed) gave the samples' source-less
// traces.
func TestSourcelessIDsAreStable(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("testdata", "sourceless_ids_schema3.txt"))
	if err != nil {
		t.Fatal(err)
	}
	want := strings.Fields(string(raw))
	db := openTemp(t)
	if _, err := db.Import(context.Background(), []string{samples}, ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	hashed := regexp.MustCompile(`:[0-9a-f]{10}(#[0-9]+)?$`)
	var got []string
	err = db.List(Filter{}, func(s Summary) error {
		if hashed.MatchString(s.ID) {
			got = append(got, s.ID)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(got)
	slices.Sort(want)
	if len(want) == 0 || !slices.Equal(got, want) {
		t.Fatalf("source-less ids changed: %d ids, want %d; first got %v", len(got), len(want), got[:min(3, len(got))])
	}
}
