package tui

import (
	"context"
	"fmt"
	"slices"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/stepwise-dev/stepwise/judge/analytics"
	"github.com/stepwise-dev/stepwise/store"
	"github.com/stepwise-dev/stepwise/themes/termsafe"
)

// chartsScreen draws the analytics of the traces in scope (the library's
// dataset or the list's filter) as charts, one at a time behind tabs:
// a histogram of each analytics.HistFields() field, accuracy by difficulty,
// accuracy by search intensity, quality against cost per model, and proof
// statuses and judge flags by step index. Each chart's numbers come from
// the CLI command its footer names, with --json.
type chartsScreen struct {
	fixedSize
	noMouseClick
	c *programContext

	filter store.Filter
	kinds  []chartKind
	cur    int

	// data holds the loaded results by source (chartKind.source), for
	// this filter; loading the sources being read, by request id.
	data    map[string]*chartData
	loading map[string]int
	jobs    map[string]int

	// previewN is how many matches a summary chart's preview reads
	// (previewTraces; small in tests).
	previewN int

	lines []string // the current chart laid out for width
	width int
	top   int
}

// chartKind is one tab. source names what it is drawn from: several tabs
// can share one (both by-step charts read one ByStep).
type chartKind struct {
	name, source string
	hist         string // the HistFields field of a histogram tab
	draw         func(s *chartsScreen, d *chartData) []string
}

// chartData is one source's answer.
type chartData struct {
	preview bool
	bins    []analytics.Bin
	missing int
	diff    []analytics.DifficultyRow
	diffBy  []analytics.ModelDifficulty
	ints    []analytics.IntensityRow
	models  []analytics.Model
	steps   []analytics.StepRow
	err     error
}

// chartMsg brings a source's data (a preview first for the histograms and
// the difficulty buckets, which read summaries only).
type chartMsg struct {
	req    int
	source string
	data   *chartData
}

// histBins is the histograms' bin count, as `stepwise hist` defaults to.
const histBins = 20

func newChartsScreen(c *programContext) *chartsScreen {
	return &chartsScreen{c: c, previewN: previewTraces}
}

func (s *chartsScreen) where() string { return "charts view" }

func (s *chartsScreen) title() string {
	t := "charts"
	if s.cur < len(s.kinds) {
		t += " " + s.kinds[s.cur].name
	}
	if f := formatFilter(s.filter); f != "" {
		t += " [" + f + "]"
	}
	return t
}

func (s *chartsScreen) hints() []action {
	return []action{actNextField, actPrevField, actDown, actBack, actHelp}
}

func (s *chartsScreen) handlers() []handler {
	hs := moveHandlers(func(a action) tea.Cmd {
		s.scroll(a)
		return nil
	})
	return append(hs,
		on(actNextField, func() tea.Cmd { return s.switchTo(s.cur + 1) }),
		on(actPrevField, func() tea.Cmd { return s.switchTo(s.cur - 1) }),
	)
}

// chartKinds are the tabs: a histogram per HistFields field (so a field
// added there gets its chart), then the fixed charts.
func chartKinds() []chartKind {
	var ks []chartKind
	for _, f := range analytics.HistFields() {
		ks = append(ks, chartKind{name: f, source: "hist:" + f, hist: f, draw: (*chartsScreen).drawHist})
	}
	return append(ks,
		chartKind{name: "accuracy by difficulty", source: "difficulty", draw: (*chartsScreen).drawDifficulty},
		chartKind{name: "search intensity", source: "agents", draw: (*chartsScreen).drawIntensity},
		chartKind{name: "quality vs cost", source: "models", draw: (*chartsScreen).drawCost},
		chartKind{name: "proofs by step", source: "bystep", draw: (*chartsScreen).drawProofSteps},
		chartKind{name: "judge by step", source: "bystep", draw: (*chartsScreen).drawJudgeSteps},
	)
}

func (s *chartsScreen) update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case openChartsReq:
		return s.openFor(msg.filter)
	case chartMsg:
		s.loaded(msg)
	case storeChangedMsg, importFinishedMsg:
		if s.c.onStack(scrCharts) {
			return s.reset()
		}
	}
	return nil
}

// openFor shows the charts of a filter, on the tab last shown.
func (s *chartsScreen) openFor(f store.Filter) tea.Cmd {
	if s.c.current() != scrCharts {
		s.c.push(scrCharts)
	}
	s.filter, s.kinds = f, chartKinds()
	s.cur = min(s.cur, len(s.kinds)-1)
	return s.reset()
}

