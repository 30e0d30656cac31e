// Package sandbox runs generated Python checkers under bubblewrap.
//
// Every run gets: no network (a fresh, empty network namespace), its own PID,
// IPC, UTS and user namespaces, a read-only /usr and nothing else of the host
// file system (no home, no store, no /etc, no /tmp), a size-capped throwaway
// tmpfs as working directory, no capabilities, a cleared environment, and
// rlimits on CPU time, address space, processes, file size and open files,
// set before the untrusted code starts. The parent enforces a wall-clock limit
// and an output cap and kills the whole sandbox when either is hit. The
// responses under test are passed as a JSON file, never spliced into source.
//
// Where bubblewrap cannot run, Run refuses with ErrUnavailable: code is never
// run unsandboxed.
//
// It imports the domain package only.
package sandbox

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/stepwise-dev/stepwise"
)

// ErrUnavailable is returned (wrapped, with the reason) when the sandbox
// cannot run on this machine.
var ErrUnavailable = errors.New("sandbox unavailable: code analyses are refused rather than run unsandboxed")

// Limits bound one run.
type Limits struct {
	Wall time.Duration // wall-clock time, enforced by the parent
	CPU  time.Duration // CPU time (RLIMIT_CPU), rounded up to whole seconds
	// Memory is the address-space limit (RLIMIT_AS) in bytes.
	Memory int64
	// Procs is how many more processes/threads the sandbox may start
	// (RLIMIT_NPROC, counted over the sandbox user's existing tasks).
	Procs int
	// FileSize caps any file written (RLIMIT_FSIZE); WorkDir caps the tmpfs.
	FileSize int64
	WorkDir  int64
	// OpenFiles is RLIMIT_NOFILE.
	OpenFiles int
	// KeepOutput is how many bytes of stdout and of stderr are kept; more is
	// counted and dropped. KillOutput ends the run when stdout and stderr
	// together pass it.
	KeepOutput int
	KillOutput int64
}

// DefaultLimits suit short checkers over a few responses.
func DefaultLimits() Limits {
	return Limits{
		Wall:       10 * time.Second,
		CPU:        5 * time.Second,
		Memory:     512 << 20,
		Procs:      32,
		FileSize:   8 << 20,
		WorkDir:    16 << 20,
		OpenFiles:  64,
		KeepOutput: 64 << 10,
		KillOutput: 4 << 20,
	}
}

// Config sets up a Sandbox. Zero fields take defaults.
type Config struct {
	// Bwrap is the bubblewrap binary (default: "bwrap" on PATH).
	Bwrap string
	// Python is the interpreter inside the sandbox (default /usr/bin/python3).
	// It must live under /usr or under one of ReadOnly: nothing else of the
	// host is visible inside.
	Python string
	// ReadOnly are extra host directories bound read-only at the same path
	// (a Python installed outside /usr). Never put a home or the store here.
	ReadOnly []string
	Limits   Limits
	// Concurrency caps sandboxes running at once (default 2).
	Concurrency int
	// UID and GID are the unprivileged ids a root caller drops to before
	// starting bubblewrap (default 65534, nobody): process limits do not
	// apply to root.
	UID, GID int
	// TempDir is where the per-run input directory is made (default os.TempDir).
	TempDir string
}

// Response is one text the checker examines.
type Response struct {
	Label string   `json:"label"`
	Text  string   `json:"text"`
	Steps []string `json:"steps"`
}

// Program is one checker run: the generated code, the function it defines
// and the responses to call it on.
type Program struct {
	Code string
	// Entry is the function to call (default "evaluate"); it takes the
	// response text, or the text and its list of steps.
	Entry     string
	Responses []Response
}

// Sandbox runs Programs. It is safe for concurrent use.
type Sandbox struct {
	cfg   Config
	sem   chan struct{}
	probe sync.Once
	err   error
}

