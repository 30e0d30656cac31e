package store

import (
	"context"
	"fmt"
	"slices"

	bolt "go.etcd.io/bbolt"

	"github.com/stepwise-dev/stepwise"
	"github.com/stepwise-dev/stepwise/store/internal/ingest"
	"github.com/stepwise-dev/stepwise/store/internal/postings"
	"github.com/stepwise-dev/stepwise/store/internal/problems"
	"github.com/stepwise-dev/stepwise/store/internal/record"
	"github.com/stepwise-dev/stepwise/store/internal/schema"
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
		v = int(schema.GetUint(tx.Bucket(schema.Meta), keyGraderVersion))
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
		rep.From = int(schema.GetUint(tx.Bucket(schema.Meta), keyGraderVersion))
		it, err := f.iterator(tx)
		if err != nil {
			return err
		}
		for seq, ok := it.Next(); ok; seq, ok = it.Next() {
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
		return schema.PutUint(tx.Bucket(schema.Meta), keyGraderVersion, uint64(rep.To))
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
		probs := map[string]*stepwise.Problem{}
		for _, seq := range seqs {
			sv := r.traces.Get(schema.U64(seq))
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
			p, ok := probs[s.ProblemID]
			if !ok {
				if p, err = problems.Get(tx, s.ProblemID); err != nil {
					return err
				}
				probs[s.ProblemID] = p
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
		fresh.Graded, fresh.GraderVersion, fresh.Checkpoints = 0, 0, 0
		gr := g.GradeTrace(l.trace, l.problem)
		record.ApplyGrade(&fresh, &gr)
		if sameGrade(&l.summary, &fresh) {
			continue
		}
		rep.Updated++
		if schema.CorrectValue(l.summary.Correct) != schema.CorrectValue(fresh.Correct) {
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
// there (ingest.LegacyCorrectBy).
func sourceStated(s *Summary, t *stepwise.Trace) *stepwise.Trace {
	if s.Graded&record.GradedAnswer != 0 {
		t.FinalAnswer = ""
	}
	if s.Graded&record.GradedVerdict != 0 || t.CorrectBy == ingest.LegacyCorrectBy {
		t.Correct, t.CorrectBy = nil, ""
	}
	return t
}

// sameGrade reports whether a re-grade leaves a summary as it was.
func sameGrade(a, b *Summary) bool {
	return a.FinalAnswer == b.FinalAnswer && schema.CorrectValue(a.Correct) == schema.CorrectValue(b.Correct) &&
		a.CorrectBy == b.CorrectBy && a.Graded == b.Graded && a.GraderVersion == b.GraderVersion && a.Checkpoints == b.Checkpoints
}

// writeRegraded stores new summaries and moves their seqs between the
// correctness postings and counts.
func writeRegraded(tx *bolt.Tx, rs []regraded) error {
	traces, post := tx.Bucket(schema.Traces), tx.Bucket(schema.Postings)
	deltas := map[string]int64{}
	moves := map[postings.Term][]uint64{} // seqs leaving a correctness term
	adds := postings.NewWriter()
	for _, r := range rs {
		if err := traces.Put(schema.U64(r.seq), record.EncodeSummary(&r.fresh)); err != nil {
			return err
		}
		before, after := schema.CorrectValue(r.old.Correct), schema.CorrectValue(r.fresh.Correct)
		if before == after {
			continue
		}
		moves[postings.Term{Field: FieldCorrect, Value: before}] = append(moves[postings.Term{Field: FieldCorrect, Value: before}], r.seq)
		adds.Add(postings.Term{Field: FieldCorrect, Value: after}, r.seq)
		for _, ds := range []string{"", r.old.Dataset} {
			deltas[schema.CountKey(ds, FieldCorrect, before)]--
			deltas[schema.CountKey(ds, FieldCorrect, after)]++
		}
	}
	for t, seqs := range moves {
		if err := postings.Remove(post, t, seqs); err != nil {
			return err
		}
	}
	adds.Normalize()
	if err := adds.Commit(post); err != nil {
		return err
	}
	return applyCountDeltas(tx.Bucket(schema.Counts), deltas)
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
		v := int64(schema.GetUint(counts, []byte(k))) + deltas[k]
		var err error
		if v <= 0 {
			err = counts.Delete([]byte(k))
		} else {
			err = schema.PutUint(counts, []byte(k), uint64(v))
		}
		if err != nil {
			return err
		}
	}
	return nil
}
