package verify

import (
	"context"
	"errors"

	"github.com/stepwise-dev/stepwise"
	"github.com/stepwise-dev/stepwise/verify/claim"
)

// Rational decides closed claims exactly (package claim). It needs no
// process and is always usable.
type Rational struct{}

// NewRational returns the exact evaluator backend.
func NewRational() *Rational { return &Rational{} }

// Name implements Backend.
func (*Rational) Name() string { return BackendRational }

// Toolchain implements Backend: the evaluator's semantics version.
func (*Rational) Toolchain(context.Context) string { return "claim/1" }

// Probe implements Prober.
func (*Rational) Probe(context.Context) Health {
	return Health{Backend: BackendRational, Usable: true, Toolchain: "claim/1"}
}

// Check implements Backend.
func (r *Rational) Check(_ context.Context, job Job) Result {
	res := Result{Backend: BackendRational, Toolchain: "claim/1"}
	if job.Mode != ModeDecide {
		return unsupportedResult(res, "the evaluator decides claims; it cannot check a Lean proof")
	}
	st, err := claim.Parse(statementOf(job))
	if err != nil {
		return unsupportedErr(res, err)
	}
	if !st.Closed() {
		return unsupportedResult(res, "the claim has variables")
	}
	v, err := st.Eval()
	if err != nil {
		return unsupportedErr(res, err)
	}
	res.Evidence.Working = st.Working()
	switch v {
	case claim.True:
		res.Status, res.Detail = stepwise.StatusProved, "evaluated exactly: true"
	case claim.Vacuous:
		res.Status, res.Detail = stepwise.StatusVacuous, "a hypothesis is false"
	default:
		res.Status, res.Detail = stepwise.StatusDisproved, "evaluated exactly: false"
	}
	return res
}

// statementOf is the statement to decide: the statement, or the proof's
// declaration when only a proof was given.
func statementOf(job Job) string {
	if job.Statement != "" {
		return job.Statement
	}
	return job.Proof
}

func unsupportedResult(res Result, why string) Result {
	res.Status, res.Detail = stepwise.StatusUnsupported, why
	return res
}

func unsupportedErr(res Result, err error) Result {
	var u *claim.Unsupported
	if errors.As(err, &u) {
		return unsupportedResult(res, u.Error())
	}
	res.Status, res.Detail = stepwise.StatusBackendError, err.Error()
	return res
}
