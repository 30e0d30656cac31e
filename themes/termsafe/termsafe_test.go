package termsafe

import (
	"strings"
	"testing"
)

func TestCleanNeutralizesSequences(t *testing.T) {
	hostile := []string{
		"\x1b]0;pwned title\x07",                 // OSC window title
		"\x1b]52;c;ZWNobyBwd25lZA==\x1b\\",       // OSC 52 clipboard write
		"\x1b[2J\x1b[H",                          // CSI clear screen, cursor home
		"\x1bP+q544e\x1b\\",                      // DCS
		"\u009b31m",                              // 8-bit CSI (C1, UTF-8 encoded)
		"\xc2\x9d0;title\xc2\x9c",                // 8-bit OSC ... ST
		"safe\rOVERWRITE",                        // carriage return
		"abc\u202Eevil\u202C",                    // bidi override
		"\x9b\x9d",                               // raw C1 bytes (invalid UTF-8)
		"bell\x07 backspace\x08 del\x7f nul\x00", // other controls
	}
	for _, h := range hostile {
		got := Clean(h)
		for i := 0; i < len(got); i++ {
			c := got[i]
			if c < 0x20 && c != '\n' && c != '\t' || c == 0x7f {
				t.Errorf("Clean(%q) kept control byte 0x%02x: %q", h, c, got)
			}
		}
		for _, r := range got {
			if (r >= 0x80 && r <= 0x9f) || isBidiControl(r) {
				t.Errorf("Clean(%q) kept %U", h, r)
			}
		}
	}
}

// TestCleanShowsInvisibles: zero-width characters and their kin become
// visible, so that two ids that differ only by one no longer look the same
// and a table column keeps its width.
func TestCleanShowsInvisibles(t *testing.T) {
	for _, r := range []rune{0x200B, 0x200C, 0x200D, 0xFEFF, 0x2060, 0x2062, 0x00AD, 0x180E, 0x3164, 0xE0041} {
		id := "gsm8k-" + string(r) + "1"
		got := Line(id)
		if got == "gsm8k-1" || strings.ContainsRune(got, r) {
			t.Errorf("%U: Line(%q) = %q: invisible", r, id, got)
		}
		if !strings.ContainsRune(got, '\uFFFD') {
			t.Errorf("%U: Line(%q) = %q: not marked", r, id, got)
		}
	}
}

func TestCleanKeepsText(t *testing.T) {
	in := "x² + √2 ≤ 3\n\tℝ h₀ ки 中文 🙂"
	if got := Clean(in); got != in {
		t.Errorf("Clean changed ordinary text: %q", got)
	}
	if got := Clean("a\x1b[31mb"); got != "a\u241b[31mb" {
		t.Errorf("ESC not shown as ␛: %q", got)
	}
	if got := Line("a\nb\tc"); strings.ContainsAny(got, "\n\t") {
		t.Errorf("Line kept a newline or tab: %q", got)
	}
}

func FuzzClean(f *testing.F) {
	f.Add("\x1b]52;c;AAAA\x07")
	f.Add("plain")
	f.Add("\xc2\x9b\xe2\x80\xae")
	f.Add("id\u200b\ufeff\u2060")
	f.Fuzz(func(t *testing.T, s string) {
		got := Clean(s)
		for i := 0; i < len(got); i++ {
			if c := got[i]; (c < 0x20 && c != '\n' && c != '\t') || c == 0x7f {
				t.Fatalf("control byte 0x%02x survived in %q", c, got)
			}
		}
		for _, r := range got {
			if (r >= 0x80 && r <= 0x9f) || isBidiControl(r) || isInvisible(r) {
				t.Fatalf("%U survived", r)
			}
		}
	})
}
