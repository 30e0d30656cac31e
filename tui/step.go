package tui

import (
	"fmt"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/stepwise-dev/stepwise"
	"github.com/stepwise-dev/stepwise/themes/termsafe"
	"github.com/stepwise-dev/stepwise/tui/render"
	"github.com/stepwise-dev/stepwise/verify/verifyrun"
)

// stepScreen shows everything about one step of the open trace: its full
// text, every source label with its details, every annotator's label,
// tool call data, calculator annotations and formalizations with their
// status and evidence, and the step's label history.
type stepScreen struct {
	noMouseClick
	c     *programContext
	doc   *traceDoc // the trace view's open trace (nil before the first open)
	index int
	top   int
	lines []string
	width int
	// want holds renders the last build found missing (markdown, Lean);
	// they run in a command and the screen is rebuilt when they arrive.
	want []render.Request
	req  int
	// history is the step's annotation events, oldest first.
	history    []stepwise.Annotation
	historyReq int
	// span is span selection of the step's words, while it runs.
	span *spanSel
}

// historyMsg delivers a step's annotation history.
type historyMsg struct {
	req    int
	events []stepwise.Annotation
	err    error
}

// stepRenderedMsg says the step screen's renders are in the cache.
type stepRenderedMsg struct{ req int }

func newStepScreen(c *programContext) *stepScreen { return &stepScreen{c: c} }

func (s *stepScreen) where() string { return "step detail" }

func (s *stepScreen) title() string { return fmt.Sprintf("step %d", s.index) }

func (s *stepScreen) hints() []action {
	return []action{actRateGood, actRateBad, actNextStep, actBack, actHelp}
}

func (s *stepScreen) handlers() []handler {
	c := s.c
	shown := func(run func() tea.Cmd) func() tea.Cmd {
		return func() tea.Cmd {
			if s.doc == nil {
				return nil
			}
			return run()
		}
	}
	id := func() string { return s.doc.t.ID }
	hs := moveHandlers(func(a action) tea.Cmd {
		if s.doc != nil {
			s.move(a)
		}
		return nil
	})
	hs = append(hs,
		on(actNextStep, shown(func() tea.Cmd { return s.step(1) })),
		on(actPrevStep, shown(func() tea.Cmd { return s.step(-1) })),
		on(actNextTrace, shown(func() tea.Cmd { return s.sibling(true) })),
		on(actPrevTrace, shown(func() tea.Cmd { return s.sibling(false) })),
		// The trace-level actions act on the trace the step belongs to.
		on(actJudge, shown(func() tea.Cmd { c.post(judgeReq{ids: []string{id()}}); return nil })),
		on(actJudgePair, shown(func() tea.Cmd { c.post(judgePairReq{id: id()}); return nil })),
		on(actJudgeRuns, shown(func() tea.Cmd { c.post(judgeRunsReq{id: id()}); return nil })),
		on(actSamples, shown(func() tea.Cmd {
			c.post(openSamplesReq{origin: id(), problem: s.doc.t.ProblemID})
			return nil
		})),
		on(actVerify, shown(func() tea.Cmd {
			return startVerify(c, fmt.Sprintf("step %d", s.index), verifyrun.StepTarget(id(), s.index))
		})),
	)
	lab := labeller{c: c, at: func() (*traceDoc, int) { return s.doc, s.index },
		advance: func(next int) tea.Cmd {
			c.post(selectStepReq{doc: s.doc, index: next})
			return s.moveTo(next)
		}}
	qs := questioner{c: c, at: lab.at, span: func(step int, schema string, q *stepwise.Question, save func(*stepwise.Answer) tea.Cmd) tea.Cmd {
		return s.startSpan(schema, q, save)
	}}
	return append(append(hs, lab.handlers()...), qs.handler())
}

