package store

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"

	"github.com/stepwise-dev/stepwise"
	"github.com/stepwise-dev/stepwise/store/internal/idindex"
	"github.com/stepwise-dev/stepwise/store/internal/ingest"
	"github.com/stepwise-dev/stepwise/store/internal/record"
	"github.com/stepwise-dev/stepwise/store/internal/schema"
)

// TestMigrateRehashesContent: the dedupe hashes of a schema-3 or schema-4
// store are kept in a bucket of their own (schema 3 made them with another
// function); after the migration to schema 5 (hashes recomputed into the
// ids entries), importing the same files again must add nothing (without it
// every trace would be imported a second time).
func TestMigrateRehashesContent(t *testing.T) {
	for _, from := range []uint64{3, 4} {
		t.Run(fmt.Sprint("from", from), func(t *testing.T) { testMigrateRehashes(t, from) })
	}
}

func testMigrateRehashes(t *testing.T, from uint64) {
	path := filepath.Join(t.TempDir(), "m.db")
	db, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	files := []string{filepath.Join(samples, "processbench"), filepath.Join(samples, "gsm8k")}
	first := importOK(t, db, files...)
	// Schemas 3 and 4: ids hold only the seq, and a bucket holds hashes
	// (here made by another function).
	db = downgrade(t, db, path, from, func(tx *bolt.Tx) error {
		hashes, err := tx.CreateBucket(bLegacyHashes)
		if err != nil {
			return err
		}
		ids := tx.Bucket(schema.IDs)
		var puts []schema.KV
		err = ids.ForEach(func(k, v []byte) error {
			old := sha256.Sum256(v[:8]) // not what schema 5 computes
			if err := hashes.Put(old[:16], v[:8]); err != nil {
				return err
			}
			puts = append(puts, schema.KV{K: bytes.Clone(k), V: bytes.Clone(v[:8])})
			return nil
		})
		if err != nil {
			return err
		}
		return schema.PutSorted(ids, puts, bolt.DefaultFillPercent)
	})
	rep := importOK(t, db, files...)
	if rep.Imported != 0 || rep.Duplicates != first.Imported+first.Duplicates {
		t.Fatalf("re-import after migration: %+v (first import %+v)", rep, first)
	}
	db.view(func(tx *bolt.Tx) error {
		if tx.Bucket(bLegacyHashes) != nil {
			t.Error("the schema-3 hashes bucket is still there")
		}
		return nil
	})
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

// TestMigrateRehashesVersion1Bodies: a schema-6 store holds bodies in
// version 1 and dedupe hashes of them; the migration to 7 rehashes the
// bodies' version-2 encoding, which is what import hashes, so importing
// the same files again adds nothing, and the old bodies still read.
func TestMigrateRehashesVersion1Bodies(t *testing.T) {
	path := filepath.Join(t.TempDir(), "m.db")
	db, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	files := []string{filepath.Join(samples, "processbench"), filepath.Join(samples, "prm800k"), filepath.Join(samples, "gsm8k")}
	first := importOK(t, db, files...)
	want := map[uint64]*stepwise.Trace{}
	db.List(Filter{}, func(s Summary) error {
		tr, err := db.GetSeq(s.Seq)
		if err != nil {
			t.Fatal(err)
		}
		want[s.Seq] = tr
		return nil
	})
	// Schema 6: every body in version 1 (here one value per trace, the
	// oldest layout), hashed as such.
	db = downgrade(t, db, path, 6, func(tx *bolt.Tx) error {
		var bodies, ids []schema.KV
		err := tx.Bucket(schema.Traces).ForEach(func(k, v []byte) error {
			seq := binary.BigEndian.Uint64(k)
			s, err := record.DecodeSummary(seq, v)
			if err != nil {
				return err
			}
			v1 := record.AppendBodyVersion(nil, want[seq], record.BodyVersionNoNames)
			bodies = append(bodies, schema.KV{K: schema.U64(seq), V: v1})
			ids = append(ids, schema.KV{K: []byte(s.ID), V: idindex.Value(seq, ingest.ContentHash(&s, v1))})
			return nil
		})
		if err != nil {
			return err
		}
		if err := tx.DeleteBucket(schema.Bodies); err != nil {
			return err
		}
		b, err := tx.CreateBucket(schema.Bodies)
		if err != nil {
			return err
		}
		if err := schema.PutSorted(b, bodies, 0.9); err != nil {
			return err
		}
		return schema.PutSorted(tx.Bucket(schema.IDs), ids, bolt.DefaultFillPercent)
	})
	for seq, tr := range want {
		got, err := db.GetSeq(seq)
		if err != nil || !reflect.DeepEqual(got, tr) {
			t.Fatalf("trace %d reads back differently after the migration (%v)", seq, err)
		}
	}
	rep := importOK(t, db, files...)
	if rep.Imported != 0 || rep.Duplicates != first.Imported+first.Duplicates {
		t.Fatalf("re-import after migration: %+v (first import %+v)", rep, first)
	}
	checkStore(t, db)
}