// reset drops what was loaded (another filter, or the store changed) and
// loads the current chart.
func (s *chartsScreen) reset() tea.Cmd {
	for _, id := range s.jobs {
		s.c.cancelJob(id)
	}
	s.data, s.loading, s.jobs = map[string]*chartData{}, map[string]int{}, map[string]int{}
	return s.switchTo(s.cur)
}

// switchTo shows tab i (wrapping), loading its source if it is not.
func (s *chartsScreen) switchTo(i int) tea.Cmd {
	n := len(s.kinds)
	if n == 0 {
		return nil
	}
	s.cur, s.top = (i%n+n)%n, 0
	k := s.kinds[s.cur]
	var cmd tea.Cmd
	if _, ok := s.data[k.source]; !ok && s.loading[k.source] == 0 {
		cmd = s.load(k)
	}
	s.layout()
	return cmd
}

// load reads a chart's source in a quiet job: a preview over the first
// matches, shown at once, then every match. Every chart reads summaries
// (the by-step charts proof strips and judge runs too), never a trace's
// body, so the whole read takes about a second per million traces.
func (s *chartsScreen) load(k chartKind) tea.Cmd {
	req := s.c.req()
	s.loading[k.source] = req
	db, f, src, n := s.c.db, s.filter, k.source, s.previewN
	read := chartReader(k, s.c.opts)
	var cmd tea.Cmd
	s.jobs[src], cmd = s.c.startJob(jobSpec{name: "charts: " + k.name, quiet: true,
		run: func(ctx context.Context, out *jobOut) tea.Msg {
			pf := f
			pf.Limit = n
			d := finalIfFailed(read(ctx, db, pf))
			if !d.preview {
				return chartMsg{req: req, source: src, data: d}
			}
			if !out.send(chartMsg{req: req, source: src, data: d}) {
				return nil
			}
			full := read(ctx, db, f)
			full.preview = false
			if ctx.Err() != nil {
				return nil
			}
			return chartMsg{req: req, source: src, data: full}
		}})
	return cmd
}

// chartReader is the read behind a tab. A summary read with a limit sets
// preview when the limit cut it short.
func chartReader(k chartKind, o Options) func(context.Context, *store.DB, store.Filter) *chartData {
	buckets, prices := o.Buckets, o.Prices
	if buckets == (analytics.Buckets{}) {
		buckets = analytics.DefaultBuckets
	}
	cut := func(f store.Filter, n int) bool { return f.Limit > 0 && n >= f.Limit }
	switch k.source {
	case "difficulty":
		return func(ctx context.Context, db *store.DB, f store.Filter) *chartData {
			// ProblemAccuracy leaves reference solutions out, so its samples do
			// not tell whether the limit cut the read: a limited read is
			// always a preview.
			ps, err := analytics.ProblemAccuracy(ctx, db, f, buckets)
			return &chartData{diff: analytics.AccuracyByDifficulty(ps), diffBy: analytics.ByDifficulty(ps), err: err, preview: f.Limit > 0}
		}
	case "agents":
		return func(ctx context.Context, db *store.DB, f store.Filter) *chartData {
			rows, err := analytics.SearchIntensity(ctx, db, f)
			return &chartData{ints: rows, err: err, preview: f.Limit > 0}
		}
	case "models":
		return func(ctx context.Context, db *store.DB, f store.Filter) *chartData {
			ms, err := analytics.Models(ctx, db, f, prices)
			return &chartData{models: ms, err: err, preview: f.Limit > 0}
		}
	case "bystep":
		return func(ctx context.Context, db *store.DB, f store.Filter) *chartData {
			rows, err := analytics.ByStep(ctx, db, f)
			return &chartData{steps: rows, err: err, preview: f.Limit > 0}
		}
	}
	field := k.hist
	return func(ctx context.Context, db *store.DB, f store.Filter) *chartData {
		bins, missing, err := analytics.Histogram(ctx, db, f, field, histBins)
		n := missing
		for _, b := range bins {
			n += b.Count
		}
		return &chartData{bins: bins, missing: missing, err: err, preview: cut(f, n)}
	}
}

// finalIfFailed makes a failed read final: a preview that failed is not
// followed by the full read, so it must not wait for one.
func finalIfFailed(d *chartData) *chartData {
	if d.err != nil {
		d.preview = false
	}
	return d
}

func (s *chartsScreen) loaded(msg chartMsg) {
	if s.loading[msg.source] != msg.req {
		return
	}
	if !msg.data.preview {
		delete(s.loading, msg.source)
		delete(s.jobs, msg.source)
	}
	if msg.data.err != nil {
		s.c.setError("charts: " + msg.data.err.Error())
	}
	s.data[msg.source] = msg.data
	if s.cur < len(s.kinds) && s.kinds[s.cur].source == msg.source {
		s.layout()
	}
}

