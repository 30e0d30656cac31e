package tui

import (
	"fmt"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/stepwise-dev/stepwise"
	"github.com/stepwise-dev/stepwise/store"
	"github.com/stepwise-dev/stepwise/themes"
	"github.com/stepwise-dev/stepwise/themes/termsafe"
	"github.com/stepwise-dev/stepwise/tui/render"
	"github.com/stepwise-dev/stepwise/verify/verifyrun"
)

// traceScreen shows one trace: the problem on top, then the steps with a
// gutter of badges. It scrolls by step (the top step and how many of its
// lines are scrolled off), so a 150k-character trace is laid out only
// where it is on screen.
type traceScreen struct {
	c       *programContext
	req     int
	ref     traceRef  // the trace asked for (being loaded, or shown)
	doc     *traceDoc // the trace shown (doc.t nil before the first load)
	loading bool

	cursor  int // selected step
	top     int // first step on screen
	topLine int // lines of the top step above the screen

	showProblem bool
	raw         bool
	// hidePalette hides the label palette above the steps.
	hidePalette bool
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

	// head caches the header block for headKey.
	head    []string
	headKey headerKey
}

func newTraceScreen(c *programContext) *traceScreen {
	return &traceScreen{c: c, doc: &traceDoc{}, blocks: newBlockCache(), want: map[int]bool{}, inflight: map[int]bool{}}
}

func (ts *traceScreen) where() string { return "trace view" }

func (ts *traceScreen) title() string {
	if ts.doc.t == nil {
		return "trace"
	}
	return ts.doc.t.ID
}

func (ts *traceScreen) hints() []action {
	return []action{actRateGood, actRateBad, actFirstError, actUndo, actOpen, actNextTrace, actHelp}
}

func (ts *traceScreen) handlers() []handler {
	c := ts.c
	loaded := func(run func() tea.Cmd) func() tea.Cmd {
		return func() tea.Cmd {
			if ts.doc.t == nil {
				return nil
			}
			return run()
		}
	}
	relaid := func(f func()) func() tea.Cmd {
		return loaded(func() tea.Cmd { f(); ts.layout(); return nil })
	}
	hs := moveHandlers(func(a action) tea.Cmd {
		if ts.doc.t == nil {
			return nil
		}
		return ts.move(a)
	})
	hs = append(hs,
		on(actOpen, loaded(func() tea.Cmd {
			if len(ts.doc.t.Steps) == 0 {
				c.setError("this trace has no steps")
				return nil
			}
			c.post(openStepReq{doc: ts.doc, index: ts.cursor})
			return nil
		})),
		on(actToggleProblem, relaid(func() { ts.showProblem = !ts.showProblem })),
		on(actPalette, relaid(func() { ts.hidePalette = !ts.hidePalette })),
		on(actRaw, relaid(func() { ts.raw = !ts.raw })),
		on(actNextTrace, loaded(func() tea.Cmd { return ts.sibling(true) })),
		on(actPrevTrace, loaded(func() tea.Cmd { return ts.sibling(false) })),
		on(actSearch, loaded(func() tea.Cmd {
			c.ask(newPrompt(c, "/", ts.query, func(q string) tea.Cmd { ts.setQuery(q); return nil }))
			return nil
		})),
		on(actNextMatch, loaded(func() tea.Cmd { return ts.nextMatch(true) })),
		on(actPrevMatch, loaded(func() tea.Cmd { return ts.nextMatch(false) })),
		on(actJudge, loaded(func() tea.Cmd { c.post(judgeReq{ids: []string{ts.doc.t.ID}}); return nil })),
		on(actJudgePair, loaded(func() tea.Cmd { c.post(judgePairReq{id: ts.doc.t.ID}); return nil })),
		on(actJudgeRuns, loaded(func() tea.Cmd { c.post(judgeRunsReq{id: ts.doc.t.ID}); return nil })),
		on(actSamples, loaded(func() tea.Cmd {
			c.post(openSamplesReq{origin: ts.doc.t.ID, problem: ts.doc.t.ProblemID})
			return nil
		})),
		on(actVerify, loaded(func() tea.Cmd { return startVerify(c, "trace", verifyrun.TraceTarget(ts.doc.t.ID)) })),
		on(actRounds, loaded(func() tea.Cmd { c.post(openRoundsReq{doc: ts.doc}); return nil })).unless(ts.noToolCall),
		on(actSideBySide, loaded(func() tea.Cmd { c.post(openSideReq{doc: ts.doc}); return nil })).unless(ts.noSideBySide),
		jumpHandler(c),
	)
	lab := labeller{c: c, at: func() (*traceDoc, int) { return ts.doc, ts.cursor },
		advance: func(next int) tea.Cmd { ts.selectStep(next); ts.layout(); return nil }}
	// A span question selects words in step detail: open the step, then
	// start the selection there.
	qs := questioner{c: c, at: lab.at, span: func(step int, schema string, q *stepwise.Question, save func(*stepwise.Answer) tea.Cmd) tea.Cmd {
		c.post(openStepReq{doc: ts.doc, index: step})
		c.post(spanReq{schema: schema, q: q, save: save})
		return nil
	}}
	return append(append(hs, lab.handlers()...), qs.handler())
}

