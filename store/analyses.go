package store

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"

	bolt "go.etcd.io/bbolt"

	"github.com/stepwise-dev/stepwise"
	"github.com/stepwise-dev/stepwise/store/internal/idindex"
	"github.com/stepwise-dev/stepwise/store/internal/record"
	"github.com/stepwise-dev/stepwise/store/internal/schema"
)

// Judge runs live in two buckets (schema 3): `analyses` maps a run seq,
// assigned in save order, to the run record (analysis_codec.go), and
// `trace_runs` holds one key per judged trace and run, trace seq | run seq,
// so a trace's runs are one prefix scan, newest last.

// RunHead is a stored judge run without its stages: model, verdict, first
// error, step flags, usage, pair result. Reading it never decompresses the
// stages.
type RunHead struct {
	// Seq is the run's number in the store, in save order.
	Seq uint64 `json:"run"`
	// Stages is the number of stored stages; Bytes the record's stored size.
	Stages int `json:"stages_stored"`
	Bytes  int `json:"bytes"`
	// Analysis is the run with Stages nil.
	stepwise.Analysis
}

// Single reports a single-trace run that reached a verdict: the kind whose
// first error and step flags describe the trace.
func (h *RunHead) Single() bool { return h.Mode == "single" && h.Verdict != "" }

