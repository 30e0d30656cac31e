package verify

import (
	"github.com/stepwise-dev/stepwise"
)

// Claimed returns the status an imported formalization's dataset claims
// (Safe's "Success of Proof" → proved, …). The formalization itself keeps
// StatusStored until a backend re-checks it: the TUI shows it as
// "unverified (from dataset)". ok is false for an unknown state text.
func Claimed(f stepwise.Formalization) (stepwise.ProofStatus, bool) {
	if f.Status != stepwise.StatusStored {
		return f.Status, f.Status != ""
	}
	return stepwise.SafeState(f.StoredState)
}

// StepJob is one check for a step, with the formalization it re-checks or
// creates.
type StepJob struct {
	Job           Job
	Formalization stepwise.Formalization
	// Claim is set for rule-based formalizations.
	Claim *Claim
}

// StepJobs lists the checks of a step: its imported formalizations (those
// with a statement) first, then the rule-based claims not already among
// them. Rule claims that could not be stated come with a job-less
// formalization whose status is unsupported, so nothing is dropped.
func StepJobs(stepID string, step stepwise.Step) []StepJob {
	var out []StepJob
	have := map[string]bool{}
	for _, f := range step.Formalizations {
		if f.Statement == "" {
			continue
		}
		have[normalizeStatement(f.Statement)] = true
		out = append(out, StepJob{Job: JobFor(stepID, f), Formalization: f})
	}
	for _, c := range FormalizeStep(step) {
		c := c
		if c.Err != "" {
			f := stepwise.Formalization{Origin: stepwise.FormalRule, Status: stepwise.StatusUnsupported,
				Messages: []string{c.Text + ": " + c.Err}}
			out = append(out, StepJob{Formalization: f, Claim: &c})
			continue
		}
		if have[normalizeStatement(c.Statement)] {
			continue
		}
		f := c.Formalization()
		out = append(out, StepJob{Job: JobFor(stepID, f), Formalization: f, Claim: &c})
	}
	return out
}