// move handles the movement actions: up and down move the step cursor,
// pages scroll.
func (ts *traceScreen) move(a action) tea.Cmd {
	switch a {
	case actDown:
		ts.selectStep(ts.cursor + 1)
	case actUp:
		ts.selectStep(ts.cursor - 1)
	case actTop:
		ts.selectStep(0)
	case actBottom:
		ts.selectStep(len(ts.doc.t.Steps) - 1)
	case actPageDown:
		return ts.scroll(ts.stepsHeight())
	case actPageUp:
		return ts.scroll(-ts.stepsHeight())
	case actHalfDown:
		return ts.scroll(ts.stepsHeight() / 2)
	case actHalfUp:
		return ts.scroll(-ts.stepsHeight() / 2)
	}
	ts.layout()
	return nil
}

func (ts *traceScreen) update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case openTraceReq:
		if !msg.keepQuery {
			ts.query = msg.query
		}
		return ts.open(msg.ref)
	case selectStepReq:
		if msg.doc == ts.doc {
			ts.selectStep(msg.index)
			ts.layout()
		}
	case traceMsg:
		return ts.loaded(msg)
	case renderedMsg:
		ts.rendered(msg)
	case judgementMsg:
		ts.judgementLoaded(msg)
	case labelSavedMsg:
		ts.labelSaved(msg)
	case checkArrivedMsg:
		if ts.doc.applyCheck(msg.result) {
			ts.blocks.drop(msg.result.Step)
			ts.layout()
			ts.c.post(docChangedMsg{doc: ts.doc, why: docChecks, step: msg.result.Step})
		}
	case judgeFinishedMsg:
		return ts.reloadJudgement()
	case storeChangedMsg:
		return ts.storeChanged()
	case themeChangedMsg:
		ts.blocks = newBlockCache()
	}
	return nil
}

// open loads a trace and shows it.
func (ts *traceScreen) open(ref traceRef) tea.Cmd {
	// Step detail leaves itself before it asks for another trace, so the
	// trace view is either shown or opened over the screen that asked.
	if ts.c.current() != scrTrace {
		ts.c.push(scrTrace)
	}
	ts.ref, ts.loading = ref, true
	return ts.load(false)
}

// load reads the trace ts.ref names with its problem and evidence; keep
// (a reload after another process changed the store) keeps the position.
func (ts *traceScreen) load(keep bool) tea.Cmd {
	ts.req = ts.c.req()
	return loadDoc(ts.c.db, ts.req, ts.ref, keep, ts.c.opts.Annotator)
}

// storeChanged reloads the open trace's evidence (labels, checks, judge
// runs) that another process may have written, keeping the position.
func (ts *traceScreen) storeChanged() tea.Cmd {
	if ts.doc.t == nil || ts.loading || !ts.c.onStack(scrTrace) {
		return nil
	}
	return ts.load(true)
}

func (ts *traceScreen) loaded(msg traceMsg) tea.Cmd {
	if msg.req != ts.req {
		return nil
	}
	ts.loading = false
	if msg.err != nil {
		ts.c.setError(msg.err.Error())
		if ts.doc.t == nil {
			ts.c.pop()
		}
		return nil
	}
	ts.doc = msg.doc
	ts.blocks = newBlockCache()
	ts.want, ts.inflight = map[int]bool{}, map[int]bool{}
	if msg.keep && ts.cursor < len(ts.doc.t.Steps) {
		ts.layout()
		ts.c.post(docChangedMsg{doc: ts.doc, why: docReloaded, step: -1})
		return nil
	}
	ts.c.labels.newItem()
	ts.cursor, ts.top, ts.topLine = 0, 0, 0
	ts.showProblem = true
	if ts.query != "" {
		ts.setQuery(ts.query)
	}
	ts.layout()
	if ts.ref.step > 0 && ts.ref.step < len(ts.doc.t.Steps) {
		ts.selectStep(ts.ref.step)
		ts.layout()
	}
	return nil
}

