package tui

import (
	"fmt"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/stepwise-dev/stepwise"
	"github.com/stepwise-dev/stepwise/themes/termsafe"
	"github.com/stepwise-dev/stepwise/tui/render"
)

// stepScreen shows everything about one step: its full text, every source
// label with its details, tool call data, calculator annotations and
// formalizations with their status and evidence.
type stepScreen struct {
	t     *stepwise.Trace
	p     *stepwise.Problem
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
}

// historyMsg delivers a step's annotation history.
type historyMsg struct {
	req    int
	events []stepwise.Annotation
	err    error
}

// stepRenderedMsg says the step screen's renders are in the cache.
type stepRenderedMsg struct{ req int }

func (s *stepScreen) open(m *Model, t *stepwise.Trace, p *stepwise.Problem, i int) tea.Cmd {
	s.t, s.p, s.index, s.top = t, p, i, 0
	m.push(scrStep)
	return tea.Batch(s.rebuild(m), s.loadHistory(m))
}

// refresh shows the step again after its trace was reloaded, keeping the
// scroll position.
func (s *stepScreen) refresh(m *Model) tea.Cmd {
	return tea.Batch(s.rebuild(m), s.loadHistory(m))
}

// loadHistory reads the step's annotation events.
func (s *stepScreen) loadHistory(m *Model) tea.Cmd {
	s.history, s.historyReq = nil, m.req()
	db, req, id, i := m.db, s.historyReq, s.t.ID, s.index
	return func() tea.Msg {
		evs, err := db.StepHistory(id, i)
		return historyMsg{req: req, events: evs, err: err}
	}
}

func (s *stepScreen) historyLoaded(m *Model, msg historyMsg) {
	if msg.req != s.historyReq || s.t == nil {
		return
	}
	if msg.err != nil {
		m.setError("history: " + msg.err.Error())
		return
	}
	s.history = msg.events
	s.build(m)
}

func (s *stepScreen) resize(m *Model) tea.Cmd {
	if s.t != nil {
		return s.rebuild(m)
	}
	return nil
}

// rebuild lays the screen out and starts the renders it lacks.
func (s *stepScreen) rebuild(m *Model) tea.Cmd {
	s.build(m)
	if len(s.want) == 0 {
		return nil
	}
	s.req = m.req()
	reqs, r, th, req := s.want, m.render, m.st.theme, s.req
	return func() tea.Msg {
		for _, rq := range reqs {
			r.Render(th, rq)
		}
		return stepRenderedMsg{req: req}
	}
}

func (s *stepScreen) rendered(m *Model, msg stepRenderedMsg) {
	if msg.req == s.req && s.t != nil {
		s.build(m)
	}
}

// cached returns rendered lines when the cache has them, else queues the
// render and returns nil.
func (s *stepScreen) cached(m *Model, req render.Request) []string {
	if res, ok := m.render.Lookup(m.st.theme, req); ok {
		return res.Lines
	}
	s.want = append(s.want, req)
	return nil
}

// build lays out the detail lines for the current width. It lists afresh
// the renders still missing, so a build after they land leaves none.
func (s *stepScreen) build(m *Model) {
	s.want = nil
	st := &s.t.Steps[s.index]
	w := m.width - 2
	var out []string
	add := func(l ...string) { out = append(out, l...) }
	head := fmt.Sprintf("step %d of %d · %s", s.index, len(s.t.Steps), st.Kind)
	if st.Role != "" {
		head += " · " + termsafe.Line(st.Role)
	}
	if len(st.Labels) > 0 {
		head += "  " + ratingBadge(m, st.StepRating())
	}
	add(m.st.title.Render(head), "")
	text := s.cached(m, render.Request{Format: render.Markdown, ID: fmt.Sprintf("%s/%d/detail", s.t.ID, s.index),
		Text: st.Text, Options: render.Options{Width: w, Currency: strings.Contains(s.t.Dataset, "gsm8k")}})
	if text == nil {
		text = wrapText(st.Text, w)
	}
	for _, l := range text {
		add(" " + l)
	}
	if st.Tool != nil {
		add("", m.st.header.Render("tool"))
		add(kv(m, "name", st.Tool.Name), kv(m, "call id", st.Tool.CallID))
		if st.Tool.Arguments != "" {
			add(kv(m, "arguments", ""))
			for _, l := range wrapText(prettyJSON(st.Tool.Arguments), w-4) {
				add("    " + m.st.toolCall.Render(l))
			}
		}
		if st.Tool.Error != "" {
			add(kv(m, "error", st.Tool.Error))
		}
	}
	if human := humanLines(m, m.trace.ann.marks, s.index); len(human) > 0 {
		add("", m.st.header.Render("human labels"))
		add(human...)
	}
	add("", m.st.header.Render(fmt.Sprintf("source labels (%d)", len(st.Labels))))
	if len(st.Labels) == 0 {
		add(m.st.muted.Render("  the source does not label this step"))
	}
	for _, l := range st.Labels {
		add(labelLines(m, l, w)...)
	}
	if len(st.Calcs) > 0 {
		add("", m.st.header.Render(fmt.Sprintf("calculator annotations (%d)", len(st.Calcs))))
		for _, c := range st.Calcs {
			add("  " + termsafe.Line(c.Expr) + " = " + termsafe.Line(c.Result))
		}
	}
	if len(st.Formalizations) > 0 {
		add("", m.st.header.Render(fmt.Sprintf("formalizations (%d)", len(st.Formalizations))))
		for i, f := range st.Formalizations {
			add(s.formalLines(m, i, f, w)...)
		}
	}
	if len(s.history) > 0 {
		add("", m.st.header.Render(fmt.Sprintf("annotation history (%d events)", len(s.history))))
		for _, e := range s.history {
			add(historyLine(m, e))
		}
	}
	s.lines, s.width = out, m.width
	s.top = min(s.top, max(0, len(s.lines)-1))
}

