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
	noMouseClick
	c       *programContext
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

func newCompareScreen(c *programContext) *compareScreen { return &compareScreen{c: c} }

func (cv *compareScreen) where() string   { return "compare view" }
func (cv *compareScreen) hints() []action { return []action{actDown, actUp, actBack, actHelp} }

func (cv *compareScreen) handlers() []handler {
	return append(moveHandlers(cv.key), on(actNextStep, func() tea.Cmd { return cv.key(actNextStep) }),
		on(actPrevStep, func() tea.Cmd { return cv.key(actPrevStep) }))
}

func (cv *compareScreen) update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case openCompareReq:
		return cv.open(msg.left, msg.right)
	case compareMsg:
		cv.loaded(msg)
	}
	return nil
}

// open loads both traces in the background and shows them.
func (cv *compareScreen) open(left, right string) tea.Cmd {
	if cv.c.current() != scrCompare {
		cv.c.push(scrCompare)
	}
	*cv = compareScreen{c: cv.c, loading: true, req: cv.c.req()}
	db, req := cv.c.db, cv.req
	return func() tea.Msg {
		a, err := db.Get(left)
		if err != nil {
			return compareMsg{req: req, err: err}
		}
		b, err := db.Get(right)
		return compareMsg{req: req, a: a, b: b, err: err}
	}
}

func (cv *compareScreen) loaded(msg compareMsg) {
	if msg.req != cv.req {
		return
	}
	cv.loading = false
	if msg.err != nil {
		cv.c.setError("compare: " + msg.err.Error())
		return
	}
	cv.a, cv.b = msg.a, msg.b
	cv.reset()
}

// reset drops the laid-out rows (a new width) and keeps the cursor shown.
func (cv *compareScreen) reset() {
	cv.width = cv.c.width
	cv.rows = make([][]string, max(len(cv.a.Steps), len(cv.b.Steps)))
	cv.cursor = min(cv.cursor, max(0, len(cv.rows)-1))
	cv.top, cv.topOff = min(cv.top, cv.cursor), 0
	cv.clamp()
}

func (cv *compareScreen) resize() tea.Cmd {
	if cv.a != nil && cv.width != cv.c.width {
		cv.reset()
	}
	return nil
}

// colWidth is the width of one side: half the screen less the separator.
func (cv *compareScreen) colWidth() int { return max(10, (cv.c.width-3)/2) }

