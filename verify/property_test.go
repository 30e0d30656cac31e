package verify

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stepwise-dev/stepwise/verify/claim"
)

// genClaim builds a random closed claim twice: as Lean text for the
// evaluator and, independently, as an SMT-LIB formula encoding Lean's
// semantics by hand (truncated ℕ subtraction, x/0 = 0, Euclidean div/mod).
type genClaim struct{ lean, smt string }

type claimGen struct{ r *rand.Rand }

func (g claimGen) lit(t string) (string, string) {
	k := g.r.IntN(13)
	if t == "ℤ" && g.r.IntN(3) == 0 && k > 0 {
		return fmt.Sprintf("(-%d)", k), fmt.Sprintf("(- %d)", k)
	}
	if t == "ℝ" {
		return fmt.Sprint(k), fmt.Sprintf("%d.0", k)
	}
	return fmt.Sprint(k), fmt.Sprint(k)
}

func (g claimGen) term(t string, depth int) (string, string) {
	if depth == 0 || g.r.IntN(4) == 0 {
		return g.lit(t)
	}
	if t != "ℕ" && g.r.IntN(6) == 0 { // an ℕ sub-tree coerced up
		l, s := g.term("ℕ", depth-1)
		if t == "ℝ" {
			return "((" + l + " : ℕ) : ℝ)", "(to_real " + s + ")"
		}
		return "((" + l + " : ℕ) : ℤ)", s
	}
	al, as := g.term(t, depth-1)
	bl, bs := g.term(t, depth-1)
	zero := "0"
	if t == "ℝ" {
		zero = "0.0"
	}
	ops := []string{"+", "-", "*", "/", "%", "^"}
	if t == "ℝ" {
		ops = ops[:4]
	}
	switch op := ops[g.r.IntN(len(ops))]; op {
	case "+", "*":
		return "(" + al + " " + op + " " + bl + ")", "(" + op + " " + as + " " + bs + ")"
	case "-":
		if t == "ℕ" {
			return "(" + al + " - " + bl + ")", fmt.Sprintf("(ite (>= %s %s) (- %s %s) 0)", as, bs, as, bs)
		}
		return "(" + al + " - " + bl + ")", "(- " + as + " " + bs + ")"
	case "/":
		f := "div"
		if t == "ℝ" {
			f = "/"
		}
		return "(" + al + " / " + bl + ")", fmt.Sprintf("(ite (= %s %s) %s (%s %s %s))", bs, zero, zero, f, as, bs)
	case "%":
		return "(" + al + " % " + bl + ")", fmt.Sprintf("(ite (= %s 0) %s (mod %s %s))", bs, as, as, bs)
	}
	e := g.r.IntN(4)
	if e == 0 {
		one := "1"
		if t == "ℝ" {
			one = "1.0"
		}
		return "(" + al + " ^ " + fmt.Sprint(e) + ")", one
	}
	return "(" + al + " ^ " + fmt.Sprint(e) + ")", "(*" + strings.Repeat(" "+as, e) + ")"
}

func (g claimGen) claim() genClaim {
	t := []string{"ℕ", "ℤ", "ℝ"}[g.r.IntN(3)]
	al, as := g.term(t, 3)
	bl, bs := g.term(t, 3)
	lhs, rhs := "("+al+" : "+t+")", "("+bl+" : "+t+")"
	switch g.r.IntN(6) {
	case 0:
		return genClaim{lhs + " ≠ " + rhs, "(not (= " + as + " " + bs + "))"}
	case 1:
		return genClaim{lhs + " < " + rhs, "(< " + as + " " + bs + ")"}
	case 2:
		return genClaim{lhs + " ≤ " + rhs, "(<= " + as + " " + bs + ")"}
	case 3:
		if t != "ℝ" {
			return genClaim{lhs + " ∣ " + rhs, fmt.Sprintf("(ite (= %s 0) (= %s 0) (= (mod %s %s) 0))", as, bs, bs, as)}
		}
	case 4:
		if t == "ℕ" {
			nl, ns := g.lit("ℕ")
			return genClaim{lhs + " ≡ " + rhs + " [MOD " + nl + "]",
				fmt.Sprintf("(ite (= %s 0) (= %s %s) (= (mod %s %s) (mod %s %s)))", ns, as, bs, as, ns, bs, ns)}
		}
	}
	return genClaim{lhs + " = " + rhs, "(= " + as + " " + bs + ")"}
}

// TestEvaluatorAgreesWithZ3 is a property test: on generated closed claims
// the exact evaluator and z3 (given an independent hand encoding of Lean's
// semantics) must agree on every truth value.
func TestEvaluatorAgreesWithZ3(t *testing.T) {
	needSolver(t, "z3")
	g := claimGen{rand.New(rand.NewPCG(1, 2))}
	const n = 1500
	claims := make([]genClaim, n)
	var script strings.Builder
	script.WriteString("(set-logic ALL)\n")
	for i := range claims {
		claims[i] = g.claim()
		fmt.Fprintf(&script, "(push 1)\n(assert (not %s))\n(check-sat)\n(pop 1)\n", claims[i].smt)
	}
	p := runProc(context.Background(), procSpec{Path: "z3", Args: []string{"-in", "-smt2", "-T:120"}, Stdin: script.String()})
	answers := strings.Fields(p.Stdout)
	if len(answers) != n {
		t.Fatalf("z3 gave %d answers for %d claims: %.500s %s", len(answers), n, p.Stdout, p.Stderr)
	}
	checked, trues := 0, 0
	for i, c := range claims {
		v, err := claim.Decide(c.lean)
		if err != nil {
			t.Errorf("evaluator rejected generated claim %q: %v", c.lean, err)
			continue
		}
		z3True := answers[i] == "unsat"
		if answers[i] != "unsat" && answers[i] != "sat" {
			t.Errorf("z3 answered %s for %q", answers[i], c.lean)
			continue
		}
		if (v == claim.True) != z3True {
			t.Errorf("disagreement on %q: evaluator %v, z3 %s\nsmt: %s", c.lean, v, answers[i], c.smt)
		}
		checked++
		if z3True {
			trues++
		}
	}
	if checked != n || trues == 0 || trues == n {
		t.Errorf("checked %d of %d, %d true: the generator should give both outcomes", checked, n, trues)
	}
	t.Logf("%d claims, %d true, all agree", checked, trues)
}
