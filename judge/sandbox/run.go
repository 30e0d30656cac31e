package sandbox

import (
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"time"

	"github.com/stepwise-dev/stepwise"
)

//go:embed harness.py
var harness []byte

// Killed reasons recorded in ExecInfo.Killed.
const (
	KilledWall   = "wall-clock limit"
	KilledCPU    = "CPU time limit"
	KilledOutput = "output limit"
	KilledSignal = "signal"
)

// inDir is where the per-run inputs appear inside the sandbox.
const inDir = "/sandbox/in"

func (s *Sandbox) run(ctx context.Context, p Program) (stepwise.ExecInfo, error) {
	dir, err := s.prepare(p)
	if err != nil {
		return stepwise.ExecInfo{}, err
	}
	defer os.RemoveAll(dir)

	limits, err := s.rlimits()
	if err != nil {
		return stepwise.ExecInfo{}, err
	}
	args := s.bwrapArgs(dir)
	filter, err := seccompPipe()
	if err != nil {
		return stepwise.ExecInfo{}, err
	}
	if filter != nil {
		defer filter.Close()
		args = append(args, "--seccomp", "3") // the first of ExtraFiles
	}
	args = append(args, "--", s.cfg.Python, "-u", "-I", "-S", "-B", inDir+"/harness.py", limits)

	wctx, cancel := context.WithTimeout(ctx, s.cfg.Limits.Wall)
	defer cancel()
	cmd := exec.Command(s.cfg.Bwrap, args...)
	cmd.Env = []string{} // bwrap gets nothing from us; --clearenv covers the inside
	cmd.Dir = dir
	cmd.SysProcAttr = s.procAttr()
	if filter != nil {
		cmd.ExtraFiles = []*os.File{filter}
	}

	var (
		once   sync.Once
		reason string
	)
	kill := func(why string) {
		once.Do(func() {
			reason = why
			if cmd.Process != nil {
				// The negative pid is bwrap's process group; bwrap dying
				// takes the sandbox's PID namespace down with it.
				_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			}
		})
	}
	out := newOutput(s.cfg.Limits, func() { kill(KilledOutput) })
	cmd.Stdout, cmd.Stderr = out.stdout(), out.stderr()
	cmd.WaitDelay = time.Second

	start := time.Now()
	if err := cmd.Start(); err != nil {
		return stepwise.ExecInfo{}, fmt.Errorf("sandbox: start bwrap: %w", err)
	}
	done := make(chan struct{})
	watcher := make(chan struct{})
	go func() {
		defer close(watcher)
		select {
		case <-wctx.Done():
			if ctx.Err() != nil {
				kill("cancelled")
			} else {
				kill(KilledWall)
			}
		case <-done:
		}
	}()
	waitErr := cmd.Wait()
	close(done)
	<-watcher // reason is final once the watcher is gone
	info := stepwise.ExecInfo{
		Stdout:  out.text(0),
		Stderr:  out.text(1),
		Seconds: time.Since(start).Seconds(),
	}
	info.ExitCode, info.Killed = classify(cmd.ProcessState, waitErr, reason)
	if reason == "cancelled" {
		return info, ctx.Err()
	}
	return info, nil
}

// classify turns the process state into an exit code (128+signal for a
// signal death, as shells report it) and a kill reason.
func classify(ps *os.ProcessState, waitErr error, reason string) (int, string) {
	if ps == nil {
		return -1, firstNonEmpty(reason, fmt.Sprint(waitErr))
	}
	code := ps.ExitCode()
	if ws, ok := ps.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		code = 128 + int(ws.Signal())
	}
	if reason != "" {
		return code, reason
	}
	// bwrap passes the checker's status through; 128+SIGXCPU or a SIGKILL
	// without a parent-side reason is the CPU rlimit.
	switch code {
	case 128 + int(syscall.SIGXCPU), 128 + int(syscall.SIGKILL):
		return code, KilledCPU
	}
	if code > 128 && code < 128+65 {
		return code, fmt.Sprintf("%s %d", KilledSignal, code-128)
	}
	return code, ""
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// prepare writes the harness, the checker and the responses into a fresh
// private directory, readable by the sandbox user only.
func (s *Sandbox) prepare(p Program) (string, error) {
	entry := p.Entry
	if entry == "" {
		entry = "evaluate"
	}
	responses := p.Responses
	for i := range responses {
		if responses[i].Steps == nil {
			responses[i].Steps = []string{}
		}
	}
	input, err := json.Marshal(map[string]any{"entry": entry, "responses": responses})
	if err != nil {
		return "", fmt.Errorf("sandbox: encode input: %w", err)
	}
	dir, err := os.MkdirTemp(s.cfg.TempDir, "stepwise-sandbox-")
	if err != nil {
		return "", fmt.Errorf("sandbox: %w", err)
	}
	files := map[string][]byte{"harness.py": harness, "check.py": []byte(p.Code), "input.json": input}
	for name, b := range files {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o400); err != nil {
			os.RemoveAll(dir)
			return "", fmt.Errorf("sandbox: write %s: %w", name, err)
		}
	}
	if os.Geteuid() == 0 {
		if err := chownAll(dir, s.cfg.UID, s.cfg.GID, files); err != nil {
			os.RemoveAll(dir)
			return "", err
		}
	}
	return dir, nil
}

