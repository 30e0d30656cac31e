package verify

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// LeanCLI checks Lean with `lake env lean --json` on a temporary file: one
// process per snippet, re-importing Mathlib every time (about 16 s). The
// fallback when neither the REPL nor Kimina is available.
type LeanCLI struct {
	cfg Config
}

// NewLeanCLI returns the CLI backend for cfg.LeanProjectDir.
func NewLeanCLI(cfg Config) *LeanCLI { return &LeanCLI{cfg: cfg.withDefaults()} }

// Name implements Backend.
func (*LeanCLI) Name() string { return BackendLeanCLI }

// Toolchain implements Backend.
func (c *LeanCLI) Toolchain(context.Context) string { return projectToolchain(c.cfg.LeanProjectDir) }

// Probe implements Prober.
func (c *LeanCLI) Probe(ctx context.Context) Health {
	h := Health{Backend: BackendLeanCLI}
	enable := "install elan with a toolchain, build a Lake project with Mathlib and set LEAN_PROJECT_DIR"
	if why := checkProject(c.cfg.LeanProjectDir); why != "" {
		h.Why, h.Enable = why, enable
		return h
	}
	if _, err := exec.LookPath(c.cfg.LakePath); err != nil {
		h.Why, h.Enable = c.cfg.LakePath+" not found: "+err.Error(), enable
		return h
	}
	p := runProc(ctx, procSpec{Path: c.cfg.LakePath, Args: []string{"env", "lean", "--version"}, Dir: c.cfg.LeanProjectDir, MaxOutput: 4096})
	if p.Err != nil || p.ExitCode != 0 {
		h.Why = fmt.Sprintf("`lake env lean --version` failed (exit %d): %s", p.ExitCode, truncate(strings.TrimSpace(p.Stderr+p.Stdout), 300))
		h.Enable = enable
		return h
	}
	h.Usable, h.Toolchain = true, strings.TrimSpace(p.Stdout)
	return h
}

// Check implements Backend.
func (c *LeanCLI) Check(ctx context.Context, job Job) Result {
	res := Result{Backend: BackendLeanCLI, Toolchain: c.Toolchain(ctx)}
	return leanCheck(ctx, c, job, c.cfg.AutoTactics, res)
}

// runLean implements leanRunner.
func (c *LeanCLI) runLean(ctx context.Context, header string, snippets []string) ([]leanOutcome, error) {
	dir, err := os.MkdirTemp("", "stepwise-lean-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	outs := make([]leanOutcome, 0, len(snippets))
	for i, s := range snippets {
		file := filepath.Join(dir, fmt.Sprintf("Step%d.lean", i))
		if err := os.WriteFile(file, []byte(header+"\n\n"+s+"\n"), 0o600); err != nil {
			return nil, err
		}
		p := runProc(ctx, procSpec{Path: c.cfg.LakePath, Args: []string{"env", "lean", "--json", file},
			Dir: c.cfg.LeanProjectDir, MemoryBytes: uint64(c.cfg.REPLMemoryMB) << 20, MaxOutput: maxEvidence * 4})
		if p.Killed {
			return nil, ctxErr(ctx)
		}
		if p.Err != nil {
			return nil, fmt.Errorf("running lake env lean: %w", p.Err)
		}
		o, err := parseLeanJSON(p.Stdout)
		if err != nil {
			return nil, fmt.Errorf("%w (stderr: %s)", err, truncate(p.Stderr, 300))
		}
		if p.ExitCode != 0 && len(o.errors()) == 0 {
			return nil, errors.New("lean exited " + itoa(p.ExitCode) + " without an error message: " + truncate(p.Stderr, 300))
		}
		// Positions count from the file; shift them back past the header.
		shift := strings.Count(header, "\n") + 2
		for j := range o.Messages {
			if o.Messages[j].Line > shift {
				o.Messages[j].Line -= shift
			}
		}
		outs = append(outs, o)
	}
	return outs, nil
}
