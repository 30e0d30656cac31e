package store

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
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

// Buckets. Keys are big-endian so that byte order is numeric order.
var (
	bMeta     = []byte("meta")     // schema version, creation time
	bTraces   = []byte("traces")   // u64 seq → summary
	bBodies   = []byte("bodies")   // u64 last seq + 'b' → block of bodies (raw text, steps, labels); bodies.go
	bIDs      = []byte("ids")      // trace id → u64 seq + 16-byte content hash (import dedupe); see bIDLog
	bProblems = []byte("problems") // problem id → u64 problem seq (problems.go)
	bIndex    = []byte("index")    // schemas 1-5: field \0 value \0 u64 seq → empty; empty since
	bPostings = []byte("postings") // field \0 value \0 u32 block → seq set
	bCounts   = []byte("counts")   // count key → u64
	bImports  = []byte("imports")  // u64 seq → import run record (JSON)

	bEvents      = []byte("events")       // u64 event seq → annotation event
	bTraceEvents = []byte("trace_events") // u64 trace seq | u64 event seq → empty
	bChecks      = []byte("checks")       // u64 trace seq | u32 step | u32 n → checked formalization
	bProofCache  = []byte("proof_cache")  // verification cache key → result
	bAnalyses    = []byte("analyses")     // u64 run seq → judge analysis
	bTraceRuns   = []byte("trace_runs")   // u64 trace seq | u64 run seq → empty
)

var allBuckets = [][]byte{bMeta, bTraces, bBodies, bIDs, bIDLog, bProblems, bProblemTexts, bIndex, bPostings, bCounts, bImports,
	bEvents, bTraceEvents, bChecks, bProofCache, bAnalyses, bTraceRuns, bPRMScores}

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
	for _, name := range allBuckets {
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
	post, err := tx.CreateBucketIfNotExists(bPostings)
	if err != nil {
		return err
	}
	idx := tx.Bucket(bIndex)
	pw := newPostingWriter()
	var drop [][]byte
	err = idx.ForEach(func(k, _ []byte) error {
		field, _, ok := bytes.Cut(k, []byte{0})
		if !ok || len(k) < len(field)+10 {
			return fmt.Errorf("malformed index key %q", k)
		}
		switch f := string(field); {
		case postingFields[f]:
			pw.add(term{f, valueOfIndexKey(k)}, seqOfIndexKey(k))
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
	if err := pw.commit(post); err != nil {
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
		return putUint(tx.Bucket(bMeta), keySchema, SchemaVersion)
	})
}

// schemaOf reads the schema version: 0 for an empty file, an error for a
// newer schema or a file that is bbolt but not a stepwise store.
func schemaOf(tx *bolt.Tx) (int, error) {
	meta := tx.Bucket(bMeta)
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
	for _, name := range allBuckets {
		if _, err := tx.CreateBucketIfNotExists(name); err != nil {
			return fmt.Errorf("create bucket %s: %w", name, err)
		}
	}
	meta := tx.Bucket(bMeta)
	if err := meta.Put([]byte("created"), []byte(time.Now().UTC().Format(time.RFC3339))); err != nil {
		return err
	}
	return putUint(meta, keySchema, SchemaVersion)
}

func u64(v uint64) []byte {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], v)
	return b[:]
}

func putUint(b *bolt.Bucket, k []byte, v uint64) error { return b.Put(k, u64(v)) }

func getUint(b *bolt.Bucket, k []byte) uint64 {
	v := b.Get(k)
	if len(v) != 8 {
		return 0
	}
	return binary.BigEndian.Uint64(v)
}
