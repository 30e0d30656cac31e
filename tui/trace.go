package tui

import (
	"fmt"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/stepwise-dev/stepwise"
	"github.com/stepwise-dev/stepwise/judge/judgerun"
	"github.com/stepwise-dev/stepwise/store"
	"github.com/stepwise-dev/stepwise/themes"
	"github.com/stepwise-dev/stepwise/themes/termsafe"
	"github.com/stepwise-dev/stepwise/tui/render"
)

// traceRef says which trace to open: by seq (from the list, with its row so
// that next/previous can walk the list) or by a typed id.
type traceRef struct {
	seq uint64
	id  string
	row int
	// queue is the 1-based triage queue item the trace was opened for (0:
	// not from the queue; from the queue the dataset's labels are hidden);
	// sample the 1-based row of the samples view it was opened from; step
	// is the step to show; gold marks a quality-control item, whose labels
	// are recorded as such.
	queue  int
	sample int
	step   int
	gold   bool
}

// traceScreen shows one trace: the problem on top, then the steps with a
// gutter of badges. It scrolls by step (the top step and how many of its
// lines are scrolled off), so a 150k-character trace is laid out only
// where it is on screen.
type traceScreen struct {
	req     int
	ref     traceRef
	t       *stepwise.Trace
	p       *stepwise.Problem
	loading bool

	cursor  int // selected step
	top     int // first step on screen
	topLine int // lines of the top step above the screen

	showProblem bool
	raw         bool
	query       string
	matches     []textMatch
	// problemMatches counts the query's matches in the problem text,
	// which the list's search counts too.
	problemMatches int
	match          int

	blocks *blockCache
	// want lists steps whose markdown is not rendered yet; inflight those
	// a background render is working on.
	want     map[int]bool
	inflight map[int]bool

	ann annotation
	// head caches the header block for headKey.
	head    []string
	headKey headerKey
	// judged is the latest single-trace judge run's head (flags, first
	// error), nil when the trace has none.
	judged *store.RunHead
	// checked holds the verification results saved or streamed for the
	// trace's steps; they replace the dataset's stored statuses.
	checked map[int][]stepwise.Formalization
	// prm holds the process reward models' scores of the trace.
	prm []store.PRMScores
}

// judgementMsg delivers a trace's latest judge run head.
type judgementMsg struct {
	req  int
	head *store.RunHead
}

// renderedMsg says a background render of some steps finished.
type renderedMsg struct {
	req   int
	steps []int
}

type traceMsg struct {
	req     int
	t       *stepwise.Trace
	p       *stepwise.Problem
	events  []stepwise.Annotation
	judged  *store.RunHead
	checked map[int][]stepwise.Formalization
	prm     []store.PRMScores
	err     error
	// keep: a reload of the open trace, which keeps the position.
	keep bool
}

func (ts *traceScreen) title() string {
	if ts.t == nil {
		return "trace"
	}
	return ts.t.ID
}

// open loads a trace and shows it.
func (ts *traceScreen) open(m *Model, ref traceRef) tea.Cmd {
	if m.current() != scrTrace {
		for m.current() == scrStep {
			m.pop()
		}
		if m.current() != scrTrace {
			m.push(scrTrace)
		}
	}
	ts.ref, ts.loading = ref, true
	return ts.load(m, false)
}

// load reads the trace ts.ref names with its problem and evidence; keep
// (a reload after another process changed the store) keeps the position.
func (ts *traceScreen) load(m *Model, keep bool) tea.Cmd {
	ts.req = m.req()
	req, db, ref := ts.req, m.db, ts.ref
	return func() tea.Msg {
		var t *stepwise.Trace
		var err error
		if ref.id != "" {
			t, err = db.Get(ref.id)
		} else {
			t, err = db.GetSeq(ref.seq)
		}
		if err != nil {
			return traceMsg{req: req, err: err}
		}
		p, err := db.TraceProblem(t)
		if err != nil {
			return traceMsg{req: req, err: err}
		}
		evs, err := db.Events(t.ID)
		if err != nil {
			return traceMsg{req: req, err: err}
		}
		head, err := db.LatestJudgement(t.ID)
		if err != nil {
			return traceMsg{req: req, err: err}
		}
		prm, err := db.PRMScoresOf(t.ID)
		if err != nil {
			return traceMsg{req: req, err: err}
		}
		checked, err := db.Checks(t.ID)
		if err == nil {
			stepwise.ApplyChecks(t, checked)
		}
		return traceMsg{req: req, t: t, p: p, events: evs, judged: head, checked: checked, prm: prm, err: err, keep: keep}
	}
}

