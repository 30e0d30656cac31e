package tui

import (
	"context"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/stepwise-dev/stepwise"
	"github.com/stepwise-dev/stepwise/judge"
	"github.com/stepwise-dev/stepwise/judge/analytics"
	"github.com/stepwise-dev/stepwise/judge/errortypes"
	"github.com/stepwise-dev/stepwise/store"
	"github.com/stepwise-dev/stepwise/themes"
	"github.com/stepwise-dev/stepwise/tui/render"
	"github.com/stepwise-dev/stepwise/verify/verifyrun"
)

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
	// Schemas are the label schemas by name, and SchemaFor names the
	// active one of a dataset (the configuration's [schemas] choice); a
	// schema with questions gives them keys in the trace view and step
	// detail (questions.go). Nil: every dataset has the stock ratings.
	Schemas   map[string]*stepwise.Schema
	SchemaFor func(dataset string) string
	// TaxonomyPath is the error-types taxonomy file the CLI's
	// `stepwise errortypes` reads and writes ("" : decisions disabled).
	TaxonomyPath string
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
	// GoldFrom names the adjudicator whose ratings are the gold answers
	// ("" the dataset's labels); GoldRate is the share of gold items in
	// this annotator's queue.
	GoldFrom string
	GoldRate float64
	// Embedder groups error keyphrases on the error-types screen (nil:
	// lexically), as `stepwise errortypes` does; EmbedderErr says why a
	// configured one could not be made.
	Embedder    errortypes.Embedder
	EmbedderErr string
	// Prices give a model's tokens a cost where the source records none.
	Prices map[string]analytics.Price
	// Import, when set, is imported as a background job on start.
	Import        []string
	ImportOptions store.ImportOptions
	// Buckets are the difficulty thresholds (zero: analytics.DefaultBuckets).
	Buckets analytics.Buckets
}

// Model is the root Bubble Tea model: it owns the program context, the
// screens and the navigation stack, turns keys and mouse events into the
// current screen's handlers, routes every other message (ARCHITECTURE.md),
// and draws the chrome around the current screen's body.
type Model struct {
	*programContext
	cancel context.CancelFunc

	screens []screen
	// actions are each screen's handlers by action, by screenID.
	actions []map[action]handler

	showHelp bool
	helpTop  int
	// changes is the count of other processes' commits already shown
	// (storewatch.go).
	changes uint64
}

// New builds the model. The store stays open for the model's lifetime.
func New(opts Options) (*Model, error) {
	t := opts.Theme
	if t == nil {
		t = defaultTheme()
	}
	if opts.NoColor {
		t = t.WithoutColor()
	}
	life, cancel := context.WithCancel(context.Background())
	c := &programContext{life: life, db: opts.DB, opts: opts, st: newStyles(t),
		render: render.New(render.NewCache(64 << 20)), width: 80, height: 24, stack: []screenID{scrLibrary}}
	m := &Model{programContext: c, cancel: cancel, screens: newScreens(c)}
	km, err := newKeyMap(opts.KeyOverrides, m.screens)
	if err != nil {
		cancel()
		return nil, err
	}
	c.keys = km
	if c.schemas, err = keyedSchemas(opts.Schemas); err != nil {
		cancel()
		return nil, err
	}
	for _, s := range m.screens {
		hs := map[action]handler{}
		for _, h := range s.handlers() {
			hs[h.action] = h
		}
		m.actions = append(m.actions, hs)
	}
	return m, nil
}

// Init starts the screens, the store's watch and check, an import if one
// was asked for, and asks the terminal for its background colour.
func (m *Model) Init() tea.Cmd {
	cmds := []tea.Cmd{m.broadcast(startMsg{}), m.pollStore(), m.checkStore()}
	if len(m.opts.Import) > 0 {
		cmds = append(cmds, startImport(m.programContext, m.opts.Import, m.opts.ImportOptions))
	}
	if !m.opts.ThemeFixed {
		cmds = append(cmds, tea.RequestBackgroundColor)
	}
	return batch(cmds...)
}

// Update routes a message and then what the routing posted; it lays the
// screens out again when the job bar or a keyed prompt (a picker, several
// lines) came or went, and lets the current screen finish its deferred
// work.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	bar, modal := m.jobs.active(), m.modalHeight()
	cmd := m.route(msg)
	for len(m.posted) > 0 {
		next := m.posted[0]
		m.posted = m.posted[1:]
		cmd = batch(cmd, m.route(next))
	}
	if m.jobs.active() != bar || m.modalHeight() != modal {
		cmd = batch(cmd, m.relayout())
	}
	if f, ok := m.screens[m.current()].(flusher); ok {
		cmd = batch(cmd, f.flush())
	}
	return m, cmd
}

