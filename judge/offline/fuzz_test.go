package offline

import (
	"strings"
	"testing"
)

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