// storeChanged reloads the open trace's evidence (labels, checks, judge
// runs) that another process may have written, keeping the position.
func (ts *traceScreen) storeChanged(m *Model) tea.Cmd {
	if ts.t == nil || ts.loading || !m.onStack(scrTrace) {
		return nil
	}
	return ts.load(m, true)
}

func (ts *traceScreen) loaded(m *Model, msg traceMsg) tea.Cmd {
	if msg.req != ts.req {
		return nil
	}
	ts.loading = false
	if msg.err != nil {
		m.setError(msg.err.Error())
		if ts.t == nil {
			m.pop()
		}
		return nil
	}
	ts.t, ts.p = msg.t, msg.p
	if ts.ref.queue > 0 {
		// Labelling from the queue is blind: the dataset's labels and
		// verdict stay hidden for every item, so that a hidden gold item
		// looks like any other and no label anchors the annotator.
		hideSourceLabels(ts.t)
	}
	if msg.keep {
		ts.ann.refresh(msg.events, len(msg.t.Steps))
	} else {
		ts.ann.reset(msg.events, len(msg.t.Steps))
	}
	ts.judged, ts.checked, ts.prm = msg.judged, msg.checked, msg.prm
	ts.blocks = newBlockCache()
	ts.want, ts.inflight = map[int]bool{}, map[int]bool{}
	if msg.keep && ts.cursor < len(ts.t.Steps) {
		ts.layout(m)
		if m.current() == scrStep && m.step.t != nil && m.step.t.ID == ts.t.ID {
			m.step.t, m.step.p = ts.t, ts.p
			return m.step.refresh(m)
		}
		return nil
	}
	ts.cursor, ts.top, ts.topLine = 0, 0, 0
	ts.showProblem = true
	if ts.query != "" {
		ts.setQuery(m, ts.query)
	}
	ts.layout(m)
	if ts.ref.step > 0 && ts.ref.step < len(ts.t.Steps) {
		ts.select_(m, ts.ref.step)
		ts.layout(m)
	}
	return nil
}

// judgeFlag is the latest judge run's flag reason on step i ("" when none).
func (ts *traceScreen) judgeFlag(i int) string {
	if ts.judged == nil {
		return ""
	}
	for _, f := range ts.judged.StepFlags {
		if f.Step == i {
			return f.Reason
		}
	}
	return ""
}

// reloadJudgement refreshes the judge flags after a run.
func (ts *traceScreen) reloadJudgement(m *Model) tea.Cmd {
	if ts.t == nil {
		return nil
	}
	db, req, id := m.db, ts.req, ts.t.ID
	return func() tea.Msg {
		head, _ := db.LatestJudgement(id)
		return judgementMsg{req: req, head: head}
	}
}

func (ts *traceScreen) judgementLoaded(m *Model, msg judgementMsg) {
	if msg.req == ts.req && ts.t != nil {
		ts.judged = msg.head
		ts.blocks = newBlockCache()
		ts.layout(m)
	}
}

// hideSourceLabels drops the dataset's labels from a trace shown as a
// quality-control item, so they cannot give the answer away.
func hideSourceLabels(t *stepwise.Trace) {
	t.Labels = nil
	for i := range t.Steps {
		t.Steps[i].Labels = nil
	}
	for i := range t.Sections {
		t.Sections[i].Labels = nil
	}
	t.Correct = nil
}

func (ts *traceScreen) resize(m *Model) tea.Cmd {
	if ts.t != nil {
		ts.layout(m)
	}
	return nil
}

// contentWidth is the width of a step's text, right of the gutter.
func (ts *traceScreen) contentWidth(m *Model) int { return max(10, m.width-gutterWidth-1) }

// headerKey is what the header block depends on: it is rebuilt only when
// one of these changes (it is asked for several times per frame).
type headerKey struct {
	t            *stepwise.Trace
	width        int
	problem, pal bool
	theme        *themes.Theme
}

// headerLines is the problem and answer block above the steps.
func (ts *traceScreen) headerLines(m *Model) []string {
	k := headerKey{ts.t, m.width, ts.showProblem, m.opts.Annotator != "" && !m.hidePalette, m.st.theme}
	if ts.head != nil && ts.headKey == k {
		return ts.head
	}
	ts.head, ts.headKey = ts.buildHeader(m), k
	return ts.head
}

