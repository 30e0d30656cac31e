package tui

import (
	"fmt"
	"strings"

	"github.com/stepwise-dev/stepwise/judge/analytics"
	"github.com/stepwise-dev/stepwise/themes/termsafe"
)

// The checkpoint grid's layout: the screen lays its body out here when its
// state changes (a load, a key, a resize); view only joins the lines.

// cpWidths are the name columns' widths and how many checkpoint columns
// fit beside them.
type cpWidths struct{ id, model, cols int }

func cpWidthsFor(width int) cpWidths {
	w := cpWidths{id: max(8, min(cpID, (width-10)/3)), model: max(6, min(cpModel, width/8))}
	w.cols = max(1, (width-w.id-w.model-cpEnd-6)/cpCell)
	return w
}

// clusterRows is how many checkpoints' clusters are listed under the grid.
func (s *checkpointsScreen) clusterRows() int {
	return max(0, min(cpWidthsFor(s.c.width).cols, s.cols, (s.c.bodyHeight()-5)/3))
}

// gridHeight is the number of sample rows shown.
func (s *checkpointsScreen) gridHeight() int {
	return max(1, s.c.bodyHeight()-4-s.clusterRows())
}

func (s *checkpointsScreen) layout() {
	w := cpWidthsFor(s.c.width)
	switch {
	case s.loading:
		s.lines = []string{s.c.st.title.Render("Checkpoints of problem " + termsafe.Line(s.problem)), s.c.st.muted.Render("working…")}
		return
	case s.grid == nil:
		s.lines = nil
		return
	case len(s.grid.Samples) == 0:
		s.lines = []string{s.c.st.title.Render(truncate(s.heading(), s.c.width)),
			s.c.st.muted.Render("no samples of this problem (reference solutions are not samples)")}
		return
	}
	s.scrollTo(w)
	lines := []string{s.c.st.title.Render(truncate(s.heading(), s.c.width)), s.c.st.header.Render(truncate(s.headerLine(w), s.c.width))}
	for i := s.top; i < min(len(s.grid.Samples), s.top+s.gridHeight()); i++ {
		lines = append(lines, s.sampleLine(i, w))
	}
	lines = append(lines, s.c.st.section.Render(truncate("ANSWER CLUSTERS at each checkpoint shown", s.c.width)))
	for k := s.left; k < min(s.cols, s.left+s.clusterRows()); k++ {
		lines = append(lines, truncate(s.clusterLine(k), s.c.width))
	}
	lines = append(lines, s.c.st.muted.Render(truncate(s.cursorLine(), s.c.width)))
	s.lines = lines[:min(len(lines), s.c.bodyHeight())]
}

// scrollTo keeps the cursor cell on screen.
func (s *checkpointsScreen) scrollTo(w cpWidths) {
	s.col = max(0, min(s.col, s.cols-1))
	if s.col < s.left {
		s.left = s.col
	}
	if s.col >= s.left+w.cols {
		s.left = s.col - w.cols + 1
	}
	h := s.gridHeight()
	if s.row < s.top {
		s.top = s.row
	}
	if s.row >= s.top+h {
		s.top = s.row - h + 1
	}
}

// heading: the samples, the gold answer, and how many reached it, left it
// and ended wrong after holding it.
func (s *checkpointsScreen) heading() string {
	g := s.grid
	reached, left, held := 0, 0, 0
	for _, sm := range g.Samples {
		if sm.Reached != nil {
			reached++
			if sm.Correct != nil && !*sm.Correct {
				held++
			}
		}
		if sm.Left != nil {
			left++
		}
	}
	t := "Checkpoints"
	if g.Gold != "" {
		t += fmt.Sprintf(" · gold %s · reached it %d · left it %d · held it and ended wrong %d", termsafe.Line(g.Gold), reached, left, held)
	} else {
		t += " · no gold answer"
	}
	// Last: on a narrow screen it is what gets cut.
	return t + fmt.Sprintf(" · %d samples, up to %d checkpoints · problem %s", len(g.Samples), s.cols, termsafe.Line(g.ProblemID))
}

func (s *checkpointsScreen) headerLine(w cpWidths) string {
	h := fmt.Sprintf(" %s %s %s ", padRight("SAMPLE", w.id), padRight("MODEL", w.model), padRight("END", cpEnd))
	for k := s.left; k < min(s.cols, s.left+w.cols); k++ {
		h += padRight(fmt.Sprintf("#%d", k+1), cpCell)
	}
	if s.left > 0 {
		h = "‹" + h[1:]
	}
	if s.left+w.cols < s.cols {
		h += "›"
	}
	return h
}

