package tui

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

var webrFixture = filepath.Join("testdata", "webr.jsonl")

func TestSideBySideShowsDocumentAndResponse(t *testing.T) {
	m := newSchemaModel(t, webrFixture)
	jumpTo(t, m, "w1")
	press(t, m, "d")
	if m.current() != scrSide {
		t.Fatalf("d did not open the side-by-side view: screen %d, status %q", m.current(), m.status)
	}
	v := ansi.Strip(viewOf(m))
	for _, want := range []string{"document", "instruction", "response", "330 metres tall", "stands 330 metres high", "How tall is the Eiffel"} {
		if !strings.Contains(v, want) {
			t.Fatalf("view lacks %q:\n%s", want, v)
		}
	}
	// Document and instruction sit on the same row, left and right.
	if !rowHas(v, "330 metres tall", "How tall is the Eiffel") {
		t.Fatalf("the document is not beside the instruction:\n%s", v)
	}
	// The right column scrolls on its own.
	press(t, m, "tab", "j", "j")
	if m.screens[scrSide].(*sideScreen).top != [2]int{0, 2} {
		t.Fatalf("tops %v", m.screens[scrSide].(*sideScreen).top)
	}
	// Trace questions are answered here too.
	press(t, m, ";", keyOf(t, m, "bad_case"))
	if a, ok := storedAnswer(t, m, -1, "bad_case"); !ok || a.Bool == nil || !*a.Bool {
		t.Fatalf("answer from the side-by-side view: %+v %v (%q)", a, ok, m.status)
	}
}

func TestSideBySideHostileText(t *testing.T) {
	m := newSchemaModel(t, webrFixture)
	jumpTo(t, m, "w2")
	if !strings.Contains(m.trace().doc.t.Raw, "\x1b]2;pwned") {
		t.Fatal("the fixture lost its escape sequences on import")
	}
	press(t, m, "d")
	v := viewOf(m)
	assertTerminalSafe(t, "side-by-side", v)
	if !strings.Contains(ansi.Strip(v), "Harmless intro") || !strings.Contains(ansi.Strip(v), "A summary") {
		t.Fatalf("hostile texts not shown:\n%s", ansi.Strip(v))
	}
}

func TestSideBySideDisabledElsewhere(t *testing.T) {
	m := newTestModel(t, 120, 40, "dark")
	openGSM8K0(t, m)
	press(t, m, "d")
	if m.current() != scrTrace || !strings.Contains(m.status, "needs a source document and a response") {
		t.Fatalf("screen %d, status %q", m.current(), m.status)
	}
}

// rowHas reports whether one line of v holds both texts, left before right.
func rowHas(v, left, right string) bool {
	for _, l := range strings.Split(v, "\n") {
		if i, j := strings.Index(l, left), strings.Index(l, right); i >= 0 && j > i {
			return true
		}
	}
	return false
}
