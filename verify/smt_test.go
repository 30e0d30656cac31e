package verify

import (
	"context"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/stepwise-dev/stepwise"
)

func needSolver(t *testing.T, name string) {
	t.Helper()
	if _, err := exec.LookPath(name); err != nil {
		t.Skipf("%s not installed", name)
	}
}

// Safe's few-shot statements (reference/LEAN.md §1.2, §5.2).
const (
	safeTrue  = "theorem test\n  (b x: ℝ)\n  (h₀: x - 5 = 2 * x - b)\n  (h₁: x = -2):\n  (b = 3) := by sorry"
	safeFalse = "theorem test\n  (a x: ℝ)\n  (h₀: a * x + 3 = x - 5)\n  (h₁: x = 3):\n  (a = (-3)) := by sorry"
	safeZMOD  = "theorem test: (75 ≡ -5 [ZMOD 16]) ∧ (76 ≡ -4 [ZMOD 16]) ∧ (77 ≡ -3 [ZMOD 16]) ∧ (-5-4-3 = -12) := by sorry"
	safeDvd   = "theorem test: (16 ∣ 78 + 82) ∧ (16 ∣ 79 + 81) := by sorry"
)

func TestSMTSafeExamples(t *testing.T) {
	for _, solver := range []Solver{SolverZ3, SolverCVC5} {
		t.Run(string(solver), func(t *testing.T) {
			needSolver(t, string(solver))
			b := NewSMT(solver, string(solver), DefaultConfig())
			ctx := context.Background()
			cases := []struct {
				stmt string
				want stepwise.ProofStatus
				cex  string
			}{
				{safeTrue, stepwise.StatusProved, ""},
				{safeFalse, stepwise.StatusDisproved, "a = -5/3, x = 3"},
				{safeZMOD, stepwise.StatusProved, ""},
				{safeDvd, stepwise.StatusProved, ""},
				{"theorem test (x : ℝ) (h₀ : x = 3) (h₁ : x = 4) : x = 7 := by sorry", stepwise.StatusVacuous, ""},
				{"theorem test (n : ℕ) (h₀ : n < 1) : n - 1 = 0 := by sorry", stepwise.StatusProved, ""},
				{"theorem test (n : ℕ) (h₀ : n < 3) : n - 1 = n := by sorry", stepwise.StatusDisproved, ""},
				{"theorem test (x : ℝ) (h₀ : x > 0) : x / 0 = 0 := by sorry", stepwise.StatusProved, ""},
				{"theorem test (n : ℕ) (h₀ : n = 1061520150601) : ∃ a : ℕ, a^6 = n := by sorry", stepwise.StatusUnsupported, ""},
			}
			for _, c := range cases {
				r := b.Check(ctx, Job{Statement: c.stmt, Mode: ModeDecide})
				if r.Status != c.want {
					t.Errorf("%q: %s (%s)\n%s", c.stmt, r.Status, r.Detail, r.Evidence.SolverOutput)
					continue
				}
				if c.cex != "" && r.Evidence.Counterexample != c.cex {
					t.Errorf("%q: counterexample %q, want %q", c.stmt, r.Evidence.Counterexample, c.cex)
				}
				if c.want != stepwise.StatusUnsupported && (!strings.Contains(r.Evidence.SMTLIB, "(check-sat)") || r.Evidence.SolverOutput == "") {
					t.Errorf("%q: evidence missing: %+v", c.stmt, r.Evidence)
				}
			}
		})
	}
}

func TestSMTIrrationalCounterexampleOverQ(t *testing.T) {
	needSolver(t, "z3")
	b := NewSMT(SolverZ3, "z3", DefaultConfig())
	// Over ℝ, x = √2 refutes x*x ≠ 2: disproved. Over ℚ that model is no
	// counterexample, so the backend must not claim one.
	r := b.Check(context.Background(), Job{Statement: "theorem test (x : ℝ) (h₀ : x > 0) : x * x ≠ 2 := by sorry", Mode: ModeDecide})
	if r.Status != stepwise.StatusDisproved || !strings.Contains(r.Evidence.Counterexample, "root-obj") {
		t.Errorf("ℝ: %s %q", r.Status, r.Evidence.Counterexample)
	}
	r = b.Check(context.Background(), Job{Statement: "theorem test (x : ℚ) (h₀ : x > 0) : x * x ≠ 2 := by sorry", Mode: ModeDecide})
	if r.Status != stepwise.StatusUnsupported {
		t.Errorf("ℚ: %s %q", r.Status, r.Detail)
	}
}

func TestSMTMissingSolver(t *testing.T) {
	b := NewSMT(SolverZ3, "/nonexistent/z3", DefaultConfig())
	r := b.Check(context.Background(), Job{Statement: safeTrue, Mode: ModeDecide})
	if r.Status != stepwise.StatusBackendError {
		t.Errorf("missing binary: %s %s", r.Status, r.Detail)
	}
	h := b.Probe(context.Background())
	if h.Usable || h.Why == "" || !strings.Contains(h.Enable, "apt-get install z3") {
		t.Errorf("probe: %+v", h)
	}
}

func TestSMTTimeout(t *testing.T) {
	for _, solver := range []Solver{SolverZ3, SolverCVC5} {
		needSolver(t, string(solver))
		b := NewSMT(solver, string(solver), DefaultConfig())
		ctx, cancel := context.WithTimeout(context.Background(), 1500*time.Millisecond)
		// Nonlinear integer arithmetic with mod: neither solver settles it quickly.
		r := b.Check(ctx, Job{Statement: "theorem test (m : ℤ) (h₀ : m % 2 = 1) : (m ^ 2) % 2 = 1 := by sorry", Mode: ModeDecide})
		cancel()
		if r.Status != stepwise.StatusTimeout {
			t.Errorf("%s: %s (%s)", solver, r.Status, r.Detail)
		}
	}
}
