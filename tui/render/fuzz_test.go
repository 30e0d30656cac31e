package render

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"

	"github.com/stepwise-dev/stepwise/themes/termsafe"
)

func FuzzProtect(f *testing.F) {
	for _, s := range []string{
		"$a*b*c$ and $\\{x \\mid x>0\\}$",
		"$$\n\\frac{a}{b}\n$$\n",
		"\\begin{align} x &= 1 \\\\ \\begin{align}y\\end{align} \\end{align}",
		"`$x$` ```\ncode $y$\n```\n\\(a\\) \\[b\\]",
		"Janet pays $18 every day and $2 per egg; $12 x 5 =$<<12*5=60>>60",
		"  ~~~lean\n  sorry\n  ~~~",
	} {
		f.Add(s, false)
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, s string, currency bool) {
		s = termsafe.Clean(s)
		p := protect(s, currency, false, 12)
		if strings.Contains(s, p.prefix) {
			t.Fatalf("prefix %q occurs in the input", p.prefix)
		}
		// Reversible: putting back each span's source gives the input
		// (numeric references are rewritten; skip inputs that have them).
		if !strings.Contains(s, "&") {
			back := p.text
			for _, sp := range p.spans {
				i := strings.Index(back, sp.emitted)
				if i < 0 {
					t.Fatalf("span %+v not found in %q", sp, back)
				}
				back = back[:i] + sp.src + back[i+len(sp.emitted):]
			}
			if back != s {
				t.Fatalf("protect is not reversible:\n in: %q\nout: %q", s, back)
			}
		}
		for _, sp := range p.spans {
			if !strings.Contains(sp.src, sp.raw) || !strings.Contains(sp.emitted, sp.token) {
				t.Fatalf("inconsistent span %+v", sp)
			}
			if strings.ContainsAny(sp.token, " \n-*_`$\\") {
				t.Fatalf("token %q has markdown-significant characters", sp.token)
			}
			if currency && (strings.HasPrefix(sp.raw, "$")) {
				t.Fatalf("Currency: dollar span %q", sp.raw)
			}
		}
		_ = TeXToUnicode(s) // must not panic
	})
}

func FuzzWrap(f *testing.F) {
	f.Add("aaa bbb ccc", 7)
	f.Add("中文中文中 x 🙂🙂🙂 https://example.com/a/b/c", 4)
	f.Add("e\u0301\u0301 a\u200db \tx", 5)
	f.Fuzz(func(t *testing.T, s string, width int) {
		if width < MinWidth || width > 300 {
			return
		}
		s = expandTabs(termsafe.Clean(s))
		ls := wrapText(s, "\x1b[1m", width)
		var got strings.Builder
		for _, l := range ls {
			if w := l.width(); w > width {
				t.Fatalf("line %q is %d wide (limit %d)", l.plain(), w, width)
			}
			if w := ansi.StringWidth(l.styled()); w > width {
				t.Fatalf("styled line %q is %d wide (limit %d)", l.styled(), w, width)
			}
			got.WriteString(l.plain())
		}
		// Only spaces and newlines may be dropped; every other character
		// survives in order.
		strip := func(x string) string {
			return strings.Map(func(r rune) rune {
				if r == ' ' || r == '\n' {
					return -1
				}
				return r
			}, x)
		}
		if strip(got.String()) != strip(s) {
			t.Fatalf("wrap lost text:\n in: %q\nout: %q", s, got.String())
		}
		if !utf8.ValidString(got.String()) {
			t.Fatal("wrap split a character")
		}
	})
}

func FuzzMarkdown(f *testing.F) {
	f.Add("# h\n\n$a*b$ `c` **d** [l](http://x) &#27;[31m\n\n```lean\nsorry\n```", 20, false)
	f.Add("> - $$\n> x\n> $$\n| a | $b|c$ |\n|-|-|\n| 中 | 🙂 |", 30, true)
	r := New(nil)
	th := theme(f, "dark")
	f.Fuzz(func(t *testing.T, s string, width int, currency bool) {
		if width < MinWidth || width > 300 || len(s) > 4096 {
			return
		}
		res := r.Markdown(th, "", s, Options{Width: width, Currency: currency, MathUnicode: width%2 == 0})
		checkSafe(t, "fuzz", res.Lines)
		checkWidth(t, "fuzz", res, width)
	})
}
