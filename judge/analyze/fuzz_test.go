package analyze

import (
	"strings"
	"testing"
)

var answerSeeds = []string{
	`\boxed{\frac{1}{2}}`, `\boxed{\left( 3, \frac{\pi}{2} \right)}`, "#### 1,200", "A: 18", "# Answer\n\n28800",
	`The answer is $\dfrac{3}{4}$.`, `\boxed{10,\!080}`, `\fbox{7}`, `\boxed 5`, `\boxed{`, `\boxed{\}}`,
	"50\\%", `\frac{270}7\text{ degrees}`, "(3,4]", "1,-2", "x=5", `\text{Evelyn}`, "-2 + 7i", "10^{64}",
}

func FuzzFinalAnswer(f *testing.F) {
	for _, s := range answerSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if c, off, ok := LastBoxed(s); ok {
			if off < 0 || off >= len(s) || !strings.Contains(s[off:], c) {
				t.Fatalf("LastBoxed(%q) = %q at %d", s, c, off)
			}
		}
		if a, ok := FinalAnswer(s); ok && (a.Offset < 0 || a.Offset > len(s)) {
			t.Fatalf("FinalAnswer(%q) offset %d", s, a.Offset)
		}
	})
}

func FuzzEquivalent(f *testing.F) {
	for i, s := range answerSeeds {
		f.Add(s, answerSeeds[(i+1)%len(answerSeeds)])
	}
	f.Add("0.5", `\frac{1}{2}`)
	f.Add("50%", "0.5")
	f.Fuzz(func(t *testing.T, a, b string) {
		ab, _ := Equivalent(a, b)
		ba, _ := Equivalent(b, a)
		if ab != ba {
			t.Fatalf("asymmetric: Equivalent(%q, %q)=%v but reversed %v", a, b, ab, ba)
		}
		if strings.TrimSpace(a) != "" {
			if ok, _ := Equivalent(a, a); !ok {
				t.Fatalf("%q not equivalent to itself", a)
			}
		}
	})
}

func FuzzEvalRat(f *testing.F) {
	for _, s := range []string{"1", "-.5", `\frac{1}{2}+3*4`, "2^-3", "((1))", "1/0", "10^{64}", "{", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		_, _ = evalRat(s)
	})
}

func FuzzTailLoop(f *testing.F) {
	f.Add("intro " + strings.Repeat("loop unit text ", 20))
	f.Add(strings.Repeat("é", 300))
	f.Add("")
	f.Fuzz(func(t *testing.T, s string) {
		l, ok := TailLoop(s, 3, 20)
		if !ok {
			return
		}
		if l.Start < 0 || l.End > len(s) || l.Start >= l.End || l.Repeats < 3 || l.Period <= 0 {
			t.Fatalf("bad loop %+v for len %d", l, len(s))
		}
		span := s[l.Start:l.End]
		for i := l.Period; i < len(span); i++ {
			if span[i] != span[i-l.Period] {
				t.Fatalf("span not periodic with period %d: %q", l.Period, span)
			}
		}
	})
}