// labelSaved folds a saved label into the open trace (a reload may have
// brought it in already) and tells the others.
func (ts *traceScreen) labelSaved(msg labelSavedMsg) {
	d := ts.doc
	if d.t == nil || msg.ev.TraceID != d.t.ID {
		return
	}
	d.ann.add(msg.ev, len(d.t.Steps))
	ts.blocks = newBlockCache()
	ts.layout()
	ts.c.post(docChangedMsg{doc: d, why: docLabels, step: -1})
}

// judgementMsg delivers a trace's latest judge run head.
type judgementMsg struct {
	req  int
	head *store.RunHead
}

// reloadJudgement refreshes the judge flags after a run.
func (ts *traceScreen) reloadJudgement() tea.Cmd {
	if ts.doc.t == nil {
		return nil
	}
	db, req, id := ts.c.db, ts.req, ts.doc.t.ID
	return func() tea.Msg {
		head, _ := db.LatestJudgement(id)
		return judgementMsg{req: req, head: head}
	}
}

func (ts *traceScreen) judgementLoaded(msg judgementMsg) {
	if msg.req == ts.req && ts.doc.t != nil {
		ts.doc.judged = msg.head
		ts.blocks = newBlockCache()
		ts.layout()
	}
}

func (ts *traceScreen) resize() tea.Cmd {
	if ts.doc.t != nil {
		ts.layout()
	}
	return nil
}

// contentWidth is the width of a step's text, right of the gutter.
func (ts *traceScreen) contentWidth() int { return max(10, ts.c.width-gutterWidth-1) }

// headerKey is what the header block depends on: it is rebuilt only when
// one of these changes (it is asked for several times per frame).
type headerKey struct {
	t            *stepwise.Trace
	width        int
	problem, pal bool
	theme        *themes.Theme
}

// showPalette says whether the label palette is shown above the steps.
func (ts *traceScreen) showPalette() bool { return ts.c.opts.Annotator != "" && !ts.hidePalette }

// headerLines is the problem and answer block above the steps.
func (ts *traceScreen) headerLines() []string {
	k := headerKey{ts.doc.t, ts.c.width, ts.showProblem, ts.showPalette(), ts.c.st.theme}
	if ts.head != nil && ts.headKey == k {
		return ts.head
	}
	ts.head, ts.headKey = ts.buildHeader(), k
	return ts.head
}

func (ts *traceScreen) buildHeader() []string {
	c, t, p := ts.c, ts.doc.t, ts.doc.p
	var out []string
	info := fmt.Sprintf("%s · %s · %d steps", termsafe.Line(t.Dataset), termsafe.Line(orDash(t.Model)), len(t.Steps))
	if t.Truncated {
		info += " · " + c.st.warning.Render("✂ truncated")
	}
	info += usageInfo(t, c.opts.Prices)
	out = append(out, c.st.muted.Render(info))
	if ts.showProblem {
		lines := wrapText(p.Text, c.width-2)
		if len(lines) > 6 {
			lines = append(lines[:6], c.st.dim.Render(fmt.Sprintf("… %d more lines (p hides the problem)", len(lines)-6)))
		}
		for _, l := range lines {
			out = append(out, "  "+l)
		}
	}
	ans := "answer " + c.st.accent.Render(termsafe.Line(orDash(t.FinalAnswer)))
	if p.GoldAnswer != "" {
		ans += "   gold " + c.st.accent.Render(termsafe.Line(p.GoldAnswer))
	}
	switch {
	case t.Correct == nil:
		ans += "   " + c.st.unknown.Render("correctness unknown")
	case *t.Correct:
		ans += "   " + c.st.good.Render("✓ correct")
	default:
		ans += "   " + c.st.bad.Render("✗ wrong")
	}
	if t.CorrectBy != "" {
		// How: "source: final_answer_correct", "grader 1: numeric".
		ans += " " + c.st.dim.Render("("+termsafe.Line(t.CorrectBy)+")")
	}
	if fe := t.FirstError(); fe != nil {
		if *fe >= 0 {
			ans += "   first error " + c.st.bad.Render(fmt.Sprintf("step %d", *fe))
		} else {
			ans += "   " + c.st.good.Render("no step labeled wrong")
		}
	}
	out = append(out, ans)
	if ts.showPalette() {
		out = append(out, paletteLine(c))
		if sc := c.schemaOf(ts.doc); sc != nil {
			out = append(out, schemaStrip(c, sc))
		}
	}
	return append(out, c.st.border.Render(strings.Repeat("─", c.width)))
}

