package store

import (
	"github.com/stepwise-dev/stepwise/store/internal/damage"

	"bytes"
	"encoding/binary"

	bolt "go.etcd.io/bbolt"

	"github.com/stepwise-dev/stepwise/store/internal/schema"
)

// Problems are kept in two buckets: problem_texts holds each problem's
// record (JSON) under a number given in the order problems arrive, and
// problems maps a problem id to that number. Problem ids are hashes, so a
// bucket keyed by them takes an import's new problems all over its leaves,
// and when it held the records themselves (a problem's text, and MATH's
// worked solutions) every transaction rewrote most of it: a third of an
// import with a problem per trace. Now that bucket holds 8 bytes a problem,
// and the records are appended.

// problemRecord returns the stored record of problem id, or nil when there
// is none.
func problemRecord(tx *bolt.Tx, id string) ([]byte, error) {
	return problemRecordAt(tx, id, tx.Bucket(schema.Problems).Get([]byte(id)))
}

// problemRecordAt returns the record k, id's entry in problems, points at
// (nil for a nil k).
func problemRecordAt(tx *bolt.Tx, id string, k []byte) ([]byte, error) {
	if k == nil {
		return nil, nil
	}
	if len(k) != 8 {
		return nil, damage.Corrupt("problem %s: an unreadable entry (%d bytes)", id, len(k))
	}
	v := tx.Bucket(schema.ProblemTexts).Get(k)
	if v == nil {
		return nil, damage.Corrupt("problem %s: record %d is missing", id, binary.BigEndian.Uint64(k))
	}
	return v, nil
}

// splitProblems (7 → 8) moves every problem record out of the problems
// bucket into problem_texts, numbered in id order, and leaves the number
// in its place. One transaction; a store of a million problems needs the
// records' size in memory for it, once.
func splitProblems(tx *bolt.Tx) error {
	texts, err := tx.CreateBucketIfNotExists(schema.ProblemTexts)
	if err != nil {
		return err
	}
	var refs, records []schema.KV
	err = tx.Bucket(schema.Problems).ForEach(func(k, v []byte) error {
		seq := uint64(len(records) + 1)
		refs = append(refs, schema.KV{K: bytes.Clone(k), V: schema.U64(seq)})
		records = append(records, schema.KV{K: schema.U64(seq), V: bytes.Clone(v)})
		return nil
	})
	if err != nil {
		return err
	}
	if err := schema.PutSorted(texts, records, 0.9); err != nil {
		return err
	}
	if err := texts.SetSequence(uint64(len(records))); err != nil {
		return err
	}
	return schema.PutSorted(tx.Bucket(schema.Problems), refs, bolt.DefaultFillPercent)
}
