package ingest

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/bytedance/sonic"
	bolt "go.etcd.io/bbolt"

	"github.com/stepwise-dev/stepwise"
	"github.com/stepwise-dev/stepwise/store/internal/damage"
	"github.com/stepwise-dev/stepwise/store/internal/idindex"
	"github.com/stepwise-dev/stepwise/store/internal/postings"
	"github.com/stepwise-dev/stepwise/store/internal/problems"
	"github.com/stepwise-dev/stepwise/store/internal/record"
	"github.com/stepwise-dev/stepwise/store/internal/schema"
)

// Result counts what one write transaction did.
type Result struct {
	Imported, Duplicates int
}

// Write stores a batch of prepared traces in tx: all of a record or
// nothing of it (the caller commits or rolls back tx whole). seen is the
// process's filter of the ids and problems the store holds (LoadSeen); the
// writer adds what it stores to it, so it must be the only writer of ids
// and problems while it holds the filter.
func Write(tx *bolt.Tx, seen *Seen, b *Batch) (Result, error) {
	var res Result
	w, err := newTxWriter(tx, seen, b)
	if err != nil {
		return res, err
	}
	for _, r := range b.runs {
		for i := range r.items {
			stored, err := w.add(&r.items[i])
			if err != nil {
				return res, err
			}
			if stored {
				res.Imported++
			} else {
				res.Duplicates++
			}
		}
	}
	w.bodyPuts = blockPuts(b)
	return res, w.commit()
}

// txWriter collects a transaction's writes and applies them bucket by
// bucket in key order. bbolt grows a leaf without splitting it until commit,
// so inserting thousands of random keys into one leaf moves its entries
// again and again; sorted inserts append instead.
type txWriter struct {
	tx                  *bolt.Tx
	seen                *Seen
	index               *idindex.Index  // the stored ids
	run                 []idindex.Entry // the ids this transaction adds
	traces              *bolt.Bucket
	tracePuts, bodyPuts []schema.KV
	ownProblemPuts      []schema.KV // the problem fields traces wrote otherwise (problems.OwnOf)
	postings            *postings.Writer
	newIDs              map[string][16]byte // ids queued here → content hash
	problemsSeen        map[string]*queuedProblem
	problemOrder        []*queuedProblem // problemsSeen in the order met
	deltas              map[string]int64
	arena               arena // the small keys and values
}

// newTxWriter starts the writes of batch b. Its counts are the running-count
// changes of the batch if every trace is stored; add takes back those of
// duplicates.
func newTxWriter(tx *bolt.Tx, seen *Seen, b *Batch) (*txWriter, error) {
	index, err := idindex.Open(tx)
	return &txWriter{
		tx: tx, seen: seen, index: index, traces: tx.Bucket(schema.Traces),
		newIDs:       make(map[string][16]byte, b.traces),
		run:          make([]idindex.Entry, 0, b.traces),
		problemsSeen: map[string]*queuedProblem{}, deltas: b.counts.keys(), postings: postings.NewWriter(),
	}, err
}

// add queues one trace unless an identical one is stored or queued.
func (w *txWriter) add(p *prepared) (bool, error) {
	id, key, dup := w.place(p)
	if dup {
		var c counter
		c.add(p)
		for k, d := range c.keys() {
			w.deltas[k] -= d
		}
		return false, nil
	}
	seq, err := w.traces.NextSequence()
	if err != nil {
		return false, err
	}
	p.summary.Seq, p.summary.ID = seq, id
	w.newIDs[id] = p.hash
	w.seen.ids.add(key)
	value := p.value
	if id != p.baseID {
		value = record.EncodeSummaryHead(id, p.value[p.tailAt:])
	}
	seqKey := binary.BigEndian.AppendUint64(w.arena.make(0, 8), seq)
	w.tracePuts = append(w.tracePuts, schema.KV{K: seqKey, V: value})
	w.run = append(w.run, idindex.Entry{ID: id, Seq: seq, Hash: p.hash})
	for i, t := range p.terms {
		w.postings.AddAt(i, t, seq) // every term's field is a posting field
	}
	stored, err := w.queueProblem(p.problem)
	if err != nil {
		return false, err
	}
	if own, ok := problems.OwnOf(p.problem, stored); ok {
		v, err := json.Marshal(own)
		if err != nil {
			return false, err
		}
		w.ownProblemPuts = append(w.ownProblemPuts, schema.KV{K: seqKey, V: v})
	}
	return true, nil
}

