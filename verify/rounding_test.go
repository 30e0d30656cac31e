package verify

import "testing"

func TestRoundingOnly(t *testing.T) {
	cases := []struct {
		statement string
		d         int
		ok        bool
	}{
		// Real GSM8K model solutions write calculator output like this.
		{"theorem test : (800 / 3 : ℝ) = 266.6666666666667 := by sorry", 13, true},
		{"theorem test : (10 / 3 : ℝ) = 3.33 := by sorry", 2, true},
		{"theorem test : (7 / 3 : ℝ) = 2.3 := by sorry", 1, true},
		{"theorem test : (2 / 3 : ℝ) = 0.67 := by sorry", 2, true}, // rounded up
		{"theorem test : (2 / 3 : ℝ) = 0.66 := by sorry", 2, true}, // truncated
		// A negative result (the formalizer spaces the minus) and a binary
		// float printed in full, off in its last place (both real GSM8K
		// model solutions).
		{"theorem test : (11 / 18 - 10 : ℝ) = - 9.38888888888889 := by sorry", 14, true},
		{"theorem test : (1 / 3 * 5 : ℝ) = 1.6666666666666665 := by sorry", 16, true},
		// Float tolerance is only for full-precision floats.
		{"theorem test : (1 / 3 * 5 : ℝ) = 1.6666666665 := by sorry", 10, false}, // neither rounded nor truncated
		{"theorem test : (1 / 3 * 5 : ℝ) = 1.666666664 := by sorry", 9, false},
		{"theorem test : (1 / 3 * 5 : ℝ) = 1.6666666666666612 := by sorry", 16, false},
		// Wrong beyond rounding, or no decimal at all.
		{"theorem test : (7 / 3 : ℝ) = 2.4 := by sorry", 1, false},
		{"theorem test : (130000 * 0.15 : ℝ) = 195000 := by sorry", 0, false},
		{"theorem test : (10 * (2 / 3) : ℝ) = 8 := by sorry", 0, false},
		{"not a rule statement", 0, false},
	}
	for _, c := range cases {
		d, ok := RoundingOnly(c.statement)
		if ok != c.ok || (ok && d != c.d) {
			t.Errorf("%q: (%d, %v), want (%d, %v)", c.statement, d, ok, c.d, c.ok)
		}
	}
}