func kv(m *Model, k, v string) string {
	return "  " + m.st.muted.Render(padRight(k, 11)) + termsafe.Line(v)
}

func labelLines(m *Model, l stepwise.Label, w int) []string {
	head := "  " + ratingBadge(m, l.Rating) + " " + l.Rating.String()
	if l.FirstError {
		head += m.st.bad.Render("  first error")
	}
	out := []string{head,
		kv(m, "source", fmt.Sprintf("%s (%s, %s scope)", l.Source, l.Origin, l.Scope))}
	if l.OrigIndex >= 0 {
		out = append(out, kv(m, "index", fmt.Sprintf("%d as written (%d-based)", l.OrigIndex, l.Base)))
	}
	if l.Category != "" {
		out = append(out, kv(m, "category", l.Category))
	}
	if l.Reason != "" {
		out = append(out, kv(m, "reason", ""))
		for _, line := range wrapText(l.Reason, w-4) {
			out = append(out, "    "+line)
		}
	}
	if l.Annotator != "" {
		out = append(out, kv(m, "annotator", l.Annotator))
	}
	if l.Flagged != nil && *l.Flagged {
		out = append(out, kv(m, "flagged", "yes"))
	}
	for i, a := range l.Alternatives {
		tag := ""
		if a.Human {
			tag = " (written by the labeler)"
		}
		out = append(out, kv(m, fmt.Sprintf("alt %d", i+1), a.Rating.String()+tag))
		for _, line := range wrapText(a.Text, w-6) {
			out = append(out, "      "+m.st.muted.Render(line))
		}
	}
	return append(out, "")
}

func (s *stepScreen) formalLines(m *Model, i int, f stepwise.Formalization, w int) []string {
	status := string(f.Status)
	if f.Status == stepwise.StatusStored {
		status = "stored by the dataset, not re-checked"
		if f.StoredState != "" {
			status += ": " + f.StoredState
		}
	}
	out := []string{kv(m, "origin", string(f.Origin)), kv(m, "status", status)}
	if f.Backend != "" {
		out = append(out, kv(m, "backend", f.Backend+" "+f.Toolchain))
	}
	lean := func(name, code string) {
		if code == "" {
			return
		}
		out = append(out, kv(m, name, ""))
		lines := s.cached(m, render.Request{Format: render.Code, Lang: "lean4",
			ID: fmt.Sprintf("%s/%d/f%d/%s", s.t.ID, s.index, i, name), Text: code, Options: render.Options{Width: w - 4}})
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
		out = append(out, kv(m, "message", msg))
	}
	if f.Evidence != "" {
		out = append(out, kv(m, "evidence", ""))
		for _, l := range wrapText(f.Evidence, w-4) {
			out = append(out, "    "+m.st.muted.Render(l))
		}
	}
	return append(out, "")
}

func (s *stepScreen) key(m *Model, a action) tea.Cmd {
	if s.t == nil {
		return nil
	}
	h := m.bodyHeight()
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
	case actNextStep, actPrevStep:
		d := 1
		if a == actPrevStep {
			d = -1
		}
		if n := s.index + d; n >= 0 && n < len(s.t.Steps) {
			m.trace.select_(m, n)
			return s.moveTo(m, n)
		}
	case actNextTrace, actPrevTrace:
		m.pop()
		return m.trace.sibling(m, a == actNextTrace)
	case actJudge, actJudgePair, actJudgeRuns, actSamples:
		return m.trace.key(m, a) // they act on the trace the step belongs to
	}
	return nil
}

// moveTo shows step n.
func (s *stepScreen) moveTo(m *Model, n int) tea.Cmd {
	s.index, s.top = n, 0
	return tea.Batch(s.rebuild(m), s.loadHistory(m))
}

func (s *stepScreen) scroll(d int) {
	s.top = max(0, min(s.top+d, len(s.lines)-1))
}

func (s *stepScreen) view(m *Model) string {
	if s.t == nil {
		return ""
	}
	end := min(len(s.lines), s.top+m.bodyHeight())
	return strings.Join(s.lines[s.top:end], "\n")
}

// historyLine is one event of a step's history.
func historyLine(m *Model, e stepwise.Annotation) string {
	what := describeEvent(e)
	if e.Undoes != 0 {
		what = fmt.Sprintf("undo of event %d", e.Undoes)
	}
	if e.Note != "" {
		what += ": " + e.Note
	}
	return "  " + m.st.muted.Render(e.Time.Local().Format("2006-01-02 15:04:05")) + "  " +
		termsafe.Line(e.Annotator) + "  " + termsafe.Line(what)
}
