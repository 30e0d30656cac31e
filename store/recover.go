package store

import (
	"bytes"
	"cmp"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"slices"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/stepwise-dev/stepwise"
	"github.com/stepwise-dev/stepwise/store/formats"
	"github.com/stepwise-dev/stepwise/store/internal/damage"
	"github.com/stepwise-dev/stepwise/store/internal/problems"
	"github.com/stepwise-dev/stepwise/store/internal/record"
	"github.com/stepwise-dev/stepwise/store/internal/schema"
)

// RecoverReport says what a recovery copied into the new store and what it
// could not read from the damaged one.
type RecoverReport struct {
	Traces     int `json:"traces"`
	TracesLost int `json:"traces_lost"`
	Events     int `json:"events"`
	EventsLost int `json:"events_lost"`
	// Checks counts traces whose verification results were copied.
	Checks     int `json:"checked_traces"`
	ChecksLost int `json:"checked_traces_lost"`
	Runs       int `json:"judge_runs"`
	RunsLost   int `json:"judge_runs_lost"`
	// Unreadable names the kinds of record of which nothing could be read
	// (their bucket's root is damaged), so no count of them is known.
	Unreadable []string `json:"unreadable,omitempty"`
	// Lost names what could not be read, the first hundred of it.
	Lost []string `json:"lost,omitempty"`
}

func (r *RecoverReport) lose(format string, args ...any) {
	if len(r.Lost) < 100 {
		r.Lost = append(r.Lost, fmt.Sprintf(format, args...))
	}
}

// maxKey is the largest key of m, 0 when empty.
func maxKey[V any](m map[uint64]V) uint64 {
	var n uint64
	for k := range m {
		n = max(n, k)
	}
	return n
}

// recoverBatch is how many traces a recovery writes per Add.
const recoverBatch = 2000

// Recover copies what can be read of the damaged store at src into a new
// store at dst (which must not exist): traces with their problems,
// annotation events (with their stable ids), verification results and
// judge runs. Every record is read on its own, so one damaged page costs
// only the records on it; the new store's indexes and counts are built
// from what was read, as an import builds them. What is derived or
// cached (offline findings, the proof cache) is not copied: `stepwise
// analyze` and `stepwise verify` make it again.
func Recover(ctx context.Context, src, dst string) (*RecoverReport, error) {
	if _, err := os.Lstat(dst); err == nil {
		return nil, fmt.Errorf("recover: %s exists; name a new file", dst)
	}
	var old *bolt.DB
	err := damage.Guard(src, func() error {
		var err error
		old, err = bolt.Open(src, 0o400, &bolt.Options{ReadOnly: true, Timeout: 10 * time.Second})
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("recover: open %s: %w", src, err)
	}
	defer old.Close()
	db, err := Open(dst, Options{})
	if err != nil {
		return nil, err
	}
	defer db.Close()
	r := &salvage{src: src, old: old, db: db, rep: &RecoverReport{}, ids: map[uint64]string{}}
	raw, unmap, err := mapFile(src)
	if err != nil {
		return nil, fmt.Errorf("recover: %w", err)
	}
	defer unmap()
	r.raw = rawScan(raw)
	for _, step := range []func(context.Context) error{r.traces, r.rawTraces, r.events, r.checks, r.runs} {
		if err := step(ctx); err != nil {
			return r.rep, err
		}
	}
	return r.rep, nil
}

// salvage is one recovery in progress.
type salvage struct {
	src string
	old *bolt.DB
	db  *DB
	rep *RecoverReport
	ids map[uint64]string // old trace seq → id, of the traces copied
	raw *rawFind          // what a page-by-page scan found (rawscan.go)
	// lostTraces are the seqs the tree walk could not read; the raw scan
	// may still find them.
	lostTraces map[uint64]string
}

// read runs fn in its own read transaction of the damaged store, a fault
// or a page check failing in it turned into an error.
func (r *salvage) read(fn func(tx *bolt.Tx) error) error {
	return damage.Guard(r.src, func() error { return r.old.View(fn) })
}

// last is the highest key a sequence-keyed bucket used, from its
// sequence counter or, failing that, its last key.
func (r *salvage) last(bucket []byte) uint64 {
	var n uint64
	r.read(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucket)
		if b == nil {
			return nil
		}
		n = b.Sequence()
		if k, _ := b.Cursor().Last(); len(k) >= 8 {
			n = max(n, binary.BigEndian.Uint64(k))
		}
		return nil
	})
	return n
}

func (r *salvage) traces(ctx context.Context) error {
	r.lostTraces = map[uint64]string{}
	return r.addTraces(ctx, r.readTrace)
}

