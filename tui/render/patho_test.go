package render

import (
	"strings"
	"testing"
)

// Inputs built to trip delimiter searches into quadratic time. Speed is
// measured by BenchmarkPathological, never timed here (DESIGN §8); this
// test checks the output stays safe and within width.
var pathological = map[string]string{
	"dollars":   strings.Repeat("$a ", 20000),
	"dollars2":  strings.Repeat("$ $x", 20000),
	"backticks": strings.Repeat("` `` ", 10000),
	"parens":    strings.Repeat(`\( `, 20000),
	"begins":    strings.Repeat(`\begin{a}`, 5000),
	"fences":    strings.Repeat("```\n", 5000),
	"tildes":    strings.Repeat("~~~x\n```\n", 3000),
	"entities":  strings.Repeat("&#", 20000),
	"calc":      strings.Repeat("<<", 20000),
	"braces":    strings.Repeat("{", 20000) + strings.Repeat(`\frac`, 5000),
}

func TestPathologicalInputs(t *testing.T) {
	th := theme(t, "dark")
	r := New(nil)
	for name, in := range pathological {
		for _, cur := range []bool{false, true} {
			p := protect(in, cur, true, 20)
			if strings.Contains(in, p.prefix) {
				t.Errorf("%s: prefix in input", name)
			}
		}
		if name == "braces" && TeXToUnicode(in) == "" {
			t.Errorf("%s: TeX conversion lost everything", name)
		}
		res := r.Markdown(th, "", in[:min(len(in), 8000)], Options{Width: 40})
		checkSafe(t, name, res.Lines)
		checkWidth(t, name, res, 40)
	}
}

func BenchmarkPathological(b *testing.B) {
	for name, in := range pathological {
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(in)))
			for b.Loop() {
				protect(in, false, true, 20)
			}
		})
	}
}
