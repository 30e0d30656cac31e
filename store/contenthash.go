package store

import (
	"encoding/binary"
	"errors"
	"fmt"
	"strconv"

	"github.com/zeebo/xxh3"
	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"

	"github.com/stepwise-dev/stepwise"
	"github.com/stepwise-dev/stepwise/store/internal/bodies"
	"github.com/stepwise-dev/stepwise/store/internal/idindex"
	"github.com/stepwise-dev/stepwise/store/internal/record"
	"github.com/stepwise-dev/stepwise/store/internal/schema"
)

// contentHash identifies what a trace says — its dataset, source id, model,
// sample, problem, answer, correctness, truncation and body — not where it
// was read from, so that the same record read from a copy of a file is a
// duplicate. It is computed from the summary and the body in the current
// encoding only, so that a migration can recompute it from what the store
// holds (re-encoding bodies stored in an older version).
//
// xxh3-128 rather than SHA-256: dedupe needs no resistance to a forger
// (a collision would only skip a trace that differs), and SHA-256 took a
// tenth of an import's CPU.
func contentHash(s *Summary, body []byte) [16]byte {
	// On the stack, with the identity in a stack buffer: a hasher per trace
	// from xxh3.New was a tenth of everything an import allocated.
	var h xxh3.Hasher
	var buf [512]byte
	h.Write(appendIdentity(buf[:0], s, s.ProblemID))
	h.Write(body)
	return h.Sum128().Bytes()
}

// appendIdentity appends what identifies a trace apart from its body, each
// field ended by a zero byte; problem is the problem's id or, for the
// schema-3 short ids, its text.
func appendIdentity(b []byte, s *Summary, problem string) []byte {
	for _, f := range []string{s.Dataset, s.SourceID, s.Model, strconv.Itoa(s.Sample), problem,
		s.FinalAnswer, schema.CorrectValue(s.Correct), strconv.FormatBool(s.Truncated)} {
		b = append(append(b, f...), 0)
	}
	return b
}

// bLegacyHashes is the bucket of content hash → seq of schemas 3 and 4.
var bLegacyHashes = []byte("hashes")

// foldContentHashes (4 → 5; 3 → 4 does nothing) recomputes each trace's
// dedupe hash, which schema 3 made with SHA-256 over the problem text
// rather than its id, and keeps it in the trace's ids entry instead of a
// bucket of its own: a duplicate has the same base id, so import checks the
// hashes of the ids it walks anyway, and one bucket of random keys less
// saved the writer a tenth of an import. It runs again at 6 → 7, when
// bodies got names (body version 2): each body is re-encoded before it is
// hashed, as import hashes the current encoding. It runs in one
// transaction: a million-trace store needs about 200 MB for it, once.
func foldContentHashes(tx *bolt.Tx) error {
	bc := bodies.NewCursor(tx)
	var puts []schema.KV
	err := tx.Bucket(schema.Traces).ForEach(func(k, v []byte) error {
		seq := binary.BigEndian.Uint64(k)
		s, err := record.DecodeSummary(seq, v)
		if err != nil {
			return err
		}
		body, err := bc.Get(seq)
		if err != nil {
			return err
		}
		if body == nil {
			return fmt.Errorf("trace %d: no body", seq)
		}
		if len(body) == 0 || body[0] != record.BodyVersion {
			t := &stepwise.Trace{ID: s.ID}
			if err := record.DecodeBody(t, body); err != nil {
				return err
			}
			body = record.AppendBody(nil, t)
		}
		id, idBody, err := storedIdentity(tx, &s, body)
		if err != nil {
			return err
		}
		puts = append(puts, schema.KV{K: []byte(s.ID), V: idindex.Value(seq, contentHash(&id, idBody))})
		return nil
	})
	if err != nil {
		return err
	}
	if err := tx.DeleteBucket(bLegacyHashes); err != nil && !errors.Is(err, bolterrors.ErrBucketNotFound) {
		return err
	}
	return schema.PutSorted(tx.Bucket(schema.IDs), puts, bolt.DefaultFillPercent)
}
