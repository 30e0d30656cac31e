package store

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/stepwise-dev/stepwise/store/internal/postings"
	"github.com/stepwise-dev/stepwise/store/internal/schema"
)

// SchemaVersion is the layout this program writes.
//
//	1: per-trace index keys for every field
//	2: postings for low-cardinality fields (postings.go); per-trace keys for
//	   problem ids only
//	3: buckets for annotation events, verification results, the proof cache
//	   and judge analyses
//	4: dedupe hashes are xxh3-128 of the summary's identity fields and the
//	   body, in the hashes bucket (an intermediate step, a few commits long)
//	5: the dedupe hash is kept in the ids bucket beside the seq
//	   (contenthash.go); new bodies are written in blocks (bodies.go)
//	6: problem ids are postings too; the index bucket is left empty
//	7: new bodies write recurring strings as names (body version 2), and
//	   the dedupe hashes are of version-2 bodies
//	8: problem records move to problem_texts, in arrival order; problems
//	   maps an id to its record's number (problems.go)
//	9: new trace ids go to the id log, as sorted runs, and into ids in key
//	   order when the log is folded (idlog.go)
//	10: process reward model scores in prm_scores (prmscores.go)
const SchemaVersion = 10

// The buckets, their keys and values are listed in store/internal/schema.

var keySchema = []byte("schema_version")

// ErrNeedsMigration is returned by a read-only open of an older store.
var ErrNeedsMigration = errors.New("store needs migration")

// migrations[v] upgrades a store from schema v to v+1, inside one transaction.
var migrations = map[int]func(*bolt.Tx) error{
	1: migratePostings,
	2: createBuckets,
	3: createBuckets, // nothing to do: 4 → 5 recomputes every hash
	4: foldContentHashes,
	5: migratePostings, // the problem ids, now posting fields too
	6: foldContentHashes,
	7: splitProblems,
	8: createBuckets, // the id log
	9: createBuckets, // PRM scores
}

// createBuckets (2 → 3) adds the buckets a newer schema introduced.
func createBuckets(tx *bolt.Tx) error {
	for _, name := range schema.Created {
		if _, err := tx.CreateBucketIfNotExists(name); err != nil {
			return fmt.Errorf("create bucket %s: %w", name, err)
		}
	}
	return nil
}

// migratePostings moves the fields that postingFields lists from per-trace
// index keys into postings: at 1 → 2 the low-cardinality ones, dropping the
// chars sort field and the source-id index (ids resolve source ids now); at
// 5 → 6 the problem ids. The index keys of a term are sorted by seq, so its
// postings are written in one go; a store of a million traces needs some
// tens of MB for it, once.
func migratePostings(tx *bolt.Tx) error {
	post, err := tx.CreateBucketIfNotExists(schema.Postings)
	if err != nil {
		return err
	}
	idx := tx.Bucket(schema.Index)
	pw := postings.NewWriter()
	var drop [][]byte
	err = idx.ForEach(func(k, _ []byte) error {
		field, _, ok := bytes.Cut(k, []byte{0})
		if !ok || len(k) < len(field)+10 {
			return fmt.Errorf("malformed index key %q", k)
		}
		switch f := string(field); {
		case postingFields[f]:
			pw.Add(postings.Term{Field: f, Value: valueOfIndexKey(k)}, schema.SeqOf(k))
			drop = append(drop, bytes.Clone(k))
		case f == "chars" || f == "source":
			drop = append(drop, bytes.Clone(k))
		}
		return nil
	})
	if err != nil {
		return err
	}
	// Index keys are sorted by value then seq, so each term's seqs are
	// ascending already, as commit expects.
	if err := pw.Commit(post); err != nil {
		return err
	}
	for _, k := range drop {
		if err := idx.Delete(k); err != nil {
			return err
		}
	}
	return nil
}