func (ts *traceScreen) buildHeader(m *Model) []string {
	t, p := ts.t, ts.p
	var out []string
	info := fmt.Sprintf("%s · %s · %d steps", termsafe.Line(t.Dataset), termsafe.Line(orDash(t.Model)), len(t.Steps))
	if t.Truncated {
		info += " · " + m.st.warning.Render("✂ truncated")
	}
	out = append(out, m.st.muted.Render(info))
	if ts.showProblem {
		lines := wrapText(p.Text, m.width-2)
		if len(lines) > 6 {
			lines = append(lines[:6], m.st.dim.Render(fmt.Sprintf("… %d more lines (p hides the problem)", len(lines)-6)))
		}
		for _, l := range lines {
			out = append(out, "  "+l)
		}
	}
	ans := "answer " + m.st.accent.Render(termsafe.Line(orDash(t.FinalAnswer)))
	if p.GoldAnswer != "" {
		ans += "   gold " + m.st.accent.Render(termsafe.Line(p.GoldAnswer))
	}
	switch {
	case t.Correct == nil:
		ans += "   " + m.st.unknown.Render("correctness unknown")
	case *t.Correct:
		ans += "   " + m.st.good.Render("✓ correct")
	default:
		ans += "   " + m.st.bad.Render("✗ wrong")
	}
	if t.CorrectBy != "" {
		// How: "source: final_answer_correct", "grader 1: numeric".
		ans += " " + m.st.dim.Render("("+termsafe.Line(t.CorrectBy)+")")
	}
	if fe := t.FirstError(); fe != nil {
		if *fe >= 0 {
			ans += "   first error " + m.st.bad.Render(fmt.Sprintf("step %d", *fe))
		} else {
			ans += "   " + m.st.good.Render("no step labeled wrong")
		}
	}
	out = append(out, ans)
	if m.opts.Annotator != "" && !m.hidePalette {
		out = append(out, paletteLine(m))
	}
	return append(out, m.st.border.Render(strings.Repeat("─", m.width)))
}

// stepsHeight is the rows left for steps under the header.
func (ts *traceScreen) stepsHeight(m *Model) int {
	return max(1, m.bodyHeight()-len(ts.headerLines(m)))
}

// layout makes sure every step on screen has its block in the cache.
func (ts *traceScreen) layout(m *Model) {
	if ts.t == nil {
		return
	}
	ts.blocks.reset(ts.contentWidth(m), ts.raw, ts.query)
	h := ts.stepsHeight(m)
	used := -ts.topLine
	for i := ts.top; i < len(ts.t.Steps) && used < h; i++ {
		used += len(ts.block(m, i))
	}
}

// block returns the rendered lines of step i (gutter included).
func (ts *traceScreen) block(m *Model, i int) []string {
	if b, ok := ts.blocks.get(i); ok {
		return b
	}
	matches := ts.matchesIn(i)
	var md []string
	if req, ok := ts.markdownRequest(m, i); ok && len(matches) == 0 {
		if res, ok := m.render.Lookup(m.st.theme, req); ok {
			md = res.Lines
		} else if !ts.inflight[i] {
			ts.want[i] = true
		}
	}
	b := renderStepBlock(m, ts.t, i, ts.contentWidth(m), md, i == ts.cursor, matches, ts.mine(m), ts.judgeFlag(i))
	if note := prmNote(m, ts.prm, i); note != "" {
		b = append(b[:len(b)-1], strings.Repeat(" ", gutterWidth)+note, "")
	}
	ts.blocks.put(i, b)
	return b
}

// markdownRequest is the render request for step i's text, when the step
// is prose (not a tool call or result) and the view is not in raw mode.
func (ts *traceScreen) markdownRequest(m *Model, i int) (render.Request, bool) {
	s := &ts.t.Steps[i]
	if ts.raw || s.Kind == stepwise.StepToolCall || s.Kind == stepwise.StepToolResult {
		return render.Request{}, false
	}
	return render.Request{
		Format: render.Markdown,
		ID:     fmt.Sprintf("%s/%d", ts.t.ID, i),
		Text:   s.Text,
		Options: render.Options{Width: ts.contentWidth(m), MathUnicode: false,
			Currency: strings.Contains(ts.t.Dataset, "gsm8k")},
	}, true
}

