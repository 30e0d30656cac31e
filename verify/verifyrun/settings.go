package verifyrun

import (
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/stepwise-dev/stepwise/verify"
)

// Settings is the [verify] section: backends, Lean project, REPL binary,
// Kimina URL, timeouts and concurrency. Every field is optional; a zero
// field takes the verifier's default (verify.DefaultConfig).
//
//	[verify]
//	backends = ["rational", "smt-z3", "smt-cvc5", "lean-repl", "kimina", "lean-cli"]
//	concurrency = 4                 # checks at once (default: CPU count)
//	timeout = "60s"                 # one Lean check
//	smt_timeout = "5s"              # one solver run
//	lean_project = "~/mathlib-project"      # or LEAN_PROJECT_DIR
//	repl = "~/repl/.lake/build/bin/repl"    # or LEAN_REPL
//	kimina_url = "http://localhost:8000"    # or KIMINA_URL
//	kimina_key_env = "KIMINA_API_KEY"       # the variable holding the key, never the key
//	autoformalize = "local"         # a [judge.profiles] name: LLM formalizer for steps without arithmetic
//
// The file wins over the environment: LEAN_PROJECT_DIR, LEAN_REPL and
// KIMINA_URL fill only what it leaves empty (verify.Config.FromEnv).
type Settings struct {
	// Backends is the chain, in order (names checked when the file is read).
	Backends    []BackendName `toml:"backends"`
	Concurrency int           `toml:"concurrency"`
	Timeout     Duration      `toml:"timeout"`
	SMTTimeout  Duration      `toml:"smt_timeout"`
	// Header is the Lean preamble for statements without one.
	Header      string   `toml:"header"`
	AutoTactics []string `toml:"auto_tactics"`

	Z3             string `toml:"z3"`
	CVC5           string `toml:"cvc5"`
	SolverMemoryMB int    `toml:"solver_memory_mb"`

	LeanProject      string   `toml:"lean_project"`
	Lake             string   `toml:"lake"`
	REPL             string   `toml:"repl"`
	REPLCommand      []string `toml:"repl_command"`
	REPLPool         int      `toml:"repl_pool"`
	REPLMaxUses      int      `toml:"repl_max_uses"`
	REPLMemoryMB     int      `toml:"repl_memory_mb"`
	REPLStartTimeout Duration `toml:"repl_start_timeout"`

	KiminaURL    string `toml:"kimina_url"`
	KiminaKeyEnv string `toml:"kimina_key_env"`
	// KiminaKey exists only to refuse it with a clear message.
	KiminaKey     string   `toml:"kimina_key"`
	KiminaBatch   int      `toml:"kimina_batch"`
	KiminaLinger  Duration `toml:"kimina_linger"`
	KiminaRetries int      `toml:"kimina_retries"`

	// Autoformalize names a [judge.profiles] entry whose model formalizes
	// steps the rule-based formalizer finds nothing in; "" leaves it off.
	Autoformalize string `toml:"autoformalize"`
	// AutoformalizeTries bounds attempts per step (default 3).
	AutoformalizeTries int `toml:"autoformalize_tries"`
}

// Duration is a TOML string such as "90s" or "5m".
type Duration struct{ time.Duration }

// UnmarshalText reads a duration; a bare number is refused (no unit).
func (d *Duration) UnmarshalText(b []byte) error {
	v, err := time.ParseDuration(string(b))
	if err != nil || v < 0 {
		return fmt.Errorf("want a duration such as \"90s\" or \"5m\", got %q", b)
	}
	d.Duration = v
	return nil
}

// MarshalText writes the duration back as text.
func (d Duration) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// BackendName is a verification backend's name, checked when the file is
// read. (A struct, because the TOML decoder assigns strings to string types
// without asking them, and then the error could not name the line.)
type BackendName struct{ Name string }

var backendNames = []string{verify.BackendRational, verify.BackendZ3, verify.BackendCVC5,
	verify.BackendREPL, verify.BackendKimina, verify.BackendLeanCLI}

// UnmarshalText accepts the names verify knows.
func (b *BackendName) UnmarshalText(t []byte) error {
	if !slices.Contains(backendNames, string(t)) {
		return fmt.Errorf("unknown backend %q (known: %s)", t, strings.Join(backendNames, ", "))
	}
	b.Name = string(t)
	return nil
}

// MarshalText writes the name back.
func (b BackendName) MarshalText() ([]byte, error) {
	return []byte(b.Name), nil
}

