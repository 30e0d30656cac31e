package verify

import (
	"context"
	"fmt"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/stepwise-dev/stepwise"
	"github.com/stepwise-dev/stepwise/verify/claim"
)

// Solver selects an SMT solver's command line.
type Solver string

// Solvers.
const (
	SolverZ3   Solver = "z3"
	SolverCVC5 Solver = "cvc5"
)

// SMT decides claims with variables through z3 or cvc5: hypotheses
// unsatisfiable ⇒ vacuous; hypotheses with the goal negated unsatisfiable ⇒
// proved; satisfiable ⇒ disproved, the model being the counterexample.
// Results are proofs modulo the translation, labelled with the solver.
type SMT struct {
	solver  Solver
	path    string
	memory  uint64
	once    sync.Once
	version string
	verErr  error
}

// NewSMT returns a backend running the solver binary at path.
func NewSMT(s Solver, path string, cfg Config) *SMT {
	return &SMT{solver: s, path: path, memory: uint64(cfg.withDefaults().SolverMemoryMB) << 20}
}

// Name implements Backend.
func (s *SMT) Name() string { return "smt-" + string(s.solver) }

// Toolchain implements Backend: the solver's version line.
func (s *SMT) Toolchain(ctx context.Context) string {
	s.once.Do(func() {
		cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		p := runProc(cctx, procSpec{Path: s.path, Args: []string{"--version"}, MaxOutput: 4096})
		if p.Err != nil {
			s.verErr = p.Err
			return
		}
		s.version = strings.TrimSpace(strings.SplitN(p.Stdout, "\n", 2)[0])
	})
	if s.version == "" {
		return string(s.solver) + " (unknown version)"
	}
	return s.version
}

// Probe implements Prober.
func (s *SMT) Probe(ctx context.Context) Health {
	h := Health{Backend: s.Name()}
	if _, err := exec.LookPath(s.path); err != nil {
		h.Why = fmt.Sprintf("%s not found on PATH (%v)", s.path, err)
		h.Enable = fmt.Sprintf("install it (Debian: apt-get install %s) or set its path in the config", s.solver)
		return h
	}
	h.Toolchain = s.Toolchain(ctx)
	if s.verErr != nil {
		h.Why = "running " + s.path + " --version failed: " + s.verErr.Error()
		h.Enable = "check the binary works"
		return h
	}
	h.Usable = true
	return h
}

func (s *SMT) args(budget time.Duration) []string {
	secs := max(1, int(budget.Round(time.Second)/time.Second))
	if s.solver == SolverCVC5 {
		return []string{"--lang=smt2", "--incremental", "--tlimit=" + strconv.Itoa(secs*1000), "-"}
	}
	return []string{"-in", "-smt2", "-T:" + strconv.Itoa(secs)}
}

// Check implements Backend.
func (s *SMT) Check(ctx context.Context, job Job) Result {
	res := Result{Backend: s.Name(), Toolchain: s.Toolchain(ctx)}
	if job.Mode != ModeDecide {
		return unsupportedResult(res, "SMT decides claims; it cannot check a Lean proof")
	}
	st, err := claim.Parse(statementOf(job))
	if err != nil {
		return unsupportedErr(res, err)
	}
	q, err := st.SMT()
	if err != nil {
		return unsupportedErr(res, err)
	}
	script := q.Script()
	res.Evidence.SMTLIB = script
	budget := 5 * time.Second
	if dl, ok := ctx.Deadline(); ok {
		budget = time.Until(dl)
	}
	p := runProc(ctx, procSpec{Path: s.path, Args: s.args(budget), Stdin: script, MemoryBytes: s.memory,
		MaxOutput: maxEvidence})
	res.Evidence.SolverOutput = strings.TrimSpace(p.Stdout + "\n" + p.Stderr)
	switch {
	case p.Killed && ctx.Err() == context.DeadlineExceeded:
		res.Status, res.Detail = stepwise.StatusTimeout, fmt.Sprintf("%s ran out of its %s budget", s.solver, budget.Round(time.Millisecond))
		return res
	case p.Err != nil && p.ExitCode == -1 && p.Stdout == "":
		res.Status, res.Detail = stepwise.StatusBackendError, fmt.Sprintf("running %s: %v", s.path, p.Err)
		return res
	}
	return s.interpret(res, q, p)
}

// interpret maps the solver's two answers onto a status.
func (s *SMT) interpret(res Result, q *claim.SMT, p procResult) Result {
	out, err := claim.ParseSolverOutput(p.Stdout)
	if err != nil {
		if strings.Contains(p.Stderr, "timeout") || strings.Contains(p.Stdout, "timeout") {
			res.Status, res.Detail = stepwise.StatusTimeout, string(s.solver)+" timed out"
			return res
		}
		res.Status, res.Detail = stepwise.StatusBackendError, "unreadable solver output: "+err.Error()
		return res
	}
	ans := append(out.Answers, "", "")
	switch {
	case ans[0] == "unsat":
		res.Status, res.Detail = stepwise.StatusVacuous, "the hypotheses are unsatisfiable"
	case ans[0] == "sat" && ans[1] == "unsat":
		res.Status, res.Detail = stepwise.StatusProved, "the negated goal is unsatisfiable under the hypotheses"
	case ans[0] == "sat" && ans[1] == "sat":
		return s.counterexample(res, q, out)
	case ans[0] == "timeout" || ans[1] == "timeout" || strings.Contains(p.Stderr, "timeout"):
		res.Status, res.Detail = stepwise.StatusTimeout, string(s.solver)+" timed out"
	case ans[0] == "unknown" || ans[1] == "unknown":
		res.Status, res.Detail = stepwise.StatusUnsupported, string(s.solver)+" answered unknown (incomplete for this theory)"
	default:
		res.Status = stepwise.StatusBackendError
		res.Detail = fmt.Sprintf("%s gave no answer (exit %d): %s", s.solver, p.ExitCode, truncate(strings.TrimSpace(p.Stderr), 300))
	}
	return res
}

// counterexample names the model's values with the Lean variables. A ℚ
// variable with an irrational value is no counterexample over ℚ: then the
// result is unsupported rather than a guess.
func (s *SMT) counterexample(res Result, q *claim.SMT, out claim.SolverOutput) Result {
	vals := map[string]claim.Assignment{}
	for _, a := range out.Model {
		vals[a.Symbol] = a
	}
	var parts []string
	for k, v := range q.Vars {
		a, ok := vals["v"+strconv.Itoa(k)]
		if !ok {
			parts = append(parts, v.Name+" = (any)")
			continue
		}
		if a.Rat == nil && v.Type == claim.Rat {
			return unsupportedResult(res, "the solver's counterexample for ℚ variable "+v.Name+" is not rational: "+a.Value)
		}
		val := a.Value
		if a.Rat != nil {
			val = a.Rat.RatString()
		}
		parts = append(parts, v.Name+" = "+val)
	}
	res.Status, res.Detail = stepwise.StatusDisproved, "the hypotheses hold and the goal fails at the counterexample"
	res.Evidence.Counterexample = strings.Join(parts, ", ")
	return res
}
