package tui

import (
	"fmt"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/stepwise-dev/stepwise/judge/analytics"
)

func TestKeyStringsMatchBindings(t *testing.T) {
	// The harness's key messages must print as the key map expects.
	for _, k := range []string{"j", "G", "enter", "esc", "ctrl+c", "/", "?", "space"} {
		if got := keyMsg(k).String(); got != k {
			t.Errorf("key %q prints as %q", k, got)
		}
	}
}

func TestLibraryShowsDatasets(t *testing.T) {
	m := newTestModel(t, 120, 40, "dark")
	v := ansi.Strip(viewOf(m))
	for _, want := range []string{"Library", "processbench/gsm8k", "gsm8k", "sky-t1/aime24", "all traces"} {
		if !strings.Contains(v, want) {
			t.Errorf("library view lacks %q:\n%s", want, v)
		}
	}
}

func TestNavigateLibraryListTraceStep(t *testing.T) {
	m := newTestModel(t, 120, 40, "dark")
	press(t, m, "enter") // all traces
	if m.current() != scrList || m.list().total == 0 {
		t.Fatalf("screen %v, %d traces", m.current(), m.list().total)
	}
	press(t, m, "enter")
	if m.current() != scrTrace || m.trace().doc.t == nil {
		t.Fatalf("no trace open (screen %v)", m.current())
	}
	first := m.trace().doc.t.ID
	press(t, m, "j", "j")
	if m.trace().cursor != 2 && len(m.trace().doc.t.Steps) > 2 {
		t.Fatalf("cursor %d after two downs", m.trace().cursor)
	}
	press(t, m, "enter")
	if m.current() != scrStep || m.step().index != m.trace().cursor {
		t.Fatalf("step detail: screen %v index %d", m.current(), m.step().index)
	}
	press(t, m, "esc", "J")
	if m.trace().doc.t.ID == first {
		t.Fatal("J did not open the next trace")
	}
	if m.list().cursor != 1 {
		t.Fatalf("list cursor %d after next trace, want 1", m.list().cursor)
	}
	press(t, m, "esc", "esc")
	if m.current() != scrLibrary {
		t.Fatalf("back twice: screen %v", m.current())
	}
}

func TestFilterAndSort(t *testing.T) {
	m := newTestModel(t, 120, 40, "dark")
	press(t, m, "enter", "f")
	if m.prompt == nil {
		t.Fatal("f opened no prompt")
	}
	for _, r := range "dataset:processbench label:correct" {
		send(t, m, keyMsg(string(r)))
	}
	press(t, m, "enter")
	// 96 ProcessBench GSM8K traces have label -1 (read from the sample) plus
	// the hostile fixture, whose label is -1 too.
	if m.list().total != 97 || !m.list().complete {
		t.Fatalf("filtered list has %d rows (complete %v), want 97", m.list().total, m.list().complete)
	}
	press(t, m, "s") // sort by id
	if m.list().order.Key != "id" || m.list().total != 97 {
		t.Fatalf("sort: key %q, %d rows", m.list().order.Key, m.list().total)
	}
	var prev string
	for i := 0; i < m.list().total; i++ {
		seq, _ := m.list().seqAt(i)
		if r, ok := m.list().rows[seq]; ok {
			if r.ID < prev {
				t.Fatalf("row %d id %s sorts before %s", i, r.ID, prev)
			}
			prev = r.ID
		}
	}
	press(t, m, "x")
	if m.list().total < 400 {
		t.Fatalf("clear filter: %d rows", m.list().total)
	}
}

func TestDisabledKeySaysWhy(t *testing.T) {
	m := newTestModel(t, 100, 30, "dark")
	press(t, m, "J")
	if !strings.Contains(m.status, "works in the trace view and step detail, not in the library") {
		t.Fatalf("status %q", m.status)
	}
	press(t, m, "Z")
	if !strings.Contains(m.status, "no action on Z") {
		t.Fatalf("status %q", m.status)
	}
}