// EngineConfig maps the section onto the verifier's configuration, starting
// from its defaults, then fills the Lean and Kimina locations from the
// environment where the file leaves them empty. getenv is os.Getenv outside
// tests. A leading ~ in paths is the home directory.
func (v Settings) EngineConfig(getenv func(string) string) (verify.Config, error) {
	if getenv == nil {
		getenv = os.Getenv
	}
	if err := v.validate(); err != nil {
		return verify.Config{}, err
	}
	c := verify.DefaultConfig()
	if len(v.Backends) > 0 {
		c.Backends = c.Backends[:0:0]
		for _, b := range v.Backends {
			c.Backends = append(c.Backends, b.Name)
		}
	}
	setInt := func(dst *int, v int) {
		if v != 0 {
			*dst = v
		}
	}
	setDur := func(dst *time.Duration, v Duration) {
		if v.Duration != 0 {
			*dst = v.Duration
		}
	}
	setStr := func(dst *string, v string) {
		if v != "" {
			*dst = v
		}
	}
	setInt(&c.Concurrency, v.Concurrency)
	setDur(&c.Timeout, v.Timeout)
	setDur(&c.SMTTimeout, v.SMTTimeout)
	setStr(&c.Header, v.Header)
	if v.AutoTactics != nil {
		c.AutoTactics = slices.Clone(v.AutoTactics)
	}
	setStr(&c.Z3Path, expandHome(v.Z3, getenv))
	setStr(&c.CVC5Path, expandHome(v.CVC5, getenv))
	setInt(&c.SolverMemoryMB, v.SolverMemoryMB)
	c.LeanProjectDir = expandHome(v.LeanProject, getenv)
	setStr(&c.LakePath, expandHome(v.Lake, getenv))
	c.REPLPath = expandHome(v.REPL, getenv)
	if len(v.REPLCommand) > 0 {
		c.REPLCommand = slices.Clone(v.REPLCommand)
	}
	setInt(&c.REPLPoolSize, v.REPLPool)
	setInt(&c.REPLMaxUses, v.REPLMaxUses)
	setInt(&c.REPLMemoryMB, v.REPLMemoryMB)
	setDur(&c.REPLStartTimeout, v.REPLStartTimeout)
	c.KiminaURL = v.KiminaURL
	setStr(&c.KiminaKeyEnv, v.KiminaKeyEnv)
	setInt(&c.KiminaBatch, v.KiminaBatch)
	setDur(&c.KiminaLinger, v.KiminaLinger)
	setInt(&c.KiminaRetries, v.KiminaRetries)
	c = c.FromEnv(getenv)
	c.LeanProjectDir = expandHome(c.LeanProjectDir, getenv)
	c.REPLPath = expandHome(c.REPLPath, getenv)
	return c, nil
}

// validate checks what the TOML types cannot: signs, the key refusal, the
// URL and the key variable's name.
func (v Settings) validate() error {
	if v.KiminaKey != "" {
		return fmt.Errorf("[verify] kimina_key: keys are read only from the environment; set kimina_key_env to the name of the variable holding it (default KIMINA_API_KEY)")
	}
	if v.KiminaKeyEnv != "" && !isVarName(v.KiminaKeyEnv) {
		return fmt.Errorf("[verify] kimina_key_env %q: want the name of an environment variable (letters, digits, _), not a key", v.KiminaKeyEnv)
	}
	if v.KiminaURL != "" {
		u, err := url.Parse(v.KiminaURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("[verify] kimina_url %q: want an http:// or https:// URL", v.KiminaURL)
		}
	}
	for name, n := range map[string]int{"concurrency": v.Concurrency, "solver_memory_mb": v.SolverMemoryMB,
		"repl_pool": v.REPLPool, "repl_max_uses": v.REPLMaxUses, "repl_memory_mb": v.REPLMemoryMB,
		"kimina_batch": v.KiminaBatch, "kimina_retries": v.KiminaRetries, "autoformalize_tries": v.AutoformalizeTries} {
		if n < 0 {
			return fmt.Errorf("[verify] %s = %d: want a positive number (or leave it out for the default)", name, n)
		}
	}
	seen := map[BackendName]bool{}
	for _, b := range v.Backends {
		if seen[b] {
			return fmt.Errorf("[verify] backends: %q is listed twice", b.Name)
		}
		seen[b] = true
	}
	return nil
}

// expandHome turns a leading ~/ into $HOME/.
func expandHome(p string, getenv func(string) string) string {
	if p == "~" || strings.HasPrefix(p, "~/") {
		if home := getenv("HOME"); home != "" {
			return filepath.Join(home, p[1:])
		}
	}
	return p
}

// isVarName reports whether s can name an environment variable.
func isVarName(s string) bool {
	for i, r := range s {
		ok := r == '_' || r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || i > 0 && r >= '0' && r <= '9'
		if !ok {
			return false
		}
	}
	return s != ""
}
