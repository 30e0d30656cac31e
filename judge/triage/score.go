// Package triage orders unlabeled steps by suspicion, so that the most
// informative steps are labeled first, and mixes in hidden gold items to
// measure each annotator's accuracy (PRM800K's quality control).
//
// The scoring (this file) is a pure function of the evidence about one
// step; queue.go gathers the evidence from the store in one pass and keeps
// the best items in a bounded heap. It lives outside the store because it
// checks arithmetic with the verifier, which the store may not import.
package triage

import (
	"fmt"

	"github.com/stepwise-dev/stepwise"
)

// Evidence is what is known about one step.
type Evidence struct {
	// Source is the dataset's rating of the step (Unlabeled when none).
	Source stepwise.Rating
	// Proofs are the statuses of the step's formalizations: stored in the
	// data and checked by the verifier.
	Proofs []stepwise.ProofStatus
	// ArithWrong and ArithChecked count the step's arithmetic claims that
	// the exact evaluator disproved, and all it could decide.
	ArithWrong, ArithChecked int
	// Finding is the highest offline-analyzer score of the step, in [0, 1].
	Finding float64
	// JudgeFlag is set when an LLM judge flagged the step or named it the
	// earliest error; JudgeClears when a judge ruled on the trace and puts
	// the step before its first error (or finds none) without flagging it.
	JudgeFlag, JudgeClears bool
	// AnswerWrong: the trace's final answer is known wrong.
	AnswerWrong bool
	// PRMLow is the lowest score a process reward model gave the step when
	// it is below PRMThreshold (the probability the step is correct), with
	// the PRM's name; PRMName is "" when no PRM scored it low.
	PRMLow  float64
	PRMName string
}

// PRMThreshold: a PRM score below it is suspicion, weighed by how low.
const PRMThreshold = 0.5

// Score is a step's suspicion with the reasons for it, most weighty first.
type Score struct {
	Value   float64
	Reasons []string
}

// Weights: a disproved claim is near-certain evidence of an error; a
// failed proof is weaker (the prover may just have failed); a dataset
// label that contradicts the evidence is the most informative thing a
// person can settle.
const (
	// wLabelConflict puts a step the dataset labels correct whose
	// arithmetic is disproved exactly ahead of everything else: it
	// exceeds the sum of every other weight.
	wLabelConflict = 5.0
	wDisproved     = 1.0
	wArithWrong    = 0.9
	wJudgeFlag     = 0.7
	wFinding       = 0.8
	wPRMLow        = 0.6 // a PRM is a learned guess: weaker than a finding
	wDisagreement  = 0.6
	wFailedProof   = 0.25
	wAnswerWrong   = 0.15
	wNoSource      = 0.05
)

// ScoreStep weighs the evidence about one step.
func ScoreStep(ev Evidence) Score {
	var s Score
	add := func(w float64, reason string) {
		s.Value += w
		s.Reasons = append(s.Reasons, reason)
	}
	disproved, proved, failed := false, false, false
	for _, p := range ev.Proofs {
		switch p {
		case stepwise.StatusDisproved, stepwise.StatusVacuous:
			disproved = true
		case stepwise.StatusProved, stepwise.StatusProvedTrustingCompiler:
			proved = true
		case stepwise.StatusFailed, stepwise.StatusStatementError:
			failed = true
		}
	}
	if disproved {
		add(wDisproved, "a formal statement of the step is disproved")
	}
	if ev.ArithWrong > 0 {
		add(wArithWrong, "an arithmetic claim does not check")
	}
	if ev.JudgeFlag {
		add(wJudgeFlag, "a judge flagged the step")
	}
	if ev.Finding > 0 {
		add(wFinding*ev.Finding, "offline analyzers found a problem")
	}
	if ev.PRMName != "" {
		add(wPRMLow*(1-ev.PRMLow/PRMThreshold), fmt.Sprintf("a process reward model scores it low (%.2f by %s)", ev.PRMLow, ev.PRMName))
	}
	evidenceBad := disproved || ev.ArithWrong > 0 || ev.JudgeFlag || ev.Finding >= 0.5
	switch {
	case ev.Source == stepwise.Good && ev.ArithWrong > 0:
		add(wLabelConflict, "dataset label contradicted by exact arithmetic")
	case ev.Source == stepwise.Good && evidenceBad:
		add(wDisagreement, "the dataset labels it correct, the evidence says otherwise")
	case ev.Source == stepwise.Bad && (proved || (ev.ArithChecked > 0 && ev.ArithWrong == 0)) && !evidenceBad:
		add(wDisagreement, "the dataset labels it wrong, but its claims check")
	case ev.Source == stepwise.Bad && ev.JudgeClears && !evidenceBad:
		add(wDisagreement, "the dataset labels it wrong, a judge finds no error there")
	}
	if failed && !disproved {
		add(wFailedProof, "a proof attempt failed")
	}
	if ev.AnswerWrong && ev.Source == stepwise.Unlabeled {
		add(wAnswerWrong, "the final answer is wrong")
	}
	if ev.Source == stepwise.Unlabeled {
		add(wNoSource, "no dataset label")
	}
	return s
}
