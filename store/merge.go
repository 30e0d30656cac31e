package store

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	bolt "go.etcd.io/bbolt"

	"github.com/stepwise-dev/stepwise/store/internal/schema"
)

// MergeOptions tune MergeEvents.
type MergeOptions struct {
	// Strict stops at the first bad line instead of skipping it.
	Strict bool
	// BatchSize is the number of events per transaction (default 10,000).
	BatchSize int
}

// MergeReport says what a merge did. Problems are "file:line: reason".
type MergeReport struct {
	Added      int      `json:"added"`
	Duplicates int      `json:"duplicates"`
	Skipped    int      `json:"skipped"`
	Problems   []string `json:"problems,omitempty"`
}

const maxProblems = 100

func (r *MergeReport) problem(name string, line int, err error) {
	r.Skipped++
	if len(r.Problems) < maxProblems {
		r.Problems = append(r.Problems, fmt.Sprintf("%s:%d: %v", name, line, err))
	}
}

// MergeEvents imports an annotation event log (the `annotations` export:
// one JSON event per line) from another store. Events are matched by their
// stable id, so merging the same log twice adds nothing; a line without an
// id gets one from a hash of its content. Seqs are remapped to this store's,
// and undo references follow (undoes_id, else the source seq of an event
// earlier in the file). Traces are found by id; an event about a trace this
// store lacks, or that fails validation, is reported as name:line and
// skipped (Strict stops there). Events are written in batches, one fsync
// each; a crash loses at most the batch in flight, and merging again
// completes it.
func (db *DB) MergeEvents(ctx context.Context, r io.Reader, name string, opts MergeOptions) (*MergeReport, error) {
	if db.readOnly {
		return nil, errors.New("merge: store opened read-only")
	}
	if opts.BatchSize <= 0 {
		opts.BatchSize = 10000
	}
	m := &merger{db: db, name: name, opts: opts, rep: &MergeReport{}, srcSeq: map[uint64]uint64{}}
	br := bufio.NewReaderSize(r, 1<<20)
	var batch []mergeLine
	line := 0
	for {
		b, rerr := br.ReadBytes('\n')
		if len(b) > 0 {
			line++
			if t := bytes.TrimSpace(b); len(t) > 0 {
				batch = append(batch, mergeLine{line: line, data: bytes.Clone(t)})
			}
		}
		if len(batch) >= opts.BatchSize || (rerr != nil && len(batch) > 0) {
			if err := ctx.Err(); err != nil {
				return m.rep, err
			}
			if err := m.write(batch); err != nil {
				return m.rep, err
			}
			batch = batch[:0]
		}
		if rerr == io.EOF {
			return m.rep, nil
		}
		if rerr != nil {
			return m.rep, fmt.Errorf("%s:%d: read: %w", name, line+1, rerr)
		}
	}
}

type mergeLine struct {
	line int
	data []byte
}

type merger struct {
	db   *DB
	name string
	opts MergeOptions
	rep  *MergeReport
	// srcSeq maps the source store's seq of an event in this file to the
	// local seq, for undo references without undoes_id.
	srcSeq map[uint64]uint64
}

// errLine marks a problem with one line (skipped), as opposed to a store failure.
type errLine struct{ err error }

func (e errLine) Error() string { return e.err.Error() }

func (m *merger) write(batch []mergeLine) error {
	var added, dups int
	srcSeq := map[uint64]uint64{}
	var skipped []struct {
		line int
		err  error
	}
	err := m.db.update(func(tx *bolt.Tx) error {
		added, dups, skipped = 0, 0, skipped[:0]
		clear(srcSeq)
		w, err := newEventWriter(tx)
		if err != nil {
			return err
		}
		for _, l := range batch {
			dup, err := m.one(w, l, srcSeq)
			var le errLine
			switch {
			case errors.As(err, &le):
				if m.opts.Strict {
					return fmt.Errorf("%s:%d: %w", m.name, l.line, le.err)
				}
				skipped = append(skipped, struct {
					line int
					err  error
				}{l.line, le.err})
			case err != nil:
				return fmt.Errorf("%s:%d: %w", m.name, l.line, err)
			case dup:
				dups++
			default:
				added++
			}
		}
		return w.commit()
	})
	if err != nil {
		return err
	}
	for k, v := range srcSeq {
		m.srcSeq[k] = v
	}
	m.rep.Added += added
	m.rep.Duplicates += dups
	for _, s := range skipped {
		m.rep.problem(m.name, s.line, s.err)
	}
	return nil
}

// one merges a line; dup reports an event already in the store.
func (m *merger) one(w *eventWriter, l mergeLine, srcSeq map[uint64]uint64) (dup bool, err error) {
	var ev Event
	if err := json.Unmarshal(l.data, &ev); err != nil {
		return false, errLine{fmt.Errorf("not an annotation event: %w", err)}
	}
	if ev.ID == "" {
		sum := sha256.Sum256(l.data)
		ev.ID = "h-" + hex.EncodeToString(sum[:12])
	}
	if len(ev.ID) > 200 {
		return false, errLine{fmt.Errorf("event id longer than 200 bytes")}
	}
	src := ev.Seq
	if v := w.ids.Get([]byte(ev.ID)); len(v) == 8 {
		if src != 0 {
			srcSeq[src] = schema.SeqOf(v)
		}
		return true, nil
	}
	if ev.Undoes != 0 || ev.UndoesID != "" {
		local, ok := m.localUndo(w, &ev, srcSeq)
		if !ok {
			return false, errLine{fmt.Errorf("undoes event %q (seq %d), which is neither in the store nor earlier in the file", ev.UndoesID, ev.Undoes)}
		}
		ev.Undoes = local
	}
	ev.Seq = 0
	stored, err := w.add(ev)
	var amb *AmbiguousError
	if errors.Is(err, ErrInvalidAnnotation) || errors.Is(err, ErrNotFound) || errors.As(err, &amb) {
		return false, errLine{err}
	}
	if err != nil {
		return false, err
	}
	if src != 0 {
		srcSeq[src] = stored.Seq
	}
	return false, nil
}

func (m *merger) localUndo(w *eventWriter, ev *Event, srcSeq map[uint64]uint64) (uint64, bool) {
	if ev.UndoesID != "" {
		if v := w.ids.Get([]byte(ev.UndoesID)); len(v) == 8 {
			return schema.SeqOf(v), true
		}
		return 0, false
	}
	if s, ok := srcSeq[ev.Undoes]; ok {
		return s, true
	}
	s, ok := m.srcSeq[ev.Undoes]
	return s, ok
}