// route handles what belongs to the root — the terminal, input, jobs, the
// store's watch, the services' results, back — and hands everything else
// to the screens.
func (m *Model) route(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = max(msg.Width, 20), max(msg.Height, 6)
		return m.relayout()
	case tea.BackgroundColorMsg:
		return m.backgroundKnown(msg)
	case tea.KeyPressMsg:
		return m.handleKey(msg)
	case tea.MouseWheelMsg:
		return m.handleWheel(msg)
	case tea.MouseClickMsg:
		return m.handleClick(msg)
	case tea.PasteMsg:
		if m.prompt != nil {
			return m.prompt.update(m.programContext, msg)
		}
		return nil
	case jobMsg:
		return m.jobDelivered(msg)
	case backReq:
		return m.back()
	case storePollMsg:
		return m.lookForChanges()
	case storeChangesMsg:
		return m.changesSeen(msg)
	case storeCheckedMsg:
		m.storeChecked(msg)
		return nil
	case labelWrittenMsg:
		return m.labelWritten(msg)
	case importDoneMsg:
		return m.importDone(msg)
	case exportDoneMsg:
		exportDone(m.programContext, msg)
		return nil
	case verifyDoneMsg:
		verifyDone(m.programContext, msg)
		return nil
	}
	return m.broadcast(msg)
}

// broadcast hands a message to every screen. Each acts only on its own
// answers (by request id), on requests addressed to it, and on the events
// it cares about.
func (m *Model) broadcast(msg tea.Msg) tea.Cmd {
	var cmds []tea.Cmd
	for _, s := range m.screens {
		if cmd := s.update(msg); cmd != nil {
			cmds = append(cmds, cmd)
		}
	}
	return batch(cmds...)
}

// jobDelivered routes a job's batch: its progress to the bar, its messages
// and its result to whoever waits for them (jobs.go).
func (m *Model) jobDelivered(msg jobMsg) tea.Cmd {
	var cmds []tea.Cmd
	if jb := m.jobs.find(msg.id); jb != nil {
		if p := msg.progress; p != nil {
			jb.done, jb.detail = p.done, p.detail
		}
		for _, x := range msg.msgs {
			cmds = append(cmds, m.route(x))
		}
		if msg.final {
			m.jobs.remove(msg.id)
		}
	}
	if !msg.final {
		cmds = append(cmds, msg.next)
	} else if msg.result != nil {
		cmds = append(cmds, m.route(msg.result))
	}
	return batch(cmds...)
}

// backgroundKnown switches to the light theme on a light terminal.
func (m *Model) backgroundKnown(msg tea.BackgroundColorMsg) tea.Cmd {
	if m.opts.ThemeFixed || msg.IsDark() {
		return nil
	}
	t, _ := themes.Builtin("light")
	if m.opts.NoColor {
		t = t.WithoutColor()
	}
	m.st = newStyles(t)
	return batch(m.broadcast(themeChangedMsg{}), m.relayout())
}

// handleKey resolves a key press: an open prompt or help takes it first,
// then the current screen's handler for the key's action, then the root's
// own actions; a key that does nothing here says why.
func (m *Model) handleKey(msg tea.KeyPressMsg) tea.Cmd {
	key := msg.String()
	if m.prompt != nil {
		return m.prompt.update(m.programContext, msg)
	}
	here := m.current()
	b, ok := m.keys.lookup(key, here)
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
	if avail, why := m.keys.availableOn(b, here); !avail {
		m.setError(why)
		return nil
	}
	m.status = ""
	if h, ok := m.actions[here][b.action]; ok {
		if h.disabled != nil {
			if why := h.disabled(); why != "" {
				m.setError(why)
				return nil
			}
		}
		return h.run(key)
	}
	switch b.action {
	case actQuit:
		m.cancel()
		return tea.Quit
	case actHelp:
		m.showHelp, m.helpTop = true, 0
	case actCancelJob:
		return m.cancelNewest()
	case actBack:
		return m.back()
	}
	return nil
}

// back goes to the screen under the current one.
func (m *Model) back() tea.Cmd {
	if len(m.stack) == 1 {
		return nil
	}
	m.pop()
	return m.relayout()
}

// cancelNewest stops the most recent job the bar shows (ctrl+x).
func (m *Model) cancelNewest() tea.Cmd {
	jb := m.jobs.newest()
	if jb == nil {
		m.setError("no background job to cancel")
		return nil
	}
	m.setInfo("cancelled " + jb.name)
	m.cancelJob(jb.id)
	return nil
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
	return m.screens[m.current()].wheel(delta)
}

func (m *Model) handleClick(msg tea.MouseClickMsg) tea.Cmd {
	if m.showHelp || m.prompt != nil || msg.Button != tea.MouseLeft {
		return nil
	}
	return m.screens[m.current()].click(msg.Y - m.bodyTop())
}

// relayout tells every screen the body size changed.
func (m *Model) relayout() tea.Cmd {
	var cmds []tea.Cmd
	for _, s := range m.screens {
		cmds = append(cmds, s.resize())
	}
	return batch(cmds...)
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
		body = m.screens[m.current()].view()
	}
	b.WriteString(fitHeight(body, m.bodyHeight(), m.width))
	if m.jobs.active() {
		b.WriteByte('\n')
		b.WriteString(m.jobs.view(m.st, m.width))
	}
	if m.prompt != nil {
		b.WriteByte('\n')
		b.WriteString(m.prompt.view(m.programContext))
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
