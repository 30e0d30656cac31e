package store

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"

	bolt "go.etcd.io/bbolt"

	"github.com/stepwise-dev/stepwise"
	"github.com/stepwise-dev/stepwise/store/formats"
)

// prepared is a decoded trace made ready for writing off the writer's
// goroutine: encoded, hashed and summarized.
type prepared struct {
	problem *stepwise.Problem
	trace   *stepwise.Trace
	summary Summary
	body    []byte
	hash    [16]byte
}

// prepare encodes an item. The content hash covers what the trace says, not
// where it was read from, so the same record imported from a copy of the
// file is still recognized as a duplicate.
func prepare(it formats.Item) prepared {
	t := it.Trace
	body := encodeBody(t)
	h := sha256.New()
	for _, s := range []string{t.Dataset, t.SourceID, t.Model, strconv.Itoa(t.Sample), it.Problem.Text,
		t.FinalAnswer, correctValue(t.Correct), strconv.FormatBool(t.Truncated)} {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	h.Write(body)
	var p prepared
	copy(p.hash[:], h.Sum(nil))
	p.problem, p.trace, p.body = it.Problem, t, body
	p.summary = summarize(t)
	return p
}

// baseID is the trace id before collision handling: the dataset and the
// source's own id, or a short content hash where the source has none.
func (p *prepared) baseID() string {
	if p.trace.SourceID != "" {
		return p.trace.Dataset + ":" + p.trace.SourceID
	}
	return p.trace.Dataset + ":" + hex.EncodeToString(p.hash[:5])
}

// batchResult counts what one write transaction did.
type batchResult struct {
	imported, duplicates int
}

// writeBatch stores prepared traces in one transaction: all of a record or
// nothing of it, and a crash leaves the last committed batch intact.
func (db *DB) writeBatch(batch []prepared) (batchResult, error) {
	var res batchResult
	err := db.bolt.Update(func(tx *bolt.Tx) error {
		w := newTxWriter(tx)
		for i := range batch {
			stored, err := w.put(&batch[i])
			if err != nil {
				return err
			}
			if stored {
				res.imported++
			} else {
				res.duplicates++
			}
		}
		return w.flushCounts()
	})
	if err != nil {
		return batchResult{}, fmt.Errorf("write to store: %w", err)
	}
	return res, nil
}

// txWriter writes traces inside one transaction.
type txWriter struct {
	traces, bodies, ids, hashes, problems, index, counts *bolt.Bucket
	deltas                                               map[string]int64
}

func newTxWriter(tx *bolt.Tx) *txWriter {
	w := &txWriter{
		traces: tx.Bucket(bTraces), bodies: tx.Bucket(bBodies), ids: tx.Bucket(bIDs),
		hashes: tx.Bucket(bHashes), problems: tx.Bucket(bProblems), index: tx.Bucket(bIndex),
		counts: tx.Bucket(bCounts), deltas: map[string]int64{},
	}
	// Sequential keys only grow: pack pages densely (the setting is per
	// transaction, not persisted).
	w.traces.FillPercent = 0.9
	w.bodies.FillPercent = 0.9
	return w
}

// put stores one trace unless an identical one is already stored.
func (w *txWriter) put(p *prepared) (bool, error) {
	if w.hashes.Get(p.hash[:]) != nil {
		return false, nil
	}
	seq, err := w.traces.NextSequence()
	if err != nil {
		return false, err
	}
	p.summary.Seq = seq
	p.summary.ID = w.freeID(p.baseID())
	p.trace.ID = p.summary.ID
	key := u64(seq)
	if err := w.traces.Put(key, encodeSummary(&p.summary)); err != nil {
		return false, err
	}
	if err := w.bodies.Put(key, p.body); err != nil {
		return false, err
	}
	if err := w.ids.Put([]byte(p.summary.ID), key); err != nil {
		return false, err
	}
	if err := w.hashes.Put(p.hash[:], key); err != nil {
		return false, err
	}
	for _, t := range terms(&p.summary) {
		if err := w.index.Put(indexKey(t.field, t.value, seq), nil); err != nil {
			return false, err
		}
		if countedFields[t.field] {
			w.deltas[countKey("", t.field, t.value)]++
			if t.field != FieldDataset {
				w.deltas[countKey(p.summary.Dataset, t.field, t.value)]++
			}
		}
	}
	w.deltas["total"]++
	return true, w.putProblem(p.problem)
}

// freeID returns id, or id#2, id#3... when a different trace already has it
// (source ids are not unique in every dataset).
func (w *txWriter) freeID(id string) string {
	if w.ids.Get([]byte(id)) == nil {
		return id
	}
	for n := 2; ; n++ {
		c := id + "#" + strconv.Itoa(n)
		if w.ids.Get([]byte(c)) == nil {
			return c
		}
	}
}

// putProblem stores a problem, or fills fields an earlier copy lacked.
func (w *txWriter) putProblem(p *stepwise.Problem) error {
	key := []byte(p.ID)
	old := w.problems.Get(key)
	if old != nil {
		var have stepwise.Problem
		if err := json.Unmarshal(old, &have); err != nil {
			return fmt.Errorf("problem %s: corrupt record: %w", p.ID, err)
		}
		if !mergeProblem(&have, p) {
			return nil
		}
		p = &have
	}
	b, err := json.Marshal(p)
	if err != nil {
		return err
	}
	return w.problems.Put(key, b)
}

// mergeProblem fills empty fields of have from p and reports a change.
func mergeProblem(have, p *stepwise.Problem) bool {
	changed := false
	fill := func(dst *string, src string) {
		if *dst == "" && src != "" {
			*dst, changed = src, true
		}
	}
	fill(&have.GoldAnswer, p.GoldAnswer)
	fill(&have.GoldSolution, p.GoldSolution)
	fill(&have.Split, p.Split)
	fill(&have.Subject, p.Subject)
	fill(&have.Level, p.Level)
	fill(&have.SourceID, p.SourceID)
	return changed
}

// flushCounts applies the running-count changes of the transaction.
func (w *txWriter) flushCounts() error {
	for k, d := range w.deltas {
		key := []byte(k)
		v := int64(getUint(w.counts, key)) + d
		if v <= 0 {
			if err := w.counts.Delete(key); err != nil {
				return err
			}
			continue
		}
		if err := putUint(w.counts, key, uint64(v)); err != nil {
			return err
		}
	}
	return nil
}
