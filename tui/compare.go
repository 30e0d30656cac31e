package tui

import (
	"fmt"
	"strings"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/stepwise-dev/stepwise"
	"github.com/stepwise-dev/stepwise/tui/termsafe"
)

// compareScreen shows two traces side by side, step i beside step i, each
// step with its index and source label. A "=" between two steps says their
// text is the same once normalized: where two samples of a problem share a
// beginning, and where they part.
type compareScreen struct {
	a, b    *stepwise.Trace
	loading bool
	req     int

	// Layout for width: lines of the aligned rows, and where row i starts.
	width    int
	lines    []string
	rowStart []int
	cursor   int // the aligned row (step index) under the cursor
	top      int // first line on screen
}

type compareMsg struct {
	req  int
	a, b *stepwise.Trace
	err  error
}

// open loads both traces in the background and shows them.
func (c *compareScreen) open(m *Model, left, right string) tea.Cmd {
	if m.current() != scrCompare {
		m.push(scrCompare)
	}
	*c = compareScreen{loading: true, req: m.req()}
	db, req := m.db, c.req
	return func() tea.Msg {
		a, err := db.Get(left)
		if err != nil {
			return compareMsg{req: req, err: err}
		}
		b, err := db.Get(right)
		return compareMsg{req: req, a: a, b: b, err: err}
	}
}

func (c *compareScreen) loaded(m *Model, msg compareMsg) {
	if msg.req != c.req {
		return
	}
	c.loading = false
	if msg.err != nil {
		m.setError("compare: " + msg.err.Error())
		return
	}
	c.a, c.b = msg.a, msg.b
	c.layout(m)
}

func (c *compareScreen) resize(m *Model) tea.Cmd {
	if c.a != nil && c.width != m.width {
		c.layout(m)
	}
	return nil
}

// colWidth is the width of one side: half the screen less the separator.
func (c *compareScreen) colWidth(m *Model) int { return max(10, (m.width-3)/2) }

// layout wraps both traces' steps into aligned rows.
func (c *compareScreen) layout(m *Model) {
	c.width = m.width
	w := c.colWidth(m)
	n := max(len(c.a.Steps), len(c.b.Steps))
	c.lines, c.rowStart = c.lines[:0], make([]int, 0, n)
	for i := 0; i < n; i++ {
		left, right := compareCell(m, c.a, i, w), compareCell(m, c.b, i, w)
		sep := " │ "
		if i < len(c.a.Steps) && i < len(c.b.Steps) &&
			stepwise.NormalizeText(c.a.Steps[i].Text) == stepwise.NormalizeText(c.b.Steps[i].Text) {
			sep = m.st.muted.Render(" = ")
		}
		c.rowStart = append(c.rowStart, len(c.lines))
		for k := 0; k < max(len(left), len(right)); k++ {
			l, r := "", ""
			if k < len(left) {
				l = left[k]
			}
			if k < len(right) {
				r = right[k]
			}
			c.lines = append(c.lines, padStyled(l, w)+sep+r)
			if k == 0 {
				sep = " │ "
			}
		}
		c.lines = append(c.lines, strings.Repeat(" ", w)+" │ ")
	}
	c.cursor = min(c.cursor, max(0, n-1))
	c.clamp(m)
}

// compareCell is step i of t as lines of width w: a gutter with the index
// and the source's label, then the wrapped text. Past the last step: none.
func compareCell(m *Model, t *stepwise.Trace, i, w int) []string {
	if i >= len(t.Steps) {
		return nil
	}
	s := &t.Steps[i]
	badge := " "
	if len(s.Labels) > 0 {
		badge = ratingBadge(m, s.StepRating())
	}
	gutter := m.st.dim.Render(fmt.Sprintf("%4d ", i)) + badge + " "
	const gw = 7
	body := wrapText(s.Text, max(1, w-gw))
	out := make([]string, len(body))
	for k, l := range body {
		if k == 0 {
			out[k] = gutter + l
		} else {
			out[k] = strings.Repeat(" ", gw) + l
		}
	}
	return out
}

