package answer

import (
	"strings"
	"testing"
)

var fuzzSeeds = []string{
	"Thus, the total age of the four birds is 41 years.",
	"$\\boxed{4210_5}$",
	"\\boxed{\\frac{1}{\\sqrt{2}}}",
	"#### 1,000",
	"Final Answer: The final answer is $28 \\%$.",
	"\\begin{pmatrix}1 & 2 \\\\ 3 & 4\\end{pmatrix}",
	"x \\in [-2, 7) \\cup (8, \\infty)",
	"3 \\pm 2\\sqrt{2}",
	"\\frac{x^2-1}{x-1}",
	"(((((((((((1)))))))))))",
	"\\boxed{\\boxed{\\boxed{1}}",
	"$$ \\left( 3, \\frac{\\pi}{2} \\right) $$",
	"10^{10^{10^{10}}}",
	"\\sqrt[3]{-8} = -2",
	"答案是 5",
	"p=5,q=2;p=7,q=2",
	"x = 5+5+1 = 7 = 11",
	"\\\\left(\\\\frac{1}{5}, 2\\\\right)",
}

// FuzzExtract: extraction never panics and returns a non-empty answer with
// an offset inside its input.
func FuzzExtract(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a, ok := Extract(s)
		if ok && a.Text == "" {
			t.Fatalf("Extract(%q) found an empty answer", s)
		}
		if ok && (a.Offset < 0 || a.Offset > len(s)) {
			t.Fatalf("Extract(%q): offset %d out of range", s, a.Offset)
		}
	})
}

// FuzzEquivalent: comparison never panics, is reflexive on what parses,
// and symmetric in its outcome.
func FuzzEquivalent(f *testing.F) {
	for i, s := range fuzzSeeds {
		f.Add(s, fuzzSeeds[(i+1)%len(fuzzSeeds)])
	}
	f.Add("1/2", "0.5")
	f.Add("x^2", "x*x")
	f.Fuzz(func(t *testing.T, a, b string) {
		if len(a) > 4096 || len(b) > 4096 {
			return
		}
		v := Compare(a, b, Options{})
		w := Compare(b, a, Options{})
		if (v.Outcome == Equal) != (w.Outcome == Equal) {
			t.Fatalf("Compare(%q, %q) = %v by %s but reversed %v by %s", a, b, v.Outcome, v.Method, w.Outcome, w.Method)
		}
		if strings.TrimSpace(a) != "" {
			if r := Compare(a, a, Options{}); r.Outcome != Equal {
				t.Fatalf("Compare(%q, itself) = %v", a, r.Outcome)
			}
		}
		if n, ok := parse(a); ok && n == nil {
			t.Fatalf("parse(%q) succeeded with no node", a)
		}
	})
}
