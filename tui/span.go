package tui

import (
	"fmt"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/stepwise-dev/stepwise"
	"github.com/stepwise-dev/stepwise/themes/termsafe"
)

// spanSel is span selection in step detail: the cursor moves word by word
// over the step's text, space or v marks where a selection starts and
// where it ends, and enter saves the selections as the answer to a span
// question — byte ranges of the step's text, as stepwise.Answer keeps
// them. Marking inside a selection (with none started) takes it away.
type spanSel struct {
	text   string
	words  []stepwise.Span
	cursor int
	anchor int // the word a selection started on, -1 when none is open
	ranges []stepwise.Span
	// The layout, made after each key and resize (View only joins it):
	// the lines, and each word's line and column, for j/k.
	lines  []string
	lineOf []int
	colOf  []int
}

// newSpanSel starts on text with the spans already answered.
func newSpanSel(text string, existing []stepwise.Span) *spanSel {
	return &spanSel{text: text, words: wordSpans(text), anchor: -1, ranges: append([]stepwise.Span(nil), existing...)}
}

// wordSpans are the byte ranges of the text's words: runs of characters
// between white space.
func wordSpans(text string) []stepwise.Span {
	var out []stepwise.Span
	start := -1
	for i := 0; i < len(text); {
		r, n := utf8.DecodeRuneInString(text[i:])
		if unicode.IsSpace(r) {
			if start >= 0 {
				out = append(out, stepwise.Span{Start: start, End: i})
				start = -1
			}
		} else if start < 0 {
			start = i
		}
		i += n
	}
	if start >= 0 {
		out = append(out, stepwise.Span{Start: start, End: len(text)})
	}
	return out
}

// key moves or marks; it reports whether the selection is finished
// (enter) — esc is the prompt's.
func (s *spanSel) key(k string) (done bool) {
	if len(s.words) == 0 {
		return k == "enter"
	}
	switch k {
	case "l", "right", "w", "tab":
		s.cursor = min(s.cursor+1, len(s.words)-1)
	case "h", "left", "b", "shift+tab":
		s.cursor = max(s.cursor-1, 0)
	case "j", "down":
		s.cursor = s.wordBelow(1)
	case "k", "up":
		s.cursor = s.wordBelow(-1)
	case "g", "home":
		s.cursor = 0
	case "G", "end":
		s.cursor = len(s.words) - 1
	case "space", " ", "v":
		s.mark()
	case "c":
		s.ranges, s.anchor = nil, -1
	case "enter":
		if s.anchor >= 0 {
			s.mark()
		}
		return true
	}
	return false
}

// mark starts a selection at the cursor, ends the open one there, or
// takes away the selection the cursor is in.
func (s *spanSel) mark() {
	w := s.words[s.cursor]
	if s.anchor < 0 {
		for i, r := range s.ranges {
			if w.Start < r.End && r.Start < w.End {
				s.ranges = append(s.ranges[:i], s.ranges[i+1:]...)
				return
			}
		}
		s.anchor = s.cursor
		return
	}
	a, b := min(s.anchor, s.cursor), max(s.anchor, s.cursor)
	s.ranges = mergeSpans(append(s.ranges, stepwise.Span{Start: s.words[a].Start, End: s.words[b].End}))
	s.anchor = -1
}

// mergeSpans sorts spans and joins the overlapping ones, so the answer
// is sorted and without overlaps as Answer.Check wants.
func mergeSpans(in []stepwise.Span) []stepwise.Span {
	sort.Slice(in, func(i, j int) bool { return in[i].Start < in[j].Start })
	var out []stepwise.Span
	for _, s := range in {
		if n := len(out); n > 0 && s.Start < out[n-1].End {
			out[n-1].End = max(out[n-1].End, s.End)
			continue
		}
		out = append(out, s)
	}
	return out
}

// selected reports whether word i is in a saved or an open selection.
func (s *spanSel) selected(i int) (saved, open bool) {
	w := s.words[i]
	for _, r := range s.ranges {
		if w.Start < r.End && r.Start < w.End {
			saved = true
		}
	}
	if s.anchor >= 0 {
		open = i >= min(s.anchor, s.cursor) && i <= max(s.anchor, s.cursor)
	}
	return saved, open
}

// wordBelow is the word d lines below the cursor nearest its column (the
// cursor itself when there is no such line).
func (s *spanSel) wordBelow(d int) int {
	if len(s.lineOf) != len(s.words) {
		return s.cursor
	}
	want, col, best := s.lineOf[s.cursor]+d, s.colOf[s.cursor], -1
	for i := range s.words {
		if s.lineOf[i] == want && (best < 0 || s.colOf[i] <= col) {
			best = i
		}
	}
	if best < 0 {
		return s.cursor
	}
	return best
}