// row returns aligned row i, laying it out on first use: both steps'
// lines side by side, then a blank separator line.
func (cv *compareScreen) row(i int) []string {
	if cv.rows[i] != nil {
		return cv.rows[i]
	}
	w := cv.colWidth()
	left, right := compareCell(cv.c, cv.a, i, w), compareCell(cv.c, cv.b, i, w)
	sep := " │ "
	if i < len(cv.a.Steps) && i < len(cv.b.Steps) &&
		stepwise.NormalizeText(cv.a.Steps[i].Text) == stepwise.NormalizeText(cv.b.Steps[i].Text) {
		sep = cv.c.st.muted.Render(" = ")
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
	cv.rows[i] = append(out, strings.Repeat(" ", w)+" │ ")
	return cv.rows[i]
}

// compareCell is step i of t as lines of width w: a gutter with the index
// and the source's label, then the wrapped text. Past the last step: none.
func compareCell(c *programContext, t *stepwise.Trace, i, w int) []string {
	if i >= len(t.Steps) {
		return nil
	}
	s := &t.Steps[i]
	badge := " "
	if len(s.Labels) > 0 {
		badge = ratingBadge(c, s.StepRating())
	}
	gutter := c.st.dim.Render(fmt.Sprintf("%4d ", i)) + badge + " "
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
func (cv *compareScreen) headLines() []string {
	w := cv.colWidth()
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
	a1, a2 := side(cv.a)
	b1, b2 := side(cv.b)
	return []string{
		cv.c.st.title.Render(padRight(a1, w)) + " │ " + cv.c.st.title.Render(truncate(b1, w)),
		padRight(a2, w) + " │ " + truncate(b2, w),
		cv.c.st.muted.Render(strings.Repeat("─", cv.c.width)),
	}
}

// pageLines is the number of step lines on screen.
func (cv *compareScreen) pageLines() int { return max(1, cv.c.bodyHeight()-3) }

// clamp keeps the cursor's row on screen: it becomes the top row when it
// is above the screen; when it is below, the screen ends with it (or starts
// with it, if it is taller than the screen).
func (cv *compareScreen) clamp() {
	if len(cv.rows) == 0 {
		return
	}
	h := cv.pageLines()
	if cv.cursor <= cv.top {
		cv.top, cv.topOff = cv.cursor, 0
		return
	}
	used := -cv.topOff
	for i := cv.top; i <= cv.cursor && used <= h; i++ {
		used += len(cv.row(i)) // stops at a screenful: a jump lays out no more
	}
	if used <= h {
		return
	}
	// Walk back from the cursor's row until the screen is full.
	cv.top, cv.topOff = cv.cursor, 0
	used = len(cv.row(cv.cursor))
	for cv.top > 0 && used+len(cv.row(cv.top-1)) <= h {
		cv.top--
		used += len(cv.row(cv.top))
	}
}

func (cv *compareScreen) key(a action) tea.Cmd {
	if cv.a == nil {
		return nil
	}
	page := max(1, cv.pageLines()/4)
	switch a {
	case actDown, actNextStep:
		cv.cursor++
	case actUp, actPrevStep:
		cv.cursor--
	case actPageDown, actHalfDown:
		cv.cursor += page
	case actPageUp, actHalfUp:
		cv.cursor -= page
	case actTop:
		cv.cursor = 0
	case actBottom:
		cv.cursor = len(cv.rows) - 1
	default:
		return nil
	}
	cv.cursor = max(0, min(cv.cursor, len(cv.rows)-1))
	cv.clamp()
	return nil
}

// scroll moves the screen by d lines (the mouse wheel), the cursor staying
// where it is.
func (cv *compareScreen) wheel(delta int) tea.Cmd {
	cv.scroll(delta)
	return nil
}

func (cv *compareScreen) scroll(d int) {
	if cv.a == nil || len(cv.rows) == 0 {
		return
	}
	cv.topOff += d
	for cv.topOff < 0 && cv.top > 0 {
		cv.top--
		cv.topOff += len(cv.row(cv.top))
	}
	for cv.top < len(cv.rows)-1 && cv.topOff >= len(cv.row(cv.top)) {
		cv.topOff -= len(cv.row(cv.top))
		cv.top++
	}
	cv.topOff = max(0, min(cv.topOff, len(cv.row(cv.top))-1))
}

// visible is the range of rows with a line on screen.
func (cv *compareScreen) visible() (first, last int) {
	used := -cv.topOff
	last = cv.top
	for i := cv.top; i < len(cv.rows) && used < cv.pageLines(); i++ {
		used += len(cv.row(i))
		last = i
	}
	return cv.top, last
}

func (cv *compareScreen) view() string {
	if cv.loading || cv.a == nil {
		return cv.c.st.muted.Render("loading…")
	}
	out := cv.headLines()
	h := cv.pageLines()
	skip := cv.topOff
	for i := cv.top; i < len(cv.rows) && len(out) < h+3; i++ {
		for k, l := range cv.row(i) {
			if skip > 0 {
				skip--
				continue
			}
			if len(out) >= h+3 {
				break
			}
			if i == cv.cursor && k == 0 {
				l = cv.c.st.stepCursor.Render("▶") + ansi.Cut(l, 1, cv.c.width) // over the gutter's first blank
			}
			out = append(out, truncate(l, cv.c.width))
		}
	}
	return strings.Join(out, "\n")
}

// title is the breadcrumb text.
func (cv *compareScreen) title() string {
	if cv.a == nil {
		return "compare"
	}
	return "compare " + cv.a.SourceID + " | " + cv.b.SourceID
}
