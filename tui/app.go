// Package tui is the interactive workbench: one root Bubble Tea model that
// owns layout, focus and routing, with screens (library, trace list, trace
// view, step detail) as plain structs it drives. View only joins strings the
// screens keep ready; every read of the store and every expensive render runs
// in a tea.Cmd, and results come back as messages tagged with a request id so
// that stale answers are dropped.
package tui

import (
	"context"
	"fmt"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/stepwise-dev/stepwise/judge"
	"github.com/stepwise-dev/stepwise/store"
	"github.com/stepwise-dev/stepwise/themes"
	"github.com/stepwise-dev/stepwise/tui/render"
	"github.com/stepwise-dev/stepwise/verify/verifyrun"
)

// screen identifies a screen on the navigation stack.
type screen int

const (
	scrLibrary screen = iota
	scrList
	scrTrace
	scrStep
	scrQueue
	scrConflicts
	scrStats
	scrJudge
	scrSamples
	scrCompare
	scrScorecard
)

func (s screen) where() where {
	return [...]where{ctxLibrary, ctxList, ctxTrace, ctxStep, ctxQueue, ctxConflicts, ctxStats, ctxJudge,
		ctxSamples, ctxCompare, ctxStats}[s]
}

// Options configure the workbench.
type Options struct {
	DB *store.DB
	// KeyOverrides rebinds actions: action name → keys.
	KeyOverrides map[string][]string
	// Theme picks the colours (nil: dark until the terminal's background is known).
	Theme *themes.Theme
	// ThemeFixed is set when the user chose a theme, so background detection
	// must not switch it.
	ThemeFixed bool
	// NoColor keeps colours off whatever the theme (NO_COLOR).
	NoColor bool
	// Title is shown in the header (e.g. "demo").
	Title string
	// Annotator is the name labels are saved under ("" disables labelling).
	Annotator string
	// Taxonomy replaces DefaultTaxonomy.
	Taxonomy []string
	// Verifier checks formalizations (nil when verification is not set up).
	Verifier *verifyrun.Verifier
	// Judge runs the LLM judge (nil when not configured; JudgeErr says why).
	Judge    *judge.Runner
	JudgeErr error
	// StorePoll is how often the workbench looks for other processes'
	// commits (0: once a second; negative: never, for tests that drive
	// it with storePollMsg).
	StorePoll time.Duration
	// NoStoreCheck skips the full check of the store on open.
	NoStoreCheck bool
	// Import, when set, is imported as a background job on start.
	Import        []string
	ImportOptions store.ImportOptions
}

// Model is the root Bubble Tea model.
type Model struct {
	ctx    context.Context
	cancel context.CancelFunc
	db     *store.DB
	keys   *keyMap
	st     styles
	opts   Options

	width, height int
	stack         []screen

	library   libraryScreen
	list      listScreen
	trace     traceScreen
	step      stepScreen
	queue     queueScreen
	conflicts conflictsScreen
	stats     statsScreen
	judge     judgeScreen
	samples   samplesScreen
	compare   compareScreen
	scorecard scorecardScreen

	render *render.Renderer

	prompt   *prompt
	showHelp bool
	// hidePalette hides the label palette above the steps.
	hidePalette bool
	helpTop     int
	status      string
	statusOK    bool
	jobs        jobs
	nextReq     int
	// changes is the count of other processes' commits already shown
	// (storewatch.go).
	changes uint64
}

// New builds the model. The store stays open for the model's lifetime.
func New(opts Options) (*Model, error) {
	km, err := newKeyMap(opts.KeyOverrides)
	if err != nil {
		return nil, err
	}
	t := opts.Theme
	if t == nil {
		t = defaultTheme()
	}
	if opts.NoColor {
		t = t.WithoutColor()
	}
	ctx, cancel := context.WithCancel(context.Background())
	m := &Model{ctx: ctx, cancel: cancel, db: opts.DB, keys: km, st: newStyles(t), opts: opts,
		width: 80, height: 24, stack: []screen{scrLibrary},
		render: render.New(render.NewCache(64 << 20))}
	m.list.init()
	return m, nil
}

// req returns a fresh request id.
func (m *Model) req() int {
	m.nextReq++
	return m.nextReq
}

