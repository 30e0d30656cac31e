package verify

import (
	"bytes"
	"context"
	"errors"
	"os/exec"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// procSpec describes one subprocess run to completion.
type procSpec struct {
	Path  string
	Args  []string
	Dir   string
	Env   []string // nil inherits
	Stdin string
	// MemoryBytes caps the address space (RLIMIT_AS); 0 leaves it alone.
	MemoryBytes uint64
	// MaxOutput caps the bytes kept from stdout and from stderr.
	MaxOutput int
}

// procResult is what a subprocess did.
type procResult struct {
	Stdout, Stderr string
	ExitCode       int
	// Err is a start failure or abnormal end (signal); nil on any exit code.
	Err error
	// Killed is set when the context ended the process.
	Killed bool
}

// capWriter keeps the first n bytes and discards the rest.
type capWriter struct {
	buf bytes.Buffer
	n   int
}

func (w *capWriter) Write(p []byte) (int, error) {
	if room := w.n - w.buf.Len(); room > 0 {
		if len(p) > room {
			w.buf.Write(p[:room])
		} else {
			w.buf.Write(p)
		}
	}
	return len(p), nil
}

// newGroupCmd prepares a command in its own process group, so that the
// whole group (lake and the lean it spawns) can be killed at once.
func newGroupCmd(ctx context.Context, path string, args []string, dir string, env []string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, path, args...)
	cmd.Dir, cmd.Env = dir, env
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return killGroup(cmd) }
	cmd.WaitDelay = 2 * time.Second
	return cmd
}

// killGroup sends SIGKILL to the command's process group.
func killGroup(cmd *exec.Cmd) error {
	if cmd.Process == nil {
		return nil
	}
	err := syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	if errors.Is(err, syscall.ESRCH) {
		return nil
	}
	return err
}

// limitMemory caps a started process's address space. The race with the
// child's first allocations is benign: solvers and Lean allocate their
// bulk long after exec.
func limitMemory(pid int, bytes uint64) error {
	if bytes == 0 {
		return nil
	}
	lim := unix.Rlimit{Cur: bytes, Max: bytes}
	return unix.Prlimit(pid, unix.RLIMIT_AS, &lim, nil)
}

// runProc runs a process to completion under ctx, killing its whole group
// when ctx ends and after it exits (so no grandchild outlives the check).
func runProc(ctx context.Context, spec procSpec) procResult {
	max := spec.MaxOutput
	if max == 0 {
		max = 1 << 20
	}
	cmd := newGroupCmd(ctx, spec.Path, spec.Args, spec.Dir, spec.Env)
	stdout, stderr := &capWriter{n: max}, &capWriter{n: max}
	cmd.Stdout, cmd.Stderr = stdout, stderr
	if spec.Stdin != "" {
		cmd.Stdin = bytes.NewReader([]byte(spec.Stdin))
	}
	if err := cmd.Start(); err != nil {
		return procResult{Err: err, ExitCode: -1}
	}
	memErr := limitMemory(cmd.Process.Pid, spec.MemoryBytes)
	err := cmd.Wait()
	_ = killGroup(cmd)
	res := procResult{Stdout: stdout.buf.String(), Stderr: stderr.buf.String(), ExitCode: cmd.ProcessState.ExitCode()}
	if ctx.Err() != nil {
		res.Killed = true
	}
	var exitErr *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &exitErr) && exitErr.Exited():
	default:
		res.Err = err
	}
	if memErr != nil && res.Err == nil && res.ExitCode != 0 {
		res.Err = memErr
	}
	return res
}