func TestHelpListsEveryBinding(t *testing.T) {
	m := newTestModel(t, 120, 60, "dark")
	press(t, m, "?")
	v := ansi.Strip(viewOf(m))
	for _, b := range defaultBindings() {
		if b.group == "general" || b.group == "move" {
			if !strings.Contains(v, b.help) {
				t.Errorf("help lacks %q", b.help)
			}
		}
	}
	press(t, m, "esc")
	if m.showHelp {
		t.Fatal("esc did not close help")
	}
}

func TestEveryLineFitsTheWidth(t *testing.T) {
	for _, size := range [][2]int{{80, 24}, {250, 70}, {40, 12}} {
		m := newTestModel(t, size[0], size[1], "dark")
		check := func(where string) {
			lines := strings.Split(viewOf(m), "\n")
			if len(lines) != size[1] {
				t.Errorf("%dx%d %s: %d lines", size[0], size[1], where, len(lines))
			}
			for i, l := range lines {
				if w := lipgloss.Width(l); w > size[0] {
					t.Errorf("%dx%d %s: line %d is %d wide", size[0], size[1], where, i, w)
				}
			}
		}
		check("library")
		press(t, m, "enter")
		check("list")
		press(t, m, "G", "enter")
		check("trace")
		press(t, m, "enter")
		check("step")
	}
}

func TestResizeKeepsCursorVisible(t *testing.T) {
	m := newTestModel(t, 120, 40, "dark")
	press(t, m, "enter", "G")
	send(t, m, tea_WindowSize(80, 10))
	if m.list().cursor < m.list().top || m.list().cursor >= m.list().top+m.list().pageSize() {
		t.Fatalf("cursor %d off screen (top %d, page %d)", m.list().cursor, m.list().top, m.list().pageSize())
	}
}

func TestWrapKeepsEveryCharacter(t *testing.T) {
	text := "On Saturday, they take back one third of the flamingos. Since there were 18 flamingos, \\(1/3 \\times 18 = 6\\) flamingos are taken back. So, they have \\(18 - 6 = 12\\) flamingos left in their possession. 中文字符和emoji 🙂 done"
	for w := 5; w <= 90; w++ {
		lines := wrapText(text, w)
		joined := strings.Join(lines, "")
		if strings.ReplaceAll(joined, " ", "") != strings.ReplaceAll(text, " ", "") {
			t.Fatalf("width %d lost text:\n%q", w, lines)
		}
		for _, l := range lines {
			if lipgloss.Width(l) > w {
				t.Fatalf("width %d: line %q is %d wide", w, l, lipgloss.Width(l))
			}
		}
	}
}

func TestMouseWheelAndClick(t *testing.T) {
	m := newTestModel(t, 120, 40, "dark")
	press(t, m, "enter") // all traces
	// Click the third table row (body row 3: the header is row 0 of the body).
	send(t, m, tea.MouseClickMsg{X: 5, Y: m.bodyTop() + 3, Button: tea.MouseLeft})
	if m.list().cursor != 2 {
		t.Fatalf("click selected row %d, want 2", m.list().cursor)
	}
	// A second click on the selected row opens it.
	send(t, m, tea.MouseClickMsg{X: 5, Y: m.bodyTop() + 3, Button: tea.MouseLeft})
	if m.current() != scrTrace {
		t.Fatalf("double click did not open the trace (screen %v)", m.current())
	}
	// Open the long Sky-T1 trace and scroll it with the wheel.
	press(t, m, "esc", ":")
	for _, r := range "aime24_sky-t1-32b-ckpt140/21" {
		send(t, m, keyMsg(string(r)))
	}
	press(t, m, "enter")
	if m.trace().doc.t == nil || len(m.trace().doc.t.Steps) < 1000 {
		t.Fatalf("long trace not open")
	}
	for range 20 {
		send(t, m, tea.MouseWheelMsg{X: 10, Y: 10, Button: tea.MouseWheelDown})
	}
	if m.trace().top == 0 && m.trace().topLine == 0 {
		t.Fatal("wheel did not scroll the trace")
	}
	top := m.trace().top
	for range 40 {
		send(t, m, tea.MouseWheelMsg{X: 10, Y: 10, Button: tea.MouseWheelUp})
	}
	if m.trace().top >= top || m.trace().top != 0 || m.trace().topLine != 0 {
		t.Fatalf("wheel up: top %d line %d (was %d)", m.trace().top, m.trace().topLine, top)
	}
}

