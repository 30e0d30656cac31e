package store

import (
	"context"
	"fmt"
	"slices"

	bolt "go.etcd.io/bbolt"

	"github.com/stepwise-dev/stepwise"
	"github.com/stepwise-dev/stepwise/store/internal/record"
)

// keyGraderVersion is the meta key of the answer grader version that graded
// every trace of the store (absent: none, a store from before the grader).
var keyGraderVersion = []byte("grader_version")

// RegradeReport says what a re-grade did.
type RegradeReport struct {
	// Traces is how many traces were looked at.
	Traces int `json:"traces"`
	// Updated is how many stored summaries changed (a verdict, its method or
	// version, or the final answer found).
	Updated int `json:"updated"`
	// Changed is how many verdicts changed: right, wrong or unknown.
	Changed int `json:"verdicts_changed"`
	// From is the grader version the store recorded before (0: none), To
	// the version that graded now.
	From int `json:"from_version"`
	To   int `json:"to_version"`
}

// GraderVersion returns the version of the answer grader that graded the
// whole store, 0 when none is recorded.
func (db *DB) GraderVersion() (int, error) {
	var v int
	err := db.view(func(tx *bolt.Tx) error {
		v = int(getUint(tx.Bucket(bMeta), keyGraderVersion))
		return nil
	})
	return v, err
}

// regradeChunk is how many traces one re-grade transaction rewrites.
const regradeChunk = 1024

// Regrade grades the traces f matches again with g, and updates everything
// derived from their correctness in the same transactions: the summaries,
// the correctness postings that filters read, and the running counts of
// stats and the library. A verdict the source stated stays; what a grader
// derived (of any version, or the simple normalization of imports before
// the grader) is replaced. With an empty filter the store records g's
// version, so that it is not re-graded again. Traces are re-graded a chunk
// to a transaction: an interrupted re-grade leaves a consistent store, and
// running it again completes it.
func (db *DB) Regrade(ctx context.Context, g stepwise.AnswerGrader, f Filter) (*RegradeReport, error) {
	if err := f.Validate(); err != nil {
		return nil, err
	}
	rep := &RegradeReport{To: g.GraderVersion()}
	var seqs []uint64
	err := db.view(func(tx *bolt.Tx) error {
		rep.From = int(getUint(tx.Bucket(bMeta), keyGraderVersion))
		it, err := f.iterator(tx)
		if err != nil {
			return err
		}
		for seq, ok := it.next(); ok; seq, ok = it.next() {
			seqs = append(seqs, seq)
		}
		return nil
	})
	if err != nil {
		return rep, err
	}
	for len(seqs) > 0 {
		if err := ctx.Err(); err != nil {
			return rep, err
		}
		n := min(len(seqs), regradeChunk)
		if err := db.regradeChunk(g, seqs[:n], rep); err != nil {
			return rep, err
		}
		seqs = seqs[n:]
	}
	if !f.isEmpty() {
		return rep, nil
	}
	return rep, db.update(func(tx *bolt.Tx) error {
		return putUint(tx.Bucket(bMeta), keyGraderVersion, uint64(rep.To))
	})
}

// regraded is one trace's summary before and after a re-grade.
type regraded struct {
	seq        uint64
	old, fresh Summary
}

// regradeChunk re-grades seqs: it reads them in a read transaction, grades
// them outside any transaction, and writes those that changed in one write
// transaction.
func (db *DB) regradeChunk(g stepwise.AnswerGrader, seqs []uint64, rep *RegradeReport) error {
	type loaded struct {
		seq     uint64
		summary Summary
		trace   *stepwise.Trace
		problem *stepwise.Problem
	}
	var todo []loaded
	err := db.view(func(tx *bolt.Tx) error {
		r := newTraceReader(tx)
		problems := map[string]*stepwise.Problem{}
		for _, seq := range seqs {
			sv := r.traces.Get(u64(seq))
			if sv == nil {
				return fmt.Errorf("trace %d: %w", seq, ErrNotFound)
			}
			s, err := record.DecodeSummary(seq, sv)
			if err != nil {
				return err
			}
			t, err := r.trace(seq, true)
			if err != nil {
				return err
			}
			p, ok := problems[s.ProblemID]
			if !ok {
				if p, err = storedProblem(tx, s.ProblemID); err != nil {
					return err
				}
				problems[s.ProblemID] = p
			}
			todo = append(todo, loaded{seq, s, sourceStated(&s, t), p})
		}
		return nil
	})
	if err != nil {
		return err
	}
	var changed []regraded
	for _, l := range todo {
		rep.Traces++
		// Only what grading decides changes; the rest of the summary (its
		// label state and strip among them) stays as stored.
		fresh := l.summary
		fresh.FinalAnswer, fresh.Correct, fresh.CorrectBy = l.trace.FinalAnswer, l.trace.Correct, l.trace.CorrectBy
		fresh.Graded, fresh.GraderVersion = 0, 0
		gr := g.GradeTrace(l.trace, l.problem)
		record.ApplyGrade(&fresh, &gr)
		if sameGrade(&l.summary, &fresh) {
			continue
		}
		rep.Updated++
		if correctValue(l.summary.Correct) != correctValue(fresh.Correct) {
			rep.Changed++
		}
		changed = append(changed, regraded{l.seq, l.summary, fresh})
	}
	if len(changed) == 0 {
		return nil
	}
	return db.update(func(tx *bolt.Tx) error { return writeRegraded(tx, changed) })
}

