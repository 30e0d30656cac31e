package stepwise

import "time"

// Analysis is one judge run with its full provenance.
type Analysis struct {
	ID       string    `json:"id"`
	TraceIDs []string  `json:"trace_ids"`
	Mode     string    `json:"mode"` // "single" or "pairwise"
	Model    string    `json:"model"`
	Endpoint string    `json:"endpoint"`
	Prompt   string    `json:"prompt_version"`
	Started  time.Time `json:"started"`
	// Stages are the intermediate outputs in order: criteria, analyses, verdict.
	Stages  []AnalysisStage `json:"stages"`
	Verdict string          `json:"verdict"`
	// FirstError is the earliest wrong step the judge names, -1 for none, nil
	// when it gave no step.
	FirstError *int       `json:"first_error,omitempty"`
	StepFlags  []StepFlag `json:"step_flags,omitempty"`
	Usage      Usage      `json:"usage"`
	Error      string     `json:"error,omitempty"`
	// Criteria are the evaluation questions the run used, the fixed
	// faithfulness question last (added for the judge).
	Criteria []string `json:"criteria,omitempty"`
	// Pair is set in pairwise mode: the winner of each presentation order
	// and whether they agree (added for the judge).
	Pair *PairResult `json:"pair,omitempty"`
}

// PairResult is a pairwise run's two presentation orders. Winners[0] is the
// trace chosen with the traces in TraceIDs order, Winners[1] with them
// swapped; "" when that order's verdict could not be read. Consistent means
// both chose the same trace.
type PairResult struct {
	Winners    [2]string `json:"winners"`
	Consistent bool      `json:"consistent"`
}

// AnalysisStage is one intermediate result of a judge run.
type AnalysisStage struct {
	Name   string `json:"name"`
	Prompt string `json:"prompt,omitempty"`
	Output string `json:"output"`
	// Code and Exec are set for code-driven analyses.
	Code  string    `json:"code,omitempty"`
	Exec  *ExecInfo `json:"exec,omitempty"`
	Usage Usage     `json:"usage"`
	// Criterion is the question an analysis stage answers; Reasoning the
	// model's reasoning text where the endpoint returns it; Error why the
	// stage failed (the stage is kept, not dropped). Added for the judge.
	Criterion string `json:"criterion,omitempty"`
	Reasoning string `json:"reasoning,omitempty"`
	Error     string `json:"error,omitempty"`
}

// ExecInfo records one sandboxed execution of generated code.
type ExecInfo struct {
	Stdout   string  `json:"stdout"`
	Stderr   string  `json:"stderr"`
	ExitCode int     `json:"exit_code"`
	Seconds  float64 `json:"seconds"`
	Killed   string  `json:"killed,omitempty"` // why the sandbox stopped it
}

// StepFlag is a judge's flag on one step.
type StepFlag struct {
	Step   int    `json:"step"`
	Reason string `json:"reason"`
}
