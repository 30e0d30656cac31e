package search

import (
	"reflect"
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/stepwise-dev/stepwise"
)

// The reference matcher below restates the matching rules (match.go)
// the slow, obvious way: try every byte position, decode runes, compare
// them with strings.EqualFold. The tests check the fast paths against it.

func refMatches(text, query string, caseSensitive bool) []stepwise.Span {
	var out []stepwise.Span
	if query == "" {
		return nil
	}
	fold := !caseSensitive && strings.IndexFunc(query, unicode.IsUpper) < 0 && utf8.ValidString(query)
	if !fold {
		for p := 0; ; {
			i := strings.Index(text[p:], query)
			if i < 0 {
				return out
			}
			out = append(out, stepwise.Span{Start: p + i, End: p + i + len(query)})
			p += i + len(query)
		}
	}
	q := []rune(query)
	for p := 0; p < len(text); {
		if end, ok := refMatchAt(text, p, q); ok {
			out = append(out, stepwise.Span{Start: p, End: end})
			p = end
			continue
		}
		p++
	}
	return out
}

func refMatchAt(text string, p int, q []rune) (int, bool) {
	for _, qr := range q {
		if p >= len(text) {
			return 0, false
		}
		r, size := utf8.DecodeRuneInString(text[p:])
		if r == utf8.RuneError && size == 1 {
			return 0, false
		}
		ascii := qr < utf8.RuneSelf
		if qr != r && (ascii != (r < utf8.RuneSelf) || !strings.EqualFold(string(qr), string(r))) {
			return 0, false
		}
		p += size
	}
	return p, true
}

// matchAll lists a matcher's matches in text through prepare and index, as
// Search does.
func matchAll(m *matcher, text string) []stepwise.Span {
	var buf []byte
	var out []stepwise.Span
	for _, mt := range m.appendMatches(nil, &buf, 0, text) {
		out = append(out, mt.Span)
	}
	return out
}

var matcherCases = []struct{ text, query string }{
	{"The answer is 42. the end. THE", "the"},
	{"The answer is 42. the end. THE", "The"},
	{"aaaa", "aa"},
	{"remainder Remainder REMAINDER remaindeR", "remainder"},
	{"ΣΊΣΥΦΟΣ and σίσυφος and Σίσυφος", "σίσυφος"},
	{"Kelvin \u212a and k and K", "k"},
	{"Kelvin \u212a and k and K", "\u212a"},
	{"long \u017f and s and S", "s"},
	{"STRAẞE strasse straße", "straße"},
	{"Pokémon POKÉMON pokémon", "pokémon"},
	{"Pokémon POKÉMON pokémon", "Pokémon"},
	{"3 × 4 = 12, 5×6", "×"},
	{"bad \xff\xfe bytes \xc3 é \xc3\xa9", "é"},
	{"bad \xff bytes", "\xff"},
	{"ab\xffcd", "b\xffc"},
	{"x^2 + X^2", "x^2"},
	{"$\\frac{1}{2}$ and \\FRAC", "\\frac"},
	{"line one\n\nline two", "\n\nline"},
	{"tail é", "é"},
	{"é", "éé"},
	{"", "a"},
	{"ǅ ǆ Ǆ", "ǆ"},
	{"İstanbul istanbul ıstanbul", "istanbul"},
	{"ﬃ ffi FFI", "ffi"},
}

func TestMatcherAgreesWithReference(t *testing.T) {
	for _, c := range matcherCases {
		for _, cs := range []bool{false, true} {
			m, err := newMatcher(c.query, cs)
			if err != nil {
				t.Fatal(err)
			}
			want := refMatches(c.text, c.query, cs)
			if got := matchAll(m, c.text); !reflect.DeepEqual(got, want) {
				t.Errorf("%q in %q (case-sensitive %v, mode %d): %v, want %v", c.query, c.text, cs, m.mode, got, want)
			}
			// An ASCII case-folding query has two strategies; both must agree.
			if m.mode == matchASCIIFold || m.mode == matchLowered {
				other := *m
				other.mode = matchASCIIFold + matchLowered - m.mode
				if got := matchAll(&other, c.text); !reflect.DeepEqual(got, want) {
					t.Errorf("%q in %q, other strategy (mode %d): %v, want %v", c.query, c.text, other.mode, got, want)
				}
			}
		}
	}
	if _, err := newMatcher("", false); err == nil {
		t.Error("empty query accepted")
	}
}

func TestMatcherChoosesStrategy(t *testing.T) {
	for q, want := range map[string]matchMode{
		"the":        matchLowered,     // every byte among the most common
		"cauchy":     matchASCIIFold,   // 'y' is rare enough to look for
		"Cauchy":     matchExact,       // smart case
		"42":         matchExact,       // nothing to fold
		"pokémon":    matchUnicodeFold, // non-ASCII
		"×":          matchExact,
		"b\xffc":     matchExact, // not UTF-8
		"σίσυφος":    matchUnicodeFold,
		"x^2":        matchASCIIFold,
		"\u212a":     matchExact, // upper case: smart case makes it exact
		"remainder":  matchASCIIFold,
		"then":       matchLowered,
		"the answer": matchASCIIFold, // 'w' is rare enough
	} {
		m, err := newMatcher(q, false)
		if err != nil || m.mode != want {
			t.Errorf("%q: mode %d, want %d (%v)", q, m.mode, want, err)
		}
	}
}

func TestLowerASCIIInto(t *testing.T) {
	var all []byte
	for c := range 256 {
		all = append(all, byte(c))
	}
	for off := range 9 { // every alignment of the 8-byte loop and its tail
		s := all[off:]
		got := lowerASCIIInto([]byte("keep"), s)
		if string(got[:4]) != "keep" || len(got) != 4+len(s) {
			t.Fatalf("prefix or length lost: %q", got[:4])
		}
		for i, c := range s {
			want := c
			if 'A' <= c && c <= 'Z' {
				want = c + 32
			}
			if got[4+i] != want {
				t.Fatalf("offset %d: byte %#x lowered to %#x, want %#x", off, c, got[4+i], want)
			}
		}
	}
}

