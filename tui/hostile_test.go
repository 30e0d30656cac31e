package tui

import (
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stepwise-dev/stepwise"
)

// sgr matches the only escape sequences a view may contain: styling (SGR).
var sgr = regexp.MustCompile("\x1b\\[[0-9;:]*m")

// assertTerminalSafe fails if a view holds anything a terminal would act on
// besides styling: OSC (titles, clipboard), DCS, other CSI, C0/C1 controls,
// bidi overrides.
func assertTerminalSafe(t *testing.T, where, view string) {
	t.Helper()
	rest := sgr.ReplaceAllString(view, "")
	for i, r := range rest {
		switch {
		case r == '\n':
		case r < 0x20 || r == 0x7f:
			t.Fatalf("%s: control character %U at byte %d: %q", where, r, i, snippet(rest, i))
		case r >= 0x80 && r <= 0x9f:
			t.Fatalf("%s: C1 control %U at byte %d", where, r, i)
		case (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069):
			t.Fatalf("%s: bidi control %U at byte %d", where, r, i)
		case r == utf8.RuneError:
		}
	}
	for _, leak := range []string{"]52;", "]0;pwned", "]2;pwned"} {
		if i := strings.Index(rest, "\x1b"+leak); i >= 0 {
			t.Fatalf("%s: escape sequence %q reached the view", where, leak)
		}
	}
}

func snippet(s string, i int) string {
	return s[max(0, i-20):min(len(s), i+20)]
}

func TestHostileTraceIsNeutralized(t *testing.T) {
	m := newTestModel(t, 120, 40, "dark")
	assertTerminalSafe(t, "library", viewOf(m))
	// Open the hostile trace through the list filter.
	press(t, m, "enter", "f")
	for _, r := range "dataset:processbench/hostile" {
		send(t, m, keyMsg(string(r)))
	}
	press(t, m, "enter")
	if m.list().total != 1 {
		t.Fatalf("hostile fixture not found: %d rows", m.list().total)
	}
	assertTerminalSafe(t, "list", viewOf(m))
	press(t, m, "enter")
	if m.trace().doc.t == nil || !strings.Contains(m.trace().doc.p.Text, "\x1b]52;") {
		t.Fatal("the fixture lost its escape sequences on import (it must keep them byte-exact)")
	}
	assertTerminalSafe(t, "trace", viewOf(m))
	press(t, m, "j", "enter")
	assertTerminalSafe(t, "step", viewOf(m))
	// The visible text still shows what was there, as symbols.
	if !strings.Contains(viewOf(m), "␛]52;c;ZXZpbA==") {
		t.Errorf("the escape is hidden rather than shown neutralized:\n%s", viewOf(m))
	}
	press(t, m, "esc", "p", "?")
	assertTerminalSafe(t, "help", viewOf(m))
	// The samples and compare views show the same fields (id, model, answer,
	// step text) in their own layouts.
	press(t, m, "?", "o")
	if m.current() != scrSamples || len(m.samples().sums) == 0 {
		t.Fatalf("samples of the hostile trace: screen %v", m.current())
	}
	assertTerminalSafe(t, "samples", viewOf(m))
	settle(t, m, m.compare().open(m.trace().doc.t.ID, m.trace().doc.t.ID)) // beside itself: every field twice
	if m.current() != scrCompare || m.compare().a == nil {
		t.Fatalf("compare did not open: screen %v", m.current())
	}
	assertTerminalSafe(t, "compare", viewOf(m))
	// An error type and a note are text too (merged event logs come from
	// elsewhere): the stats view shows them neutralized.
	// (The store refuses control characters in an error type; a bidi
	// override is not one, and a note may hold anything.)
	ev, err := m.db.Annotate(stepwise.Annotation{Annotator: "tester", TraceID: m.trace().doc.t.ID, Step: 0,
		Rating: stepwise.Bad, ErrorType: "calc\u202eevil", Note: "\x1b]52;c;ZXZpbA==\x07"})
	if err != nil {
		t.Fatal(err)
	}
	marks := stepwise.FoldAnnotations([]stepwise.Annotation{ev}, len(m.trace().doc.t.Steps))
	assertTerminalSafe(t, "step detail labels", strings.Join(humanLines(m.programContext, marks, 0), "\n"))
	press(t, m, "esc", "esc", "esc", "esc", "I")
	if m.current() != scrStats || !strings.Contains(strings.Join(m.stats().rows, "\n"), "calc") {
		t.Fatalf("stats view: screen %v, rows %q", m.current(), m.stats().rows)
	}
	assertTerminalSafe(t, "stats", viewOf(m))
}

// TestHumanLinesShowNotesOnlyWhenGiven: a label without a note adds no
// note line; a long note wraps inside the screen.
func TestHumanLinesShowNotesOnlyWhenGiven(t *testing.T) {
	m := newTestModel(t, 60, 20, "dark")
	marks := stepwise.FoldAnnotations([]stepwise.Annotation{
		{Seq: 1, Annotator: "ana", Step: 0, Rating: stepwise.Good},
		{Seq: 2, Annotator: "bo", Step: 0, Rating: stepwise.Bad, Note: strings.Repeat("long note ", 20)},
	}, 2)
	lines := humanLines(m.programContext, marks, 0)
	if len(lines) < 4 || strings.Contains(lines[1], "note") || !strings.Contains(lines[2], "note: long") {
		t.Fatalf("lines:\n%s", strings.Join(lines, "\n"))
	}
	for _, l := range lines {
		if w := utf8.RuneCountInString(sgr.ReplaceAllString(l, "")); w > 60 {
			t.Fatalf("line of %d columns: %q", w, l)
		}
	}
}
