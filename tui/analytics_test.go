package tui

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"

	"github.com/stepwise-dev/stepwise"
	"github.com/stepwise-dev/stepwise/judge/analytics"
	"github.com/stepwise-dev/stepwise/store"
)

func (m *Model) freq() *freqScreen     { return m.screens[scrFreq].(*freqScreen) }
func (m *Model) charts() *chartsScreen { return m.screens[scrCharts].(*chartsScreen) }

// countsOf counts a summary field's values over a filter, here, from the
// store's summaries (the values the frequency table must show).
func countsOf(t *testing.T, db *store.DB, f store.Filter, value func(store.Summary) string) (map[string]int, int) {
	t.Helper()
	counts, total := map[string]int{}, 0
	if err := db.List(f, func(s store.Summary) error {
		counts[value(s)]++
		total++
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return counts, total
}

// checkFreq compares the table on screen with counts.
func checkFreq(t *testing.T, m *Model, field string, counts map[string]int, total int) {
	t.Helper()
	fs := m.freq()
	if m.current() != scrFreq || fs.loading || fs.fieldName() != field {
		t.Fatalf("screen %v loading %v field %q, want the %s table", m.current(), fs.loading, fs.fieldName(), field)
	}
	if len(fs.rows) != len(counts) || fs.total != total {
		t.Fatalf("%s: %d values over %d traces, want %d over %d", field, len(fs.rows), fs.total, len(counts), total)
	}
	for i, r := range fs.rows {
		if r.Count != counts[r.Value] {
			t.Errorf("%s %q: %d, counted %d", field, r.Value, r.Count, counts[r.Value])
		}
		if i > 0 && r.Count > fs.rows[i-1].Count {
			t.Errorf("%s: row %d (%d) above row %d (%d): not by count", field, i, r.Count, i-1, fs.rows[i-1].Count)
		}
	}
}

// TestFreqTableCountsAndFilters: F on the list counts the list's filter;
// tab changes the field; enter on a value shows the list narrowed to it,
// with as many rows as the table counted; a field the list cannot filter
// on says why in the status line.
func TestFreqTableCountsAndFilters(t *testing.T) {
	m := newTestModel(t, 120, 40, "dark")
	m.freq().previewN = 50 // the store is larger: a preview comes first, then the whole
	press(t, m, "enter", "F")
	byDataset, total := countsOf(t, m.db, store.Filter{}, func(s store.Summary) string { return s.Dataset })
	checkFreq(t, m, "dataset", byDataset, total)
	if !strings.Contains(viewOf(m), "Frequency of dataset") || m.freq().preview {
		t.Fatalf("view:\n%s", viewOf(m))
	}
	i := slicesIndex(analytics.FreqFields(), "model")
	for range i {
		press(t, m, "tab")
	}
	byModel, _ := countsOf(t, m.db, store.Filter{}, func(s store.Summary) string { return s.Model })
	checkFreq(t, m, "model", byModel, total)

	// Narrow the list to a model that is no prefix of another (the model
	// filter is exact, but keep the check independent of that).
	row := -1
	for k, r := range m.freq().rows {
		if r.Value != "" && !strings.ContainsAny(r.Value, " \t") && r.Count < total {
			row = k
			break
		}
	}
	if row < 0 {
		t.Fatal("no model value to filter on")
	}
	want := m.freq().rows[row]
	for range row {
		press(t, m, "j")
	}
	press(t, m, "enter")
	if m.current() != scrList || m.list().filter.Model != want.Value || m.list().total != want.Count {
		t.Fatalf("enter on %q: screen %v, filter %+v, %d rows; want the list of its %d traces", want.Value, m.current(), m.list().filter, m.list().total, want.Count)
	}
	// The narrowed list's table counts only its traces.
	press(t, m, "F")
	byCorrect, n := countsOf(t, m.db, store.Filter{Model: want.Value}, func(s store.Summary) string { return s.Model })
	checkFreq(t, m, "model", byCorrect, n)

	// steps has no list filter: enter says so and stays.
	for m.freq().fieldName() != "steps" {
		press(t, m, "tab")
	}
	press(t, m, "enter")
	if m.current() != scrFreq || !strings.Contains(m.status, "no filter on steps") {
		t.Fatalf("enter on a steps value: screen %v, status %q", m.current(), m.status)
	}
	press(t, m, "esc")
	if m.current() != scrList {
		t.Fatalf("esc from the table: screen %v", m.current())
	}
}

func slicesIndex(xs []string, x string) int {
	for i, v := range xs {
		if v == x {
			return i
		}
	}
	return -1
}

// TestNarrowFilter: each field the table offers either maps to the list
// filter key parseFilter reads for it, or says why not.
func TestNarrowFilter(t *testing.T) {
	for _, field := range analytics.FreqFields() {
		value := map[string]string{"correct": "true", "label_state": "error", "truncated": "false"}[field]
		switch {
		case slices.Contains(store.RangeFields(), field):
			value = "3" // the table writes numbers as the prompt reads them
		case value == "":
			value = "x1"
		}
		f, why := narrowFilter(store.Filter{}, field, value)
		if why != "" {
			if !strings.Contains(why, field) {
				t.Errorf("%s: reason %q does not name the field", field, why)
			}
			continue
		}
		// The prompt, given the same words, builds the same filter.
		key := map[string]string{"label_state": "label"}[field]
		if key == "" {
			key = field
		}
		pf, err := parseFilter(key+":"+value, analytics.DefaultBuckets)
		if err != nil || formatFilter(pf) != formatFilter(f) {
			t.Errorf("%s=%s: %q, the prompt gives %q (%v)", field, value, formatFilter(f), formatFilter(pf), err)
		}
	}
	if _, why := narrowFilter(store.Filter{}, "correct", "maybe"); why == "" {
		t.Error("correct:maybe accepted")
	}
	if _, why := narrowFilter(store.Filter{}, "model", "two words"); why == "" {
		t.Error("a value with a space accepted")
	}
	if f, why := narrowFilter(store.Filter{}, "tool_calls", "3"); why != "" || len(f.Ranges) != 1 {
		t.Errorf("tool_calls 3: %+v, %q", f, why)
	}
	if _, why := narrowFilter(store.Filter{}, "tokens", "none"); why == "" {
		t.Error("tokens none (traces without a value) made a filter")
	}
}

// TestChartsTotalsMatchTheStore opens the charts on the list and checks
// each chart's numbers against counts made here from the store, and that
// every tab draws something.
func TestChartsTotalsMatchTheStore(t *testing.T) {
	m := newTestModel(t, 120, 40, "dark")
	// A check and a judge verdict on the first trace, for the by-step charts.
	first := firstTrace(t, m.db)
	if err := m.db.PutChecks(first.ID, []store.CheckedStep{{Step: 0, Formalizations: []stepwise.Formalization{
		{Statement: "1 = 1", Origin: stepwise.FormalRule, Status: stepwise.StatusProved}}}}); err != nil {
		t.Fatal(err)
	}
	fe := 1
	if _, err := m.db.SaveAnalysis(&stepwise.Analysis{ID: "t", TraceIDs: []string{first.ID}, Mode: "single", Verdict: "incorrect",
		FirstError: &fe, StepFlags: []stepwise.StepFlag{{Step: 1, Reason: "x"}}}); err != nil {
		t.Fatal(err)
	}
	m.charts().previewN = 50
	press(t, m, "enter", "H")
	if m.current() != scrCharts {
		t.Fatalf("H: screen %v", m.current())
	}
	cs := m.charts()
	traces, steps, samples := 0, 0, 0
	withSteps, withTools := 0, 0
	if err := m.db.List(store.Filter{}, func(s store.Summary) error {
		traces++
		if s.Tools.Calls > 0 {
			withTools++
		}
		steps += s.Steps
		if s.Steps > 0 {
			withSteps++
		}
		if s.Model != analytics.Reference {
			samples++
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	for i, k := range cs.kinds {
		if i > 0 {
			press(t, m, "tab")
		}
		d := cs.data[k.source]
		if cs.cur != i || d == nil || d.preview || d.err != nil {
			t.Fatalf("tab %d (%s): current %d, data %+v", i, k.name, cs.cur, d)
		}
		body := strings.Join(cs.lines, "\n")
		if len(cs.lines) < 3 || !strings.Contains(body, "numbers: stepwise") {
			t.Errorf("%s: lines\n%s", k.name, body)
		}
		switch k.source {
		case "difficulty":
			n := 0
			for _, r := range d.diff {
				n += r.Samples
			}
			if n != samples {
				t.Errorf("difficulty buckets hold %d samples, the store %d", n, samples)
			}
		case "models":
			n := 0
			for _, r := range d.models {
				n += r.Traces
			}
			if n != samples {
				t.Errorf("models hold %d traces, the store %d samples", n, samples)
			}
		case "agents":
			n := 0
			for _, r := range d.ints {
				n += r.Traces
			}
			if n != withTools || n == 0 {
				t.Errorf("search intensity holds %d traces, the store has %d with a tool call", n, withTools)
			}
		case "bystep":
			n := 0
			for _, r := range d.steps {
				n += r.Traces
			}
			if n != steps || d.steps[0].Traces != withSteps || d.steps[0].Proved != 1 || d.steps[1].JudgeFlagged != 1 {
				t.Errorf("by step: %d steps (store %d), step 0 %+v, step 1 %+v", n, steps, d.steps[0], d.steps[1])
			}
			if k.name == "proofs by step" && !strings.Contains(body, "1✓ 0✗ 0?") {
				t.Errorf("proofs by step:\n%s", body)
			}
			if k.name == "judge by step" && !strings.Contains(body, "1 flagged, 1 first errors") {
				t.Errorf("judge by step:\n%s", body)
			}
		default: // a histogram: every trace in a bin or missing
			n := d.missing
			for _, b := range d.bins {
				n += b.Count
			}
			if n != traces || len(d.bins) > histBins {
				t.Errorf("%s: %d bins hold %d + %d missing, the store %d traces", k.name, len(d.bins), n-d.missing, d.missing, traces)
			}
			if k.hist == "steps" && len(d.bins) == 0 {
				t.Error("no bins of step counts")
			}
			if len(d.bins) == 0 && !strings.Contains(body, "no trace in scope records "+k.hist) {
				t.Errorf("%s: no bins, and the chart does not say so:\n%s", k.name, body)
			}
		}
	}
	press(t, m, "tab")
	if cs.cur != 0 {
		t.Errorf("tab past the last chart: %d", cs.cur)
	}
}

func firstTrace(t *testing.T, db *store.DB) store.Summary {
	t.Helper()
	var first store.Summary
	err := db.List(store.Filter{Limit: 1}, func(s store.Summary) error { first = s; return nil })
	if err != nil || first.Steps < 2 {
		t.Fatalf("first trace %+v: %v", first, err)
	}
	return first
}

// TestAnalyticsViewsAreTerminalSafe: the hostile fixture's model name (an
// OSC 52 clipboard write) shows neutralized in the frequency table and in
// every chart, at a normal and a narrow width, and no line is wider than
// the terminal.
func TestAnalyticsViewsAreTerminalSafe(t *testing.T) {
	for _, w := range []int{120, 40} {
		m := newTestModel(t, w, 30, "dark")
		press(t, m, "enter")
		applyFilterT(t, m, "dataset:processbench/hostile")
		press(t, m, "F")
		for m.freq().fieldName() != "model" {
			press(t, m, "tab")
		}
		v := viewOf(m)
		assertTerminalSafe(t, fmt.Sprintf("freq at %d", w), v)
		if w == 120 && !strings.Contains(v, "evil-model␛]52;") {
			t.Errorf("the model is not shown neutralized:\n%s", v)
		}
		assertFits(t, "freq", v, w)
		press(t, m, "esc", "H")
		for range m.charts().kinds {
			v := viewOf(m)
			where := fmt.Sprintf("chart %s at %d", m.charts().kinds[m.charts().cur].name, w)
			assertTerminalSafe(t, where, v)
			assertFits(t, where, v, w)
			press(t, m, "tab")
		}
	}
}

func applyFilterT(t *testing.T, m *Model, f string) {
	t.Helper()
	pf, err := parseFilter(f, analytics.DefaultBuckets)
	if err != nil {
		t.Fatal(err)
	}
	settle(t, m, m.list().setFilter(pf))
	if m.list().total == 0 {
		t.Fatalf("filter %s: no rows", f)
	}
}

// assertFits fails when a line of the view is wider than w columns.
func assertFits(t *testing.T, where, view string, w int) {
	t.Helper()
	for i, l := range strings.Split(sgr.ReplaceAllString(view, ""), "\n") {
		if n := utf8.RuneCountInString(l); n > w {
			t.Fatalf("%s: line %d is %d columns (terminal %d): %q", where, i, n, w, l)
		}
	}
}

// TestCliFlagsReadBack: the footer's flags are the CLI's own names.
func TestCliFlagsReadBack(t *testing.T) {
	f, err := parseFilter("dataset:gsm8k model:m correct:true conflict:yes", analytics.DefaultBuckets)
	if err != nil {
		t.Fatal(err)
	}
	if got := cliFlags(f); got != "--dataset gsm8k --model m --correct true --conflict" {
		t.Errorf("cliFlags = %q", got)
	}
}

// TestQualityVsCostPlacesModels: models with an accuracy and a mean
// token count are marks on the plot at their mean tokens and accuracy (by
// mean cost when every one has a cost); the others are listed with why
// they are not on it.
func TestQualityVsCostPlacesModels(t *testing.T) {
	v := func(x float64) *float64 { return &x }
	ms := []analytics.Model{
		{Model: "cheap", Accuracy: v(0.5), WithUsage: 10, Graded: 10, MeanTokens: v(100)},
		{Model: "dear", Accuracy: v(1), WithUsage: 4, Graded: 4, MeanTokens: v(1000)},
		{Model: "blind", Accuracy: v(0.25), Graded: 4},
		{Model: "ungraded", WithUsage: 3, MeanTokens: v(5)},
	}
	pts, unit, left := costPoints(ms)
	if unit != "tokens" || len(pts) != 2 || len(left) != 2 || pts[0].x != 100 || pts[1].x != 1000 {
		t.Fatalf("points %+v unit %s left %d", pts, unit, len(left))
	}
	ms[0].MeanCostUSD, ms[1].MeanCostUSD = v(0.002), v(0.1)
	pts, unit, _ = costPoints(ms)
	if unit != "USD" || pts[0].x != 0.002 || pts[1].x != 0.1 {
		t.Fatalf("by cost: %+v %s", pts, unit)
	}
	// One model without a cost: back to tokens; a cost without tokens
	// cannot go on that axis.
	ms[0].MeanCostUSD = nil
	ms[1].MeanTokens = nil
	pts, unit, left = costPoints(ms)
	if unit != "tokens" || len(pts) != 1 || pts[0].m.Model != "cheap" || len(left) != 3 {
		t.Fatalf("mixed: %+v %s, %d left", pts, unit, len(left))
	}
	ms[0].MeanCostUSD, ms[1].MeanTokens = v(0.002), v(1000)
	m := newTestModel(t, 100, 40, "dark")
	m.charts().kinds = chartKinds()
	lines := m.charts().drawCost(&chartData{models: ms})
	plot := sgr.ReplaceAllString(strings.Join(lines, "\n"), "")
	// "dear" (b) is at the top right: accuracy 1 and the largest cost.
	top := strings.Split(plot, "\n")[1]
	if !strings.HasSuffix(strings.TrimRight(top, " "), "b") || !strings.Contains(top, "100%") {
		t.Errorf("top row %q:\n%s", top, plot)
	}
	for _, want := range []string{"a  cheap", "b  dear", "$0.1000", "blind", "no token count recorded", "ungraded", "no graded trace"} {
		if !strings.Contains(plot, want) {
			t.Errorf("no %q in\n%s", want, plot)
		}
	}
}

// TestAnalyticsViewsFitNarrowTerminals: every chart of the whole test
// store and the frequency table fit 30 columns.
func TestAnalyticsViewsFitNarrowTerminals(t *testing.T) {
	m := newTestModel(t, 30, 20, "dark")
	press(t, m, "enter", "F")
	for range analytics.FreqFields() {
		assertFits(t, "freq "+m.freq().fieldName(), viewOf(m), 30)
		press(t, m, "tab")
	}
	press(t, m, "esc", "H")
	for range m.charts().kinds {
		assertFits(t, "chart "+m.charts().kinds[m.charts().cur].name, viewOf(m), 30)
		press(t, m, "tab")
	}
}

// TestFreqFromTheLibrary: F on a dataset of the library counts its traces;
// enter opens the list of the dataset narrowed to the value, and going
// back returns to the library.
func TestFreqFromTheLibrary(t *testing.T) {
	m := newTestModel(t, 120, 40, "dark")
	row := -1
	for i, r := range m.library().rows {
		if r.dataset == "processbench/gsm8k" {
			row = i
		}
	}
	if row < 0 {
		t.Fatal("no processbench/gsm8k row in the library")
	}
	for range row {
		press(t, m, "j")
	}
	press(t, m, "F")
	f := store.Filter{Dataset: "processbench/gsm8k"}
	byDataset, total := countsOf(t, m.db, f, func(s store.Summary) string { return s.Dataset })
	checkFreq(t, m, "dataset", byDataset, total)
	for m.freq().fieldName() != "correct" {
		press(t, m, "tab")
	}
	byCorrect, _ := countsOf(t, m.db, f, func(s store.Summary) string {
		if s.Correct == nil {
			return "unknown"
		}
		return strconv.FormatBool(*s.Correct)
	})
	checkFreq(t, m, "correct", byCorrect, total)
	want := m.freq().rows[0]
	press(t, m, "enter")
	if m.current() != scrList || m.list().filter.Dataset != f.Dataset || m.list().filter.Correct != want.Value || m.list().total != want.Count {
		t.Fatalf("enter: screen %v filter %+v rows %d; want %d rows of correct:%s", m.current(), m.list().filter, m.list().total, want.Count, want.Value)
	}
	press(t, m, "esc")
	if m.current() != scrLibrary {
		t.Fatalf("esc from the list: screen %v", m.current())
	}
}

// TestChartReadErrorIsFinal: a preview read that fails is the last word —
// the tab shows the error instead of waiting for a full read that never
// comes.
func TestChartReadErrorIsFinal(t *testing.T) {
	m := newTestModel(t, 120, 40, "dark")
	press(t, m, "enter", "H")
	s := m.charts()
	if m.current() != scrCharts || len(s.kinds) == 0 {
		t.Fatalf("charts not open (status %q)", m.status)
	}
	k := s.kinds[s.cur]
	req := m.req()
	s.loading[k.source] = req
	delete(s.data, k.source)
	failed := finalIfFailed(&chartData{err: errors.New("a damaged summary"), preview: true})
	send(t, m, chartMsg{req: req, source: k.source, data: failed})
	if _, waiting := s.loading[k.source]; waiting {
		t.Fatal("the tab still waits for a read after the error")
	}
	if v := ansi.Strip(viewOf(m)); !strings.Contains(v, "a damaged summary") || strings.Contains(v, "reading the rest") {
		t.Fatalf("the view does not show the error as final:\n%s", v)
	}
}
