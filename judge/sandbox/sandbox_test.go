package sandbox

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// testSandbox returns a sandbox with tight limits. Without bubblewrap on
// PATH the containment tests cannot run at all and say so; with it, any
// failure to sandbox is a test failure.
func testSandbox(t *testing.T, mod func(*Limits)) *Sandbox {
	t.Helper()
	if _, err := exec.LookPath("bwrap"); err != nil {
		t.Skip("bubblewrap is not installed (apt-get install bubblewrap); containment tests need it")
	}
	l := DefaultLimits()
	l.Wall = 5 * time.Second
	l.CPU = 2 * time.Second
	l.Procs = 16
	if mod != nil {
		mod(&l)
	}
	s := New(Config{Limits: l})
	if err := s.Available(context.Background()); err != nil {
		t.Fatalf("bubblewrap is installed but the sandbox does not work: %v", err)
	}
	return s
}

func run(t *testing.T, s *Sandbox, code string, texts ...string) (info execResult) {
	t.Helper()
	var rs []Response
	for i, x := range texts {
		rs = append(rs, Response{Label: fmt.Sprintf("Response %d", i+1), Text: x, Steps: strings.Split(x, "\n")})
	}
	if len(rs) == 0 {
		rs = []Response{{Label: "Response 1", Text: ""}}
	}
	ei, err := s.Run(context.Background(), Program{Code: code, Responses: rs})
	if err != nil {
		t.Fatalf("run: %v", err)
	}
	if os.Getenv("SANDBOX_DEBUG") != "" {
		t.Logf("exit %d killed %q %.2fs\nstdout: %.1500s\nstderr: %.600s", ei.ExitCode, ei.Killed, ei.Seconds, ei.Stdout, ei.Stderr)
	}
	return execResult{ei.Stdout, ei.Stderr, ei.ExitCode, ei.Seconds, ei.Killed}
}

type execResult struct {
	Stdout, Stderr string
	Exit           int
	Seconds        float64
	Killed         string
}

func TestResponsesArriveAsData(t *testing.T) {
	s := testSandbox(t, nil)
	hostile := "a'''b\"\"\"c\\\n__import__('os').system('echo pwned')\n\x00\u202e é 😀"
	code := `import hashlib
def evaluate(text, steps):
    print(hashlib.sha256(text.encode("utf-8")).hexdigest(), len(steps))
`
	r := run(t, s, code, hostile, "plain")
	sum := sha256.Sum256([]byte(hostile))
	if !strings.Contains(r.Stdout, "=== Response 1 ===\n"+hex.EncodeToString(sum[:])+" 3\n") {
		t.Errorf("response 1 not passed byte-exact:\n%s\nstderr: %s", r.Stdout, r.Stderr)
	}
	sum = sha256.Sum256([]byte("plain"))
	if !strings.Contains(r.Stdout, "=== Response 2 ===\n"+hex.EncodeToString(sum[:])+" 1\n") {
		t.Errorf("response 2 wrong:\n%s", r.Stdout)
	}
	if r.Exit != 0 || r.Killed != "" || strings.Contains(r.Stdout, "pwned\n") {
		t.Errorf("exit %d killed %q stdout %q", r.Exit, r.Killed, r.Stdout)
	}
}