func TestLongTraceEndIsReachable(t *testing.T) {
	m := newTestModel(t, 120, 40, "dark")
	jumpTo(t, m, "aime24_sky-t1-32b-ckpt140/21")
	press(t, m, "G")
	last := len(m.trace().doc.t.Steps) - 1
	if m.trace().cursor != last {
		t.Fatalf("G: cursor %d, want %d", m.trace().cursor, last)
	}
	if !strings.Contains(ansi.Strip(viewOf(m)), fmt.Sprintf("%d", last)) {
		t.Fatalf("last step %d not on screen:\n%s", last, ansi.Strip(viewOf(m)))
	}
}

// TestMarkdownReplacesPlainText: steps show as plain text first; once the
// background render lands, the trace view and step detail show markdown
// (here: the emphasis markers of "**...**" are gone), with nothing left
// waiting or in flight.
func TestMarkdownReplacesPlainText(t *testing.T) {
	m := newTestModel(t, 120, 40, "dark")
	jumpTo(t, m, "aime24_sky-t1-32b-ckpt140/0")
	if len(m.trace().want) != 0 || len(m.trace().inflight) != 0 {
		t.Fatalf("renders left: want %d, in flight %d", len(m.trace().want), len(m.trace().inflight))
	}
	// Find a visible step whose text has markdown emphasis.
	found := false
	for i := m.trace().top; i < len(m.trace().doc.t.Steps) && i < m.trace().top+8; i++ {
		if !strings.Contains(m.trace().doc.t.Steps[i].Text, "**") {
			continue
		}
		found = true
		block := ansi.Strip(strings.Join(m.trace().block(i), "\n"))
		if strings.Contains(block, "**") {
			t.Fatalf("step %d still shows raw markdown:\n%s", i, block)
		}
	}
	if !found {
		// No emphasis on screen: check that blocks came from the renderer.
		req, ok := m.trace().markdownRequest(m.trace().top)
		if !ok {
			t.Fatal("no markdown request for the top step")
		}
		if _, ok := m.render.Lookup(m.st.theme, req); !ok {
			t.Fatal("the top step's markdown was never rendered")
		}
	}
	press(t, m, "enter")
	if len(m.step().want) != 0 {
		t.Fatalf("step detail renders left: %d", len(m.step().want))
	}
}

// TestFilterSyntaxRoundTrips: every field of the prompt's syntax parses and
// prints back the same; bad values say what is wanted.
func TestFilterSyntaxRoundTrips(t *testing.T) {
	in := "dataset:gsm8k model:m correct:false label:error truncated:true problem:p format:gsm8k human:yes annotator:ana proof:disproved" +
		" accuracy:(0.3,0.7] tokens:>=1001 latency:<=2.499 cost:0.001..0.002"
	f, err := parseFilter(in, analytics.DefaultBuckets)
	if err != nil {
		t.Fatal(err)
	}
	if f.Proof != "disproved" || f.Human != "yes" || formatFilter(f) != in {
		t.Fatalf("parsed %+v, printed %q", f, formatFilter(f))
	}
	if _, err := parseFilter("proof:maybe", analytics.DefaultBuckets); err == nil || !strings.Contains(err.Error(), "unchecked") {
		t.Fatalf("proof:maybe: %v", err)
	}
	// A difficulty is its bucket's accuracy range, by the thresholds given.
	b := analytics.Buckets{Easy: 0.8, Hard: 0.2}
	f, err = parseFilter("difficulty:hard", b)
	want, _ := b.Range("hard")
	if err != nil || f.Accuracy == nil || *f.Accuracy != *want {
		t.Fatalf("difficulty:hard = %+v, %v; want %+v", f.Accuracy, err, want)
	}
	if got := formatFilter(f); got != "difficulty:hard" {
		t.Fatalf("difficulty:hard written back as %q", got)
	}
	for _, bad := range []string{"difficulty:tricky", "accuracy:2", "tokens:>x", "colour:red", "accuracy:0 difficulty:easy"} {
		if _, err := parseFilter(bad, b); err == nil {
			t.Errorf("%q parsed", bad)
		}
	}
}