// Init loads the library and asks the terminal for its background colour.
func (m *Model) Init() tea.Cmd {
	cmds := []tea.Cmd{m.library.load(m), m.pollStore(), m.checkStore()}
	if len(m.opts.Import) > 0 {
		cmds = append(cmds, m.startImport(m.opts.Import, m.opts.ImportOptions))
	}
	if !m.opts.ThemeFixed {
		cmds = append(cmds, tea.RequestBackgroundColor)
	}
	return tea.Batch(cmds...)
}

func (m *Model) current() screen { return m.stack[len(m.stack)-1] }

func (m *Model) push(s screen) { m.stack = append(m.stack, s) }

func (m *Model) pop() {
	if len(m.stack) > 1 {
		m.stack = m.stack[:len(m.stack)-1]
	}
}

// Update routes a message, then starts any rendering the new layout needs.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	_, cmd := m.update(msg)
	if m.current() == scrTrace {
		if rc := m.trace.renderCmd(m); rc != nil {
			return m, tea.Batch(cmd, rc)
		}
	}
	return m, cmd
}

// update routes a message: global keys and results first, then the screen.
func (m *Model) update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = max(msg.Width, 20), max(msg.Height, 6)
		return m, m.relayout()
	case tea.BackgroundColorMsg:
		if m.opts.ThemeFixed || msg.IsDark() {
			return m, nil
		}
		t, _ := themes.Builtin("light")
		if m.opts.NoColor {
			t = t.WithoutColor()
		}
		m.st = newStyles(t)
		m.trace.blocks = newBlockCache()
		return m, m.relayout()
	case tea.KeyPressMsg:
		return m, m.handleKey(msg)
	case tea.MouseWheelMsg:
		return m, m.handleWheel(msg)
	case tea.MouseClickMsg:
		return m, m.handleClick(msg)
	case tea.PasteMsg:
		if m.prompt != nil {
			return m, m.prompt.update(m, msg)
		}
		return m, nil
	case jobMsg:
		return m, m.jobDelivered(msg)
	case importDoneMsg:
		return m, m.importDone(msg)
	case exportDoneMsg:
		return m, m.exportDone(msg)
	case verifyMsg:
		m.verifyUpdate(msg)
		return m, nil
	case verifyDoneMsg:
		return m, m.verifyDone(msg)
	case storePollMsg:
		return m, m.lookForChanges()
	case storeChangesMsg:
		return m, m.changesSeen(msg)
	case storeCheckedMsg:
		m.storeChecked(msg)
		return m, nil
	}
	return m, m.handleResult(msg)
}

// handleResult passes asynchronous results to the screen that asked.
func (m *Model) handleResult(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case libraryMsg:
		return m.library.loaded(m, msg)
	case seqsMsg:
		return m.list.seqsLoaded(m, msg)
	case rowsMsg:
		return m.list.rowsLoaded(m, msg)
	case traceMsg:
		return m.trace.loaded(m, msg)
	case renderedMsg:
		m.trace.rendered(m, msg)
		return nil
	case stepRenderedMsg:
		m.step.rendered(m, msg)
		return nil
	case searchMsg:
		return m.list.searchUpdate(m, msg)
	case searchProgressMsg:
		m.list.searchProgressed(msg)
	case annotatedMsg:
		cmd := m.trace.annotated(m, msg)
		if m.current() == scrStep {
			cmd = tea.Batch(cmd, m.step.loadHistory(m))
		}
		return cmd
	case historyMsg:
		m.step.historyLoaded(m, msg)
		return nil
	case queueMsg:
		return m.queue.loaded(m, msg)
	case conflictsMsg:
		m.conflicts.loaded(m, msg)
	case statsMsg:
		m.stats.loaded(m, msg)
	case scorecardMsg:
		m.scorecard.loaded(m, msg)
	case judgeEventMsg:
		m.judge.streamed(m, msg)
	case judgeDoneMsg:
		return m.judge.done(m, msg)
	case judgeEstimateMsg:
		m.judge.estimated(m, msg)
	case judgeRunsMsg:
		m.judge.runsLoaded(m, msg)
	case judgeRunMsg:
		m.judge.runLoaded(m, msg)
	case judgementMsg:
		m.trace.judgementLoaded(m, msg)
	case samplesMsg:
		m.samples.loaded(m, msg)
	case compareMsg:
		m.compare.loaded(m, msg)
	case partnerMsg:
		return m.trace.partnerFound(m, msg)
	case errMsg:
		m.setError(msg.err.Error())
	}
	return nil
}