// renderCmd renders, off the UI goroutine, the markdown of the steps the
// last layout found missing; their plain text shows meanwhile.
func (ts *traceScreen) renderCmd(m *Model) tea.Cmd {
	if ts.t == nil || len(ts.want) == 0 {
		return nil
	}
	var reqs []render.Request
	var steps []int
	for i := range ts.want {
		if req, ok := ts.markdownRequest(m, i); ok {
			reqs = append(reqs, req)
			steps = append(steps, i)
			ts.inflight[i] = true
		}
	}
	ts.want = map[int]bool{}
	r, th, req := m.render, m.st.theme, ts.req
	return func() tea.Msg {
		for _, rq := range reqs {
			r.Render(th, rq)
		}
		return renderedMsg{req: req, steps: steps}
	}
}

// rendered drops the plain blocks of freshly rendered steps.
func (ts *traceScreen) rendered(m *Model, msg renderedMsg) {
	if msg.req != ts.req {
		return
	}
	for _, i := range msg.steps {
		delete(ts.inflight, i)
		ts.blocks.drop(i)
	}
	ts.layout(m)
}

func (ts *traceScreen) key(m *Model, a action) tea.Cmd {
	if ts.t == nil {
		return nil
	}
	switch a {
	case "down":
		ts.select_(m, ts.cursor+1)
	case "up":
		ts.select_(m, ts.cursor-1)
	case "top":
		ts.select_(m, 0)
	case "bottom":
		ts.select_(m, len(ts.t.Steps)-1)
	case "page-down":
		return ts.scroll(m, ts.stepsHeight(m))
	case "page-up":
		return ts.scroll(m, -ts.stepsHeight(m))
	case "half-down":
		return ts.scroll(m, ts.stepsHeight(m)/2)
	case "half-up":
		return ts.scroll(m, -ts.stepsHeight(m)/2)
	case "open":
		if len(ts.t.Steps) == 0 {
			m.setError("this trace has no steps")
			return nil
		}
		return m.step.open(m, ts.t, ts.p, ts.cursor)
	case "toggle-problem":
		ts.showProblem = !ts.showProblem
	case "palette":
		m.hidePalette = !m.hidePalette
	case "raw":
		ts.raw = !ts.raw
	case "next-trace", "prev-trace":
		return ts.sibling(m, a == "next-trace")
	case "search":
		m.prompt = newPrompt(m, promptTraceSearch, "/", ts.query)
		return nil
	case "next-match", "prev-match":
		if cmd := ts.nextMatch(m, a == "next-match"); cmd != nil {
			return cmd
		}
	case "judge":
		return m.judge.ask(m, ts.t.ID)
	case "judge-pair":
		return ts.judgePair(m)
	case "samples":
		return m.samples.open(m, ts.t.ID, ts.t.ProblemID)
	case "judge-runs":
		return m.judge.list(m, ts.t.ID)
	}
	ts.layout(m)
	return nil
}

// sibling opens the next or previous trace of the list it came from, or
// the next or previous item of the triage queue.
func (ts *traceScreen) sibling(m *Model, next bool) tea.Cmd {
	if ts.ref.queue > 0 {
		i := ts.ref.queue - 1 - 1
		if next {
			i = ts.ref.queue - 1 + 1
		}
		if i < 0 || i >= len(m.queue.items) {
			m.setError("no more items in the triage queue")
			return nil
		}
		return m.queue.open(m, i)
	}
	if ts.ref.sample > 0 {
		return m.samples.sibling(m, ts.ref.sample-1, next)
	}
	if ts.ref.seq == 0 {
		m.setError("this trace was opened by id, not from a list: no next or previous")
		return nil
	}
	row := ts.ref.row - 1
	if next {
		row = ts.ref.row + 1
	}
	seq, ok := m.list.seqAt(row)
	if !ok {
		m.setError("no more traces in the list")
		return nil
	}
	m.list.cursor = row
	m.list.clamp(m)
	return tea.Batch(ts.open(m, traceRef{seq: seq, row: row}), m.list.ensureRows(m))
}