func (s *stepScreen) move(a action) {
	h := s.c.bodyHeight()
	switch a {
	case actDown:
		s.scroll(1)
	case actUp:
		s.scroll(-1)
	case actPageDown:
		s.scroll(h)
	case actPageUp:
		s.scroll(-h)
	case actHalfDown:
		s.scroll(h / 2)
	case actHalfUp:
		s.scroll(-h / 2)
	case actTop:
		s.top = 0
	case actBottom:
		s.top = max(0, len(s.lines)-h)
	}
}

// step shows the step d after this one, and moves the trace view's cursor
// with it.
func (s *stepScreen) step(d int) tea.Cmd {
	n := s.index + d
	if n < 0 || n >= len(s.doc.t.Steps) {
		return nil
	}
	s.c.post(selectStepReq{doc: s.doc, index: n})
	return s.moveTo(n)
}

// sibling leaves step detail for the next or previous trace.
func (s *stepScreen) sibling(next bool) tea.Cmd {
	s.c.pop()
	askSibling(s.c, s.doc.ref, next)
	return nil
}

func (s *stepScreen) update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case openStepReq:
		return s.open(msg.doc, msg.index)
	case spanReq:
		if s.doc != nil && s.c.current() == scrStep {
			return s.startSpan(msg.schema, msg.q, msg.save)
		}
	case historyMsg:
		s.historyLoaded(msg)
	case stepRenderedMsg:
		if msg.req == s.req && s.doc != nil {
			s.build()
		}
	case labelSavedMsg:
		if s.c.current() == scrStep {
			return s.loadHistory()
		}
	case docChangedMsg:
		return s.docChanged(msg)
	}
	return nil
}

// docChanged follows the trace view's open trace: labels folded in and
// checks show at once; after a reload the step shows the new document.
func (s *stepScreen) docChanged(msg docChangedMsg) tea.Cmd {
	if s.doc == nil || s.c.current() != scrStep || s.doc.t.ID != msg.doc.t.ID {
		return nil
	}
	switch msg.why {
	case docReloaded:
		s.doc = msg.doc
		return s.refresh()
	case docChecks:
		if msg.step == s.index {
			s.build()
		}
	default:
		s.build()
	}
	return nil
}

func (s *stepScreen) open(doc *traceDoc, i int) tea.Cmd {
	s.doc, s.index, s.top = doc, i, 0
	s.c.push(scrStep)
	return batch(s.rebuild(), s.loadHistory())
}

// refresh shows the step again after its trace was reloaded, keeping the
// scroll position.
func (s *stepScreen) refresh() tea.Cmd {
	return batch(s.rebuild(), s.loadHistory())
}

// loadHistory reads the step's annotation events.
func (s *stepScreen) loadHistory() tea.Cmd {
	s.history, s.historyReq = nil, s.c.req()
	db, req, id, i := s.c.db, s.historyReq, s.doc.t.ID, s.index
	return func() tea.Msg {
		evs, err := db.StepHistory(id, i)
		return historyMsg{req: req, events: evs, err: err}
	}
}

func (s *stepScreen) historyLoaded(msg historyMsg) {
	if msg.req != s.historyReq || s.doc == nil {
		return
	}
	if msg.err != nil {
		s.c.setError("history: " + msg.err.Error())
		return
	}
	s.history = msg.events
	s.build()
}

func (s *stepScreen) resize() tea.Cmd {
	if s.doc != nil {
		return s.rebuild()
	}
	return nil
}

// rebuild lays the screen out and starts the renders it lacks.
func (s *stepScreen) rebuild() tea.Cmd {
	s.relayoutSpan()
	s.build()
	if len(s.want) == 0 {
		return nil
	}
	s.req = s.c.req()
	reqs, r, th, req := s.want, s.c.render, s.c.st.theme, s.req
	return func() tea.Msg {
		for _, rq := range reqs {
			r.Render(th, rq)
		}
		return stepRenderedMsg{req: req}
	}
}