func TestCannotReadHomeStoreOrHostFiles(t *testing.T) {
	s := testSandbox(t, nil)
	host := t.TempDir()
	must(t, os.MkdirAll(filepath.Join(host, ".ssh"), 0o700))
	must(t, os.WriteFile(filepath.Join(host, ".ssh", "id_ed25519"), []byte("SECRET-KEY-MATERIAL"), 0o644))
	must(t, os.WriteFile(filepath.Join(host, "stepwise.db"), []byte("SECRET-STORE-BYTES"), 0o644))
	t.Setenv("STEPWISE_TEST_SECRET", "SECRET-ENV-VALUE")
	home, _ := os.UserHomeDir()
	paths := []string{
		filepath.Join(host, ".ssh", "id_ed25519"), filepath.Join(host, "stepwise.db"),
		filepath.Join(home, ".ssh"), filepath.Join(home, ".bashrc"), "/root", "/home",
		"/etc/passwd", "/etc/shadow", "/var/lib", "/tmp", os.TempDir(),
	}
	code := `import os
def evaluate(text):
    for p in text.split("\n"):
        try:
            if os.path.isdir(p):
                print("LISTED", p, os.listdir(p))
            else:
                with open(p) as f:
                    print("READ", p, f.read()[:50])
        except OSError as e:
            print("DENIED", p, type(e).__name__)
    print("ENV", sorted(os.environ))
    for pid in os.listdir("/proc"):
        if pid.isdigit():
            try:
                print("PROCENV", pid, open("/proc/%s/environ" % pid, "rb").read()[:200])
            except OSError as e:
                print("PROCENV", pid, "DENIED")
`
	r := run(t, s, code, strings.Join(paths, "\n"))
	for _, p := range paths {
		if !strings.Contains(r.Stdout, "DENIED "+p+" ") {
			t.Errorf("%s was reachable:\n%s", p, r.Stdout)
		}
	}
	if strings.Contains(r.Stdout, "SECRET") {
		t.Errorf("a secret leaked:\n%s", r.Stdout)
	}
	if !strings.Contains(r.Stdout, "ENV [") || strings.Contains(r.Stdout, "STEPWISE_TEST_SECRET") {
		t.Errorf("environment not cleared:\n%s", r.Stdout)
	}
}

func TestCannotWriteOutsideWorkDir(t *testing.T) {
	s := testSandbox(t, nil)
	host := t.TempDir()
	targets := []string{"/x", "/usr/x", "/usr/lib/x", "/sandbox/in/x", "/sandbox/in/check.py", "/tmp/x", "/dev/shm/x", "/proc/x", filepath.Join(host, "x")}
	code := `def evaluate(text):
    for p in text.split("\n"):
        try:
            with open(p, "w") as f:
                f.write("owned")
            print("WROTE", p)
        except OSError as e:
            print("DENIED", p, type(e).__name__)
    with open("/work/ok.txt", "w") as f:
        f.write("fine")
    print("WORK", open("/work/ok.txt").read())
`
	r := run(t, s, code, strings.Join(targets, "\n"))
	for _, p := range targets {
		if !strings.Contains(r.Stdout, "DENIED "+p+" ") {
			t.Errorf("wrote %s:\n%s", p, r.Stdout)
		}
	}
	if !strings.Contains(r.Stdout, "WORK fine") {
		t.Errorf("the working directory is not writable:\n%s\n%s", r.Stdout, r.Stderr)
	}
	if ents, _ := os.ReadDir(host); len(ents) != 0 {
		t.Errorf("host directory changed: %v", ents)
	}
}

func TestNoNetwork(t *testing.T) {
	s := testSandbox(t, nil)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	must(t, err)
	defer ln.Close()
	var accepted atomic.Int32
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			accepted.Add(1)
			c.Close()
		}
	}()
	sock := filepath.Join(t.TempDir(), "s.sock")
	uln, err := net.Listen("unix", sock)
	must(t, err)
	defer uln.Close()
	port := ln.Addr().(*net.TCPAddr).Port
	code := fmt.Sprintf(`import socket
def evaluate(text):
    for name, fn in [
        ("tcp-loopback", lambda: socket.create_connection(("127.0.0.1", %d), timeout=2)),
        ("tcp-public", lambda: socket.create_connection(("1.1.1.1", 80), timeout=2)),
        ("dns", lambda: socket.getaddrinfo("example.com", 80)),
        ("unix", lambda: socket.socket(socket.AF_UNIX).connect(%q)),
        ("udp", lambda: socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b"x", ("10.0.0.1", 53))),
    ]:
        try:
            fn()
            print("CONNECTED", name)
        except OSError as e:
            print("BLOCKED", name, type(e).__name__)
`, port, sock)
	r := run(t, s, code, "x")
	for _, name := range []string{"tcp-loopback", "tcp-public", "dns", "unix", "udp"} {
		if !strings.Contains(r.Stdout, "BLOCKED "+name+" ") {
			t.Errorf("%s not blocked:\n%s\n%s", name, r.Stdout, r.Stderr)
		}
	}
	if n := accepted.Load(); n != 0 {
		t.Errorf("host listener accepted %d connections", n)
	}
}

