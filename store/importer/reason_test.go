package importer

import (
	"errors"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/stepwise-dev/stepwise/store/formats"
)

// ReasonOf groups reasons that differ only in their numbers, and keeps the
// digits that belong to words.
func TestReasonOf(t *testing.T) {
	for in, want := range map[string]string{
		"invalid UTF-8 at column 17":                                             "invalid UTF-8 at column N",
		"error_steps [0 3]: step 0 is not a 1-based step number":                 "error_steps [N…]: step N is not a 1-based step number",
		"label 7 out of range for 5 steps":                                       "label N out of range for N steps",
		"sections_labeled_info[23].section_number 24: no such section (have 23)": "sections_labeled_info[N].section_number N: no such section (have N)",
		"score 3.25 is not 0x1f in phase2 of UTF-16":                             "score N is not 0x1f in phase2 of UTF-16",
		"error_steps [5 21 22] lists steps past the last of 20":                  "error_steps [N…] lists steps past the last of N",
		"sections[2]: steps 4-9 out of range 1-3":                                "sections[N]: steps N-N out of range N-N",
		"label -1 is not 2nd":                                                    "label -N is not 2nd",
	} {
		err := &formats.RecordError{Path: "f.json", Line: 1, Element: 17, Reason: in}
		if got := ReasonOf(err); got != want {
			t.Errorf("%q: got %q, want %q", in, got, want)
		}
		if got := ReasonOf(&formats.Warning{RecordError: *err}); got != want {
			t.Errorf("warning %q: got %q, want %q", in, got, want)
		}
	}
	if got := ReasonOf(errors.New("plain 12 error")); got != "plain N error" {
		t.Errorf("plain error: %q", got)
	}
}

// FuzzMaskNumbers: masking never panics, keeps every letter, and masking
// a masked reason changes nothing (grouping is stable).
func FuzzMaskNumbers(f *testing.F) {
	for _, s := range []string{"invalid UTF-8 at column 17", "error_steps [0 3]: step 0 is not a 1-based step number", "3.14.15 -2 x9 9x 1-a a-1", "é1 ٣ 1,2, 3", "N N N"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m := maskNumbers(s)
		letters := func(s string) string {
			var b []rune
			for _, r := range s {
				if unicode.IsLetter(r) && r != 'N' {
					b = append(b, r)
				}
			}
			return string(b)
		}
		if letters(m) != letters(s) && utf8.ValidString(s) {
			t.Fatalf("letters changed: %q → %q", s, m)
		}
		if again := maskNumbers(m); again != m {
			t.Fatalf("not stable: %q → %q → %q", s, m, again)
		}
	})
}
