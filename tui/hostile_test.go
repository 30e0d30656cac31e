package tui

import (
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"
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
	if m.list.total != 1 {
		t.Fatalf("hostile fixture not found: %d rows", m.list.total)
	}
	assertTerminalSafe(t, "list", viewOf(m))
	press(t, m, "enter")
	if m.trace.t == nil || !strings.Contains(m.trace.p.Text, "\x1b]52;") {
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
}