// readTrace reads seq through the store's tree; missing is a seq that was
// never used.
func (r *salvage) readTrace(seq uint64) (it formats.Item, missing bool, err error) {
	err = r.read(func(tx *bolt.Tx) error {
		if tx.Bucket(schema.Traces).Get(schema.U64(seq)) == nil {
			missing = true
			return nil
		}
		t, err := loadTrace(tx, seq)
		if err != nil {
			return err
		}
		p, err := r.problem(tx, t.ProblemID)
		if err != nil {
			return err
		}
		// The trace's own problem fields, so that the new store keeps them.
		if o, err := problems.OwnAt(tx.Bucket(schema.TraceProblems), seq); err == nil {
			p = o.Apply(p)
		}
		it = formats.Item{Problem: p, Trace: t}
		return nil
	})
	return it, missing, err
}

// problem reads a problem through the tree, else from the raw scan.
func (r *salvage) problem(tx *bolt.Tx, id string) (*stepwise.Problem, error) {
	v, err := problems.Record(tx, id)
	if err == nil && v != nil {
		p := &stepwise.Problem{}
		if json.Unmarshal(v, p) == nil {
			return p, nil
		}
	}
	if p := r.raw.problems[id]; p != nil {
		return p, nil
	}
	return nil, fmt.Errorf("its problem %s cannot be read", id)
}

// rawTraces adds the traces the tree walk lost and the raw scan found
// whole: a summary, its body in a block whose checksum holds, its problem.
func (r *salvage) rawTraces(ctx context.Context) error {
	var seqs []uint64
	for seq := range r.raw.summaries {
		if _, done := r.ids[seq]; !done {
			seqs = append(seqs, seq)
		}
	}
	slices.Sort(seqs)
	if len(seqs) == 0 {
		return r.countLost()
	}
	err := r.addTraces(ctx, func(seq uint64) (formats.Item, bool, error) {
		bv := r.raw.body(seq)
		if bv == nil {
			return formats.Item{}, false, fmt.Errorf("no readable body")
		}
		t, err := record.DecodeTrace(seq, r.raw.summaries[seq], bv, true)
		if err != nil {
			return formats.Item{}, false, err
		}
		p := r.raw.problems[t.ProblemID]
		if p == nil {
			r.read(func(tx *bolt.Tx) error { p, _ = r.problem(tx, t.ProblemID); return nil })
		}
		if p == nil {
			return formats.Item{}, false, fmt.Errorf("its problem %s cannot be read", t.ProblemID)
		}
		return formats.Item{Problem: p, Trace: t}, false, nil
	}, seqs...)
	if err != nil {
		return err
	}
	return r.countLost()
}

// countLost reports the traces neither the tree nor the raw scan gave.
func (r *salvage) countLost() error {
	lost := slices.Sorted(maps.Keys(r.lostTraces))
	for _, seq := range lost {
		if _, found := r.ids[seq]; !found {
			r.rep.TracesLost++
			r.rep.lose("trace %d: %s", seq, r.lostTraces[seq])
		}
	}
	return nil
}