// cached returns rendered lines when the cache has them, else queues the
// render and returns nil.
func (s *stepScreen) cached(req render.Request) []string {
	if res, ok := s.c.render.Lookup(s.c.st.theme, req); ok {
		return res.Lines
	}
	s.want = append(s.want, req)
	return nil
}

// build lays out the detail lines for the current width. It lists afresh
// the renders still missing, so a build after they land leaves none.
func (s *stepScreen) build() {
	s.want = nil
	c, t := s.c, s.doc.t
	st := &t.Steps[s.index]
	w := c.width - 2
	var out []string
	add := func(l ...string) { out = append(out, l...) }
	head := fmt.Sprintf("step %d of %d · %s", s.index, len(t.Steps), st.Kind)
	if st.Role != "" {
		head += " · " + termsafe.Line(st.Role)
	}
	if len(st.Labels) > 0 {
		head += "  " + ratingBadge(c, st.StepRating())
	}
	add(c.st.title.Render(head), "")
	text := s.cached(render.Request{Format: render.Markdown, ID: fmt.Sprintf("%s/%d/detail", t.ID, s.index),
		Text: st.Text, Options: render.Options{Width: w, Currency: strings.Contains(t.Dataset, "gsm8k")}})
	if text == nil {
		text = wrapText(st.Text, w)
	}
	for _, l := range text {
		add(" " + l)
	}
	if st.Tool != nil {
		add("", c.st.header.Render("tool"))
		add(kv(c, "name", st.Tool.Name), kv(c, "call id", st.Tool.CallID))
		if st.Tool.Arguments != "" {
			add(kv(c, "arguments", ""))
			for _, l := range wrapText(prettyJSON(st.Tool.Arguments), w-4) {
				add("    " + c.st.toolCall.Render(l))
			}
		}
		if st.Tool.Error != "" {
			add(kv(c, "error", st.Tool.Error))
		}
	}
	if sc := c.schemaOf(s.doc); sc != nil {
		add("", c.st.header.Render("questions ("+termsafe.Line(sc.Name)+") — ; then the key"))
		add(answerLines(c, sc, s.doc, s.index, w)...)
	}
	if human := humanLines(c, s.doc.ann.marks, s.index); len(human) > 0 {
		add("", c.st.header.Render("human labels"))
		add(human...)
	}
	add("", c.st.header.Render(fmt.Sprintf("source labels (%d)", len(st.Labels))))
	if len(st.Labels) == 0 {
		add(c.st.muted.Render("  the source does not label this step"))
	}
	for _, l := range st.Labels {
		add(labelLines(c, l, w)...)
	}
	if len(st.Calcs) > 0 {
		add("", c.st.header.Render(fmt.Sprintf("calculator annotations (%d)", len(st.Calcs))))
		for _, c := range st.Calcs {
			add("  " + termsafe.Line(c.Expr) + " = " + termsafe.Line(c.Result))
		}
	}
	if len(st.Formalizations) > 0 {
		add("", c.st.header.Render(fmt.Sprintf("formalizations (%d)", len(st.Formalizations))))
		for i, f := range st.Formalizations {
			add(s.formalLines(i, f, w)...)
		}
	}
	if len(s.history) > 0 {
		add("", c.st.header.Render(fmt.Sprintf("annotation history (%d events)", len(s.history))))
		for _, e := range s.history {
			add(historyLine(c, e))
		}
	}
	s.lines, s.width = out, c.width
	s.top = min(s.top, max(0, len(s.lines)-1))
}

func kv(c *programContext, k, v string) string {
	return "  " + c.st.muted.Render(padRight(k, 11)) + termsafe.Line(v)
}

