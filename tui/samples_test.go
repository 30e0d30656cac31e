package tui

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/stepwise-dev/stepwise/store"
)

// jumpTo opens a trace by id (or its source's id) with ":".
func jumpTo(t *testing.T, m *Model, id string) {
	t.Helper()
	press(t, m, ":")
	for _, r := range id {
		send(t, m, keyMsg(string(r)))
	}
	press(t, m, "enter")
	if m.trace().doc.t == nil || m.trace().doc.t.ID != id && m.trace().doc.t.SourceID != id {
		t.Fatalf("%s did not open", id)
	}
}

// TestSamplesAndCompare: ProcessBench's gsm8k-93 and GSM8K's reference
// solution are the same problem (gold 18, read from the GSM8K file). "o"
// lists both, clustered by answer (gsm8k-93 ends "Melanie started with 12
// vacuum cleaners": the answer grader reads 12), the reference in the gold
// cluster, and says how each verdict was reached; "c" on the reference
// compares it side by side with gsm8k-93.
func TestSamplesAndCompare(t *testing.T) {
	m := newTestModel(t, 120, 40, "dark")
	origin := "processbench/gsm8k:gsm8k-93"
	jumpTo(t, m, origin)
	press(t, m, "o")
	if m.current() != scrSamples || len(m.samples().sums) != 2 {
		t.Fatalf("screen %v, %d samples", m.current(), len(m.samples().sums))
	}
	v := ansi.Strip(viewOf(m))
	// The reference solution is listed, in the gold cluster, but it is not
	// a sample: the accuracy is gsm8k-93's alone, and one sample is no vote.
	for _, want := range []string{"2 traces (1 sample + 1 reference)", "gold 18", "18  ✓ gold", "◆ " + origin, "accuracy 0/1",
		"12  ✗", "0 of 1 (0%) + 1 reference"} {
		if !strings.Contains(v, want) {
			t.Fatalf("samples view lacks %q:\n%s", want, v)
		}
	}
	if h := m.samples().heading; !strings.Contains(h, "· unsolved") || strings.Contains(h, "majority") {
		t.Fatalf("heading %q: want unsolved (0 of 1 sample right) and no vote between a sample and the reference", h)
	}
	// The title ends saying how the verdicts were reached (cut here by the
	// screen's width).
	if by := verdictSources(m.samples().sums); !strings.Contains(by, "grader 2: exact ×1") || !strings.Contains(by, "source: final_answer_correct ×1") {
		t.Fatalf("verdict sources %q", by)
	}
	// The cursor starts on the trace we came from; comparing it with
	// itself is refused.
	if r, ok := m.samples().selected(); !ok || r.ID != origin {
		t.Fatalf("cursor on %+v", r)
	}
	press(t, m, "c")
	if m.current() != scrSamples || !strings.Contains(m.status, "the trace you came from") {
		t.Fatalf("compare with itself: screen %v, status %q", m.current(), m.status)
	}
	// Move to the GSM8K reference and compare.
	other := ""
	for i, k := range m.samples().rowTrace {
		if k >= 0 && m.samples().sums[k].ID != origin {
			m.samples().cursor, other = i, m.samples().sums[k].ID
		}
	}
	press(t, m, "c")
	if m.current() != scrCompare || m.compare().a == nil || m.compare().a.ID != origin || m.compare().b.ID != other {
		t.Fatalf("compare screen %v: %+v", m.current(), m.compare())
	}
	n := max(len(m.compare().a.Steps), len(m.compare().b.Steps))
	if len(m.compare().rows) != n {
		t.Fatalf("%d aligned rows, want %d", len(m.compare().rows), n)
	}
	v = ansi.Strip(viewOf(m))
	if !strings.Contains(v, origin) || !strings.Contains(v, other) || !strings.Contains(v, "answer 18 ✓ correct") {
		t.Fatalf("compare view:\n%s", v)
	}
	// Both sides' first steps are on screen, side by side.
	first := func(s string) string { return strings.Fields(s)[0] }
	if !strings.Contains(v, first(m.compare().a.Steps[0].Text)) || !strings.Contains(v, first(m.compare().b.Steps[0].Text)) {
		t.Fatalf("first steps not shown:\n%s", v)
	}
	// The last aligned row can be reached and is on screen.
	press(t, m, "G")
	if first, last := m.compare().visible(); m.compare().cursor != n-1 || last != n-1 || first > n-1 {
		t.Fatalf("cursor %d, rows %d–%d on screen, want the last (%d)", m.compare().cursor, first, last, n-1)
	}
	if !strings.Contains(ansi.Strip(viewOf(m)), "▶") {
		t.Fatalf("no cursor on screen:\n%s", ansi.Strip(viewOf(m)))
	}
	for _, l := range strings.Split(viewOf(m), "\n") {
		if w := ansi.StringWidth(l); w > 120 {
			t.Fatalf("line %d wide: %q", w, ansi.Strip(l))
		}
	}
	press(t, m, "esc", "esc")
	if m.current() != scrTrace {
		t.Fatalf("back lands on %v", m.current())
	}
}