// padStyled pads a styled line to w columns.
func padStyled(s string, w int) string {
	if n := ansi.StringWidth(s); n < w {
		return s + strings.Repeat(" ", w-n)
	}
	return ansi.Truncate(s, w, "")
}

// headLines describe both traces above the steps.
func (c *compareScreen) headLines(m *Model) []string {
	w := c.colWidth(m)
	side := func(t *stepwise.Trace) (string, string) {
		ans := "?"
		if t.Correct != nil {
			ans = map[bool]string{true: "✓ correct", false: "✗ wrong"}[*t.Correct]
		}
		fe := ""
		if e := t.FirstError(); e != nil && *e >= 0 {
			fe = fmt.Sprintf(" · first error %d", *e)
		}
		return termsafe.Line(t.ID), fmt.Sprintf("%s · %d steps · answer %s %s%s",
			orDash(termsafe.Line(t.Model)), len(t.Steps), orDash(termsafe.Line(t.FinalAnswer)), ans, fe)
	}
	a1, a2 := side(c.a)
	b1, b2 := side(c.b)
	return []string{
		m.st.title.Render(padRight(a1, w)) + " │ " + m.st.title.Render(truncate(b1, w)),
		padRight(a2, w) + " │ " + truncate(b2, w),
		m.st.muted.Render(strings.Repeat("─", m.width)),
	}
}

// pageLines is the number of step lines on screen.
func (c *compareScreen) pageLines(m *Model) int { return max(1, m.bodyHeight()-3) }

// clamp keeps the cursor's row on screen.
func (c *compareScreen) clamp(m *Model) {
	if len(c.rowStart) == 0 {
		return
	}
	h := c.pageLines(m)
	start := c.rowStart[c.cursor]
	end := len(c.lines)
	if c.cursor+1 < len(c.rowStart) {
		end = c.rowStart[c.cursor+1]
	}
	if start < c.top {
		c.top = start
	}
	if end > c.top+h {
		c.top = min(start, end-h)
	}
	c.top = max(0, min(c.top, len(c.lines)-h))
}

func (c *compareScreen) key(m *Model, a action) tea.Cmd {
	if c.a == nil {
		return nil
	}
	page := max(1, c.pageLines(m)/4)
	switch a {
	case "down", "next-step":
		c.cursor++
	case "up", "prev-step":
		c.cursor--
	case "page-down", "half-down":
		c.cursor += page
	case "page-up", "half-up":
		c.cursor -= page
	case "top":
		c.cursor = 0
	case "bottom":
		c.cursor = len(c.rowStart) - 1
	default:
		return nil
	}
	c.cursor = max(0, min(c.cursor, len(c.rowStart)-1))
	c.clamp(m)
	return nil
}

func (c *compareScreen) scroll(m *Model, d int) {
	if c.a == nil {
		return
	}
	c.top = max(0, min(c.top+d, len(c.lines)-c.pageLines(m)))
}

func (c *compareScreen) view(m *Model) string {
	if c.loading || c.a == nil {
		return m.st.muted.Render("loading…")
	}
	out := c.headLines(m)
	h := c.pageLines(m)
	cur := -1
	if len(c.rowStart) > 0 {
		cur = c.rowStart[c.cursor]
	}
	for i := c.top; i < min(len(c.lines), c.top+h); i++ {
		l := c.lines[i]
		if i == cur {
			l = m.st.stepCursor.Render("▶") + ansi.Cut(l, 1, m.width) // over the gutter's first blank
		}
		out = append(out, truncate(l, m.width))
	}
	return strings.Join(out, "\n")
}

// title is the breadcrumb text.
func (c *compareScreen) title() string {
	if c.a == nil {
		return "compare"
	}
	return "compare " + c.a.SourceID + " | " + c.b.SourceID
}