// select_ moves the step cursor and scrolls it into view.
func (ts *traceScreen) select_(m *Model, i int) {
	if len(ts.t.Steps) == 0 {
		return
	}
	i = max(0, min(i, len(ts.t.Steps)-1))
	old := ts.cursor
	ts.cursor = i
	ts.blocks.drop(old)
	ts.blocks.drop(i)
	h := ts.stepsHeight(m)
	if i < ts.top || (i == ts.top && ts.topLine > 0) {
		ts.top, ts.topLine = i, 0
		return
	}
	// Lines from the screen top to the end of step i.
	used := -ts.topLine
	for j := ts.top; j <= i; j++ {
		used += len(ts.block(m, j))
	}
	for used > h && ts.top < i {
		used -= len(ts.block(m, ts.top)) - ts.topLine
		ts.top, ts.topLine = ts.top+1, 0
	}
	if used > h && ts.top == i {
		ts.topLine = 0 // a step taller than the screen shows from its start
	}
}

// scroll moves the view by n lines across step boundaries.
func (ts *traceScreen) scroll(m *Model, n int) tea.Cmd {
	if ts.t == nil {
		return nil
	}
	for n > 0 {
		rest := len(ts.block(m, ts.top)) - ts.topLine
		if ts.top == len(ts.t.Steps)-1 {
			ts.topLine = min(ts.topLine+n, max(0, len(ts.block(m, ts.top))-1))
			break
		}
		if n < rest {
			ts.topLine += n
			break
		}
		n -= rest
		ts.top, ts.topLine = ts.top+1, 0
	}
	for n < 0 {
		if -n <= ts.topLine {
			ts.topLine += n
			break
		}
		n += ts.topLine + 1
		if ts.top == 0 {
			ts.topLine = 0
			break
		}
		ts.top--
		ts.topLine = len(ts.block(m, ts.top)) - 1
	}
	// Keep the cursor on a visible step.
	if ts.cursor < ts.top {
		ts.blocks.drop(ts.cursor)
		ts.cursor = ts.top
		ts.blocks.drop(ts.cursor)
	}
	ts.layout(m)
	return nil
}

// click selects the step under the pointer.
func (ts *traceScreen) click(m *Model, row int) tea.Cmd {
	if ts.t == nil {
		return nil
	}
	y := row - len(ts.headerLines(m))
	if y < 0 {
		return nil
	}
	used := -ts.topLine
	for i := ts.top; i < len(ts.t.Steps); i++ {
		used += len(ts.block(m, i))
		if y < used {
			if i == ts.cursor {
				return ts.key(m, "open")
			}
			ts.select_(m, i)
			ts.layout(m)
			return nil
		}
	}
	return nil
}

func (ts *traceScreen) view(m *Model) string {
	if ts.t == nil {
		return m.st.muted.Render("loading…")
	}
	lines := ts.headerLines(m)
	h := ts.stepsHeight(m)
	var body []string
	for i := ts.top; i < len(ts.t.Steps) && len(body) < h+ts.topLine; i++ {
		b, ok := ts.blocks.get(i)
		if !ok {
			b = []string{m.st.dim.Render(fmt.Sprintf("%*d …", gutterWidth-2, i))}
		}
		body = append(body, b...)
	}
	if ts.topLine < len(body) {
		body = body[ts.topLine:]
	}
	if len(ts.t.Steps) == 0 {
		body = []string{m.st.muted.Render("  (no steps)")}
		if s := ts.t.Meta["safe_status"]; s != "" {
			body = append(body, m.st.muted.Render("  source status: "+termsafe.Line(s)))
		}
	}
	lines = append(lines, body...)
	if len(lines) > m.bodyHeight() {
		lines = lines[:m.bodyHeight()]
	}
	return strings.Join(lines, "\n")
}

// judgePair finds another trace of the problem and judges the pair.
// partnerMsg brings the trace a pairwise judge run pairs with this one.
type partnerMsg struct {
	req     int
	id      string
	partner string
	err     error
}

// judgePair finds a partner (another trace of the problem, one with the
// other outcome if there is one) in the background, then judges the pair.
func (ts *traceScreen) judgePair(m *Model) tea.Cmd {
	db, req, id := m.db, ts.req, ts.t.ID
	return func() tea.Msg {
		partner, err := judgerun.Partner(db, id)
		return partnerMsg{req: req, id: id, partner: partner, err: err}
	}
}

func (ts *traceScreen) partnerFound(m *Model, msg partnerMsg) tea.Cmd {
	if msg.req != ts.req {
		return nil
	}
	if msg.err != nil || msg.partner == "" {
		err := msg.err
		if err == nil {
			err = errNoPartner
		}
		m.setError("pairwise judge: " + err.Error())
		return nil
	}
	return m.judge.ask(m, msg.id, msg.partner)
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}
