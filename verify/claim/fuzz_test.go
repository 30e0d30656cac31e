package claim

import (
	"errors"
	"fmt"
	"testing"
	"time"
)

var parseSeeds = []string{
	"theorem test\n  (b x: ℝ)\n  (h₀: x - 5 = 2 * x - b)\n  (h₁: x = -2):\n  (b = 3) := by sorry",
	"theorem test: (75 ≡ -5 [ZMOD 16]) ∧ (76 ≡ -4 [ZMOD 16]) ∧ (77 ≡ -3 [ZMOD 16]) ∧ (-5-4-3 = -12) := by sorry",
	"theorem test: (16 ∣ 78 + 82) ∧ (16 ∣ 79 + 81) := by sorry",
	"theorem test (n : ℕ) (h₀ : n = 1061520150601) : ∃ a : ℕ, a^6 = n := by sorry",
	"(48 / 2 : ℝ) = 24",
	"⌊(7 / 2 : ℚ)⌋ = 3 ∧ 5 ! = 120 ∧ Nat.choose 5 2 = 10",
	"|(-3 : ℤ)| = 3 → max 2 3 = 3",
}

// FuzzParse checks that any input parses or fails with *Unsupported, never
// panics, and that an accepted statement evaluates and translates without
// panicking.
func FuzzParse(f *testing.F) {
	for _, s := range parseSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		done := make(chan bool)
		go func() {
			select {
			case <-done:
			case <-time.After(3 * time.Second):
				panic(fmt.Sprintf("slow input %q", src))
			}
		}()
		defer close(done)
		st, err := Parse(src)
		if err != nil {
			var u *Unsupported
			if !errors.As(err, &u) {
				t.Fatalf("%q: error %T %v is not *Unsupported", src, err, err)
			}
			return
		}
		if st.Closed() {
			v, err := st.Eval()
			if err == nil {
				_ = st.Working()
				if v2, _ := Decide(src); v2 != v {
					t.Fatalf("%q: Decide %v, Eval %v", src, v2, v)
				}
			}
		}
		if q, err := st.SMT(); err == nil {
			_ = q.Script()
		}
	})
}

// FuzzSolverOutput checks the solver output parser never panics and that
// rational values it accepts are consistent with their text.
func FuzzSolverOutput(f *testing.F) {
	f.Add("sat\nsat\n(\n  (define-fun a () Real\n    (- (/ 5.0 3.0)))\n  (define-fun x () Real\n    3.0)\n)\n")
	f.Add("sat\nsat\n(\n(define-fun a () Real (/ (- 5) 3))\n(define-fun x () Real 3.0)\n)\n")
	f.Add("unsat\nunsat\n(error \"line 8 column 10: model is not available\")\n")
	f.Add("sat\nsat\n(\n  (define-fun x () Real\n    (root-obj (+ (^ x 2) (- 2)) 2))\n)\n")
	f.Add("unknown\n(error \"a \"\"quoted\"\" word\")")
	f.Fuzz(func(t *testing.T, out string) {
		res, err := ParseSolverOutput(out)
		if err != nil {
			return
		}
		for _, a := range res.Model {
			if a.Rat != nil && a.Value == "" {
				t.Fatalf("rational without text: %+v", a)
			}
		}
	})
}
