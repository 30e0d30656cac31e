package verify

import (
	"runtime"
	"time"
)

// Backend names.
const (
	BackendStored   = "stored"
	BackendRational = "rational"
	BackendZ3       = "smt-z3"
	BackendCVC5     = "smt-cvc5"
	BackendREPL     = "lean-repl"
	BackendKimina   = "kimina"
	BackendLeanCLI  = "lean-cli"
)

// DefaultHeader is the Lean preamble used when a job has none: Mathlib and
// the namespaces Safe's statements rely on (ℝ, `!`, `√`).
const DefaultHeader = "import Mathlib\nopen BigOperators Real Nat Topology"

// Config configures the engine and its backends. The CLI maps the config
// file onto it; zero fields take DefaultConfig's values in New.
type Config struct {
	// Backends is the chain, in order; a job walks it until a backend gives
	// a status other than unsupported or backend_error.
	Backends []string
	// Concurrency bounds checks running at once across all backends.
	Concurrency int
	// Timeout is the wall-clock budget of one Lean check; SMTTimeout of one
	// solver run.
	Timeout    time.Duration
	SMTTimeout time.Duration
	// Header is the Lean preamble for jobs without one.
	Header string
	// AutoTactics are tried, one at a time, on statements without a proof
	// in ModeDecide (Lean backends).
	AutoTactics []string

	Z3Path   string
	CVC5Path string
	// SolverMemoryMB caps each solver's address space.
	SolverMemoryMB int

	// LeanProjectDir is a Lake project with Mathlib built (env
	// LEAN_PROJECT_DIR). REPLPath is the leanprover-community/repl binary
	// (env LEAN_REPL); REPLCommand overrides the whole command line (the
	// default is `lake env <REPLPath>` run in LeanProjectDir).
	LeanProjectDir string
	LakePath       string
	REPLPath       string
	REPLCommand    []string
	// REPLPoolSize is the number of REPL processes (each holds Mathlib:
	// budget about 8 GB each). REPLMaxUses recycles a process after that
	// many commands (0: never). REPLMemoryMB caps each (RLIMIT_AS).
	REPLPoolSize     int
	REPLMaxUses      int
	REPLMemoryMB     int
	REPLStartTimeout time.Duration

	// KiminaURL is the Kimina Lean Server base URL (env KIMINA_URL); its
	// bearer key is read from the environment variable KiminaKeyEnv at
	// start-up and never stored in results.
	KiminaURL     string
	KiminaKeyEnv  string
	KiminaBatch   int
	KiminaLinger  time.Duration
	KiminaRetries int

	// CacheEntries bounds the in-memory cache New creates when given none.
	CacheEntries int
}

// DefaultConfig returns the defaults (LEAN.md §7): SMT 5 s, Lean 60 s per
// check, 300 s REPL warm-up, one REPL with 8 GB, Kimina batches of 8.
func DefaultConfig() Config {
	return Config{
		Backends:         []string{BackendRational, BackendZ3, BackendCVC5, BackendREPL, BackendKimina, BackendLeanCLI},
		Concurrency:      runtime.NumCPU(),
		Timeout:          60 * time.Second,
		SMTTimeout:       5 * time.Second,
		Header:           DefaultHeader,
		AutoTactics:      []string{"norm_num", "decide", "omega", "linarith", "nlinarith", "positivity", "simp"},
		Z3Path:           "z3",
		CVC5Path:         "cvc5",
		SolverMemoryMB:   2048,
		LakePath:         "lake",
		REPLPoolSize:     1,
		REPLMaxUses:      500,
		REPLMemoryMB:     8192,
		REPLStartTimeout: 300 * time.Second,
		KiminaKeyEnv:     "KIMINA_API_KEY",
		KiminaBatch:      8,
		KiminaLinger:     20 * time.Millisecond,
		KiminaRetries:    5,
		CacheEntries:     100000,
	}
}

// FromEnv fills the Lean and Kimina locations from the environment
// (LEAN_PROJECT_DIR, LEAN_REPL, KIMINA_URL) where the config leaves them empty.
func (c Config) FromEnv(getenv func(string) string) Config {
	if c.LeanProjectDir == "" {
		c.LeanProjectDir = getenv("LEAN_PROJECT_DIR")
	}
	if c.REPLPath == "" {
		c.REPLPath = getenv("LEAN_REPL")
	}
	if c.KiminaURL == "" {
		c.KiminaURL = getenv("KIMINA_URL")
	}
	return c
}

// withDefaults fills zero fields from DefaultConfig.
func (c Config) withDefaults() Config {
	d := DefaultConfig()
	if len(c.Backends) == 0 {
		c.Backends = d.Backends
	}
	if c.Concurrency <= 0 {
		c.Concurrency = d.Concurrency
	}
	if c.Timeout <= 0 {
		c.Timeout = d.Timeout
	}
	if c.SMTTimeout <= 0 {
		c.SMTTimeout = d.SMTTimeout
	}
	if c.Header == "" {
		c.Header = d.Header
	}
	if c.AutoTactics == nil {
		c.AutoTactics = d.AutoTactics
	}
	if c.Z3Path == "" {
		c.Z3Path = d.Z3Path
	}
	if c.CVC5Path == "" {
		c.CVC5Path = d.CVC5Path
	}
	if c.SolverMemoryMB == 0 {
		c.SolverMemoryMB = d.SolverMemoryMB
	}
	if c.LakePath == "" {
		c.LakePath = d.LakePath
	}
	if c.REPLPoolSize <= 0 {
		c.REPLPoolSize = d.REPLPoolSize
	}
	if c.REPLMemoryMB == 0 {
		c.REPLMemoryMB = d.REPLMemoryMB
	}
	if c.REPLStartTimeout <= 0 {
		c.REPLStartTimeout = d.REPLStartTimeout
	}
	if c.KiminaKeyEnv == "" {
		c.KiminaKeyEnv = d.KiminaKeyEnv
	}
	if c.KiminaBatch <= 0 {
		c.KiminaBatch = d.KiminaBatch
	}
	if c.KiminaLinger <= 0 {
		c.KiminaLinger = d.KiminaLinger
	}
	if c.KiminaRetries <= 0 {
		c.KiminaRetries = d.KiminaRetries
	}
	if c.CacheEntries <= 0 {
		c.CacheEntries = d.CacheEntries
	}
	return c
}