// prepare creates the buckets of a new store, checks the schema version, and
// migrates an older store.
func (db *DB) prepare() error {
	if db.readOnly {
		return db.view(func(tx *bolt.Tx) error {
			v, err := schemaOf(tx)
			if err != nil {
				return err
			}
			if v != SchemaVersion {
				return fmt.Errorf("%w: store %s has schema %d; open it once read-write to migrate it to %d", ErrNeedsMigration, db.path, v, SchemaVersion)
			}
			return nil
		})
	}
	// A current store needs no write: opening it costs no sync.
	current := false
	if err := db.view(func(tx *bolt.Tx) error {
		v, err := schemaOf(tx)
		current = v == SchemaVersion
		return err
	}); err != nil {
		return err
	}
	if current {
		return nil
	}
	return db.update(func(tx *bolt.Tx) error {
		v, err := schemaOf(tx)
		if err != nil {
			return err
		}
		if v == 0 {
			return create(tx)
		}
		for ; v < SchemaVersion; v++ {
			m, ok := migrations[v]
			if !ok {
				return fmt.Errorf("store %s: no migration from schema %d", db.path, v)
			}
			if err := m(tx); err != nil {
				return fmt.Errorf("migrate store from schema %d: %w", v, err)
			}
		}
		return schema.PutUint(tx.Bucket(schema.Meta), keySchema, SchemaVersion)
	})
}

// schemaOf reads the schema version: 0 for an empty file, an error for a
// newer schema or a file that is bbolt but not a stepwise store.
func schemaOf(tx *bolt.Tx) (int, error) {
	meta := tx.Bucket(schema.Meta)
	if meta == nil {
		empty := true
		tx.ForEach(func([]byte, *bolt.Bucket) error { empty = false; return nil })
		if !empty {
			return 0, fmt.Errorf("%s is a bbolt file but not a stepwise store", tx.DB().Path())
		}
		return 0, nil
	}
	b := meta.Get(keySchema)
	if len(b) != 8 {
		return 0, fmt.Errorf("%s: store has no schema version (damaged?)", tx.DB().Path())
	}
	v := int(binary.BigEndian.Uint64(b))
	if v > SchemaVersion {
		return 0, fmt.Errorf("%s has schema %d, newer than this stepwise (%d): upgrade stepwise", tx.DB().Path(), v, SchemaVersion)
	}
	return v, nil
}

func create(tx *bolt.Tx) error {
	for _, name := range schema.Created {
		if _, err := tx.CreateBucketIfNotExists(name); err != nil {
			return fmt.Errorf("create bucket %s: %w", name, err)
		}
	}
	meta := tx.Bucket(schema.Meta)
	if err := meta.Put([]byte("created"), []byte(time.Now().UTC().Format(time.RFC3339))); err != nil {
		return err
	}
	return schema.PutUint(meta, keySchema, SchemaVersion)
}

// postingFields are the fields kept in postings: the migrations move the
// index keys of these fields into postings. (Schema 1 kept every field as
// per-trace index keys, schemas 2 to 5 the problem id.)
var postingFields = map[string]bool{FieldDataset: true, FieldModel: true, FieldCorrect: true, FieldLabel: true,
	FieldTruncated: true, FieldProblem: true, FieldFormat: true, FieldSteps: true, FieldFirstError: true}

// indexKey is a per-trace index key of schemas 1 to 5 (the migrations read
// them; tests write them to build old stores).
func indexKey(field, value string, seq uint64) []byte {
	k := make([]byte, 0, len(field)+len(value)+10)
	k = append(k, field...)
	k = append(k, 0)
	k = append(k, value...)
	k = append(k, 0)
	return binary.BigEndian.AppendUint64(k, seq)
}

// valueOfIndexKey splits an index key into its value.
func valueOfIndexKey(k []byte) string {
	i := bytes.IndexByte(k, 0)
	if i < 0 || len(k) < i+10 {
		return ""
	}
	return string(k[i+1 : len(k)-9])
}