// TestKeyMeansWhatTheScreenSays: "c" clears a label in the trace view and
// compares in the samples view; elsewhere it says where it works.
func TestKeyMeansWhatTheScreenSays(t *testing.T) {
	screens := newScreens(&programContext{})
	km, err := newKeyMap(nil, screens)
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := km.lookup("c", scrTrace); b.action != "clear-label" {
		t.Fatalf("c in the trace view: %s", b.action)
	}
	if b, _ := km.lookup("c", scrSamples); b.action != "compare" {
		t.Fatalf("c in the samples view: %s", b.action)
	}
	b, ok := km.lookup("c", scrLibrary)
	if avail, _ := km.availableOn(b, scrLibrary); !ok || avail {
		t.Fatalf("c in the library: %s available %v", b.action, avail)
	}
	// A rebinding that puts one key on two actions of the same screen is refused.
	if _, err := newKeyMap(map[string][]string{"compare": {"enter"}}, screens); err == nil {
		t.Fatal("enter bound to open and compare in the samples view was accepted")
	}
}

// TestSamplesAndCompareFit: both screens fit narrow and wide terminals.
func TestSamplesAndCompareFit(t *testing.T) {
	for _, size := range [][2]int{{40, 12}, {80, 24}, {250, 70}} {
		m := newTestModel(t, size[0], size[1], "dark")
		jumpTo(t, m, "processbench/gsm8k:gsm8k-93")
		press(t, m, "o")
		checkFits(t, m, size, "samples")
		m.samples().cursor = 1 // the first trace row (the gold cluster's)
		if r, _ := m.samples().selected(); r.ID == "processbench/gsm8k:gsm8k-93" {
			m.samples().cursor = len(m.samples().rows) - 1
		}
		press(t, m, "c")
		if m.current() != scrCompare {
			t.Fatalf("%v: not comparing (%q)", size, m.status)
		}
		checkFits(t, m, size, "compare")
		press(t, m, "G")
		checkFits(t, m, size, "compare end")
	}
}

func checkFits(t *testing.T, m *Model, size [2]int, where string) {
	t.Helper()
	lines := strings.Split(viewOf(m), "\n")
	if len(lines) != size[1] {
		t.Errorf("%dx%d %s: %d lines", size[0], size[1], where, len(lines))
	}
	for i, l := range lines {
		if w := ansi.StringWidth(l); w > size[0] {
			t.Errorf("%dx%d %s: line %d is %d wide: %q", size[0], size[1], where, i, w, ansi.Strip(l))
		}
	}
}

// TestTraceKeysWorkInStepDetail: the trace-level keys listed for step
// detail act on the step's trace there too.
func TestTraceKeysWorkInStepDetail(t *testing.T) {
	m := newTestModel(t, 120, 40, "dark")
	jumpTo(t, m, "processbench/gsm8k:gsm8k-93")
	press(t, m, "enter")
	if m.current() != scrStep {
		t.Fatalf("screen %v", m.current())
	}
	press(t, m, "o")
	if m.current() != scrSamples || len(m.samples().sums) != 2 {
		t.Fatalf("o in step detail: screen %v, %d samples", m.current(), len(m.samples().sums))
	}
	press(t, m, "esc")
	press(t, m, "A") // no judge configured: it must say so, not do nothing
	if !strings.Contains(m.status, "judge") {
		t.Fatalf("A in step detail: status %q", m.status)
	}
}

// TestNextTraceWalksTheSamples: J and K in a trace opened from the samples
// view move through that problem's traces, not the list's.
func TestNextTraceWalksTheSamples(t *testing.T) {
	m := newTestModel(t, 120, 40, "dark")
	jumpTo(t, m, "processbench/gsm8k:gsm8k-93")
	press(t, m, "o", "g", "j", "enter")
	first := m.trace().doc.t.ID
	press(t, m, "J")
	if m.trace().doc.t.ID == first || m.trace().doc.t.ProblemID != m.samples().problem.ID {
		t.Fatalf("J went from %s to %s (problem %s)", first, m.trace().doc.t.ID, m.trace().doc.t.ProblemID)
	}
	press(t, m, "J")
	if !strings.Contains(m.status, "no more traces of this problem") {
		t.Fatalf("past the last sample: status %q", m.status)
	}
	press(t, m, "K")
	if m.trace().doc.t.ID != first {
		t.Fatalf("K went to %s, want %s", m.trace().doc.t.ID, first)
	}
	press(t, m, "esc")
	if m.current() != scrSamples {
		t.Fatalf("esc lands on %v", m.current())
	}
}

// TestSamplesFromTheList: "o" on a list row opens the samples of that
// row's problem, the row's trace marked as the one compared against.
func TestSamplesFromTheList(t *testing.T) {
	m := newTestModel(t, 120, 40, "dark")
	settle(t, m, m.list().openWith(store.Filter{Dataset: "processbench/gsm8k"}))
	seq, _ := m.list().seqAt(0)
	row := m.list().rows[seq]
	press(t, m, "o")
	if m.current() != scrSamples || m.samples().origin != row.ID || m.samples().problem == nil || m.samples().problem.ID != row.ProblemID {
		t.Fatalf("screen %v, origin %q, problem %+v (row %s of %s)", m.current(), m.samples().origin, m.samples().problem, row.ID, row.ProblemID)
	}
	press(t, m, "esc")
	if m.current() != scrList {
		t.Fatalf("back lands on %v", m.current())
	}
}