// sourceStated takes back from a stored trace what an answer grader
// derived, leaving what its source stated: the stored body keeps the
// source's CorrectBy; imports before the grader wrote their own verdict
// there (legacyCorrectBy).
func sourceStated(s *Summary, t *stepwise.Trace) *stepwise.Trace {
	if s.Graded&record.GradedAnswer != 0 {
		t.FinalAnswer = ""
	}
	if s.Graded&record.GradedVerdict != 0 || t.CorrectBy == legacyCorrectBy {
		t.Correct, t.CorrectBy = nil, ""
	}
	return t
}

// sameGrade reports whether a re-grade leaves a summary as it was.
func sameGrade(a, b *Summary) bool {
	return a.FinalAnswer == b.FinalAnswer && correctValue(a.Correct) == correctValue(b.Correct) &&
		a.CorrectBy == b.CorrectBy && a.Graded == b.Graded && a.GraderVersion == b.GraderVersion
}

// writeRegraded stores new summaries and moves their seqs between the
// correctness postings and counts.
func writeRegraded(tx *bolt.Tx, rs []regraded) error {
	traces, postings := tx.Bucket(bTraces), tx.Bucket(bPostings)
	deltas := map[string]int64{}
	moves := map[term][]uint64{} // seqs leaving a correctness term
	adds := newPostingWriter()
	for _, r := range rs {
		if err := traces.Put(u64(r.seq), record.EncodeSummary(&r.fresh)); err != nil {
			return err
		}
		before, after := correctValue(r.old.Correct), correctValue(r.fresh.Correct)
		if before == after {
			continue
		}
		moves[term{FieldCorrect, before}] = append(moves[term{FieldCorrect, before}], r.seq)
		adds.add(term{FieldCorrect, after}, r.seq)
		for _, ds := range []string{"", r.old.Dataset} {
			deltas[countKey(ds, FieldCorrect, before)]--
			deltas[countKey(ds, FieldCorrect, after)]++
		}
	}
	for t, seqs := range moves {
		if err := removePostings(postings, t, seqs); err != nil {
			return err
		}
	}
	adds.normalize()
	if err := adds.commit(postings); err != nil {
		return err
	}
	return applyCountDeltas(tx.Bucket(bCounts), deltas)
}

// removePostings takes seqs out of term t's containers, deleting those
// left empty.
func removePostings(b *bolt.Bucket, t term, seqs []uint64) error {
	slices.Sort(seqs)
	var key []byte
	for len(seqs) > 0 {
		block := uint32(seqs[0] >> blockBits)
		var offs []uint16
		for len(seqs) > 0 && uint32(seqs[0]>>blockBits) == block {
			offs = append(offs, uint16(seqs[0]&(blockSize-1)))
			seqs = seqs[1:]
		}
		key = appendPostingKey(key[:0], t.field, t.value, block)
		v := b.Get(key)
		if v == nil {
			return fmt.Errorf("posting %s=%q block %d: missing (damaged store?)", t.field, t.value, block)
		}
		c, err := decodeContainer(v)
		if err != nil {
			return fmt.Errorf("posting %s=%q block %d: %w", t.field, t.value, block, err)
		}
		if c.remove(offs) {
			err = b.Delete(key)
		} else {
			err = b.Put(key, c.encode())
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// remove takes offsets out of the container and reports whether it is
// left empty.
func (c *container) remove(offs []uint16) bool {
	if c.bits != nil {
		for _, o := range offs {
			c.bits[o/64] &^= 1 << (o % 64)
		}
		for _, w := range c.bits {
			if w != 0 {
				return false
			}
		}
		return true
	}
	c.array = slices.DeleteFunc(c.array, func(o uint16) bool {
		_, found := slices.BinarySearch(offs, o)
		return found
	})
	return len(c.array) == 0
}

// applyCountDeltas adds deltas to the running counts, deleting those that
// reach zero.
func applyCountDeltas(counts *bolt.Bucket, deltas map[string]int64) error {
	keys := make([]string, 0, len(deltas))
	for k := range deltas {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		v := int64(getUint(counts, []byte(k))) + deltas[k]
		var err error
		if v <= 0 {
			err = counts.Delete([]byte(k))
		} else {
			err = putUint(counts, []byte(k), uint64(v))
		}
		if err != nil {
			return err
		}
	}
	return nil
}
