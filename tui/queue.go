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
	fixedSize
	c     *programContext
	items []triage.Item
	done  map[int]bool
	job   int // the build's job
}

type queueMsg struct {
	job   int
	items []triage.Item
	err   error
}

func newQueueScreen(c *programContext) *queueScreen { return &queueScreen{c: c} }

func (q *queueScreen) where() string   { return "triage queue" }
func (q *queueScreen) title() string   { return "triage queue" }
func (q *queueScreen) view() string    { return q.table.render(q.c) }
func (q *queueScreen) hints() []action { return []action{actOpen, actDown, actBack, actHelp} }

func (q *queueScreen) handlers() []handler {
	return append(q.moves(q.c), on(actOpen, func() tea.Cmd { return q.open(q.cursor) }))
}

func (q *queueScreen) wheel(delta int) tea.Cmd {
	q.move(q.c, delta)
	return nil
}

func (q *queueScreen) click(row int) tea.Cmd {
	if q.clickRow(row) {
		return q.open(q.cursor)
	}
	return nil
}

func (q *queueScreen) update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case openQueueReq:
		return q.build(msg.filter)
	case queueMsg:
		q.loaded(msg)
	case siblingReq:
		if r := msg.ref; r.queue > 0 {
			i := r.queue - 1 - 1
			if msg.next {
				i = r.queue - 1 + 1
			}
			if i < 0 || i >= len(q.items) {
				q.c.setError("no more items in the triage queue")
				return nil
			}
			return q.open(i)
		}
	case labelSavedMsg:
		// The item is done once its step (or its first error) is labeled.
		if r := msg.ref; r.queue > 0 && (msg.ev.Step == r.step || msg.ev.FirstError) {
			q.labeled(r.queue - 1)
		}
	}
	return nil
}

// build starts building the queue for a filter as a background job.
func (q *queueScreen) build(f store.Filter) tea.Cmd {
	c := q.c
	if c.current() != scrQueue {
		c.push(scrQueue)
	}
	q.table = table{heading: "Triage queue", loading: true,
		header: fmt.Sprintf(" %-6s %-40s %5s  %s", "SCORE", "TRACE", "STEP", "WHY"),
		note:   "no unlabeled step matches: everything here is labeled, or nothing is suspicious"}
	q.items, q.done = nil, map[int]bool{}
	db, who, rate, from := c.db, c.opts.Annotator, c.opts.GoldRate, c.opts.GoldFrom
	var cmd tea.Cmd
	q.job, cmd = c.startJob(jobSpec{name: "triage queue", run: func(ctx context.Context, out *jobOut) tea.Msg {
		items, err := triage.Build(ctx, db, triage.Options{Filter: f, Annotator: who, GoldRate: rate, GoldFrom: from, Seed: seedOf(who)})
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

func (q *queueScreen) loaded(msg queueMsg) {
	if msg.job != q.job {
		return
	}
	q.loading = false
	if msg.err != nil {
		q.c.setError("triage: " + msg.err.Error())
		return
	}
	q.items = msg.items
	q.refresh()
	q.c.setInfo(fmt.Sprintf("%d steps to look at, most suspicious first — ⏎ opens one", len(q.items)))
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
	q.heading = fmt.Sprintf("Triage queue — %d of %d done", done, len(q.items))
}

// open shows queue item i in the trace view, at its step.
func (q *queueScreen) open(i int) tea.Cmd {
	if i < 0 || i >= len(q.items) {
		q.c.setError("the queue is empty")
		return nil
	}
	q.cursor = i
	it := q.items[i]
	q.c.post(openTraceReq{ref: traceRef{seq: it.Seq, queue: i + 1, step: it.Step, gold: it.Gold}})
	return nil
}

// labeled notes that the open queue item got a label.
func (q *queueScreen) labeled(i int) {
	if i >= 0 && i < len(q.items) && !q.done[i] {
		q.done[i] = true
		q.refresh()
	}
}