// addTraces reads the traces of seqs (all seqs up to the last one the
// traces bucket used, when none are given) with read and adds them to the
// new store in batches; a trace that cannot be read is noted in lostTraces.
func (r *salvage) addTraces(ctx context.Context, read func(uint64) (formats.Item, bool, error), only ...uint64) error {
	var items []formats.Item
	var seqs []uint64
	flush := func() error {
		if len(items) == 0 {
			return nil
		}
		if _, _, err := r.db.Add(items); err != nil {
			return fmt.Errorf("recover: write traces: %w", err)
		}
		for i, it := range items {
			r.ids[seqs[i]] = it.Trace.ID
		}
		r.rep.Traces += len(items)
		items, seqs = items[:0], seqs[:0]
		return nil
	}
	todo := only
	if len(todo) == 0 {
		for seq := uint64(1); seq <= max(r.last(schema.Traces), maxKey(r.raw.summaries)); seq++ {
			todo = append(todo, seq)
		}
	}
	for i, seq := range todo {
		if i%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		it, missing, err := read(seq)
		switch {
		case err != nil:
			r.lostTraces[seq] = err.Error()
		case !missing:
			items, seqs = append(items, it), append(seqs, seq)
		}
		if len(items) == recoverBatch {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	return flush()
}

// events copies the annotation events: those the tree gives and those
// the raw scan found, once each by stable id. They also go to a log
// beside the new store (NEW.annotations.jsonl, as `export --format
// annotations` writes it): an event whose trace could not be recovered
// cannot be merged now, but can be once the trace is imported again.
func (r *salvage) events(ctx context.Context) error {
	found := r.raw.events
	last := uint64(0)
	if r.readable(schema.Events, "annotation events (but those the page scan found)") {
		last = r.last(schema.Events)
	}
	for seq := uint64(1); seq <= last; seq++ {
		var ev Event
		var missing bool
		err := r.read(func(tx *bolt.Tx) error {
			v := tx.Bucket(schema.Events).Get(schema.U64(seq))
			if v == nil {
				missing = true
				return nil
			}
			var err error
			ev, err = decodeEvent(seq, v)
			return err
		})
		switch {
		case err != nil && !hasSeq(found, seq):
			r.rep.EventsLost++
			r.rep.lose("annotation event %d: %v", seq, err)
		case err == nil && !missing:
			found[ev.ID] = ev
		}
	}
	if len(found) == 0 {
		return nil
	}
	evs := slices.SortedFunc(maps.Values(found), func(a, b Event) int { return cmp.Compare(a.Seq, b.Seq) })
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	for _, ev := range evs {
		enc.Encode(ev)
	}
	if err := writeNewFile(r.db.path+".annotations.jsonl", buf.Bytes()); err != nil {
		return fmt.Errorf("recover: keep the annotation events: %w", err)
	}
	rep, err := r.db.MergeEvents(ctx, bytes.NewReader(buf.Bytes()), "events recovered from "+r.src, MergeOptions{})
	if err != nil {
		return fmt.Errorf("recover: write annotation events: %w", err)
	}
	r.rep.Events += rep.Added
	r.rep.EventsLost += rep.Skipped
	for _, p := range rep.Problems {
		r.rep.lose("annotation event: %s", p)
	}
	return nil
}

// hasSeq reports whether an event with seq was found.
func hasSeq(evs map[string]Event, seq uint64) bool {
	for _, e := range evs {
		if e.Seq == seq {
			return true
		}
	}
	return false
}

// writeNewFile writes a file that must not exist yet.
func writeNewFile(path string, b []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o666)
	if err != nil {
		return err
	}
	_, err = f.Write(b)
	if serr := f.Sync(); err == nil {
		err = serr
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// readable reports whether a bucket's root can be read; when it cannot,
// the kind of record it holds is noted as unreadable.
func (r *salvage) readable(bucket []byte, kind string) bool {
	err := r.read(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucket)
		if b != nil {
			b.Cursor().First()
		}
		return nil
	})
	if err != nil {
		r.rep.Unreadable = append(r.rep.Unreadable, kind)
		r.rep.lose("%s: none can be read: %v", kind, err)
	}
	return err == nil
}

func (r *salvage) checks(ctx context.Context) error {
	if !r.readable(schema.Checks, "verification results") {
		return nil
	}
	for seq, id := range r.ids {
		if err := ctx.Err(); err != nil {
			return err
		}
		var steps []CheckedStep
		err := r.read(func(tx *bolt.Tx) error {
			var err error
			steps, err = checkedSteps(tx, seq)
			return err
		})
		if err != nil {
			r.rep.ChecksLost++
			r.rep.lose("verification results of %s: %v", id, err)
			continue
		}
		if len(steps) == 0 {
			continue
		}
		if err := r.db.PutChecks(id, steps); err != nil {
			return fmt.Errorf("recover: write verification results: %w", err)
		}
		r.rep.Checks++
	}
	return nil
}

func (r *salvage) runs(ctx context.Context) error {
	if !r.readable(schema.Analyses, "judge runs") {
		return nil
	}
	last := r.last(schema.Analyses)
	for seq := uint64(1); seq <= last; seq++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		var a *stepwise.Analysis
		var missing bool
		err := r.read(func(tx *bolt.Tx) error {
			if tx.Bucket(schema.Analyses).Get(schema.U64(seq)) == nil {
				missing = true
				return nil
			}
			v, err := runRecord(tx, seq)
			if err != nil {
				return err
			}
			a, err = decodeRun(seq, v)
			return err
		})
		if missing {
			continue
		}
		if err == nil {
			_, err = r.db.SaveAnalysis(a)
		}
		if err != nil {
			if errors.Is(err, ErrNotFound) || errors.Is(err, ErrDamaged) || a == nil {
				r.rep.RunsLost++
				r.rep.lose("judge run %d: %v", seq, err)
				continue
			}
			return fmt.Errorf("recover: write judge runs: %w", err)
		}
		r.rep.Runs++
	}
	return nil
}
