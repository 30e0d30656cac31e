package verify

import (
	"context"
	"errors"
	"strings"

	"github.com/stepwise-dev/stepwise"
	"github.com/stepwise-dev/stepwise/verify/claim"
)

// leanRunner runs Lean snippets under a header: the REPL pool, Kimina and
// the CLI differ only in this.
type leanRunner interface {
	runLean(ctx context.Context, header string, snippets []string) ([]leanOutcome, error)
}

// errLeanTimeout is returned by runners when the check ran out of time.
var errLeanTimeout = errors.New("lean check timed out")

// leanCheck carries out a job on a Lean runner: ModeStatement checks the
// statement, ModeProof the given proof, ModeDecide the proof or else the
// automatic tactics and, for closed claims, the negation.
func leanCheck(ctx context.Context, r leanRunner, job Job, tactics []string, res Result) Result {
	switch {
	case job.Mode == ModeStatement:
		return leanStatement(ctx, r, job, res)
	case job.Proof != "":
		return leanProof(ctx, r, job, res)
	case job.Mode == ModeProof:
		return unsupportedResult(res, "no proof to check")
	}
	res = leanStatement(ctx, r, job, res)
	if res.Status != stepwise.StatusSorry {
		return res
	}
	for _, t := range tactics {
		try := job
		try.Proof = withTactic(job.Statement, t)
		out := leanProof(ctx, r, try, res)
		if out.Status == stepwise.StatusProved || out.Status == stepwise.StatusProvedTrustingCompiler ||
			out.Status == stepwise.StatusTimeout || out.Status == stepwise.StatusBackendError {
			if out.Status == stepwise.StatusProved {
				out.Detail = "proved by `" + t + "`"
			}
			return out
		}
	}
	if neg, ok := negation(job.Statement); ok {
		for _, t := range tactics {
			try := job
			try.Statement, try.Proof = neg, withTactic(neg, t)
			out := leanProof(ctx, r, try, res)
			if out.Status == stepwise.StatusProved || out.Status == stepwise.StatusProvedTrustingCompiler {
				out.Status, out.Detail = stepwise.StatusDisproved, "the negation is proved by `"+t+"`"
				return out
			}
			if out.Status == stepwise.StatusTimeout || out.Status == stepwise.StatusBackendError {
				return out
			}
		}
	}
	res.Status = stepwise.StatusFailed
	res.Detail = "no automatic tactic proved it (" + strings.Join(tactics, ", ") + ")"
	return res
}

// negation states ¬goal for a closed claim without hypotheses.
func negation(stmt string) (string, bool) {
	st, err := claim.Parse(stmt)
	if err != nil || !st.Closed() || len(st.Hyps) > 0 {
		return "", false
	}
	return "theorem stepwise_neg : ¬ (" + st.GoalText() + ") := by sorry", true
}

func leanStatement(ctx context.Context, r leanRunner, job Job, res Result) Result {
	code := withSorry(job.Statement)
	if _, renamed, err := declName(code); err == nil {
		code = renamed
	} else {
		res.Status, res.Detail = stepwise.StatusStatementError, err.Error()
		return res
	}
	res.Evidence.Code = code
	outs, err := r.runLean(ctx, job.Header, []string{code})
	if err != nil {
		return leanErr(res, err)
	}
	res.Messages, res.Sorries = outs[0].Messages, outs[0].Sorries
	res.Status, res.Detail = judgeStatement(outs[0])
	return res
}

func leanProof(ctx context.Context, r leanRunner, job Job, res Result) Result {
	if err := checkFidelity(job.Statement, job.Proof); job.Statement != "" && err != nil {
		res.Status, res.Detail = stepwise.StatusFailed, err.Error()
		res.Evidence.Code = job.Proof
		return res
	}
	name, code, err := declName(job.Proof)
	if err != nil {
		res.Status, res.Detail = stepwise.StatusFailed, "proof: "+err.Error()
		return res
	}
	code = strings.TrimRight(code, "\n") + "\n\n#print axioms " + name
	res.Evidence.Code = code
	outs, err := r.runLean(ctx, job.Header, []string{code})
	if err != nil {
		return leanErr(res, err)
	}
	res.Messages, res.Sorries = outs[0].Messages, outs[0].Sorries
	res.Status, res.Detail, res.Axioms = judgeProof(outs[0], name)
	return res
}

func leanErr(res Result, err error) Result {
	if errors.Is(err, errLeanTimeout) || errors.Is(err, context.DeadlineExceeded) {
		res.Status, res.Detail = stepwise.StatusTimeout, err.Error()
		return res
	}
	res.Status, res.Detail = stepwise.StatusBackendError, err.Error()
	return res
}
