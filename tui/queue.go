package tui

import (
	"context"
	"fmt"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/stepwise-dev/stepwise/judge/triage"
	"github.com/stepwise-dev/stepwise/store"
	"github.com/stepwise-dev/stepwise/themes/termsafe"
)

// queueScreen is the triage queue: unlabeled steps, most suspicious first
// (failed or disproved proofs, arithmetic that does not check, evidence
// against the dataset's label), with hidden gold items mixed in to measure
// the annotator, as PRM800K did.
type queueScreen struct {
	table
	items []triage.Item
	done  map[int]bool
	job   int // the build's job
}

type queueMsg struct {
	job   int
	items []triage.Item
	err   error
}

// goldRate is the share of hidden quality-control items in a queue.
const goldRate = 0.05

// build starts building the queue for a filter as a background job.
func (q *queueScreen) build(m *Model, f store.Filter) tea.Cmd {
	if m.current() != scrQueue {
		m.push(scrQueue)
	}
	q.table = table{title: "Triage queue", loading: true,
		header: fmt.Sprintf(" %-6s %-40s %5s  %s", "SCORE", "TRACE", "STEP", "WHY"),
		note:   "no unlabeled step matches: everything here is labeled, or nothing is suspicious"}
	q.items, q.done = nil, map[int]bool{}
	db, who := m.db, m.opts.Annotator
	var cmd tea.Cmd
	q.job, cmd = m.startJob(jobSpec{name: "triage queue", run: func(ctx context.Context, out *jobOut) tea.Msg {
		items, err := triage.Build(ctx, db, triage.Options{Filter: f, Annotator: who, GoldRate: goldRate, Seed: seedOf(who)})
		return queueMsg{job: out.id, items: items, err: err}
	}})
	return cmd
}

// seedOf makes the gold sample stable for an annotator.
func seedOf(s string) uint64 {
	var h uint64 = 14695981039346656037
	for i := 0; i < len(s); i++ {
		h = (h ^ uint64(s[i])) * 1099511628211
	}
	return h
}

func (q *queueScreen) loaded(m *Model, msg queueMsg) tea.Cmd {
	if msg.job != q.job {
		return nil
	}
	q.loading = false
	if msg.err != nil {
		m.setError("triage: " + msg.err.Error())
		return nil
	}
	q.items = msg.items
	q.refresh()
	m.setInfo(fmt.Sprintf("%d steps to look at, most suspicious first — ⏎ opens one", len(q.items)))
	return nil
}

// refresh redraws the rows (after an item is labeled).
func (q *queueScreen) refresh() {
	q.rows = q.rows[:0]
	done := 0
	for i, it := range q.items {
		mark := " "
		if q.done[i] {
			mark, done = "✓", done+1
		}
		why := strings.Join(it.Reasons, "; ")
		q.rows = append(q.rows, fmt.Sprintf("%s%6.2f %-40s %5d  %s", mark, it.Score, termsafe.Line(it.TraceID), it.Step, termsafe.Line(why)))
	}
	q.title = fmt.Sprintf("Triage queue — %d of %d done", done, len(q.items))
}

func (q *queueScreen) key(m *Model, a action) tea.Cmd {
	if q.moveKey(m, a) {
		return nil
	}
	if a == actOpen {
		return q.open(m, q.cursor)
	}
	return nil
}

// open shows queue item i in the trace view, at its step.
func (q *queueScreen) open(m *Model, i int) tea.Cmd {
	if i < 0 || i >= len(q.items) {
		m.setError("the queue is empty")
		return nil
	}
	q.cursor = i
	it := q.items[i]
	m.trace.query = ""
	return m.trace.open(m, traceRef{seq: it.Seq, queue: i + 1, step: it.Step, gold: it.Gold})
}

// labeled notes that the open queue item got a label.
func (q *queueScreen) labeled(i int) {
	if i >= 0 && i < len(q.items) && !q.done[i] {
		q.done[i] = true
		q.refresh()
	}
}
