package tui

import (
	"errors"
	"fmt"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/stepwise-dev/stepwise"
	"github.com/stepwise-dev/stepwise/store"
)

// labelQueue writes the annotator's label events, one at a time, in the
// order the keys were pressed; a label shows as saved only when the store
// has synced it. It belongs to the program, not to the open trace: a label
// queued behind a busy store is still written after the next trace opens.
type labelQueue struct {
	ops      []labelOp
	inflight bool
	since    time.Time // start of the time spent on the current item
}

// labelOp is one queued write: a label event, or an undo/redo.
type labelOp struct {
	ev         stepwise.Annotation
	undo, redo bool
	what       string   // for the status line
	timed      bool     // ev.ElapsedMS is measured (a retried write keeps it)
	ref        traceRef // the trace as it was opened: queue item, list row
}

// labelWrittenMsg returns a write's result to the root.
type labelWrittenMsg struct {
	op  labelOp
	ev  stepwise.Annotation
	err error
}

// newItem starts the clock for the time spent on a freshly opened trace.
func (q *labelQueue) newItem() { q.since = time.Now() }

// enqueue adds a write and starts it if none is running.
func (q *labelQueue) enqueue(c *programContext, op labelOp) tea.Cmd {
	q.ops = append(q.ops, op)
	return q.next(c)
}

// next starts the oldest queued write; the time spent on the item is
// measured here, when the event is really taken.
func (q *labelQueue) next(c *programContext) tea.Cmd {
	if q.inflight || len(q.ops) == 0 {
		if len(q.ops) > 0 {
			c.setInfo(fmt.Sprintf("saving… (%d queued)", len(q.ops)))
		}
		return nil
	}
	op := q.ops[0]
	q.ops = q.ops[1:]
	q.inflight = true
	if !op.timed {
		now := time.Now()
		op.ev.ElapsedMS = now.Sub(q.since).Milliseconds()
		q.since, op.timed = now, true
	}
	db := c.db
	c.setInfo("saving " + op.what + "…")
	return func() tea.Msg {
		var ev stepwise.Annotation
		var err error
		switch {
		case op.undo:
			ev, err = db.Undo(op.ev.TraceID, op.ev.Annotator, op.ev.ElapsedMS)
		case op.redo:
			ev, err = db.Redo(op.ev.TraceID, op.ev.Annotator, op.ev.ElapsedMS)
		default:
			ev, err = db.Annotate(op.ev)
		}
		return labelWrittenMsg{op: op, ev: ev, err: err}
	}
}

// labelWritten takes a write's result: a busy store puts the write back at
// the head of the queue, an error drops the writes that assumed it, a
// saved label is announced to the screens (labelSavedMsg).
func (m *Model) labelWritten(msg labelWrittenMsg) tea.Cmd {
	q, c := &m.labels, m.programContext
	q.inflight = false
	if errors.Is(msg.err, store.ErrLocked) {
		// Another process kept the store past the wait: the label is not
		// lost, it goes back to the head of the queue and is tried again.
		q.ops = append([]labelOp{msg.op}, q.ops...)
		c.setError(fmt.Sprintf("waiting for the store (%s); %d label(s) queued, not saved yet", lockHolder(msg.err), len(q.ops)))
		return q.next(c)
	}
	if msg.err != nil {
		q.ops = nil // later writes assumed this one: drop them, say so
		if errors.Is(msg.err, store.ErrNothingToUndo) {
			c.setError(msg.err.Error())
		} else {
			c.setError("NOT saved: " + msg.err.Error())
		}
		return nil
	}
	saved := m.broadcast(labelSavedMsg{ev: msg.ev, ref: msg.op.ref, what: msg.op.what})
	if len(q.ops) == 0 {
		c.setInfo(fmt.Sprintf("saved ✓ %s", msg.op.what))
	}
	return batch(q.next(c), saved)
}

// lockHolder says who kept the store, from a LockedError.
func lockHolder(err error) string {
	var le *store.LockedError
	if errors.As(err, &le) && le.Owner != "" {
		return "in use by " + le.Owner
	}
	return "in use by another stepwise process"
}
