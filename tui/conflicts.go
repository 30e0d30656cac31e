package tui

import (
	"fmt"
	"sort"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/stepwise-dev/stepwise/store"
	"github.com/stepwise-dev/stepwise/themes/termsafe"
)

// conflictsScreen lists the steps where annotators disagree, to adjudicate:
// opening one shows the trace at that step with every annotator's label in
// step detail; your label settles it.
type conflictsScreen struct {
	table
	items []store.Conflict
	req   int
}

type conflictsMsg struct {
	req   int
	items []store.Conflict
	err   error
}

func (c *conflictsScreen) load(m *Model, dataset string) tea.Cmd {
	if m.current() != scrConflicts {
		m.push(scrConflicts)
	}
	c.table = table{title: "Disagreements between annotators", loading: true,
		header: fmt.Sprintf(" %-40s %5s  %-22s %s", "TRACE", "STEP", "WHAT DIFFERS", "LABELS"),
		note:   "no disagreements: annotators agree everywhere they overlap (or only one has labelled)"}
	c.req = m.req()
	db, req, ctx := m.db, c.req, m.ctx
	return func() tea.Msg {
		var out []store.Conflict
		err := db.Conflicts(ctx, store.ConflictFilter{Dataset: dataset}, func(x store.Conflict) error {
			out = append(out, x)
			return nil
		})
		return conflictsMsg{req: req, items: out, err: err}
	}
}

func (c *conflictsScreen) loaded(m *Model, msg conflictsMsg) {
	if msg.req != c.req {
		return
	}
	c.loading = false
	if msg.err != nil {
		m.setError("conflicts: " + msg.err.Error())
		return
	}
	c.items = msg.items
	c.rows = nil
	for _, x := range c.items {
		step := fmt.Sprint(x.Step)
		if x.Step < 0 {
			step = "first"
		}
		c.rows = append(c.rows, fmt.Sprintf(" %-40s %5s  %-22s %s", termsafe.Line(x.TraceID), step,
			strings.Join(x.Kinds, ","), termsafe.Line(conflictLabels(x))))
	}
	c.title = fmt.Sprintf("Disagreements between annotators — %d", len(c.items))
}

// conflictLabels writes each annotator's side of a disagreement.
func conflictLabels(x store.Conflict) string {
	var parts []string
	if x.Step < 0 {
		for who, fe := range x.FirstErrors {
			parts = append(parts, fmt.Sprintf("%s: step %d", who, fe))
		}
	} else {
		for who, mk := range x.Marks {
			p := who + ": " + mk.Rating.String()
			if mk.Hallucinated {
				p += " halluc."
			}
			if mk.ErrorType != "" {
				p += " " + mk.ErrorType
			}
			parts = append(parts, p)
		}
	}
	sort.Strings(parts)
	return strings.Join(parts, " | ")
}

func (c *conflictsScreen) key(m *Model, a action) tea.Cmd {
	if c.moveKey(m, a) || a != actOpen {
		return nil
	}
	if c.cursor >= len(c.items) {
		m.setError("nothing to open")
		return nil
	}
	x := c.items[c.cursor]
	m.trace.query = ""
	return m.trace.open(m, traceRef{seq: x.TraceSeq, step: max(0, x.Step)})
}
