package tui

import (
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/stepwise-dev/stepwise"
)

// sideScreen shows a record made from a web document (WebR) as two
// columns: the source document on the left, the instruction and the
// response on the right, each scrolled on its own (tab switches), so a
// claim of the response can be looked up in the document. The schema's
// questions are answered here as in the trace view.
type sideScreen struct {
	noMouseClick
	c   *programContext
	doc *traceDoc
	// cols are the laid-out columns (document; instruction and response)
	// for width.
	cols  [2][]string
	width int
	top   [2]int
	focus int
}

// openSideReq shows the open trace side by side.
type openSideReq struct{ doc *traceDoc }

func newSideScreen(c *programContext) *sideScreen { return &sideScreen{c: c} }

func (ss *sideScreen) where() string { return "side-by-side view" }
func (ss *sideScreen) title() string { return "document | response" }
func (ss *sideScreen) hints() []action {
	return []action{actSwitchPane, actDown, actUp, actAnswer, actBack}
}

func (ss *sideScreen) handlers() []handler {
	c := ss.c
	qs := questioner{c: c, at: func() (*traceDoc, int) { return ss.doc, ss.firstResponseStep() },
		span: func(step int, schema string, q *stepwise.Question, save func(*stepwise.Answer) tea.Cmd) tea.Cmd {
			c.post(openStepReq{doc: ss.doc, index: step})
			c.post(spanReq{schema: schema, q: q, save: save})
			return nil
		}}
	return append(moveHandlers(func(a action) tea.Cmd { ss.move(a); return nil }),
		on(actSwitchPane, func() tea.Cmd { ss.focus = 1 - ss.focus; return nil }),
		qs.handler())
}

func (ss *sideScreen) update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case openSideReq:
		ss.doc, ss.top, ss.focus = msg.doc, [2]int{}, 0
		ss.layout()
		ss.c.push(scrSide)
	case docChangedMsg:
		if ss.doc != nil && msg.why == docReloaded && msg.doc.t.ID == ss.doc.t.ID {
			ss.doc = msg.doc
			ss.layout()
		}
	case themeChangedMsg:
		if ss.doc != nil {
			ss.layout()
		}
	}
	return nil
}

// firstResponseStep is the step a span question is about here: the
// response's first.
func (ss *sideScreen) firstResponseStep() int {
	if ss.doc == nil || ss.doc.t == nil {
		return 0
	}
	for _, s := range ss.doc.t.Sections {
		if strings.EqualFold(s.Title, "response") {
			return s.FirstStep
		}
	}
	return 0
}

func (ss *sideScreen) resize() tea.Cmd {
	if ss.doc != nil {
		ss.layout()
	}
	return nil
}

// colWidth is each column's width: two halves and a rule.
func (ss *sideScreen) colWidth() int { return max(10, (ss.c.width-3)/2) }

// layout wraps both columns for the width (wrapText cleans the text).
func (ss *sideScreen) layout() {
	c, w := ss.c, ss.colWidth()
	document, response, _ := sideTexts(ss.doc.t)
	left := []string{c.st.header.Render("document")}
	left = append(left, wrapText(document, w)...)
	right := []string{c.st.header.Render("instruction")}
	if ss.doc.p != nil {
		right = append(right, wrapText(ss.doc.p.Text, w)...)
	}
	right = append(right, "", c.st.header.Render("response"))
	right = append(right, wrapText(response, w)...)
	ss.cols, ss.width = [2][]string{left, right}, c.width
	for i := range ss.top {
		ss.top[i] = min(ss.top[i], max(0, len(ss.cols[i])-1))
	}
}

func (ss *sideScreen) move(a action) {
	h, i := ss.c.bodyHeight(), ss.focus
	d := map[action]int{actDown: 1, actUp: -1, actPageDown: h, actPageUp: -h, actHalfDown: h / 2, actHalfUp: -h / 2}
	switch a {
	case actTop:
		ss.top[i] = 0
	case actBottom:
		ss.top[i] = max(0, len(ss.cols[i])-(h-1)) // under the scrolling row
	default:
		ss.top[i] = max(0, min(ss.top[i]+d[a], len(ss.cols[i])-1))
	}
}

func (ss *sideScreen) wheel(delta int) tea.Cmd {
	if ss.doc != nil {
		i := ss.focus
		ss.top[i] = max(0, min(ss.top[i]+delta, len(ss.cols[i])-1))
	}
	return nil
}

func (ss *sideScreen) view() string {
	if ss.doc == nil {
		return ""
	}
	w, h := ss.colWidth(), ss.c.bodyHeight()
	rule := ss.c.st.border.Render(" │ ")
	out := make([]string, 0, h)
	// The first row says which column the keys scroll.
	var marks [2]string
	marks[ss.focus] = ss.c.st.accent.Render("▼ scrolling")
	out = append(out, padRight(marks[0], w)+rule+marks[1])
	for r := 0; r < h-1; r++ {
		var cell [2]string
		for i := range cell {
			if k := ss.top[i] + r; k < len(ss.cols[i]) {
				cell[i] = ss.cols[i][k]
			}
		}
		out = append(out, padRight(cell[0], w)+rule+cell[1])
	}
	return strings.Join(out, "\n")
}

// sideTexts finds a trace's source document and response: the sections
// so titled (the WebR codec's), their text taken from the raw trace, else
// from their steps. ok is false when the trace has not both.
func sideTexts(t *stepwise.Trace) (document, response string, ok bool) {
	var found [2]bool
	for _, s := range t.Sections {
		var i int
		switch strings.ToLower(s.Title) {
		case "document":
			i = 0
		case "response":
			i = 1
		default:
			continue
		}
		text := sectionText(t, s)
		if i == 0 {
			document = text
		} else {
			response = text
		}
		found[i] = true
	}
	return document, response, found[0] && found[1]
}

func sectionText(t *stepwise.Trace, s stepwise.Section) string {
	if s.Span.Start >= 0 && s.Span.End <= len(t.Raw) && s.Span.Start < s.Span.End {
		return t.Raw[s.Span.Start:s.Span.End]
	}
	var parts []string
	for i := s.FirstStep; i < s.EndStep && i < len(t.Steps); i++ {
		parts = append(parts, t.Steps[i].Text)
	}
	return strings.Join(parts, "\n")
}