// stepsHeight is the rows left for steps under the header.
func (ts *traceScreen) stepsHeight() int {
	return max(1, ts.c.bodyHeight()-len(ts.headerLines()))
}

// layout makes sure every step on screen has its block in the cache.
func (ts *traceScreen) layout() {
	if ts.doc.t == nil {
		return
	}
	ts.blocks.reset(ts.contentWidth(), ts.raw, ts.query)
	h := ts.stepsHeight()
	used := -ts.topLine
	for i := ts.top; i < len(ts.doc.t.Steps) && used < h; i++ {
		used += len(ts.block(i))
	}
}

// block returns the rendered lines of step i (gutter included).
func (ts *traceScreen) block(i int) []string {
	if b, ok := ts.blocks.get(i); ok {
		return b
	}
	c, d := ts.c, ts.doc
	matches := ts.matchesIn(i)
	var md []string
	if req, ok := ts.markdownRequest(i); ok && len(matches) == 0 {
		if res, ok := c.render.Lookup(c.st.theme, req); ok {
			md = res.Lines
		} else if !ts.inflight[i] {
			ts.want[i] = true
		}
	}
	b := renderStepBlock(c, d.t, i, ts.contentWidth(), md, i == ts.cursor, matches, d.mine(c.opts.Annotator), d.judgeFlag(i))
	if note := prmNote(c, d.prm, i); note != "" {
		b = append(b[:len(b)-1], strings.Repeat(" ", gutterWidth)+note, "")
	}
	ts.blocks.put(i, b)
	return b
}

// markdownRequest is the render request for step i's text, when the step
// is prose (not a tool call or result) and the view is not in raw mode.
func (ts *traceScreen) markdownRequest(i int) (render.Request, bool) {
	t := ts.doc.t
	s := &t.Steps[i]
	if ts.raw || s.Kind == stepwise.StepToolCall || s.Kind == stepwise.StepToolResult {
		return render.Request{}, false
	}
	return render.Request{
		Format: render.Markdown,
		ID:     fmt.Sprintf("%s/%d", t.ID, i),
		Text:   s.Text,
		Options: render.Options{Width: ts.contentWidth(), MathUnicode: false,
			Currency: strings.Contains(t.Dataset, "gsm8k")},
	}, true
}

// renderedMsg says a background render of some steps finished.
type renderedMsg struct {
	req   int
	steps []int
}

// flush renders, off the UI goroutine, the markdown of the steps the last
// layout found missing; their plain text shows meanwhile.
func (ts *traceScreen) flush() tea.Cmd {
	if ts.doc.t == nil || len(ts.want) == 0 {
		return nil
	}
	var reqs []render.Request
	var steps []int
	for i := range ts.want {
		if req, ok := ts.markdownRequest(i); ok {
			reqs = append(reqs, req)
			steps = append(steps, i)
			ts.inflight[i] = true
		}
	}
	ts.want = map[int]bool{}
	r, th, req := ts.c.render, ts.c.st.theme, ts.req
	return func() tea.Msg {
		for _, rq := range reqs {
			r.Render(th, rq)
		}
		return renderedMsg{req: req, steps: steps}
	}
}

// rendered drops the plain blocks of freshly rendered steps.
func (ts *traceScreen) rendered(msg renderedMsg) {
	if msg.req != ts.req {
		return
	}
	for _, i := range msg.steps {
		delete(ts.inflight, i)
		ts.blocks.drop(i)
	}
	ts.layout()
}

// sibling opens the next or previous trace of the list, queue or samples
// view the trace was opened from.
func (ts *traceScreen) sibling(next bool) tea.Cmd {
	askSibling(ts.c, ts.ref, next)
	return nil
}

// askSibling asks for the next or previous trace of the list, queue or
// samples view ref was opened from: the screen that owns that order opens
// it.
func askSibling(c *programContext, ref traceRef, next bool) {
	if ref.queue == 0 && ref.sample == 0 && ref.seq == 0 {
		c.setError("this trace was opened by id, not from a list: no next or previous")
		return
	}
	c.post(siblingReq{ref: ref, next: next})
}