// layout draws the current chart for the width: the heading, the chart,
// and the command that prints its numbers.
func (s *chartsScreen) layout() {
	s.width = s.c.width
	if s.cur >= len(s.kinds) {
		s.lines = nil
		return
	}
	k := s.kinds[s.cur]
	d := s.data[k.source]
	switch {
	case d == nil:
		s.lines = []string{s.c.st.muted.Render("reading the traces…")}
	case d.err != nil && !d.preview:
		s.lines = []string{s.c.st.statusErr.Render(truncate("error: "+d.err.Error(), s.c.width))}
	default:
		s.lines = k.draw(s, d)
		if d.preview {
			s.lines = append([]string{s.c.st.warning.Render(fmt.Sprintf("preview of the first %d traces; reading the rest…", s.previewN))}, s.lines...)
		}
	}
	s.lines = append(s.lines, "", s.c.st.dim.Render("numbers: "+chartCommand(k, s.filter)))
	for i, l := range s.lines {
		s.lines[i] = truncate(l, s.c.width)
	}
	s.clampTop()
}

func (s *chartsScreen) resize() tea.Cmd {
	s.layout()
	return nil
}

// pageSize is the chart rows below the heading and the tabs.
func (s *chartsScreen) pageSize() int { return max(1, s.c.bodyHeight()-2) }

func (s *chartsScreen) scroll(a action) {
	h := s.pageSize()
	switch a {
	case actDown:
		s.top++
	case actUp:
		s.top--
	case actPageDown:
		s.top += h
	case actPageUp:
		s.top -= h
	case actHalfDown:
		s.top += h / 2
	case actHalfUp:
		s.top -= h / 2
	case actTop:
		s.top = 0
	case actBottom:
		s.top = len(s.lines)
	}
	s.clampTop()
}

func (s *chartsScreen) wheel(delta int) tea.Cmd {
	s.top += delta
	s.clampTop()
	return nil
}

func (s *chartsScreen) clampTop() {
	s.top = max(0, min(s.top, len(s.lines)-s.pageSize()))
}

func (s *chartsScreen) view() string {
	var b strings.Builder
	heading := "Charts"
	if f := formatFilter(s.filter); f != "" {
		heading += " — " + termsafe.Line(f)
	} else {
		heading += " — all traces"
	}
	b.WriteString(s.c.st.title.Render(truncate(heading, s.c.width)) + "\n")
	names := make([]string, len(s.kinds))
	for i, k := range s.kinds {
		names[i] = k.name
	}
	b.WriteString(fieldTabs(s.c, names, s.cur))
	for i := s.top; i < min(len(s.lines), s.top+s.pageSize()); i++ {
		b.WriteString("\n" + s.lines[i])
	}
	return b.String()
}

// chartCommand is the CLI command that prints a chart's numbers.
func chartCommand(k chartKind, f store.Filter) string {
	cmd := map[string]string{
		"difficulty": "stepwise problems --by-difficulty --json",
		"agents":     "stepwise agents --json",
		"models":     "stepwise models --json",
		"bystep":     "stepwise bystep --json",
	}[k.source]
	if k.hist != "" {
		cmd = fmt.Sprintf("stepwise hist %s --bins %d --json", k.hist, histBins)
	}
	if flags := cliFlags(f); flags != "" {
		cmd += " " + flags
	}
	switch k.source {
	case "difficulty":
		cmd += " (per model: models --by-difficulty)"
	case "agents":
		cmd += " (its last line)"
	}
	return cmd
}

// cliFlags writes a list filter as the CLI's filter flags.
func cliFlags(f store.Filter) string {
	var out []string
	for _, w := range strings.Fields(formatFilter(f)) {
		k, v, _ := strings.Cut(w, ":")
		switch {
		case k == "conflict":
			out = append(out, "--conflict")
		case k == "annotator": // no CLI flag: --human yes is the nearest
			out = append(out, "--human yes")
		case slices.Contains(store.RangeFields(), k):
			out = append(out, "--where "+shellWord(w))
		default:
			out = append(out, "--"+k+" "+shellWord(v))
		}
	}
	return strings.Join(out, " ")
}

// shellWord quotes a value a shell would read otherwise (ranges hold < and
// >, intervals brackets); untrusted text is neutralized first.
func shellWord(v string) string {
	v = termsafe.Line(v)
	if strings.ContainsAny(v, "<>[]()|&;*?$'\"\\ `!{}~#") {
		return "'" + strings.ReplaceAll(v, "'", `'\''`) + "'"
	}
	return v
}
