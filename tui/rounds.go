package tui

import (
	"fmt"

	tea "charm.land/bubbletea/v2"

	"github.com/stepwise-dev/stepwise/judge/analytics"
	"github.com/stepwise-dev/stepwise/themes/termsafe"
)

// roundsScreen shows how an agent trace refines a tool call over rounds
// (ToolACE-R): per refinement, each round's call with the JSON diff from
// the round before, its result, the round the model stopped at, and
// whether a right call turned wrong (a flip-flop) where the data rates the
// calls. Enter on a round goes back to the trace view at its call.
type roundsScreen struct {
	table
	fixedSize
	noMouseClick
	c   *programContext
	doc *traceDoc
	// rowStep maps a table row to the call step it shows (-1: none).
	rowStep []int
}

func newRoundsScreen(c *programContext) *roundsScreen { return &roundsScreen{c: c} }

func (s *roundsScreen) where() string   { return "rounds view" }
func (s *roundsScreen) title() string   { return "rounds" }
func (s *roundsScreen) view() string    { return s.table.render(s.c) }
func (s *roundsScreen) hints() []action { return []action{actOpen, actBack, actHelp} }

func (s *roundsScreen) handlers() []handler {
	return append(s.moves(s.c), on(actOpen, s.open).unless(func() string {
		if s.cursor >= len(s.rowStep) || s.rowStep[s.cursor] < 0 {
			return "move to a round (its line starts with \"round\") to show its call in the trace"
		}
		return ""
	}))
}

func (s *roundsScreen) wheel(delta int) tea.Cmd {
	s.move(s.c, delta)
	return nil
}

func (s *roundsScreen) update(msg tea.Msg) tea.Cmd {
	if msg, ok := msg.(openRoundsReq); ok {
		s.show(msg.doc)
	}
	return nil
}

// show lays out the rounds of the open trace. Rounds reads the trace in
// memory (no I/O): a few JSON diffs, done as the screen opens.
func (s *roundsScreen) show(doc *traceDoc) {
	if s.c.current() != scrRounds {
		s.c.push(scrRounds)
	}
	s.doc = doc
	r := analytics.Rounds(doc.t)
	// The trace's id is in the breadcrumb: the counts come first.
	s.table = table{heading: fmt.Sprintf("Tool-call rounds — %d calls in %d rounds, %d refinements · %s", r.ToolCalls, r.Rounds,
		len(r.Refinements), termsafe.Line(r.TraceID)),
		header: "a refinement: consecutive rounds that each make one call to the same tool",
		note:   "no refinement: no two consecutive rounds make a single call to the same tool"}
	s.rows, s.rowStep = nil, nil
	for _, ref := range r.Refinements {
		s.addRefinement(ref)
	}
	s.move(s.c, 0)
}

func (s *roundsScreen) add(step int, format string, args ...any) {
	s.rows = append(s.rows, fmt.Sprintf(format, args...))
	s.rowStep = append(s.rowStep, step)
}

// addRefinement lists one refinement: its summary, then each round.
func (s *roundsScreen) addRefinement(ref analytics.Refinement) {
	stop := fmt.Sprintf("stopped at round %d", ref.StopRound)
	if ref.StoppedOnRepeat {
		stop += " (repeating the call before it)"
	}
	flip := "flip-flop " + ref.FlipFlop
	switch ref.FlipFlop {
	case analytics.Yes:
		flip = fmt.Sprintf("⚠ FLIP-FLOP: right → wrong at round %v", ref.FlipFlopRounds)
	case analytics.Unknown:
		flip = "flip-flop unknown (the data does not rate the calls)"
	}
	s.add(-1, "▸ %s — %d rounds, %s · %s", termsafe.Line(ref.Tool), len(ref.Rounds), stop, flip)
	for k, rd := range ref.Rounds {
		s.add(rd.Step, "   round %d · step %d · correct %s · %s", rd.Round, rd.Step, rd.Correct, termsafe.Line(rd.Note()))
		if k == 0 {
			s.add(-1, "      %s", termsafe.Line(rd.Arguments))
			continue
		}
		if len(rd.Diff) == 0 {
			s.add(-1, "      = the same call as round %d", ref.Rounds[k-1].Round)
		}
		for _, l := range analytics.DiffLines(rd.Diff) {
			s.add(-1, "      %s", termsafe.Line(l))
		}
	}
	s.add(-1, "")
}

// open goes back to the trace view with the round's call selected.
func (s *roundsScreen) open() tea.Cmd {
	s.c.post(backReq{})
	s.c.post(selectStepReq{doc: s.doc, index: s.rowStep[s.cursor]})
	return nil
}