func chownAll(dir string, uid, gid int, files map[string][]byte) error {
	if err := os.Chown(dir, uid, gid); err != nil {
		return fmt.Errorf("sandbox: chown: %w", err)
	}
	for name := range files {
		if err := os.Chown(filepath.Join(dir, name), uid, gid); err != nil {
			return fmt.Errorf("sandbox: chown: %w", err)
		}
	}
	return nil
}

// procAttr puts bwrap in its own process group (so the parent can kill it
// whole), kills it if the parent dies, and drops root to the sandbox user.
func (s *Sandbox) procAttr() *syscall.SysProcAttr {
	a := &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if os.Geteuid() == 0 {
		a.Credential = &syscall.Credential{Uid: uint32(s.cfg.UID), Gid: uint32(s.cfg.GID), Groups: []uint32{}}
	}
	return a
}

func (s *Sandbox) bwrapArgs(dir string) []string {
	a := []string{
		"--unshare-all", // user, ipc, pid, net, uts, cgroup: a fresh network namespace has no route out
		"--die-with-parent",
		"--new-session",
		"--cap-drop", "ALL",
		"--hostname", "sandbox",
		"--clearenv",
		"--setenv", "PATH", "/usr/bin:/bin",
		"--setenv", "HOME", "/work",
		"--setenv", "TMPDIR", "/work",
		"--setenv", "LANG", "C.UTF-8",
		"--setenv", "PYTHONIOENCODING", "utf-8",
		"--ro-bind", "/usr", "/usr",
	}
	a = append(a, rootLinks()...)
	for _, d := range s.cfg.ReadOnly {
		a = append(a, "--ro-bind", d, d)
	}
	return append(a,
		"--proc", "/proc",
		"--dev", "/dev",
		"--remount-ro", "/dev", // /dev/shm would be an uncapped tmpfs
		"--ro-bind", dir, inDir,
		"--size", strconv.FormatInt(s.cfg.Limits.WorkDir, 10), "--tmpfs", "/work",
		"--chdir", "/work",
		"--remount-ro", "/",
	)
}

// rootLinks recreates /bin, /lib, /lib64 and /sbin: as symlinks on a
// merged-/usr system, as read-only binds otherwise.
func rootLinks() []string {
	var a []string
	for _, d := range []string{"/bin", "/lib", "/lib64", "/sbin"} {
		fi, err := os.Lstat(d)
		switch {
		case err != nil:
		case fi.Mode()&os.ModeSymlink != 0:
			if target, err := os.Readlink(d); err == nil {
				a = append(a, "--symlink", target, d)
			}
		case fi.IsDir():
			a = append(a, "--ro-bind", d, d)
		}
	}
	return a
}

// rlimits is the harness's argument: the limits it sets on itself before
// loading the checker. RLIMIT_NPROC is counted per user namespace on Linux
// ≥ 5.14 (ucounts), so in the sandbox's fresh namespace it bounds the
// sandbox's own tasks; on older kernels it counts all tasks of the uid, which
// only makes it stricter.
func (s *Sandbox) rlimits() (string, error) {
	l := s.cfg.Limits
	cpu := int64((l.CPU + time.Second - 1) / time.Second)
	b, err := json.Marshal(map[string]int64{
		"RLIMIT_CPU":    cpu,
		"RLIMIT_AS":     l.Memory,
		"RLIMIT_NPROC":  int64(l.Procs),
		"RLIMIT_FSIZE":  l.FileSize,
		"RLIMIT_NOFILE": int64(l.OpenFiles),
		"RLIMIT_CORE":   0,
	})
	return string(b), err
}

// seccompPipe returns the read end of a pipe holding the seccomp program,
// for bubblewrap to read on its fd 3; nil when there is no filter for this
// architecture. The program is far smaller than a pipe's buffer, so the
// write never blocks.
func seccompPipe() (*os.File, error) {
	prog := seccompProgram()
	if prog == nil {
		return nil, nil
	}
	r, w, err := os.Pipe()
	if err != nil {
		return nil, fmt.Errorf("sandbox: seccomp pipe: %w", err)
	}
	_, err = w.Write(prog)
	if cerr := w.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		r.Close()
		return nil, fmt.Errorf("sandbox: seccomp pipe: %w", err)
	}
	return r, nil
}
