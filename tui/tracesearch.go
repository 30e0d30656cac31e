package tui

import (
	"fmt"

	tea "charm.land/bubbletea/v2"

	"github.com/stepwise-dev/stepwise/store"
)

// textMatch is one occurrence of the search text in a step: byte offsets
// into the step's text.
type textMatch struct {
	step       int
	start, end int
}

// setQuery finds every match of the query in the trace's steps and moves
// to the first one at or after the cursor.
func (ts *traceScreen) setQuery(q string) {
	ts.query, ts.matches, ts.match, ts.problemMatches = q, nil, 0, 0
	t := ts.doc.t
	if t == nil {
		return
	}
	// The list's search rules (smart case, Unicode folding), so that the
	// list and the trace count the same matches.
	problem := ""
	if ts.doc.p != nil {
		problem = ts.doc.p.Text
	}
	for _, mt := range store.FindInTrace(t, problem, store.SearchQuery{Text: q}) {
		if mt.Step < 0 {
			ts.problemMatches++
			continue
		}
		ts.matches = append(ts.matches, textMatch{step: mt.Step, start: mt.Span.Start, end: mt.Span.End})
	}
	ts.blocks = newBlockCache()
	if q == "" {
		ts.layout()
		return
	}
	if len(ts.matches) == 0 {
		if ts.problemMatches > 0 {
			ts.c.setInfo(fmt.Sprintf("%q: %d in the problem, none in the steps", q, ts.problemMatches))
		} else {
			ts.c.setError(fmt.Sprintf("%q: no match in this trace", q))
		}
		ts.layout()
		return
	}
	for i, mt := range ts.matches {
		if mt.step >= ts.cursor {
			ts.match = i
			break
		}
	}
	ts.gotoMatch()
}

// nextMatch moves to the next or previous match; past the last (or first)
// match of a trace opened from search results it opens the next (or
// previous) trace that matches, as a search across the list.
func (ts *traceScreen) nextMatch(forward bool) tea.Cmd {
	if len(ts.matches) == 0 {
		ts.c.setError("no search: press / to search this trace")
		return nil
	}
	// A trace opened from search results: past its last (or first)
	// match, n goes on to the next trace that matches.
	fromSearch := ts.ref.search && ts.ref.seq != 0 && ts.ref.queue == 0
	switch {
	case forward && ts.match == len(ts.matches)-1 && fromSearch:
		return ts.sibling(true)
	case !forward && ts.match == 0 && fromSearch:
		return ts.sibling(false)
	case forward:
		ts.match = (ts.match + 1) % len(ts.matches)
	default:
		ts.match = (ts.match - 1 + len(ts.matches)) % len(ts.matches)
	}
	ts.gotoMatch()
	return nil
}

func (ts *traceScreen) gotoMatch() {
	mt := ts.matches[ts.match]
	ts.selectStep(mt.step)
	info := fmt.Sprintf("match %d of %d in the steps (step %d)", ts.match+1, len(ts.matches), mt.step)
	if ts.problemMatches > 0 {
		info += fmt.Sprintf(" · %d more in the problem", ts.problemMatches)
	}
	ts.c.setInfo(info)
	ts.layout()
}

// matchesIn lists the matches inside step i.
func (ts *traceScreen) matchesIn(i int) []textMatch {
	var out []textMatch
	for _, mt := range ts.matches {
		if mt.step == i {
			out = append(out, mt)
		}
	}
	return out
}