func labelLines(c *programContext, l stepwise.Label, w int) []string {
	head := "  " + ratingBadge(c, l.Rating) + " " + l.Rating.String()
	if l.FirstError {
		head += c.st.bad.Render("  first error")
	}
	out := []string{head,
		kv(c, "source", fmt.Sprintf("%s (%s, %s scope)", l.Source, l.Origin, l.Scope))}
	if l.OrigIndex >= 0 {
		out = append(out, kv(c, "index", fmt.Sprintf("%d as written (%d-based)", l.OrigIndex, l.Base)))
	}
	if l.Category != "" {
		out = append(out, kv(c, "category", l.Category))
	}
	if l.Reason != "" {
		out = append(out, kv(c, "reason", ""))
		for _, line := range wrapText(l.Reason, w-4) {
			out = append(out, "    "+line)
		}
	}
	if l.Annotator != "" {
		out = append(out, kv(c, "annotator", l.Annotator))
	}
	if l.Flagged != nil && *l.Flagged {
		out = append(out, kv(c, "flagged", "yes"))
	}
	for i, a := range l.Alternatives {
		tag := ""
		if a.Human {
			tag = " (written by the labeler)"
		}
		out = append(out, kv(c, fmt.Sprintf("alt %d", i+1), a.Rating.String()+tag))
		for _, line := range wrapText(a.Text, w-6) {
			out = append(out, "      "+c.st.muted.Render(line))
		}
	}
	return append(out, "")
}

func (s *stepScreen) formalLines(i int, f stepwise.Formalization, w int) []string {
	c := s.c
	status := string(f.Status)
	if f.Status == stepwise.StatusStored {
		status = "stored by the dataset, not re-checked"
		if f.StoredState != "" {
			status += ": " + f.StoredState
		}
	}
	out := []string{kv(c, "origin", string(f.Origin)), kv(c, "status", status)}
	if f.Backend != "" {
		out = append(out, kv(c, "backend", f.Backend+" "+f.Toolchain))
	}
	lean := func(name, code string) {
		if code == "" {
			return
		}
		out = append(out, kv(c, name, ""))
		lines := s.cached(render.Request{Format: render.Code, Lang: "lean4",
			ID: fmt.Sprintf("%s/%d/f%d/%s", s.doc.t.ID, s.index, i, name), Text: code, Options: render.Options{Width: w - 4}})
		if lines == nil {
			lines = wrapText(code, w-4)
		}
		for _, l := range lines {
			out = append(out, "    "+l)
		}
	}
	lean("statement", f.Statement)
	lean("proof", f.Proof)
	for _, msg := range f.Messages {
		out = append(out, kv(c, "message", msg))
	}
	if f.Evidence != "" {
		out = append(out, kv(c, "evidence", ""))
		for _, l := range wrapText(f.Evidence, w-4) {
			out = append(out, "    "+c.st.muted.Render(l))
		}
	}
	return append(out, "")
}

// moveTo shows step n.
func (s *stepScreen) moveTo(n int) tea.Cmd {
	s.index, s.top = n, 0
	return batch(s.rebuild(), s.loadHistory())
}

func (s *stepScreen) wheel(delta int) tea.Cmd {
	if s.doc != nil {
		s.scroll(delta)
	}
	return nil
}

func (s *stepScreen) scroll(d int) {
	s.top = max(0, min(s.top+d, len(s.lines)-1))
}

func (s *stepScreen) view() string {
	if s.doc == nil {
		return ""
	}
	if s.span != nil {
		return s.spanView()
	}
	end := min(len(s.lines), s.top+s.c.bodyHeight())
	return strings.Join(s.lines[s.top:end], "\n")
}

// historyLine is one event of a step's history.
func historyLine(c *programContext, e stepwise.Annotation) string {
	what := describeEvent(e)
	if e.Undoes != 0 {
		what = fmt.Sprintf("undo of event %d", e.Undoes)
	}
	if e.Note != "" {
		what += ": " + e.Note
	}
	return "  " + c.st.muted.Render(e.Time.Local().Format("2006-01-02 15:04:05")) + "  " +
		termsafe.Line(e.Annotator) + "  " + termsafe.Line(what)
}