// handleKey resolves a key press: an open prompt or help takes it first,
// then the key map; a key that does nothing here says why.
func (m *Model) handleKey(msg tea.KeyPressMsg) tea.Cmd {
	key := msg.String()
	if m.prompt != nil {
		return m.prompt.update(m, msg)
	}
	b, ok := m.keys.lookup(key, m.current().where())
	if m.showHelp {
		if ok && (b.action == actHelp || b.action == actBack || b.action == actQuit) {
			m.showHelp = false
			return nil
		}
		return m.scrollHelp(b)
	}
	if !ok {
		m.setError("no action on " + prettyKey(key) + " — press ? for the keys")
		return nil
	}
	if avail, why := b.availableOn(m.current().where()); !avail {
		m.setError(why)
		return nil
	}
	m.status = ""
	switch b.action {
	case actQuit:
		m.cancel()
		return tea.Quit
	case actHelp:
		m.showHelp, m.helpTop = true, 0
		return nil
	case actCancelJob:
		return m.cancelNewest()
	case actBack:
		switch m.current() {
		case scrLibrary:
			return nil
		case scrList:
			if m.list.search != nil {
				// The first esc ends the search, the next leaves the list:
				// a search must never outlive what the user sees.
				m.setInfo("search “" + m.list.search.query + "” cleared")
				return m.list.clearSearch(m)
			}
		}
		m.pop()
		return m.relayout()
	case actJump:
		m.prompt = newPrompt(m, promptJump, ": trace id ", "")
		return nil
	case actQueue:
		return m.queue.build(m, m.scopeFilter())
	case actConflicts:
		return m.conflicts.load(m, m.scopeFilter().Dataset)
	case actStatsView:
		return m.stats.load(m, m.scopeFilter().Dataset)
	case actScorecard:
		return m.scorecard.load(m)
	case actExport:
		m.prompt = newPrompt(m, promptExport, "export FORMAT [PATH] [human|source|merged] [latest|majority] ", "")
		return nil
	case actVerify:
		return m.verifyHere()
	}
	if s := m.current(); s == scrTrace || s == scrStep {
		i := m.trace.cursor
		if s == scrStep {
			i = m.step.index
		}
		if cmd, ok := m.trace.annotateKey(m, b.action, key, i); ok {
			return cmd
		}
	}
	return m.pane(m.current()).key(m, b.action)
}

// pane is what every screen does: take an action, draw its body.
type pane interface {
	key(m *Model, a action) tea.Cmd
	view(m *Model) string
}

// pane returns the screen's implementation.
func (m *Model) pane(s screen) pane {
	switch s {
	case scrList:
		return &m.list
	case scrTrace:
		return &m.trace
	case scrStep:
		return &m.step
	case scrQueue:
		return &m.queue
	case scrConflicts:
		return &m.conflicts
	case scrStats:
		return &m.stats
	case scrScorecard:
		return &m.scorecard
	case scrJudge:
		return &m.judge
	case scrSamples:
		return &m.samples
	case scrCompare:
		return &m.compare
	}
	return &m.library
}

// verifyHere verifies what the screen shows: the step in step detail, the
// trace in the trace view, the filtered set in the list or library.
func (m *Model) verifyHere() tea.Cmd {
	switch m.current() {
	case scrStep:
		return m.startVerify(fmt.Sprintf("step %d", m.step.index), verifyrun.StepTarget(m.step.t.ID, m.step.index))
	case scrTrace:
		if m.trace.t == nil {
			return nil
		}
		return m.startVerify("trace", verifyrun.TraceTarget(m.trace.t.ID))
	}
	f := m.scopeFilter()
	name := formatFilter(f)
	if name == "" {
		name = "all traces"
	}
	return m.startVerify(name, verifyrun.FilterTarget(f))
}

// scopeFilter is what the queue, the conflicts, the stats and an export
// cover: the list's filter when the list is open, else the library's
// selected dataset.
func (m *Model) scopeFilter() store.Filter {
	for _, s := range m.stack {
		if s == scrList {
			return m.list.filter
		}
	}
	if r := m.library.cursor; r < len(m.library.rows) {
		return store.Filter{Dataset: m.library.rows[r].dataset}
	}
	return store.Filter{}
}

