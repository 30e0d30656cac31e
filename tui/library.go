package tui

import (
	"fmt"
	"sort"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/stepwise-dev/stepwise/store"
	"github.com/stepwise-dev/stepwise/themes/termsafe"
)

// libraryScreen lists the datasets in the store with their counts and label
// progress; it reads only the store's running counts.
type libraryScreen struct {
	c      *programContext
	req    int
	stats  *store.Stats
	rows   []libraryRow
	cursor int
	ready  bool
}

type libraryRow struct {
	dataset string // "" is every trace
	traces  int
	correct int
	wrong   int
	labeled int // traces with any source label
	errors  int
	trunc   int
	human   int // traces with a current human label (anyone)
	mine    int // traces with your current label
}

type libraryMsg struct {
	req      int
	stats    *store.Stats
	progress []store.LabelProgress
	err      error
}

func newLibraryScreen(c *programContext) *libraryScreen { return &libraryScreen{c: c} }

func (l *libraryScreen) where() string { return "library" }
func (l *libraryScreen) title() string { return "library" }

func (l *libraryScreen) hints() []action {
	return []action{actOpen, actFilter, actSearch, actJump, actHelp, actQuit}
}

func (l *libraryScreen) handlers() []handler {
	c := l.c
	hs := moveHandlers(l.move)
	hs = append(hs,
		on(actOpen, l.open),
		on(actFilter, func() tea.Cmd { c.post(openListReq{prompt: listFilterPrompt}); return nil }),
		on(actSearch, func() tea.Cmd { c.post(openListReq{prompt: listSearchPrompt}); return nil }),
		jumpHandler(c),
		// The selected dataset's frequency table; enter on a value opens
		// the list of the dataset narrowed to it.
		on(actFreq, func() tea.Cmd { c.post(openFreqReq{filter: l.scope()}); return nil }),
	)
	return append(hs, scopeHandlers(c, l.scope)...)
}

// open shows the list of the selected dataset's traces.
func (l *libraryScreen) open() tea.Cmd {
	if len(l.rows) == 0 {
		l.c.setError("the store is empty: import traces with `stepwise import FILE`, or try `stepwise demo`")
		return nil
	}
	l.c.post(openListReq{filter: store.Filter{Dataset: l.rows[l.cursor].dataset}})
	return nil
}

// scope is what the queue, the conflicts, the stats, an export and a
// verification cover from here: the selected dataset.
func (l *libraryScreen) scope() store.Filter {
	if r := l.cursor; r < len(l.rows) {
		return store.Filter{Dataset: l.rows[r].dataset}
	}
	return store.Filter{}
}

func (l *libraryScreen) update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case libraryMsg:
		l.loaded(msg)
	case startMsg, storeChangedMsg, importFinishedMsg, labelSavedMsg:
		// The counts and the label progress.
		return l.load()
	}
	return nil
}

func (l *libraryScreen) load() tea.Cmd {
	l.req = l.c.req()
	req, db := l.req, l.c.db
	return func() tea.Msg {
		st, err := db.Stats()
		if err != nil {
			return libraryMsg{req: req, err: err}
		}
		prog, err := db.Progress()
		return libraryMsg{req: req, stats: st, progress: prog, err: err}
	}
}

func (l *libraryScreen) loaded(msg libraryMsg) {
	if msg.req != l.req {
		return
	}
	if msg.err != nil {
		l.c.setError("library: " + msg.err.Error())
		return
	}
	l.stats, l.ready = msg.stats, true
	l.rows = []libraryRow{rowOf("", msg.stats.Traces, msg.stats.By)}
	names := make([]string, 0, len(msg.stats.Datasets))
	for d := range msg.stats.Datasets {
		names = append(names, d)
	}
	sort.Strings(names)
	for _, d := range names {
		l.rows = append(l.rows, rowOf(d, msg.stats.By[store.FieldDataset][d], msg.stats.Datasets[d]))
	}
	for i := range l.rows {
		for _, p := range msg.progress {
			if p.Dataset != l.rows[i].dataset && l.rows[i].dataset != "" {
				continue
			}
			switch p.Annotator {
			case "":
				l.rows[i].human += p.Traces
			case l.c.opts.Annotator:
				l.rows[i].mine += p.Traces
			}
		}
	}
	l.cursor = min(l.cursor, len(l.rows)-1)
}

