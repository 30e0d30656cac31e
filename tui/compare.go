package tui

import (
	"fmt"
	"strings"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/stepwise-dev/stepwise"
	"github.com/stepwise-dev/stepwise/themes/termsafe"
)

// compareScreen shows two traces side by side, step i beside step i, each
// step with its index and source label. A "=" between two steps says their
// text is the same once normalized: where two samples of a problem share a
// beginning, and where they part.
//
// Rows are laid out when first drawn and kept for the width: the screen is
// anchored on a row (top, with an offset into it) as the trace view is, so
// a frame costs the rows on screen, whatever the traces' length.
type compareScreen struct {
	a, b    *stepwise.Trace
	loading bool
	req     int

	width  int
	rows   [][]string // laid-out aligned rows (nil: not yet)
	cursor int        // the aligned row (step index) under the cursor
	top    int        // first row on screen
	topOff int        // lines of the top row scrolled off
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
	c.reset(m)
}

// reset drops the laid-out rows (a new width) and keeps the cursor shown.
func (c *compareScreen) reset(m *Model) {
	c.width = m.width
	c.rows = make([][]string, max(len(c.a.Steps), len(c.b.Steps)))
	c.cursor = min(c.cursor, max(0, len(c.rows)-1))
	c.top, c.topOff = min(c.top, c.cursor), 0
	c.clamp(m)
}

func (c *compareScreen) resize(m *Model) tea.Cmd {
	if c.a != nil && c.width != m.width {
		c.reset(m)
	}
	return nil
}

// colWidth is the width of one side: half the screen less the separator.
func (c *compareScreen) colWidth(m *Model) int { return max(10, (m.width-3)/2) }

// row returns aligned row i, laying it out on first use: both steps'
// lines side by side, then a blank separator line.
func (c *compareScreen) row(m *Model, i int) []string {
	if c.rows[i] != nil {
		return c.rows[i]
	}
	w := c.colWidth(m)
	left, right := compareCell(m, c.a, i, w), compareCell(m, c.b, i, w)
	sep := " │ "
	if i < len(c.a.Steps) && i < len(c.b.Steps) &&
		stepwise.NormalizeText(c.a.Steps[i].Text) == stepwise.NormalizeText(c.b.Steps[i].Text) {
		sep = m.st.muted.Render(" = ")
	}
	var out []string
	for k := 0; k < max(len(left), len(right)); k++ {
		l, r := "", ""
		if k < len(left) {
			l = left[k]
		}
		if k < len(right) {
			r = right[k]
		}
		out = append(out, padStyled(l, w)+sep+r)
		sep = " │ "
	}
	c.rows[i] = append(out, strings.Repeat(" ", w)+" │ ")
	return c.rows[i]
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

// clamp keeps the cursor's row on screen: it becomes the top row when it
// is above the screen; when it is below, the screen ends with it (or starts
// with it, if it is taller than the screen).
func (c *compareScreen) clamp(m *Model) {
	if len(c.rows) == 0 {
		return
	}
	h := c.pageLines(m)
	if c.cursor <= c.top {
		c.top, c.topOff = c.cursor, 0
		return
	}
	used := -c.topOff
	for i := c.top; i <= c.cursor && used <= h; i++ {
		used += len(c.row(m, i)) // stops at a screenful: a jump lays out no more
	}
	if used <= h {
		return
	}
	// Walk back from the cursor's row until the screen is full.
	c.top, c.topOff = c.cursor, 0
	used = len(c.row(m, c.cursor))
	for c.top > 0 && used+len(c.row(m, c.top-1)) <= h {
		c.top--
		used += len(c.row(m, c.top))
	}
}

func (c *compareScreen) key(m *Model, a action) tea.Cmd {
	if c.a == nil {
		return nil
	}
	page := max(1, c.pageLines(m)/4)
	switch a {
	case actDown, actNextStep:
		c.cursor++
	case actUp, actPrevStep:
		c.cursor--
	case actPageDown, actHalfDown:
		c.cursor += page
	case actPageUp, actHalfUp:
		c.cursor -= page
	case actTop:
		c.cursor = 0
	case actBottom:
		c.cursor = len(c.rows) - 1
	default:
		return nil
	}
	c.cursor = max(0, min(c.cursor, len(c.rows)-1))
	c.clamp(m)
	return nil
}

// scroll moves the screen by d lines (the mouse wheel), the cursor staying
// where it is.
func (c *compareScreen) scroll(m *Model, d int) {
	if c.a == nil || len(c.rows) == 0 {
		return
	}
	c.topOff += d
	for c.topOff < 0 && c.top > 0 {
		c.top--
		c.topOff += len(c.row(m, c.top))
	}
	for c.top < len(c.rows)-1 && c.topOff >= len(c.row(m, c.top)) {
		c.topOff -= len(c.row(m, c.top))
		c.top++
	}
	c.topOff = max(0, min(c.topOff, len(c.row(m, c.top))-1))
}

// visible is the range of rows with a line on screen.
func (c *compareScreen) visible(m *Model) (first, last int) {
	used := -c.topOff
	last = c.top
	for i := c.top; i < len(c.rows) && used < c.pageLines(m); i++ {
		used += len(c.row(m, i))
		last = i
	}
	return c.top, last
}

func (c *compareScreen) view(m *Model) string {
	if c.loading || c.a == nil {
		return m.st.muted.Render("loading…")
	}
	out := c.headLines(m)
	h := c.pageLines(m)
	skip := c.topOff
	for i := c.top; i < len(c.rows) && len(out) < h+3; i++ {
		for k, l := range c.row(m, i) {
			if skip > 0 {
				skip--
				continue
			}
			if len(out) >= h+3 {
				break
			}
			if i == c.cursor && k == 0 {
				l = m.st.stepCursor.Render("▶") + ansi.Cut(l, 1, m.width) // over the gutter's first blank
			}
			out = append(out, truncate(l, m.width))
		}
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