func (m *Model) handleWheel(msg tea.MouseWheelMsg) tea.Cmd {
	if m.showHelp || m.prompt != nil {
		return nil
	}
	delta := 3
	if msg.Button == tea.MouseWheelUp {
		delta = -3
	} else if msg.Button != tea.MouseWheelDown {
		return nil
	}
	switch m.current() {
	case scrLibrary:
		return m.library.move(m, delta)
	case scrList:
		return m.list.move(m, delta)
	case scrTrace:
		return m.trace.scroll(m, delta)
	case scrStep:
		m.step.scroll(delta)
	case scrQueue:
		m.queue.move(m, delta)
	case scrConflicts:
		m.conflicts.move(m, delta)
	case scrStats:
		m.stats.move(m, delta)
	case scrScorecard:
		m.scorecard.move(m, delta)
	case scrSamples:
		m.samples.move(m, delta)
	case scrCompare:
		m.compare.scroll(m, delta)
	}
	return nil
}

func (m *Model) handleClick(msg tea.MouseClickMsg) tea.Cmd {
	if m.showHelp || m.prompt != nil || msg.Button != tea.MouseLeft {
		return nil
	}
	row := msg.Y - m.bodyTop()
	switch m.current() {
	case scrLibrary:
		return m.library.click(m, row)
	case scrList:
		return m.list.click(m, row)
	case scrTrace:
		return m.trace.click(m, row)
	case scrQueue:
		if m.queue.click(m, row) {
			return m.queue.key(m, actOpen)
		}
	case scrConflicts:
		if m.conflicts.click(m, row) {
			return m.conflicts.key(m, actOpen)
		}
	case scrSamples:
		if m.samples.click(m, row) {
			return m.samples.key(m, actOpen)
		}
	}
	return nil
}

// relayout tells every screen the body size changed.
func (m *Model) relayout() tea.Cmd {
	return tea.Batch(m.list.resize(m), m.trace.resize(m), m.step.resize(m), m.compare.resize(m), m.samples.resize(m))
}

func (m *Model) setError(s string) { m.status, m.statusOK = s, false }
func (m *Model) setInfo(s string)  { m.status, m.statusOK = s, true }

// bodyTop is the first screen row of the body (below the header).
func (m *Model) bodyTop() int { return 1 }

// bodyHeight is the number of rows between the header and the bars.
func (m *Model) bodyHeight() int {
	h := m.height - 2 // header, status bar
	if m.jobs.active() {
		h--
	}
	if m.prompt != nil {
		h--
	}
	return max(h, 1)
}

// View joins the header, the current screen's body and the bars.
func (m *Model) View() tea.View {
	var b strings.Builder
	b.WriteString(m.header())
	b.WriteByte('\n')
	var body string
	if m.showHelp {
		body = m.helpView()
	} else {
		body = m.pane(m.current()).view(m)
	}
	b.WriteString(fitHeight(body, m.bodyHeight(), m.width))
	if m.jobs.active() {
		b.WriteByte('\n')
		b.WriteString(m.jobs.view(m.st, m.width))
	}
	if m.prompt != nil {
		b.WriteByte('\n')
		b.WriteString(m.prompt.view(m))
	}
	b.WriteByte('\n')
	b.WriteString(m.statusBar())
	v := tea.NewView(b.String())
	v.AltScreen = true
	v.MouseMode = tea.MouseModeCellMotion
	v.WindowTitle = "stepwise"
	if t := m.st.theme; t.PaintBackground && !t.NoColor {
		v.BackgroundColor = lipgloss.Color(t.Palette.Background)
	}
	return v
}

// fitHeight pads or cuts s to exactly h lines, each cut to w columns.
func fitHeight(s string, h, w int) string {
	lines := strings.Split(s, "\n")
	if len(lines) > h {
		lines = lines[:h]
	}
	for i, l := range lines {
		if lipgloss.Width(l) > w {
			lines[i] = truncate(l, w)
		}
	}
	for len(lines) < h {
		lines = append(lines, "")
	}
	return strings.Join(lines, "\n")
}
