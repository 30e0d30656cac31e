package store

import (
	"bytes"

	bolt "go.etcd.io/bbolt"

	"github.com/stepwise-dev/stepwise/store/internal/schema"
)

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