// SaveAnalysis stores a judge run and links it to each of its traces, which
// must be in the store. Every call adds a run: judging a trace again keeps
// the earlier runs.
func (db *DB) SaveAnalysis(a *stepwise.Analysis) (uint64, error) {
	if db.readOnly {
		return 0, errors.New("save analysis: store opened read-only")
	}
	if len(a.TraceIDs) == 0 {
		return 0, fmt.Errorf("save analysis %s: no trace ids", a.ID)
	}
	rec, err := encodeRun(a)
	if err != nil {
		return 0, err
	}
	var seq uint64
	err = db.update(func(tx *bolt.Tx) error {
		x, err := idindex.Open(tx)
		if err != nil {
			return err
		}
		traceSeqs := make([]uint64, len(a.TraceIDs))
		for i, id := range a.TraceIDs {
			seq, ok := x.Seq(id)
			if !ok {
				return fmt.Errorf("save analysis %s: trace %q: %w", a.ID, id, ErrNotFound)
			}
			traceSeqs[i] = seq
		}
		runs := tx.Bucket(schema.Analyses)
		runs.FillPercent = 0.9 // append-only keys
		if seq, err = runs.NextSequence(); err != nil {
			return err
		}
		if err := runs.Put(schema.U64(seq), rec); err != nil {
			return err
		}
		links := tx.Bucket(schema.TraceRuns)
		for _, ts := range traceSeqs {
			if err := links.Put(traceRunKey(ts, seq), nil); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return seq, nil
}

func traceRunKey(traceSeq, runSeq uint64) []byte {
	k := make([]byte, 16)
	binary.BigEndian.PutUint64(k, traceSeq)
	binary.BigEndian.PutUint64(k[8:], runSeq)
	return k
}

// runSeqsOf returns a trace's run seqs, newest first.
func runSeqsOf(tx *bolt.Tx, traceSeq uint64) []uint64 {
	var out []uint64
	prefix := schema.U64(traceSeq)
	c := tx.Bucket(schema.TraceRuns).Cursor()
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		if len(k) == 16 {
			out = append(out, binary.BigEndian.Uint64(k[8:]))
		}
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out
}

// exactSeq resolves an exact trace id (no prefixes: run lookups are keyed by
// what the store itself handed out).
func exactSeq(tx *bolt.Tx, traceID string) (uint64, error) {
	x, err := idindex.Open(tx)
	if err != nil {
		return 0, err
	}
	seq, ok := x.Seq(traceID)
	if !ok {
		return 0, fmt.Errorf("trace %q: %w", traceID, ErrNotFound)
	}
	return seq, nil
}

func runRecord(tx *bolt.Tx, seq uint64) ([]byte, error) {
	v := tx.Bucket(schema.Analyses).Get(schema.U64(seq))
	if v == nil {
		return nil, fmt.Errorf("judge run %d: %w", seq, ErrNotFound)
	}
	return v, nil
}

// Runs lists a trace's judge runs, newest first, without their stages: one
// prefix scan and one head per run.
func (db *DB) Runs(traceID string) ([]RunHead, error) {
	var out []RunHead
	err := db.eachRun(traceID, func(rs uint64, v []byte) error {
		h, err := decodeRunHead(rs, v)
		if err == nil {
			out = append(out, h)
		}
		return err
	})
	return out, err
}

// Analyses loads a trace's judge runs whole, newest first.
func (db *DB) Analyses(traceID string) ([]stepwise.Analysis, error) {
	var out []stepwise.Analysis
	err := db.eachRun(traceID, func(rs uint64, v []byte) error {
		a, err := decodeRun(rs, v)
		if err == nil {
			out = append(out, *a)
		}
		return err
	})
	return out, err
}

// eachRun calls fn with the seq and stored record of each of a trace's
// judge runs, newest first, in one read transaction.
func (db *DB) eachRun(traceID string, fn func(rs uint64, rec []byte) error) error {
	return db.view(func(tx *bolt.Tx) error {
		ts, err := exactSeq(tx, traceID)
		if err != nil {
			return err
		}
		for _, rs := range runSeqsOf(tx, ts) {
			v, err := runRecord(tx, rs)
			if err != nil {
				return err
			}
			if err := fn(rs, v); err != nil {
				return err
			}
		}
		return nil
	})
}

// AnalysisSeq loads one run whole by its seq.
func (db *DB) AnalysisSeq(seq uint64) (*stepwise.Analysis, error) {
	var a *stepwise.Analysis
	err := db.view(func(tx *bolt.Tx) error {
		v, err := runRecord(tx, seq)
		if err != nil {
			return err
		}
		a, err = decodeRun(seq, v)
		return err
	})
	return a, err
}

// Analysis loads one run whole by its analysis id ("an-…"). Ids are not
// indexed: the scan compares the id stored at the front of each record,
// without decoding, newest first (a list of runs hands out seqs; use
// AnalysisSeq where one is at hand).
func (db *DB) Analysis(id string) (*stepwise.Analysis, error) {
	var a *stepwise.Analysis
	err := db.view(func(tx *bolt.Tx) error {
		c := tx.Bucket(schema.Analyses).Cursor()
		for k, v := c.Last(); k != nil; k, v = c.Prev() {
			rid, _, _, err := splitRunRecord(v)
			if err != nil || string(rid) != id {
				continue
			}
			seq := binary.BigEndian.Uint64(k)
			a, err = decodeRun(seq, v)
			return err
		}
		return fmt.Errorf("analysis %q: %w", id, ErrNotFound)
	})
	return a, err
}

// LatestJudgement is the newest single-trace run with a verdict on the
// trace (its first error and step flags are what the trace view's gutter
// shows), nil when there is none. Pairwise runs and runs that failed before
// a verdict are passed over. Cost: an id lookup, a prefix scan of the
// trace's runs and the heads read until one qualifies.
func (db *DB) LatestJudgement(traceID string) (*RunHead, error) {
	var out *RunHead
	err := db.view(func(tx *bolt.Tx) error {
		ts, err := exactSeq(tx, traceID)
		if err != nil {
			return err
		}
		h, err := latestSingle(tx, ts)
		out = h
		return err
	})
	return out, err
}

func latestSingle(tx *bolt.Tx, traceSeq uint64) (*RunHead, error) {
	for _, rs := range runSeqsOf(tx, traceSeq) {
		v, err := runRecord(tx, rs)
		if err != nil {
			return nil, err
		}
		h, err := decodeRunHead(rs, v)
		if err != nil {
			return nil, err
		}
		if h.Single() {
			return &h, nil
		}
	}
	return nil, nil
}

// EachJudged calls fn, in trace order, for every trace matching f that has
// a single-trace run with a verdict, with the trace's summary and its newest
// such run: the input of judge-versus-reference agreement. It runs inside
// one read transaction: fn must not write to the store.
func (db *DB) EachJudged(ctx context.Context, f Filter, fn func(Summary, RunHead) error) error {
	if err := f.Validate(); err != nil {
		return err
	}
	return db.view(func(tx *bolt.Tx) error {
		var member func(uint64) bool
		if !f.isEmpty() {
			set, err := memberSet(tx, f)
			if err != nil {
				return err
			}
			member = set.Has
		}
		traces := tx.Bucket(schema.Traces)
		c := tx.Bucket(schema.TraceRuns).Cursor()
		var last uint64
		n := 0
		for k, _ := c.First(); k != nil; k, _ = c.Next() {
			if len(k) != 16 {
				continue
			}
			ts := binary.BigEndian.Uint64(k)
			if ts == last {
				continue
			}
			last = ts
			if n++; n%1024 == 0 {
				if err := ctx.Err(); err != nil {
					return err
				}
			}
			if member != nil && !member(ts) {
				continue
			}
			h, err := latestSingle(tx, ts)
			if err != nil {
				return err
			}
			if h == nil {
				continue
			}
			sv := traces.Get(schema.U64(ts))
			if sv == nil {
				return fmt.Errorf("judge run %d points at missing trace %d", h.Seq, ts)
			}
			s, err := record.DecodeSummary(ts, sv)
			if err != nil {
				return err
			}
			if err := fn(s, *h); err != nil {
				return err
			}
		}
		return nil
	})
}
