package store

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"

	bolterrors "go.etcd.io/bbolt/errors"

	bolt "go.etcd.io/bbolt"

	"github.com/stepwise-dev/stepwise"
	"github.com/stepwise-dev/stepwise/store/formats"
	"github.com/stepwise-dev/stepwise/store/internal/bodies"
	"github.com/stepwise-dev/stepwise/store/internal/idindex"
	"github.com/stepwise-dev/stepwise/store/internal/ingest"
	"github.com/stepwise-dev/stepwise/store/internal/postings"
	"github.com/stepwise-dev/stepwise/store/internal/problems"
	"github.com/stepwise-dev/stepwise/store/internal/record"
	"github.com/stepwise-dev/stepwise/store/internal/schema"
)

// Migrations upgrade a store of an older schema on its first read-write
// open, each in one transaction (schema.go runs them). There has been no
// release, but stores of every schema exist on the machines that built
// this program; the record versions inside them (single-key bodies, body
// blocks without a checksum, version-1 summaries and bodies) are read by
// the engine whatever the schema, so these functions are all that
// supporting older schemas costs.

// migrations[v] upgrades a store from schema v to v+1, inside one transaction.
var migrations = map[int]func(*bolt.Tx) error{
	1:  migratePostings,
	2:  createBuckets,
	3:  createBuckets, // nothing to do: 4 → 5 recomputes every hash
	4:  foldContentHashes,
	5:  migratePostings, // the problem ids, now posting fields too
	6:  foldContentHashes,
	7:  splitProblems,
	8:  createBuckets, // the id log
	9:  createBuckets, // PRM scores
	10: summarizeUsage,
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
	var puts []schema.KV
	err := eachStoredTrace(tx, func(seq uint64, _ byte, s Summary, body []byte) error {
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
		puts = append(puts, schema.KV{K: []byte(s.ID), V: idindex.Value(seq, ingest.ContentHash(&id, idBody))})
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

// summarizeUsage (10 → 11) rewrites every older summary with the usage
// and tool use its body records, and posts the sparse sort fields' terms.
// One transaction; a million-trace store decodes every body for it, once.
func summarizeUsage(tx *bolt.Tx) error {
	traces := tx.Bucket(schema.Traces)
	pw := postings.NewWriter()
	var puts []schema.KV
	err := eachStoredTrace(tx, func(seq uint64, version byte, s Summary, body []byte) error {
		if version == record.SummaryVersion {
			return nil
		}
		t := &stepwise.Trace{ID: s.ID}
		if err := record.DecodeBody(t, body); err != nil {
			return fmt.Errorf("trace %d: %w", seq, err)
		}
		fresh := record.Summarize(t)
		s.Usage, s.Tools = fresh.Usage, fresh.Tools
		for _, tm := range schema.AppendSparseTerms(nil, &s) {
			pw.Add(tm, seq)
		}
		puts = append(puts, schema.KV{K: schema.U64(seq), V: record.EncodeSummary(&s)})
		return nil
	})
	if err != nil {
		return err
	}
	if err := pw.Commit(tx.Bucket(schema.Postings)); err != nil {
		return err
	}
	return schema.PutSorted(traces, puts, bolt.DefaultFillPercent)
}

// eachStoredTrace calls fn with every trace's summary (and the version it
// is encoded in) and encoded body, in seq order: what the migrations that
// recompute from the bodies walk.
func eachStoredTrace(tx *bolt.Tx, fn func(seq uint64, version byte, s Summary, body []byte) error) error {
	bc := bodies.NewCursor(tx)
	return tx.Bucket(schema.Traces).ForEach(func(k, v []byte) error {
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
		return fn(seq, v[0], s, body)
	})
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

// storedIdentity returns the summary and body that make a stored trace's
// identity (what its import hashed): the stored ones with the answer
// grader's derivations taken back and, where the source stated no verdict,
// the legacy one put in. Migrations that recompute hashes use it.
func storedIdentity(tx *bolt.Tx, s *Summary, body []byte) (Summary, []byte, error) {
	id := *s
	if id.Graded&record.GradedAnswer != 0 {
		id.FinalAnswer = ""
	}
	if id.Graded&record.GradedVerdict != 0 {
		id.Correct = nil
	}
	// Imports before the grader stored the legacy verdict wherever it
	// applied, so a trace without a verdict, with an answer and a gold
	// answer, was stored since: put the verdict back.
	if id.Correct != nil || id.FinalAnswer == "" {
		return id, body, nil
	}
	p, err := problems.Get(tx, id.ProblemID)
	if err != nil || p == nil || p.GoldAnswer == "" {
		return id, body, err
	}
	t := &stepwise.Trace{ID: id.ID}
	if err := record.DecodeBody(t, body); err != nil {
		return id, body, err
	}
	t.FinalAnswer = id.FinalAnswer
	it, legacy := ingest.IdentityTrace(formats.Item{Trace: t, Problem: p})
	if !legacy {
		return id, body, nil
	}
	id.Correct = it.Correct
	return id, record.AppendBody(nil, it), nil
}