func rowOf(dataset string, n int, by map[string]map[string]int) libraryRow {
	lab := by[store.FieldLabel]
	return libraryRow{dataset: dataset, traces: n, correct: by[store.FieldCorrect]["true"],
		wrong: by[store.FieldCorrect]["false"], labeled: n - lab["none"], errors: lab["error"],
		trunc: by[store.FieldTruncated]["true"]}
}

func (l *libraryScreen) move(a action) tea.Cmd {
	switch a {
	case actDown:
		l.moveBy(1)
	case actUp:
		l.moveBy(-1)
	case actTop:
		l.cursor = 0
	case actBottom:
		l.cursor = max(0, len(l.rows)-1)
	case actPageDown, actHalfDown:
		l.moveBy(l.c.bodyHeight() / 2)
	case actPageUp, actHalfUp:
		l.moveBy(-l.c.bodyHeight() / 2)
	}
	return nil
}

func (l *libraryScreen) moveBy(d int) {
	l.cursor = max(0, min(len(l.rows)-1, l.cursor+d))
}

func (l *libraryScreen) resize() tea.Cmd { return nil }

func (l *libraryScreen) wheel(delta int) tea.Cmd {
	l.moveBy(delta)
	return nil
}

// click selects a row (the first two body lines are the title and header).
func (l *libraryScreen) click(row int) tea.Cmd {
	i := row - 3
	if i >= 0 && i < len(l.rows) {
		if i == l.cursor {
			return l.open()
		}
		l.cursor = i
	}
	return nil
}

func (l *libraryScreen) view() string {
	c := l.c
	if !l.ready {
		return c.st.muted.Render("loading…")
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n\n", c.st.title.Render(fmt.Sprintf("Library — %d traces, %d problems", l.stats.Traces, l.stats.Problems)))
	if l.stats.Traces == 0 {
		b.WriteString(c.st.muted.Render("The store is empty. Import traces with `stepwise import FILE...`,\nor run `stepwise demo` for a bundled set of real samples."))
		return b.String()
	}
	// Narrow terminals drop the truncation and your-labels columns first.
	wide := c.width >= 110
	fixed := 8*3 + 2 + 24 + 8
	if wide {
		fixed += 7 + 8
	}
	nameW := max(10, min(40, c.width-fixed))
	head := padRight("DATASET", nameW) + padLeft("TRACES", 8) + padLeft("RIGHT", 8) + padLeft("WRONG", 8) + "  " +
		padRight("SOURCE LABELS", 24)
	if wide {
		head += padLeft("TRUNC", 7)
	}
	head += padLeft("HUMAN", 8)
	if wide {
		head += padLeft("YOURS", 8)
	}
	b.WriteString(c.st.header.Render(truncate(head, c.width)) + "\n")
	for i, r := range l.rows {
		name := r.dataset
		if name == "" {
			name = "all traces"
		}
		line := padRight(termsafe.Line(name), nameW) + padLeft(fmt.Sprint(r.traces), 8) + padLeft(fmt.Sprint(r.correct), 8) +
			padLeft(fmt.Sprint(r.wrong), 8) + "  " + l.progress(r, i == l.cursor)
		if wide {
			line += padLeft(fmt.Sprint(r.trunc), 7)
		}
		line += padLeft(fmt.Sprint(r.human), 8)
		if wide {
			line += padLeft(fmt.Sprint(r.mine), 8)
		}
		if i == l.cursor {
			line = c.st.selected.Render(padRight(line, c.width))
		}
		b.WriteString(line + "\n")
	}
	return b.String()
}

// progress draws how many traces carry source labels, and how many of
// those have an error.
func (l *libraryScreen) progress(r libraryRow, selected bool) string {
	c := l.c
	const w = 12
	frac := 0.0
	if r.traces > 0 {
		frac = float64(r.labeled) / float64(r.traces)
	}
	n := int(frac*w + 0.5)
	bar := strings.Repeat("█", n) + strings.Repeat("░", w-n)
	text := fmt.Sprintf(" %3.0f%% %4d✗", frac*100, r.errors)
	if selected {
		return bar + text
	}
	return c.st.good.Render(bar[:len(strings.Repeat("█", n))]) + c.st.dim.Render(bar[len(strings.Repeat("█", n)):]) + text
}
