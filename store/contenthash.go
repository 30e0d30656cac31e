package store

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"slices"
	"strconv"

	"github.com/zeebo/xxh3"
	bolt "go.etcd.io/bbolt"
)

// contentHash identifies what a trace says — its dataset, source id, model,
// sample, problem, answer, correctness, truncation and body — not where it
// was read from, so that the same record read from a copy of a file is a
// duplicate. It is computed from the summary and the encoded body only, so
// that a migration can recompute it from what the store holds.
//
// xxh3-128 rather than SHA-256: dedupe needs no resistance to a forger
// (a collision would only skip a trace that differs), and SHA-256 took a
// tenth of an import's CPU.
func contentHash(s *Summary, body []byte) [16]byte {
	h := xxh3.New()
	for _, f := range []string{s.Dataset, s.SourceID, s.Model, strconv.Itoa(s.Sample), s.ProblemID,
		s.FinalAnswer, correctValue(s.Correct), strconv.FormatBool(s.Truncated)} {
		h.WriteString(f)
		h.Write([]byte{0})
	}
	h.Write(body)
	return h.Sum128().Bytes()
}

// rehashContent (3 → 4) recomputes the dedupe hashes, which schema 3 made
// with SHA-256 over the problem text rather than its id.
func rehashContent(tx *bolt.Tx) error {
	bodies := newBodyCursor(tx)
	var puts []kv
	err := tx.Bucket(bTraces).ForEach(func(k, v []byte) error {
		seq := binary.BigEndian.Uint64(k)
		s, err := decodeSummary(seq, v)
		if err != nil {
			return err
		}
		body, err := bodies.get(seq)
		if err != nil {
			return err
		}
		if body == nil {
			return fmt.Errorf("trace %d: no body", seq)
		}
		h := contentHash(&s, body)
		puts = append(puts, kv{h[:], bytes.Clone(k)})
		return nil
	})
	if err != nil {
		return err
	}
	if err := tx.DeleteBucket(bHashes); err != nil {
		return err
	}
	hashes, err := tx.CreateBucket(bHashes)
	if err != nil {
		return err
	}
	slices.SortFunc(puts, func(a, b kv) int { return bytes.Compare(a.k, b.k) })
	for _, p := range puts {
		if err := hashes.Put(p.k, p.v); err != nil {
			return err
		}
	}
	return nil
}
