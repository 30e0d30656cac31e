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
	fixedSize
	c     *programContext
	items []store.Conflict
	req   int
}

type conflictsMsg struct {
	req   int
	items []store.Conflict
	err   error
}

func newConflictsScreen(c *programContext) *conflictsScreen { return &conflictsScreen{c: c} }

func (cf *conflictsScreen) where() string   { return "conflicts view" }
func (cf *conflictsScreen) title() string   { return "conflicts" }
func (cf *conflictsScreen) view() string    { return cf.table.render(cf.c) }
func (cf *conflictsScreen) hints() []action { return []action{actOpen, actDown, actBack, actHelp} }

func (cf *conflictsScreen) handlers() []handler {
	return append(cf.moves(cf.c), on(actOpen, cf.open))
}

func (cf *conflictsScreen) wheel(delta int) tea.Cmd {
	cf.move(cf.c, delta)
	return nil
}

func (cf *conflictsScreen) click(row int) tea.Cmd {
	if cf.clickRow(row) {
		return cf.open()
	}
	return nil
}

func (cf *conflictsScreen) update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case openConflictsReq:
		return cf.load(msg.dataset)
	case conflictsMsg:
		cf.loaded(msg)
	}
	return nil
}

func (cf *conflictsScreen) load(dataset string) tea.Cmd {
	c := cf.c
	if c.current() != scrConflicts {
		c.push(scrConflicts)
	}
	cf.table = table{heading: "Disagreements between annotators", loading: true,
		header: fmt.Sprintf(" %-40s %5s  %-22s %s", "TRACE", "STEP", "WHAT DIFFERS", "LABELS"),
		note:   "no disagreements: annotators agree everywhere they overlap (or only one has labelled)"}
	cf.req = c.req()
	db, req, ctx := c.db, cf.req, c.life
	return func() tea.Msg {
		var out []store.Conflict
		err := db.Conflicts(ctx, store.ConflictFilter{Dataset: dataset}, func(x store.Conflict) error {
			out = append(out, x)
			return nil
		})
		return conflictsMsg{req: req, items: out, err: err}
	}
}

func (cf *conflictsScreen) loaded(msg conflictsMsg) {
	if msg.req != cf.req {
		return
	}
	cf.loading = false
	if msg.err != nil {
		cf.c.setError("conflicts: " + msg.err.Error())
		return
	}
	cf.items = msg.items
	cf.rows = nil
	for _, x := range cf.items {
		step := fmt.Sprint(x.Step)
		if x.Step < 0 {
			step = "first"
		}
		cf.rows = append(cf.rows, fmt.Sprintf(" %-40s %5s  %-22s %s", termsafe.Line(x.TraceID), step,
			strings.Join(x.Kinds, ","), termsafe.Line(conflictLabels(x))))
	}
	cf.heading = fmt.Sprintf("Disagreements between annotators — %d", len(cf.items))
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

// open shows the trace at the step annotators disagree on.
func (cf *conflictsScreen) open() tea.Cmd {
	if cf.cursor >= len(cf.items) {
		cf.c.setError("nothing to open")
		return nil
	}
	x := cf.items[cf.cursor]
	cf.c.post(openTraceReq{ref: traceRef{seq: x.TraceSeq, step: max(0, x.Step)}})
	return nil
}
