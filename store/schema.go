package store

import (
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/stepwise-dev/stepwise/store/internal/schema"
)

// SchemaVersion is the layout this program writes.
//
//	1: per-trace index keys for every field
//	2: postings for low-cardinality fields (store/internal/postings); per-trace keys for
//	   problem ids only
//	3: buckets for annotation events, verification results, the proof cache
//	   and judge analyses
//	4: dedupe hashes are xxh3-128 of the summary's identity fields and the
//	   body, in the hashes bucket (an intermediate step, a few commits long)
//	5: the dedupe hash is kept in the ids bucket beside the seq
//	   (store/internal/ingest); new bodies are written in blocks
//	   (store/internal/bodies)
//	6: problem ids are postings too; the index bucket is left empty
//	7: new bodies write recurring strings as names (body version 2), and
//	   the dedupe hashes are of version-2 bodies
//	8: problem records move to problem_texts, in arrival order; problems
//	   maps an id to its record's number (store/internal/problems)
//	9: new trace ids go to the id log, as sorted runs, and into ids in key
//	   order when the log is folded (store/internal/idindex)
//	10: process reward model scores in prm_scores (prmscores.go)
//	11: summaries (version 3) carry the usage and tool use, and the sparse
//	    sort fields (tokens, latency, cost, tool calls...) have postings
const SchemaVersion = 11

// The buckets, their keys and values are listed in store/internal/schema.

var keySchema = []byte("schema_version")

// ErrNeedsMigration is returned by a read-only open of an older store.
var ErrNeedsMigration = errors.New("store needs migration")

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
