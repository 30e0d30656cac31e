package verify

import (
	"context"
	"strings"
	"testing"

	"github.com/stepwise-dev/stepwise"
)

// TestWholeDivisionClaims: a division the sentence says has a remainder is
// stated over ℕ (where Lean's division floors), with the remainder as a
// second claim; the evaluator proves the true ones and disproves a wrong
// quotient or remainder. Without such words the claim stays over ℝ.
func TestWholeDivisionClaims(t *testing.T) {
	cases := []struct {
		text  string
		stmts []string
		want  []stepwise.ProofStatus
	}{
		{ // ProcessBench gsm8k-56, step 3
			"Converting these 36 empty pens into full pens: \\( \\frac{36}{5} = 7 \\) full pens (with a remainder of 1, but we only count complete full pens).",
			[]string{"(36 / 5 : ℕ) = 7", "(36 % 5 : ℕ) = 1"},
			[]stepwise.ProofStatus{stepwise.StatusProved, stepwise.StatusProved},
		},
		{
			"So 87/5 = 17 with 3 left over.",
			[]string{"(87 / 5 : ℕ) = 17", "(87 % 5 : ℕ) = 3"},
			[]stepwise.ProofStatus{stepwise.StatusProved, stepwise.StatusDisproved},
		},
		{
			"That is 50 / 6 = 9, rounded down.",
			[]string{"(50 / 6 : ℕ) = 9"},
			[]stepwise.ProofStatus{stepwise.StatusDisproved},
		},
		{ // no remainder words: a real-number claim, and false
			"Converting these 36 empty pens: 36/5 = 7 full pens.",
			[]string{"(36 / 5 : ℝ) = 7"},
			[]stepwise.ProofStatus{stepwise.StatusDisproved},
		},
		{ // "3 R 2": a quotient and its remainder
			"20 ÷ 6 = 3 R 2",
			[]string{"(20 / 6 : ℕ) = 3", "(20 % 6 : ℕ) = 2"},
			[]stepwise.ProofStatus{stepwise.StatusProved, stepwise.StatusProved},
		},
		{ // subtraction would truncate over ℕ: stays over ℝ
			"Then 10 - 12/5 = 8 with a remainder of 2.",
			[]string{"(10 - 12 / 5 : ℝ) = 8"},
			[]stepwise.ProofStatus{stepwise.StatusDisproved},
		},
	}
	ev := &Rational{}
	for _, c := range cases {
		claims := FormalizeText(c.text)
		if len(claims) != len(c.stmts) {
			t.Fatalf("%q: %d claims %+v, want %d", c.text, len(claims), claims, len(c.stmts))
		}
		for i, cl := range claims {
			if !strings.Contains(cl.Statement, c.stmts[i]) {
				t.Fatalf("%q: claim %d %q, want %q", c.text, i, cl.Statement, c.stmts[i])
			}
			r := ev.Check(context.Background(), Job{Statement: cl.Statement, Mode: ModeDecide})
			if r.Status != c.want[i] {
				t.Fatalf("%q: %s is %s, want %s (%s)", c.text, cl.Statement, r.Status, c.want[i], r.Detail)
			}
		}
	}
}