// layout wraps the words to width, keeping the text's line breaks, and
// notes each word's line and column. Each word goes through termsafe: the
// byte ranges are of the raw text, the screen sees it clean.
func (s *spanSel) layout(c *programContext, width int) {
	var lines []string
	var cur strings.Builder
	curW := 0
	s.lineOf, s.colOf = make([]int, len(s.words)), make([]int, len(s.words))
	flush := func() { lines = append(lines, " "+cur.String()); cur.Reset(); curW = 0 }
	for i, w := range s.words {
		if i > 0 {
			gap := s.text[s.words[i-1].End:w.Start]
			if n := strings.Count(gap, "\n"); n > 0 {
				flush()
				if n > 1 { // a paragraph break: one blank line
					lines = append(lines, "")
				}
			}
		}
		word := termsafe.Line(s.text[w.Start:w.End])
		ww := lipgloss.Width(word)
		if curW > 0 && curW+1+ww > width {
			flush()
		}
		if curW > 0 {
			cur.WriteByte(' ')
			curW++
		}
		s.lineOf[i], s.colOf[i] = len(lines), curW
		cur.WriteString(s.style(c, i).Render(word))
		curW += ww
	}
	flush()
	s.lines = lines
}

func (s *spanSel) style(c *programContext, i int) lipgloss.Style {
	saved, open := s.selected(i)
	st := c.st.row
	switch {
	case saved:
		st = c.st.match
	case open:
		st = c.st.warning.Underline(true)
	}
	if i == s.cursor {
		st = st.Reverse(true)
	}
	return st
}

// status is the prompt line under the text.
func (s *spanSel) status(c *programContext, prompt string) string {
	how := "←/→ h/l word · j/k line · space/v mark start and end (inside a selection: remove it) · c clear · enter save · esc cancel"
	n := fmt.Sprintf("%d selected", len(s.ranges))
	if s.anchor >= 0 {
		n += ", one open"
	}
	return c.st.prompt.Render(termsafe.Line(prompt)) + "  " + c.st.accent.Render(n) + "  " + c.st.muted.Render(how)
}

// spanReq starts span selection in step detail (the trace view posts it
// after opening the step).
type spanReq struct {
	schema string
	q      *stepwise.Question
	save   func(*stepwise.Answer) tea.Cmd
}

// startSpan opens span selection of the step's words for q, starting
// from the annotator's current answer.
func (st *stepScreen) startSpan(schema string, q *stepwise.Question, save func(*stepwise.Answer) tea.Cmd) tea.Cmd {
	c := st.c
	text := st.doc.t.Steps[st.index].Text
	cur, _ := answerOf(st.doc.mine(c.opts.Annotator), schema, q.ID, st.index)
	st.span = newSpanSel(text, cur.Spans)
	st.relayoutSpan()
	p := newKeyed(func(k string) (tea.Cmd, bool) {
		sel := st.span
		if sel == nil {
			return nil, true
		}
		if !sel.key(k) {
			st.relayoutSpan()
			return nil, false
		}
		st.span = nil
		if len(sel.ranges) == 0 {
			return save(nil), true
		}
		return save(&stepwise.Answer{Spans: sel.ranges}), true
	}, func() []string {
		if st.span == nil {
			return nil
		}
		return []string{st.span.status(c, q.Prompt)}
	})
	p.cancel = func() { st.span = nil }
	c.ask(p)
	return nil
}

// spanView is step detail while selecting: the step's words, the cursor
// kept on screen.
func (st *stepScreen) spanView() string {
	c := st.c
	h := c.bodyHeight()
	head := c.st.title.Render(fmt.Sprintf("step %d — select words", st.index))
	lines, at := st.span.lines, 0
	if st.span.cursor < len(st.span.lineOf) {
		at = st.span.lineOf[st.span.cursor]
	}
	top := max(0, min(at-(h-1)/2, len(lines)-(h-1)))
	end := min(len(lines), top+h-1)
	return head + "\n" + strings.Join(lines[top:end], "\n")
}

// relayoutSpan lays span selection out for the width (after a key, a
// resize, a theme change).
func (st *stepScreen) relayoutSpan() {
	if st.span != nil {
		st.span.layout(st.c, max(10, st.c.width-2))
	}
}
