package tui

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	tea "charm.land/bubbletea/v2"

	"github.com/stepwise-dev/stepwise/judge/analytics"
	"github.com/stepwise-dev/stepwise/store"
	"github.com/stepwise-dev/stepwise/themes/termsafe"
	"github.com/stepwise-dev/stepwise/tui/render"
)

// freqScreen is VisiData's Shift-F on the trace list: the values of one
// summary field over the list's filter with their count, percent and a
// bar, most frequent first; enter shows the list narrowed to a value.
// The fields are analytics.FreqFields(), read when the screen opens, so a
// field added there shows up here.
type freqScreen struct {
	fixedSize
	noMouseClick
	c *programContext

	filter store.Filter
	fields []string
	field  int

	rows    []analytics.Row
	total   int  // traces counted
	preview bool // rows count only the first previewTraces matches
	loading bool
	req     int
	job     int

	// previewN is how many matches the preview counts (previewTraces;
	// tests make it small to see a preview replaced on a small store).
	previewN int

	cursor, top int
	// lines are the laid-out rows on screen, by row index, for width.
	lines map[int]string
	width int
}

// previewTraces is how many matching traces a frequency table or a
// histogram counts first, to show at once (a few milliseconds) while the
// whole count runs (about a second per million traces).
const previewTraces = 20000

// freqMsg brings a frequency table: a preview, then the whole.
type freqMsg struct {
	req     int
	field   string
	rows    []analytics.Row
	preview bool
	err     error
}

func newFreqScreen(c *programContext) *freqScreen { return &freqScreen{c: c, previewN: previewTraces} }

func (s *freqScreen) where() string { return "frequency table" }

func (s *freqScreen) title() string {
	t := "freq " + s.fieldName()
	if f := formatFilter(s.filter); f != "" {
		t += " [" + f + "]"
	}
	return t
}

func (s *freqScreen) hints() []action {
	return []action{actOpen, actNextField, actPrevField, actBack, actHelp}
}

func (s *freqScreen) fieldName() string {
	if s.field < len(s.fields) {
		return s.fields[s.field]
	}
	return ""
}

func (s *freqScreen) handlers() []handler {
	hs := moveHandlers(func(a action) tea.Cmd {
		s.moveKey(a)
		return nil
	})
	return append(hs,
		on(actOpen, s.open).unless(s.whyNotOpen),
		on(actNextField, func() tea.Cmd { return s.switchField(1) }),
		on(actPrevField, func() tea.Cmd { return s.switchField(-1) }),
	)
}

func (s *freqScreen) update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case openFreqReq:
		return s.openFor(msg.filter)
	case freqMsg:
		s.loaded(msg)
	case storeChangedMsg, importFinishedMsg:
		if s.c.onStack(scrFreq) {
			return s.load()
		}
	}
	return nil
}

// openFor shows the table of the current field over a filter.
func (s *freqScreen) openFor(f store.Filter) tea.Cmd {
	if s.c.current() != scrFreq {
		s.c.push(scrFreq)
	}
	s.filter, s.fields = f, analytics.FreqFields()
	s.field = min(s.field, len(s.fields)-1)
	return s.load()
}

func (s *freqScreen) switchField(d int) tea.Cmd {
	n := len(s.fields)
	if n == 0 {
		return nil
	}
	s.field = ((s.field+d)%n + n) % n
	return s.load()
}

// load counts the field's values in a quiet job: a preview over the first
// matches, then every match. A new load stops the one running.
func (s *freqScreen) load() tea.Cmd {
	if s.job != 0 {
		s.c.cancelJob(s.job)
	}
	s.req = s.c.req()
	s.loading, s.rows, s.total, s.cursor, s.top = true, nil, 0, 0, 0
	s.lines = nil
	req, db, f, field, n := s.req, s.c.db, s.filter, s.fieldName(), s.previewN
	var cmd tea.Cmd
	s.job, cmd = s.c.startJob(jobSpec{name: "frequency table", quiet: true,
		run: func(ctx context.Context, out *jobOut) tea.Msg {
			return countValues(ctx, out, db, f, field, req, n)
		}})
	return cmd
}

// countValues sends a preview when the filter matches more traces than it
// covers, then returns the whole table.
func countValues(ctx context.Context, out *jobOut, db *store.DB, f store.Filter, field string, req, preview int) tea.Msg {
	pf := f
	pf.Limit = preview
	rows, err := analytics.Frequency(ctx, db, pf, field)
	if err != nil {
		return freqMsg{req: req, field: field, err: err}
	}
	if sum(rows) < preview {
		return freqMsg{req: req, field: field, rows: rows}
	}
	if !out.send(freqMsg{req: req, field: field, rows: rows, preview: true}) {
		return nil
	}
	rows, err = analytics.Frequency(ctx, db, f, field)
	if ctx.Err() != nil {
		return nil
	}
	return freqMsg{req: req, field: field, rows: rows, err: err}
}