// sampleLine is one sample's row: its names and verdict, then its cells.
func (s *checkpointsScreen) sampleLine(i int, w cpWidths) string {
	sm := s.grid.Samples[i]
	end := "?"
	if sm.Correct != nil {
		end = map[bool]string{true: "✓", false: "✗"}[*sm.Correct]
	}
	names := fmt.Sprintf(" %s %s %s ", padRight(termsafe.Line(localID(sm.TraceID)), w.id), padRight(termsafe.Line(sm.Model), w.model), padRight(end, cpEnd))
	st := s.c.st.row
	if i == s.row {
		st = s.c.st.selected
	}
	var b strings.Builder
	b.WriteString(st.Render(names))
	for k := s.left; k < min(s.cols, s.left+w.cols); k++ {
		text, mark := cpCellText(sm, k)
		switch {
		case i == s.row && k == s.col:
			b.WriteString(s.c.st.selected.Render(text))
		case mark == cpLeave || mark == cpWrong:
			b.WriteString(s.c.st.bad.Render(text))
		case mark == cpReach || mark == cpGold:
			b.WriteString(s.c.st.good.Render(text))
		default:
			b.WriteString(s.c.st.row.Render(text))
		}
	}
	return b.String()
}

// The marks of a cell, read without colour.
const (
	cpNone    = ' ' // no checkpoint here
	cpReach   = '»' // first reaches the gold answer
	cpLeave   = '«' // first wrong answer after reaching it
	cpGold    = '=' // the gold answer again
	cpWrong   = '·' // not the gold answer
	cpUnknown = '?' // the grader cannot tell (or there is no gold)
)

// cpCellText is the k-th checkpoint of a sample as a cell and its mark;
// the first reach and the leave are analytics' (Reached, Left), so the grid
// and `stepwise checkpoints` agree.
func cpCellText(sm analytics.SampleCheckpoints, k int) (string, rune) {
	if k >= len(sm.Checkpoints) {
		return strings.Repeat(" ", cpCell), cpNone
	}
	cp := sm.Checkpoints[k]
	mark := rune(cpUnknown)
	switch r := sm.Right[k]; {
	case sm.Reached != nil && cp.Step == *sm.Reached:
		mark = cpReach
	case sm.Left != nil && cp.Step == *sm.Left:
		mark = cpLeave
	case r != nil && *r:
		mark = cpGold
	case r != nil:
		mark = cpWrong
	}
	return string(mark) + padRight(termsafe.Line(cp.Answer), cpCell-2) + " ", mark
}

// clusterLine lists checkpoint k's answers, largest cluster first.
func (s *checkpointsScreen) clusterLine(k int) string {
	var parts []string
	for _, cl := range s.clusters[k] {
		a := termsafe.Line(cl.Answer)
		if cl.Answer == "" {
			a = "(none)"
		}
		if cl.Gold {
			a += " ✓"
		}
		parts = append(parts, fmt.Sprintf("%s ×%d", a, len(cl.Members)))
	}
	return fmt.Sprintf("  #%-3d %s", k+1, strings.Join(parts, " · "))
}

// cursorLine says what the cursor cell holds, in full, and the legend.
func (s *checkpointsScreen) cursorLine() string {
	sm := s.grid.Samples[s.row]
	legend := "» reaches gold · « leaves it · = gold · · wrong · ? cannot tell"
	if s.col >= len(sm.Checkpoints) {
		return fmt.Sprintf("%s has %d checkpoints · %s", termsafe.Line(sm.TraceID), len(sm.Checkpoints), legend)
	}
	cp := sm.Checkpoints[s.col]
	return fmt.Sprintf("#%d at step %d: %s · %s", s.col+1, cp.Step, termsafe.Line(cp.Answer), legend)
}

// localID is a trace id without its dataset ("processbench/gsm8k:gsm8k-93"
// is "gsm8k-93"): the samples of a problem mostly share it, and the
// narrow name column would show only what they share.
func localID(id string) string {
	if i := strings.LastIndexByte(id, ':'); i >= 0 && i < len(id)-1 {
		return id[i+1:]
	}
	return id
}
