package verify

import "context"

// Backend decides jobs. Check never returns an error: every outcome,
// including a crash of the checker, is a Result with a status; only a
// canceled context ends a check without one (the engine discards it).
type Backend interface {
	// Name is the backend's stable name: "rational", "smt-z3", "smt-cvc5",
	// "lean-repl", "kimina", "lean-cli".
	Name() string
	// Toolchain identifies the checker's version for the cache key (solver
	// version, Lean toolchain and Mathlib revision).
	Toolchain(ctx context.Context) string
	Check(ctx context.Context, job Job) Result
}

// Prober is implemented by backends that can say whether they are usable.
type Prober interface {
	Probe(ctx context.Context) Health
}

// Health is a backend's readiness, as `stepwise doctor` reports it.
type Health struct {
	Backend string `json:"backend"`
	Usable  bool   `json:"usable"`
	// Toolchain is the version found, when usable.
	Toolchain string `json:"toolchain,omitempty"`
	// Why says what is missing or failed when not usable.
	Why string `json:"why,omitempty"`
	// Enable says how to make it usable.
	Enable string `json:"enable,omitempty"`
}