// selectStep moves the step cursor and scrolls it into view.
func (ts *traceScreen) selectStep(i int) {
	if len(ts.doc.t.Steps) == 0 {
		return
	}
	i = max(0, min(i, len(ts.doc.t.Steps)-1))
	old := ts.cursor
	ts.cursor = i
	ts.blocks.drop(old)
	ts.blocks.drop(i)
	h := ts.stepsHeight()
	if i < ts.top || (i == ts.top && ts.topLine > 0) {
		ts.top, ts.topLine = i, 0
		return
	}
	// Lines from the screen top to the end of step i.
	used := -ts.topLine
	for j := ts.top; j <= i; j++ {
		used += len(ts.block(j))
	}
	for used > h && ts.top < i {
		used -= len(ts.block(ts.top)) - ts.topLine
		ts.top, ts.topLine = ts.top+1, 0
	}
	if used > h && ts.top == i {
		ts.topLine = 0 // a step taller than the screen shows from its start
	}
}

// wheel scrolls the view by lines.
func (ts *traceScreen) wheel(delta int) tea.Cmd { return ts.scroll(delta) }

// scroll moves the view by n lines across step boundaries.
func (ts *traceScreen) scroll(n int) tea.Cmd {
	if ts.doc.t == nil {
		return nil
	}
	for n > 0 {
		rest := len(ts.block(ts.top)) - ts.topLine
		if ts.top == len(ts.doc.t.Steps)-1 {
			ts.topLine = min(ts.topLine+n, max(0, len(ts.block(ts.top))-1))
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
		ts.topLine = len(ts.block(ts.top)) - 1
	}
	// Keep the cursor on a visible step.
	if ts.cursor < ts.top {
		ts.blocks.drop(ts.cursor)
		ts.cursor = ts.top
		ts.blocks.drop(ts.cursor)
	}
	ts.layout()
	return nil
}

// click selects the step under the pointer; a click on the selected step
// opens it.
func (ts *traceScreen) click(row int) tea.Cmd {
	if ts.doc.t == nil {
		return nil
	}
	y := row - len(ts.headerLines())
	if y < 0 {
		return nil
	}
	used := -ts.topLine
	for i := ts.top; i < len(ts.doc.t.Steps); i++ {
		used += len(ts.block(i))
		if y < used {
			if i == ts.cursor {
				ts.c.post(openStepReq{doc: ts.doc, index: ts.cursor})
				return nil
			}
			ts.selectStep(i)
			ts.layout()
			return nil
		}
	}
	return nil
}

func (ts *traceScreen) view() string {
	c, t := ts.c, ts.doc.t
	if t == nil {
		return c.st.muted.Render("loading…")
	}
	lines := ts.headerLines()
	h := ts.stepsHeight()
	var body []string
	for i := ts.top; i < len(t.Steps) && len(body) < h+ts.topLine; i++ {
		b, ok := ts.blocks.get(i)
		if !ok {
			b = []string{c.st.dim.Render(fmt.Sprintf("%*d …", gutterWidth-2, i))}
		}
		body = append(body, b...)
	}
	if ts.topLine < len(body) {
		body = body[ts.topLine:]
	}
	if len(t.Steps) == 0 {
		body = []string{c.st.muted.Render("  (no steps)")}
		if s := t.Meta["safe_status"]; s != "" {
			body = append(body, c.st.muted.Render("  source status: "+termsafe.Line(s)))
		}
	}
	lines = append(lines, body...)
	if len(lines) > c.bodyHeight() {
		lines = lines[:c.bodyHeight()]
	}
	return strings.Join(lines, "\n")
}

// jumpHandler opens a trace by id (the library, the list, the trace view).
func jumpHandler(c *programContext) handler {
	return on(actJump, func() tea.Cmd {
		c.ask(newPrompt(c, ": trace id ", "", func(id string) tea.Cmd {
			if id != "" {
				c.post(openTraceReq{ref: traceRef{id: id}, keepQuery: true})
			}
			return nil
		}))
		return nil
	})
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

// noToolCall says why the rounds view does not open: the trace is not an
// agent trace.
func (ts *traceScreen) noToolCall() string {
	if ts.doc.t == nil {
		return "no trace is open"
	}
	for _, st := range ts.doc.t.Steps {
		if st.Kind == stepwise.StepToolCall {
			return ""
		}
	}
	return "this trace makes no tool call: rounds are for agent traces"
}

// noSideBySide says why the trace has no side-by-side view.
func (ts *traceScreen) noSideBySide() string {
	if ts.doc.t == nil {
		return ""
	}
	if _, _, ok := sideTexts(ts.doc.t); !ok {
		return "the side-by-side view needs a source document and a response (a WebR record); this trace has no such sections"
	}
	return ""
}