// New makes a sandbox; nothing runs until Available or Run.
func New(cfg Config) *Sandbox {
	if cfg.Python == "" {
		cfg.Python = "/usr/bin/python3"
	}
	if cfg.Concurrency <= 0 {
		cfg.Concurrency = 2
	}
	if cfg.UID == 0 {
		cfg.UID = 65534
	}
	if cfg.GID == 0 {
		cfg.GID = 65534
	}
	d := DefaultLimits()
	l := &cfg.Limits
	l.Wall = orDefault(l.Wall, d.Wall)
	l.CPU = orDefault(l.CPU, d.CPU)
	l.Memory = orDefault(l.Memory, d.Memory)
	l.Procs = orDefault(l.Procs, d.Procs)
	l.FileSize = orDefault(l.FileSize, d.FileSize)
	l.WorkDir = orDefault(l.WorkDir, d.WorkDir)
	l.OpenFiles = orDefault(l.OpenFiles, d.OpenFiles)
	l.KeepOutput = orDefault(l.KeepOutput, d.KeepOutput)
	l.KillOutput = orDefault(l.KillOutput, d.KillOutput)
	return &Sandbox{cfg: cfg, sem: make(chan struct{}, cfg.Concurrency)}
}

func orDefault[T int | int64 | time.Duration](v, d T) T {
	if v <= 0 {
		return d
	}
	return v
}

// Config returns the effective configuration.
func (s *Sandbox) Config() Config { return s.cfg }

// Available reports whether sandboxed runs work here, checking once: the
// binaries exist and a trivial program runs under the full confinement.
func (s *Sandbox) Available(ctx context.Context) error {
	s.probe.Do(func() { s.err = s.check(ctx) })
	return s.err
}

func (s *Sandbox) check(ctx context.Context) error {
	bw := s.cfg.Bwrap
	if bw == "" {
		bw = "bwrap"
	}
	path, err := exec.LookPath(bw)
	if err != nil {
		return fmt.Errorf("%w: bubblewrap not found (%v); install it with your package manager (Debian: apt-get install bubblewrap)", ErrUnavailable, err)
	}
	s.cfg.Bwrap = path
	if !filepath.IsAbs(s.cfg.Python) {
		return fmt.Errorf("%w: python path %q is not absolute", ErrUnavailable, s.cfg.Python)
	}
	if !s.visible(s.cfg.Python) {
		return fmt.Errorf("%w: python %s is outside /usr and the configured read-only directories, so it would not exist inside the sandbox", ErrUnavailable, s.cfg.Python)
	}
	if _, err := os.Stat(s.cfg.Python); err != nil {
		return fmt.Errorf("%w: python: %v", ErrUnavailable, err)
	}
	// The verdict is cached, so the caller's cancellation must not become
	// a permanent "unavailable".
	pctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 20*time.Second)
	defer cancel()
	info, err := s.run(pctx, Program{Code: "def evaluate(text):\n    print(text)\n", Responses: []Response{{Label: "probe", Text: "ok"}}})
	if err != nil {
		return fmt.Errorf("%w: %v", ErrUnavailable, err)
	}
	if info.ExitCode != 0 || !strings.Contains(info.Stdout, "ok") {
		return fmt.Errorf("%w: probe run failed (exit %d): %s", ErrUnavailable, info.ExitCode, strings.TrimSpace(info.Stderr))
	}
	return nil
}

func (s *Sandbox) visible(p string) bool {
	for _, dir := range append([]string{"/usr"}, s.cfg.ReadOnly...) {
		if rel, err := filepath.Rel(dir, p); err == nil && !strings.HasPrefix(rel, "..") {
			return true
		}
	}
	return false
}

// Run executes the program in the sandbox. A checker that fails (an
// exception, a limit, a non-zero exit) is a normal result recorded in
// ExecInfo; the error is for runs that could not happen at all (sandbox
// unavailable, cancelled before start, host I/O failure).
func (s *Sandbox) Run(ctx context.Context, p Program) (stepwise.ExecInfo, error) {
	if err := s.Available(ctx); err != nil {
		return stepwise.ExecInfo{}, err
	}
	select {
	case s.sem <- struct{}{}:
	case <-ctx.Done():
		return stepwise.ExecInfo{}, ctx.Err()
	}
	defer func() { <-s.sem }()
	return s.run(ctx, p)
}