func TestFindInTrace(t *testing.T) {
	problem := "Évaluer: what is ΣΊΣΥΦΟΣ + pokémon?"
	raw := "Step one: σίσυφος.\n\nStep two: ÉVALUER évaluer Évaluer.\n\nNo match here."
	tr := traceFromSteps(raw, "\n\n")
	got := FindInTrace(tr, problem, "évaluer", false)
	want := []Match{
		{Step: -1, Span: stepwise.Span{Start: 0, End: len("Évaluer")}},
		{Step: 1, Span: stepwise.Span{Start: len("Step two: "), End: len("Step two: ÉVALUER")}},
		{Step: 1, Span: stepwise.Span{Start: len("Step two: ÉVALUER "), End: len("Step two: ÉVALUER évaluer")}},
		{Step: 1, Span: stepwise.Span{Start: len("Step two: ÉVALUER évaluer "), End: len("Step two: ÉVALUER évaluer Évaluer")}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("évaluer: %+v, want %+v", got, want)
	}
	got = FindInTrace(tr, problem, "σίσυφος", false)
	if len(got) != 2 || got[0].Step != -1 || problem[got[0].Span.Start:got[0].Span.End] != "ΣΊΣΥΦΟΣ" ||
		got[1].Step != 0 || tr.Steps[0].Text[got[1].Span.Start:got[1].Span.End] != "σίσυφος" {
		t.Fatalf("σίσυφος: %+v", got)
	}
	if got := FindInTrace(tr, problem, "Évaluer", false); len(got) != 2 {
		t.Fatalf("smart case Évaluer: %+v, want the problem's and step 1's last", got)
	}
	// A match never spans two steps, even where the raw text would.
	if got := FindInTrace(tr, problem, ".\n\nStep", false); len(got) != 0 {
		t.Fatalf("match across steps: %+v", got)
	}
	if got := FindInTrace(tr, problem, "", false); got != nil {
		t.Fatalf("empty query: %+v", got)
	}
}

// traceFromSteps cuts raw at sep into steps, as the list codecs do.
func traceFromSteps(raw, sep string) *stepwise.Trace {
	tr := &stepwise.Trace{Raw: raw}
	pos := 0
	for i, part := range strings.Split(raw, sep) {
		tr.Steps = append(tr.Steps, stepwise.Step{Index: i, Span: stepwise.Span{Start: pos, End: pos + len(part)}, Text: part})
		pos += len(part) + len(sep)
	}
	return tr
}

// FuzzFindInTrace checks FindInTrace, and the single pass over the raw text
// that Search makes, against the reference matcher, on random text cut into
// steps at random bytes (also inside a UTF-8 sequence).
func FuzzFindInTrace(f *testing.F) {
	for _, c := range matcherCases {
		f.Add(c.text, c.text+" "+c.query, c.query, uint64(0x0503), false)
	}
	f.Add("aaaa\n\naaaa", "aa", "aa", uint64(0x0402), true)
	f.Add("Ünïcödé ÜNÏCÖDÉ", "x", "ünïcödé", uint64(0x0306), false)
	f.Fuzz(func(t *testing.T, raw, problem, query string, cuts uint64, caseSensitive bool) {
		tr := traceAtCuts(raw, cuts)
		got := FindInTrace(tr, problem, query, caseSensitive)
		var want []Match
		for _, sp := range refMatches(problem, query, caseSensitive) {
			want = append(want, Match{Step: -1, Span: sp})
		}
		for i, st := range tr.Steps {
			for _, sp := range refMatches(st.Text, query, caseSensitive) {
				want = append(want, Match{Step: i, Span: sp})
			}
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("FindInTrace(%q in %q / %q): %v, want %v", query, problem, raw, got, want)
		}
		m, err := newMatcher(query, caseSensitive)
		if err != nil {
			return
		}
		var buf []byte
		text := m.prepare(&buf, []byte(raw))
		h := Hits{FirstStep: -1}
		if start, end := m.index(text); start >= 0 {
			spans := make([]stepwise.Span, len(tr.Steps))
			for i := range tr.Steps {
				spans[i] = tr.Steps[i].Span
			}
			m.countSteps(text, spans, start, end, &h)
		}
		wantHits := Hits{FirstStep: -1}
		for _, mt := range want {
			if mt.Step >= 0 {
				wantHits.addStep(mt.Step, 1)
			}
		}
		if h != wantHits {
			t.Fatalf("one pass over %q for %q: %+v, want %+v", raw, query, h, wantHits)
		}
	})
}

// traceAtCuts cuts raw into up to four steps at positions taken from cuts,
// leaving gaps between them; every eighth cut list is used unsorted, so
// steps overlap or run backwards.
func traceAtCuts(raw string, cuts uint64) *stepwise.Trace {
	tr := &stepwise.Trace{Raw: raw}
	var pos []int
	for i := range 8 {
		if len(raw) > 0 {
			pos = append(pos, int(cuts>>(8*i)&0xff)%(len(raw)+1))
		}
	}
	if cuts&7 != 0 {
		slices.Sort(pos)
	}
	for i := 0; i+1 < len(pos); i += 2 {
		a, b := pos[i], pos[i+1]
		if a > b {
			a, b = b, a
		}
		tr.Steps = append(tr.Steps, stepwise.Step{Index: len(tr.Steps), Span: stepwise.Span{Start: a, End: b}, Text: raw[a:b]})
	}
	return tr
}