func sum(rows []analytics.Row) int {
	n := 0
	for _, r := range rows {
		n += r.Count
	}
	return n
}

func (s *freqScreen) loaded(msg freqMsg) {
	if msg.req != s.req {
		return
	}
	if !msg.preview {
		s.job = 0
	}
	s.loading = msg.preview
	if msg.err != nil {
		s.loading = false
		s.c.setError("frequency table: " + msg.err.Error())
		return
	}
	s.rows, s.preview, s.total = msg.rows, msg.preview, sum(msg.rows)
	s.lines = nil
	s.clamp()
}

// whyNotOpen is the reason enter cannot filter the list to the value
// under the cursor, "" when it can.
func (s *freqScreen) whyNotOpen() string {
	if len(s.rows) == 0 {
		return "no value selected"
	}
	_, why := narrowFilter(s.filter, s.fieldName(), s.rows[s.cursor].Value)
	return why
}

// open shows the list narrowed to the value under the cursor: the table
// leaves, and the list it was opened from takes the narrower filter (from
// the library, the list opens with it).
func (s *freqScreen) open() tea.Cmd {
	f, why := narrowFilter(s.filter, s.fieldName(), s.rows[s.cursor].Value)
	if why != "" {
		s.c.setError(why)
		return nil
	}
	s.c.post(backReq{})
	s.c.post(openListReq{filter: f})
	if v := s.rows[s.cursor].Value; s.fieldName() == "dataset" && s.hasSubsets(v) {
		s.c.setInfo("dataset:" + termsafe.Line(v) + " also lists its subsets (" + termsafe.Line(v) + "/…), counted apart in the table")
	}
	return nil
}

// hasSubsets reports whether a dataset of the table is a subset of v,
// which the list's dataset filter also matches.
func (s *freqScreen) hasSubsets(v string) bool {
	for _, r := range s.rows {
		if strings.HasPrefix(r.Value, v+"/") {
			return true
		}
	}
	return false
}

// narrowFilter adds field = value to a list filter, or says why the list
// cannot filter on it: only the fields the filter syntax has a key for
// (tui/filter.go) can, and a value its syntax cannot write (empty, or
// with a space) cannot be typed back into the prompt either.
func narrowFilter(f store.Filter, field, value string) (store.Filter, string) {
	var set *string
	key := field
	switch field {
	case "dataset":
		set = &f.Dataset
	case "model":
		set = &f.Model
	case "correct":
		set = &f.Correct
	case "label_state":
		set, key = &f.Label, "label"
	case "truncated":
		set = &f.Truncated
	case "format":
		set = &f.Format
	default:
		if !slices.Contains(store.RangeFields(), field) || value == "none" {
			return f, fmt.Sprintf("the list has no filter on %s %s (it filters on dataset, model, correct, label_state, truncated, format and the numeric fields' values)",
				field, termsafe.Line(value))
		}
		r, err := store.ParseRange(field, value)
		if err != nil {
			return f, err.Error()
		}
		f.Ranges = append(f.Ranges, r)
		return f, ""
	}
	if value == "" || strings.ContainsAny(value, " \t\n") {
		return f, fmt.Sprintf("%s %q cannot be written as a filter (%s:VALUE takes no empty value or space)", field, termsafe.Line(value), key)
	}
	*set = value
	if err := f.Validate(); err != nil {
		return f, "filter " + key + ":" + termsafe.Line(value) + ": " + err.Error()
	}
	return f, ""
}

func (s *freqScreen) moveKey(a action) {
	h := s.pageSize()
	switch a {
	case actDown:
		s.cursor++
	case actUp:
		s.cursor--
	case actPageDown:
		s.cursor += h
	case actPageUp:
		s.cursor -= h
	case actHalfDown:
		s.cursor += h / 2
	case actHalfUp:
		s.cursor -= h / 2
	case actTop:
		s.cursor = 0
	case actBottom:
		s.cursor = len(s.rows) - 1
	}
	s.clamp()
}

func (s *freqScreen) wheel(delta int) tea.Cmd {
	s.cursor += delta
	s.clamp()
	return nil
}

