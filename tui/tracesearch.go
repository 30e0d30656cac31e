package tui

import (
	"fmt"

	tea "charm.land/bubbletea/v2"
	"strings"
	"unicode"
)

// textMatch is one occurrence of the search text in a step: byte offsets
// into the step's text.
type textMatch struct {
	step       int
	start, end int
}

// findAll returns the byte ranges of query in text: case-insensitive unless
// the query has an upper-case letter (smart case).
func findAll(text, query string) [][2]int {
	if query == "" {
		return nil
	}
	hay, needle := text, query
	if !hasUpper(query) {
		hay, needle = foldASCII(text), foldASCII(query)
		if len(hay) != len(text) {
			return nil
		}
	}
	var out [][2]int
	for pos := 0; pos <= len(hay)-len(needle); {
		i := strings.Index(hay[pos:], needle)
		if i < 0 {
			break
		}
		out = append(out, [2]int{pos + i, pos + i + len(needle)})
		pos += i + max(1, len(needle))
	}
	return out
}

func hasUpper(s string) bool {
	for _, r := range s {
		if unicode.IsUpper(r) {
			return true
		}
	}
	return false
}

// foldASCII lowercases ASCII letters only, so byte offsets stay valid.
func foldASCII(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 32
		}
	}
	return string(b)
}

// setQuery finds every match of the query in the trace's steps and moves
// to the first one at or after the cursor.
func (ts *traceScreen) setQuery(m *Model, q string) {
	ts.query, ts.matches, ts.match = q, nil, 0
	if ts.t == nil {
		return
	}
	for i := range ts.t.Steps {
		for _, r := range findAll(ts.t.Steps[i].Text, q) {
			ts.matches = append(ts.matches, textMatch{step: i, start: r[0], end: r[1]})
		}
	}
	ts.blocks = newBlockCache()
	if q == "" {
		ts.layout(m)
		return
	}
	if len(ts.matches) == 0 {
		m.setError(fmt.Sprintf("%q: no match in this trace", q))
		ts.layout(m)
		return
	}
	for i, mt := range ts.matches {
		if mt.step >= ts.cursor {
			ts.match = i
			break
		}
	}
	ts.gotoMatch(m)
}

// nextMatch moves to the next or previous match; past the last (or first)
// match of a trace opened from search results it opens the next (or
// previous) trace that matches, as a search across the list.
func (ts *traceScreen) nextMatch(m *Model, forward bool) tea.Cmd {
	if len(ts.matches) == 0 {
		m.setError("no search: press / to search this trace")
		return nil
	}
	fromSearch := m.list.search != nil && ts.ref.seq != 0 && ts.ref.queue == 0
	switch {
	case forward && ts.match == len(ts.matches)-1 && fromSearch:
		return ts.sibling(m, true)
	case !forward && ts.match == 0 && fromSearch:
		return ts.sibling(m, false)
	case forward:
		ts.match = (ts.match + 1) % len(ts.matches)
	default:
		ts.match = (ts.match - 1 + len(ts.matches)) % len(ts.matches)
	}
	ts.gotoMatch(m)
	return nil
}

func (ts *traceScreen) gotoMatch(m *Model) {
	mt := ts.matches[ts.match]
	ts.select_(m, mt.step)
	m.setInfo(fmt.Sprintf("match %d of %d (step %d)", ts.match+1, len(ts.matches), mt.step))
	ts.layout(m)
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