// place finds a trace's id: its base id, or the first free one of id#2,
// id#3... (source ids are not unique in every dataset). On the way it
// meets every stored or queued trace that could be the same record, since
// the same content means the same base id: one with an equal content hash
// makes this trace a duplicate. Ids are never removed, so a chain has no
// gaps. key is the seen filter's key of the id.
func (w *txWriter) place(p *prepared) (id string, key [16]byte, dup bool) {
	for n := 1; ; n++ {
		c := p.baseID
		if n > 1 {
			c += "#" + strconv.Itoa(n)
		}
		if h, ok := w.newIDs[c]; ok {
			if h == p.hash {
				return "", key, true
			}
			continue
		}
		key = w.seen.key(c)
		if !w.seen.ids.mayHave(key) {
			return c, key, false
		}
		_, h, hasHash, ok := w.index.Get(c)
		if !ok {
			return c, key, false
		}
		if hasHash && h == p.hash {
			return "", key, true
		}
	}
}

// queuedProblem is a problem met in this transaction; put says it must be
// written (it is new, or gave fields the stored copy lacked); seq is the
// number of its stored record (nil: new).
type queuedProblem struct {
	p   *stepwise.Problem
	put bool
	seq []byte
}

// queueProblem keeps a problem for writing, or fills fields an earlier copy
// lacked. It returns the problem as it will be stored.
func (w *txWriter) queueProblem(p *stepwise.Problem) (*stepwise.Problem, error) {
	if q, ok := w.problemsSeen[p.ID]; ok {
		if mergeProblem(q.p, p) {
			q.put = true
		}
		return q.p, nil
	}
	key := w.seen.key(p.ID)
	var seq []byte
	if w.seen.problems.mayHave(key) {
		seq = w.tx.Bucket(schema.Problems).Get([]byte(p.ID))
	}
	if seq == nil {
		w.seen.problems.add(key)
		// A problem is stored with its first trace, and never removed: a
		// new one has no stored postings to merge with.
		w.postings.MarkNew(postings.Term{Field: schema.FieldProblem, Value: p.ID})
		cp := *p
		w.queue(&queuedProblem{p: &cp, put: true})
		return &cp, nil
	}
	old, err := problems.RecordAt(w.tx, p.ID, seq)
	if err != nil {
		return nil, err
	}
	var have stepwise.Problem
	if err := json.Unmarshal(old, &have); err != nil {
		return nil, damage.Corrupt("problem %s: an unreadable record: %v", p.ID, err)
	}
	w.queue(&queuedProblem{p: &have, put: mergeProblem(&have, p), seq: bytes.Clone(seq)})
	return &have, nil
}

func (w *txWriter) queue(q *queuedProblem) {
	w.problemsSeen[q.p.ID] = q
	w.problemOrder = append(w.problemOrder, q)
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

// commit writes everything queued, each bucket in key order.
func (w *txWriter) commit() error {
	if err := idindex.Put(w.tx, w.index, w.run); err != nil {
		return err
	}
	// New problems get record numbers in the order they were met, so that
	// their records are appended.
	var problemPuts, recordPuts []schema.KV
	texts := w.tx.Bucket(schema.ProblemTexts)
	for _, q := range w.problemOrder {
		if !q.put {
			continue
		}
		if q.seq == nil {
			n, err := texts.NextSequence()
			if err != nil {
				return err
			}
			q.seq = schema.U64(n)
			problemPuts = append(problemPuts, schema.KV{K: []byte(q.p.ID), V: q.seq})
		}
		// sonic's encoding/json-compatible mode: a third of the time, and
		// with a problem per trace this runs for every trace.
		b, err := sonic.ConfigStd.Marshal(q.p)
		if err != nil {
			return err
		}
		recordPuts = append(recordPuts, schema.KV{K: q.seq, V: b})
	}
	for _, job := range []struct {
		bucket []byte
		puts   []schema.KV
		fill   float64
	}{
		// Sequential keys only grow: pack their pages densely (the setting
		// is per transaction, not persisted).
		{schema.Traces, w.tracePuts, 0.9},
		{schema.Bodies, w.bodyPuts, 0.9},
		{schema.Problems, problemPuts, bolt.DefaultFillPercent},
		{schema.ProblemTexts, recordPuts, 0.9},
	} {
		if err := schema.PutSorted(w.tx.Bucket(job.bucket), job.puts, job.fill); err != nil {
			return fmt.Errorf("bucket %s: %w", job.bucket, err)
		}
	}
	if err := problems.PutOwn(w.tx, w.ownProblemPuts); err != nil {
		return err
	}
	if err := w.postings.Commit(w.tx.Bucket(schema.Postings)); err != nil {
		return err
	}
	return w.flushCounts()
}

// flushCounts applies the running-count changes of the transaction.
func (w *txWriter) flushCounts() error {
	counts := w.tx.Bucket(schema.Counts)
	for k, d := range w.deltas {
		key := []byte(k)
		v := int64(schema.GetUint(counts, key)) + d
		if v <= 0 {
			if err := counts.Delete(key); err != nil {
				return err
			}
			continue
		}
		if err := schema.PutUint(counts, key, uint64(v)); err != nil {
			return err
		}
	}
	return nil
}