// pageSize is the rows below the heading, the field tabs and the header.
func (s *freqScreen) pageSize() int { return max(1, s.c.bodyHeight()-3) }

// clamp keeps the cursor in range and on screen, and lays out the rows
// that came into view.
func (s *freqScreen) clamp() {
	s.cursor = max(0, min(s.cursor, len(s.rows)-1))
	h := s.pageSize()
	if s.cursor < s.top {
		s.top = s.cursor
	}
	if s.cursor >= s.top+h {
		s.top = s.cursor - h + 1
	}
	s.top = max(0, min(s.top, len(s.rows)-h))
	s.layout()
}

func (s *freqScreen) resize() tea.Cmd {
	s.clamp()
	return nil
}

// freqCols are the widths of the value, count and percent columns and the
// bar, for a terminal width.
type freqCols struct{ value, count, pct, bar int }

func (s *freqScreen) cols() freqCols {
	w := s.c.width
	c := freqCols{count: max(5, len(fmt.Sprint(s.total))), pct: 6}
	c.value = max(8, min(40, w/3))
	c.bar = max(0, w-c.value-c.count-c.pct-5)
	return c
}

// layout draws the rows on screen that are not drawn for this width.
func (s *freqScreen) layout() {
	if s.lines == nil || s.width != s.c.width {
		s.lines, s.width = map[int]string{}, s.c.width
	}
	c := s.cols()
	most := 0
	if len(s.rows) > 0 {
		most = s.rows[0].Count
	}
	for i := s.top; i < min(len(s.rows), s.top+s.pageSize()); i++ {
		if _, ok := s.lines[i]; ok {
			continue
		}
		r := s.rows[i]
		value := termsafe.Line(r.Value)
		if r.Value == "" {
			value = "(empty)"
		}
		s.lines[i] = " " + padRight(value, c.value) + " " + padLeft(fmt.Sprint(r.Count), c.count) + " " +
			padLeft(fmt.Sprintf("%.1f%%", r.Percent), c.pct) + " " + render.Bar(float64(r.Count), float64(most), c.bar)
	}
}

func (s *freqScreen) view() string {
	var b strings.Builder
	heading := "Frequency of " + s.fieldName()
	if f := formatFilter(s.filter); f != "" {
		heading += " — " + termsafe.Line(f)
	}
	heading += fmt.Sprintf(" — %d values, %d traces", len(s.rows), s.total)
	if s.preview {
		heading += fmt.Sprintf(" (preview of the first %d; counting the rest…)", s.previewN)
	}
	b.WriteString(s.c.st.title.Render(truncate(heading, s.c.width)) + "\n")
	b.WriteString(fieldTabs(s.c, s.fields, s.field) + "\n")
	c := s.cols()
	b.WriteString(s.c.st.header.Render(truncate(" "+padRight(strings.ToUpper(s.fieldName()), c.value)+" "+
		padLeft("COUNT", c.count)+" "+padLeft("%", c.pct)+" ", s.c.width)))
	switch {
	case s.loading && len(s.rows) == 0:
		b.WriteString("\n" + s.c.st.muted.Render("counting…"))
		return b.String()
	case len(s.rows) == 0:
		b.WriteString("\n" + s.c.st.muted.Render("no traces match"))
		return b.String()
	}
	for i := s.top; i < min(len(s.rows), s.top+s.pageSize()); i++ {
		line := padRight(s.lines[i], s.c.width)
		if i == s.cursor {
			line = s.c.st.selected.Render(line)
		} else {
			line = s.c.st.row.Render(line)
		}
		b.WriteString("\n" + line)
	}
	return b.String()
}

// fieldTabs draws a row of names with the current one marked (the fields
// of the frequency table, the charts), cut to the width; the tabs before
// the current one give way (shown as "…") so that it is always in view.
func fieldTabs(c *programContext, names []string, cur int) string {
	from := 0
	for from < cur && tabsWidth(names[from:cur+1])+2 > c.width {
		from++
	}
	var parts []string
	if from > 0 {
		parts = append(parts, c.st.muted.Render("…"))
	}
	for i := from; i < len(names); i++ {
		if i == cur {
			parts = append(parts, c.st.selected.Render(" "+names[i]+" "))
		} else {
			parts = append(parts, c.st.muted.Render(" "+names[i]+" "))
		}
	}
	return truncate(strings.Join(parts, c.st.dim.Render("│")), c.width)
}

// tabsWidth is the columns names take as tabs.
func tabsWidth(names []string) int {
	w := 0
	for _, n := range names {
		w += utf8.RuneCountInString(n) + 3
	}
	return w
}