func TestProcessLimit(t *testing.T) {
	s := testSandbox(t, func(l *Limits) { l.Procs = 8 })
	code := `import os, time
def evaluate(text):
    n = 0
    try:
        for _ in range(1000):
            if os.fork() == 0:
                time.sleep(30)
                os._exit(0)
            n += 1
    except OSError as e:
        print("FORK REFUSED after", n, type(e).__name__, flush=True)
    os._exit(0)
`
	r := run(t, s, code, "x")
	var n int
	if _, err := fmt.Sscanf(r.Stdout[strings.Index(r.Stdout, "after")+len("after "):], "%d", &n); err != nil || n > 8 {
		t.Errorf("forks not limited to 8: %v\n%s\n%s", err, r.Stdout, r.Stderr)
	}
	waitNoTasks(t, s)
}

func TestForkBomb(t *testing.T) {
	s := testSandbox(t, func(l *Limits) { l.Wall = 3 * time.Second })
	code := `import os
def evaluate(text):
    while True:
        try:
            os.fork()
        except OSError:
            pass
`
	start := time.Now()
	r := run(t, s, code, "x")
	if d := time.Since(start); d > 8*time.Second {
		t.Errorf("fork bomb ran %v", d)
	}
	if r.Killed == "" {
		t.Errorf("fork bomb not killed: exit %d\n%s", r.Exit, r.Stderr)
	}
	waitNoTasks(t, s)
}

