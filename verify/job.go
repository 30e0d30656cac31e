package verify

import (
	"time"

	"github.com/stepwise-dev/stepwise"
)

// Mode says what a check must establish.
type Mode string

// Modes.
const (
	// ModeDecide asks whether the statement is true. Offline backends decide
	// it directly; Lean backends check the given proof, else try the
	// configured automatic tactics, else (closed claims) prove the negation.
	ModeDecide Mode = "decide"
	// ModeProof checks the given proof only (Lean backends).
	ModeProof Mode = "proof"
	// ModeStatement checks that the statement elaborates with exactly one
	// sorry (Safe's formalization check; Lean backends).
	ModeStatement Mode = "statement"
)

// Job is one check to run.
type Job struct {
	// ID is the caller's tag (a step id); it is not part of the cache key.
	ID string
	// Header is the Lean preamble (imports, opens); empty means the
	// configured default header.
	Header string
	// Statement is the Lean statement, normally ending in `:= by sorry`.
	Statement string
	// Proof is the full declaration with a proof, if one is known.
	Proof string
	Mode  Mode
	// Backend restricts the job to one backend by name; empty lets the
	// engine walk its chain.
	Backend string
	// Timeout overrides the configured per-check timeout.
	Timeout time.Duration
	// NoCache forces a fresh check (the result is still stored).
	NoCache bool
}

// JobFor makes a job from a step's formalization.
func JobFor(id string, f stepwise.Formalization) Job {
	return Job{ID: id, Header: f.Header, Statement: f.Statement, Proof: f.Proof, Mode: ModeDecide}
}

// Message is one diagnostic from Lean or a solver.
type Message struct {
	Severity string `json:"severity"` // error | warning | info
	Line     int    `json:"line,omitempty"`
	Column   int    `json:"column,omitempty"`
	Text     string `json:"text"`
}

// Evidence is what backs a result.
type Evidence struct {
	// Working is the exact evaluator's step-by-step evaluation.
	Working string `json:"working,omitempty"`
	// SMTLIB is the query sent to the solver, SolverOutput its answer.
	SMTLIB       string `json:"smtlib,omitempty"`
	SolverOutput string `json:"solver_output,omitempty"`
	// Counterexample is a model falsifying the statement, "a = -5/3, x = 3".
	Counterexample string `json:"counterexample,omitempty"`
	// Code is the Lean text that was checked.
	Code string `json:"code,omitempty"`
}

// Result is the outcome of a job on one backend.
type Result struct {
	Status    stepwise.ProofStatus `json:"status"`
	Backend   string               `json:"backend"`
	Toolchain string               `json:"toolchain,omitempty"`
	// Detail says in words why the status was given.
	Detail   string        `json:"detail,omitempty"`
	Messages []Message     `json:"messages,omitempty"`
	Sorries  int           `json:"sorries,omitempty"`
	Axioms   []string      `json:"axioms,omitempty"`
	Evidence Evidence      `json:"evidence"`
	Elapsed  time.Duration `json:"elapsed"`
	// Timeout is the budget the check ran under (kept so a cached timeout
	// is re-run only with a larger budget).
	Timeout time.Duration `json:"timeout,omitempty"`
	Key     string        `json:"key,omitempty"`
	// Cached is set when the result came from the cache.
	Cached bool      `json:"-"`
	At     time.Time `json:"at"`
	// Tried lists the backends consulted before this one, with their
	// statuses ("rational: unsupported").
	Tried []string `json:"tried,omitempty"`
}

// Formalization applies a result to a formalization, keeping its
// statement, proof, header and origin.
func (r Result) Apply(f stepwise.Formalization) stepwise.Formalization {
	f.Status, f.Backend, f.Toolchain = r.Status, r.Backend, r.Toolchain
	f.StoredState = ""
	f.Messages = f.Messages[:0:0]
	if r.Detail != "" {
		f.Messages = append(f.Messages, r.Detail)
	}
	for _, m := range r.Messages {
		f.Messages = append(f.Messages, m.String())
	}
	f.Evidence = r.Evidence.String()
	f.ElapsedMS = float64(r.Elapsed.Microseconds()) / 1000
	f.CacheKey = r.Key
	return f
}

func (m Message) String() string {
	if m.Line > 0 {
		return m.Severity + " " + itoa(m.Line) + ":" + itoa(m.Column) + ": " + m.Text
	}
	return m.Severity + ": " + m.Text
}

// String renders the evidence as labelled sections.
func (e Evidence) String() string {
	var parts []string
	add := func(label, s string) {
		if s != "" {
			parts = append(parts, label+":\n"+s)
		}
	}
	add("counterexample", e.Counterexample)
	add("working", e.Working)
	add("smt-lib", e.SMTLIB)
	add("solver output", e.SolverOutput)
	add("lean", e.Code)
	return joinLines(parts, "\n\n")
}
