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