// waitNoTasks checks that no process of the sandbox user outlives a run.
func waitNoTasks(t *testing.T, s *Sandbox) {
	t.Helper()
	if os.Geteuid() != 0 {
		return // the sandbox runs as us; our own tasks are not countable apart
	}
	deadline := time.Now().Add(3 * time.Second)
	for {
		n, err := userTasks(s.cfg.UID)
		must(t, err)
		if n == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d tasks of uid %d outlived the run", n, s.cfg.UID)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func TestEndlessLoopHitsCPULimit(t *testing.T) {
	s := testSandbox(t, func(l *Limits) { l.CPU = time.Second; l.Wall = 10 * time.Second })
	r := run(t, s, "def evaluate(text):\n    while True:\n        pass\n", "x")
	if r.Killed != KilledCPU || r.Seconds > 5 {
		t.Errorf("killed %q after %.1fs, exit %d", r.Killed, r.Seconds, r.Exit)
	}
}

func TestSleepHitsWallLimit(t *testing.T) {
	s := testSandbox(t, func(l *Limits) { l.Wall = time.Second })
	r := run(t, s, "import time\ndef evaluate(text):\n    print('start', flush=True)\n    time.sleep(600)\n", "x")
	if r.Killed != KilledWall || r.Seconds < 0.9 || r.Seconds > 4 {
		t.Errorf("killed %q after %.1fs", r.Killed, r.Seconds)
	}
	if !strings.Contains(r.Stdout, "start") {
		t.Errorf("output before the kill lost: %q", r.Stdout)
	}
}

func TestGigabytesOfOutput(t *testing.T) {
	s := testSandbox(t, func(l *Limits) { l.Wall = 20 * time.Second; l.CPU = 15 * time.Second })
	code := "import sys\ndef evaluate(text):\n    block = 'x' * (1 << 20)\n    for _ in range(4096):\n        sys.stdout.write(block)\n"
	r := run(t, s, code, "x")
	if r.Killed != KilledOutput {
		t.Errorf("killed %q exit %d after %.1fs", r.Killed, r.Exit, r.Seconds)
	}
	l := s.Config().Limits
	if len(r.Stdout) > l.KeepOutput+100 || !strings.Contains(r.Stdout, "more bytes dropped]") {
		t.Errorf("kept %d bytes of stdout (cap %d), tail %q", len(r.Stdout), l.KeepOutput, r.Stdout[max(0, len(r.Stdout)-80):])
	}
	if r.Seconds > 10 {
		t.Errorf("output flood ran %.1fs", r.Seconds)
	}
}

func TestMemoryLimit(t *testing.T) {
	s := testSandbox(t, func(l *Limits) { l.Memory = 256 << 20 })
	r := run(t, s, "def evaluate(text):\n    b = bytearray(2 << 30)\n    print('allocated', len(b))\n", "x")
	if strings.Contains(r.Stdout, "allocated") || !strings.Contains(r.Stderr, "MemoryError") || r.Exit == 0 {
		t.Errorf("2 GiB allocation not refused: exit %d\n%s\n%s", r.Exit, r.Stdout, r.Stderr)
	}
}

func TestDiskFillStopsAtTheCap(t *testing.T) {
	s := testSandbox(t, nil)
	code := `def evaluate(text):
    n = 0
    try:
        with open("/work/fill", "wb") as f:
            for _ in range(1024):
                f.write(b"x" * (1 << 20))
                n += 1
    except OSError as e:
        print("STOPPED", n, type(e).__name__)
`
	r := run(t, s, code, "x")
	// RLIMIT_FSIZE (8 MiB) stops the file before the 16 MiB tmpfs fills: the
	// process gets SIGXFSZ, or EFBIG when it is ignored.
	if strings.Contains(r.Stdout, "STOPPED 1024") || (r.Exit == 0 && !strings.Contains(r.Stdout, "STOPPED")) {
		t.Errorf("disk fill not stopped: exit %d killed %q\n%s\n%s", r.Exit, r.Killed, r.Stdout, r.Stderr)
	}
}

func TestFailuresAreRecorded(t *testing.T) {
	s := testSandbox(t, nil)
	code := "def evaluate(text):\n    if text == 'bad':\n        raise ValueError('boom')\n    print('fine', text)\n"
	r := run(t, s, code, "bad", "good")
	if r.Exit != 1 || !strings.Contains(r.Stderr, "ValueError: boom") || !strings.Contains(r.Stdout, "=== Response 2 ===\nfine good") {
		t.Errorf("exit %d\nstdout %s\nstderr %s", r.Exit, r.Stdout, r.Stderr)
	}
	r = run(t, s, "def evaluate(text:\n", "x")
	if r.Exit == 0 || !strings.Contains(r.Stderr, "SyntaxError") {
		t.Errorf("syntax error: exit %d stderr %s", r.Exit, r.Stderr)
	}
	r = run(t, s, "def check(text):\n    pass\n", "x")
	if r.Exit != 3 || !strings.Contains(r.Stderr, "no function named evaluate") {
		t.Errorf("missing entry: exit %d stderr %s", r.Exit, r.Stderr)
	}
}

func TestCancel(t *testing.T) {
	s := testSandbox(t, func(l *Limits) { l.Wall = 30 * time.Second })
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(300*time.Millisecond, cancel)
	start := time.Now()
	_, err := s.Run(ctx, Program{Code: "import time\ndef evaluate(t):\n    time.sleep(60)\n", Responses: []Response{{Label: "r", Text: "x"}}})
	if !errors.Is(err, context.Canceled) || time.Since(start) > 5*time.Second {
		t.Errorf("err %v after %v", err, time.Since(start))
	}
}

func TestRefusedWithoutBubblewrap(t *testing.T) {
	marker := filepath.Join(t.TempDir(), "ran")
	s := New(Config{Bwrap: "/nonexistent/bwrap"})
	info, err := s.Run(context.Background(), Program{Code: fmt.Sprintf("open(%q, 'w').write('x')\n", marker)})
	if !errors.Is(err, ErrUnavailable) || !strings.Contains(err.Error(), "bubblewrap not found") {
		t.Errorf("err %v", err)
	}
	if info.Stdout != "" || info.ExitCode != 0 {
		t.Errorf("something ran: %+v", info)
	}
	if _, err := os.Stat(marker); err == nil {
		t.Error("code ran unsandboxed")
	}
}

func TestRefusesPythonOutsideUsr(t *testing.T) {
	if _, err := exec.LookPath("bwrap"); err != nil {
		t.Skip("bubblewrap is not installed")
	}
	s := New(Config{Python: "/opt/venv/bin/python3"})
	if err := s.Available(context.Background()); !errors.Is(err, ErrUnavailable) || !strings.Contains(err.Error(), "outside /usr") {
		t.Errorf("err %v", err)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// userTasks counts the threads owned (real uid) by uid, from /proc.
func userTasks(uid int) (int, error) {
	ents, err := os.ReadDir("/proc")
	if err != nil {
		return 0, err
	}
	want := strconv.Itoa(uid)
	n := 0
	for _, e := range ents {
		if _, err := strconv.Atoi(e.Name()); err != nil {
			continue
		}
		b, err := os.ReadFile("/proc/" + e.Name() + "/status")
		if err != nil {
			continue // gone meanwhile
		}
		var owner bool
		threads := 1
		for _, line := range strings.Split(string(b), "\n") {
			if rest, ok := strings.CutPrefix(line, "Uid:"); ok {
				f := strings.Fields(rest)
				owner = len(f) > 0 && f[0] == want
			}
			if rest, ok := strings.CutPrefix(line, "Threads:"); ok {
				if t, err := strconv.Atoi(strings.TrimSpace(rest)); err == nil {
					threads = t
				}
			}
		}
		if owner {
			n += threads
		}
	}
	return n, nil
}

func TestProbeIgnoresCallerCancellation(t *testing.T) {
	if _, err := exec.LookPath("bwrap"); err != nil {
		t.Skip("bubblewrap is not installed")
	}
	s := New(Config{})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := s.Available(ctx); err != nil {
		t.Fatalf("probe with a cancelled context: %v", err)
	}
}

// TestSeccompRefusesKernelInterfaces: inside the sandbox, ptrace, keyrings,
// bpf, userfaultfd and new namespaces fail with EPERM, while threads and
// child processes (clone without namespace flags, clone3 falling back to
// clone) still work. Without the filter PTRACE_TRACEME succeeds.
func TestSeccompRefusesKernelInterfaces(t *testing.T) {
	if !Filtered() {
		t.Skip("no seccomp table for this architecture")
	}
	s := testSandbox(t, nil)
	code := `import ctypes, os, subprocess, threading
libc = ctypes.CDLL(None, use_errno=True)
def call(name, nr, *args):
    ctypes.set_errno(0)
    r = libc.syscall(nr, *args)
    print(name, r, ctypes.get_errno())
def evaluate(text):
    call("ptrace", 101, 0, 0, 0, 0)
    call("keyctl", 250, 0, 0, 0, 0)
    call("bpf", 321, 0, 0, 0)
    call("userfaultfd", 323, 0)
    call("unshare", 272, 0x10000000)
    call("clone-newns", 56, 0x00020000 | 17, 0, 0, 0, 0)
    out = []
    th = threading.Thread(target=lambda: out.append("thread ok"))
    th.start(); th.join()
    print(out[0])
    print(subprocess.run(["/bin/echo", "child ok"], capture_output=True, text=True).stdout.strip())
`
	r := run(t, s, code)
	for _, want := range []string{"ptrace -1 1\n", "keyctl -1 1\n", "bpf -1 1\n", "userfaultfd -1 1\n",
		"unshare -1 1\n", "clone-newns -1 1\n", "thread ok\n", "child ok\n"} {
		if !strings.Contains(r.Stdout, want) {
			t.Errorf("stdout lacks %q:\n%s\nstderr: %s", want, r.Stdout, r.Stderr)
		}
	}
}
