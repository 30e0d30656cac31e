package store

import (
	"github.com/stepwise-dev/stepwise/store/internal/damage"

	"bytes"
	"encoding/binary"
	"fmt"

	bolt "go.etcd.io/bbolt"

	"github.com/stepwise-dev/stepwise"
	"github.com/stepwise-dev/stepwise/store/internal/bodies"
	"github.com/stepwise-dev/stepwise/store/internal/problems"
	"github.com/stepwise-dev/stepwise/store/internal/record"
	"github.com/stepwise-dev/stepwise/store/internal/schema"
)

// traceReader reads traces and their annotation events in one transaction,
// keeping its buckets and the body block it read last. In a read
// transaction bbolt looks a bucket up again on every Tx.Bucket call (and
// copies its header when unaligned), and a fresh body cursor parses a block
// again for each trace of it: an export, which reads traces in order, spent
// a fifth of its time on both.
type traceReader struct {
	traces, events, traceEvents *bolt.Bucket
	ownProblems                 *bolt.Bucket // nil in a store without (traceproblem.go)
	bodies                      *bodies.Cursor
}

func newTraceReader(tx *bolt.Tx) *traceReader {
	return &traceReader{traces: tx.Bucket(schema.Traces), events: tx.Bucket(schema.Events),
		traceEvents: tx.Bucket(schema.TraceEvents), ownProblems: tx.Bucket(schema.TraceProblems), bodies: bodies.NewCursor(tx)}
}

// trace is loadTraceRaw.
func (r *traceReader) trace(seq uint64, copyRaw bool) (*stepwise.Trace, error) {
	sv := r.traces.Get(schema.U64(seq))
	bv, err := r.bodies.Get(seq)
	if err != nil {
		return nil, err
	}
	if sv == nil || bv == nil {
		return nil, fmt.Errorf("trace %d: %w", seq, ErrNotFound)
	}
	return record.DecodeTrace(seq, sv, bv, copyRaw)
}

// problemOf returns the problem as trace seq's source gave it: the stored
// problem p with the fields the trace keeps a copy of.
func (r *traceReader) problemOf(seq uint64, p *stepwise.Problem) (*stepwise.Problem, error) {
	o, err := problems.OwnAt(r.ownProblems, seq)
	if err != nil {
		return nil, err
	}
	return o.Apply(p), nil
}

// eventsOf is traceEvents.
func (r *traceReader) eventsOf(traceSeq uint64) ([]Event, error) {
	if r.traceEvents == nil || r.events == nil {
		return nil, nil
	}
	prefix := schema.U64(traceSeq)
	var out []Event
	c := r.traceEvents.Cursor()
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		if len(k) != 16 {
			return nil, damage.Corrupt("malformed trace_events key %x", k)
		}
		seq := binary.BigEndian.Uint64(k[8:])
		v := r.events.Get(k[8:])
		if v == nil {
			return nil, damage.Corrupt("trace %d: event %d is indexed but missing", traceSeq, seq)
		}
		ev, err := decodeEvent(seq, v)
		if err != nil {
			return nil, err
		}
		out = append(out, ev)
	}
	return out, nil
}
