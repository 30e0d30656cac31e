package claim

import "testing"

func TestParseSolverOutputZ3AndCVC5(t *testing.T) {
	// Outputs recorded from z3 4.8.12 and cvc5 1.0.3 on Safe's false few-shot
	// statement (reference/LEAN.md §5.2).
	for name, out := range map[string]string{
		"z3":   "sat\nsat\n(\n  (define-fun a () Real\n    (- (/ 5.0 3.0)))\n  (define-fun x () Real\n    3.0)\n)\n",
		"cvc5": "sat\nsat\n(\n(define-fun a () Real (/ (- 5) 3))\n(define-fun x () Real 3.0)\n)\n",
	} {
		res, err := ParseSolverOutput(out)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if len(res.Answers) != 2 || res.Answers[1] != "sat" || len(res.Model) != 2 {
			t.Fatalf("%s: %+v", name, res)
		}
		if a := res.Model[0]; a.Symbol != "a" || a.Rat == nil || a.Rat.RatString() != "-5/3" {
			t.Errorf("%s: a = %+v", name, a)
		}
		if x := res.Model[1]; x.Rat == nil || x.Rat.RatString() != "3" {
			t.Errorf("%s: x = %+v", name, x)
		}
	}
	res, err := ParseSolverOutput("unsat\nunsat\n(error \"line 8 column 10: model is not available\")\n")
	if err != nil || len(res.Answers) != 2 || res.Answers[0] != "unsat" || len(res.Errors) != 1 {
		t.Fatalf("unsat output: %+v %v", res, err)
	}
	res, err = ParseSolverOutput("sat\nsat\n(\n  (define-fun x () Real\n    (root-obj (+ (^ x 2) (- 2)) 2))\n)\n")
	if err != nil || len(res.Model) != 1 || res.Model[0].Rat != nil || res.Model[0].Value != "(root-obj (+ (^ x 2) (- 2)) 2)" {
		t.Fatalf("algebraic model: %+v %v", res, err)
	}
	if _, err := ParseSolverOutput("sat\n(garbage"); err == nil {
		t.Error("unclosed list accepted")
	}
}

func TestSMTTranslation(t *testing.T) {
	st, err := Parse("theorem test (a x : ℝ) (n : ℕ) (h₀ : a * x + 3 = x - 5) (h₁ : x = 3) : (a = (-3)) ∧ n - 1 ≤ n := by sorry")
	if err != nil {
		t.Fatal(err)
	}
	q, err := st.SMT()
	if err != nil {
		t.Fatal(err)
	}
	want := "(set-option :produce-models true)\n(set-logic ALL)\n" +
		"(declare-const v0 Real) ; a : ℝ\n(declare-const v1 Real) ; x : ℝ\n(declare-const v2 Int) ; n : ℕ\n" +
		"(assert (>= v2 0))\n" +
		"(assert (= (+ (* v0 v1) 3.0) (- v1 5.0)))\n(assert (= v1 3.0))\n(check-sat)\n" +
		"(assert (not (and (= v0 (- 3.0)) (<= (let ((t0 v2) (t1 1)) (ite (>= t0 t1) (- t0 t1) 0)) v2))))\n" +
		"(check-sat)\n(get-model)\n"
	if got := q.Script(); got != want {
		t.Errorf("script\n%s\nwant\n%s", got, want)
	}
}
