package formats

import (
	"strings"
	"testing"
)

// FuzzLastBox checks the backward walk against its definition: the later
// of the last \boxed and the last \fbox.
func FuzzLastBox(f *testing.F) {
	for _, s := range []string{`x \boxed{1} y \fbox{2}`, `\fbox{a}\boxed{b}`, `\\boxed`, `no box`, `\box\boxe\boxed`, `\fbo\fbox`, ``} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want := max(strings.LastIndex(s, `\boxed`), strings.LastIndex(s, `\fbox`))
		if got := lastBox(s); got != want {
			t.Fatalf("lastBox(%q) = %d, want %d", s, got, want)
		}
	})
}
