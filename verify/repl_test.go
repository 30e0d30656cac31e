package verify

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stepwise-dev/stepwise"
)

// fakeLeanProject makes a directory that looks like a Lake project.
func fakeLeanProject(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	must(t, os.WriteFile(filepath.Join(dir, "lean-toolchain"), []byte("leanprover/lean4:v4.9.0-rc1\n"), 0o600))
	must(t, os.WriteFile(filepath.Join(dir, "lake-manifest.json"),
		[]byte(`{"packages": [{"type": "git", "name": "mathlib", "rev": "0123abcd"}]}`), 0o600))
	return dir
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// useDouble points the doubles at testdata and a command log.
func useDouble(t *testing.T, kind string) (log string) {
	t.Helper()
	abs, err := filepath.Abs("testdata")
	must(t, err)
	log = filepath.Join(t.TempDir(), "log")
	t.Setenv("STEPWISE_FAKE", kind)
	t.Setenv("STEPWISE_TESTDATA", abs)
	t.Setenv("STEPWISE_FAKE_LOG", log)
	return log
}

func fakeREPLConfig(t *testing.T) Config {
	cfg := DefaultConfig()
	cfg.LeanProjectDir = fakeLeanProject(t)
	cfg.REPLCommand = []string{selfPath(t)} // the fake REPL double
	cfg.Timeout = 5 * time.Second
	return cfg
}

func readLog(t *testing.T, path string) []string {
	b, _ := os.ReadFile(path)
	return strings.Split(strings.TrimSpace(string(b)), "\n")
}

func TestREPLDoubleStatusesAndProtocol(t *testing.T) {
	log := useDouble(t, "repl")
	cfg := fakeREPLConfig(t)
	r := NewREPL(cfg)
	defer r.Close()
	ctx := context.Background()
	stmt := "theorem test (b x : ℝ) (h₀ : x - 5 = 2 * x - b) (h₁ : x = -2) : b = 3 := by sorry"
	cases := []struct {
		name string
		job  Job
		want stepwise.ProofStatus
	}{
		{"statement", Job{Statement: stmt, Mode: ModeStatement}, stepwise.StatusSorry},
		{"proof", Job{Statement: stmt, Proof: strings.TrimSuffix(stmt, "by sorry") + "by\n  subst h₁; linarith only [h₀]", Mode: ModeProof}, stepwise.StatusProved},
		{"type mismatch", Job{Statement: stmt, Proof: strings.TrimSuffix(stmt, "by sorry") + "by\n  exact rfl", Mode: ModeProof}, stepwise.StatusFailed},
		{"sorry proof", Job{Statement: stmt, Proof: strings.TrimSuffix(stmt, "by sorry") + "by\n  sorry", Mode: ModeProof}, stepwise.StatusSorry},
		{"native_decide", Job{Statement: stmt, Proof: strings.TrimSuffix(stmt, "by sorry") + "by\n  native_decide", Mode: ModeProof}, stepwise.StatusProvedTrustingCompiler},
		{"custom axiom", Job{Statement: stmt, Proof: strings.TrimSuffix(stmt, "by sorry") + "by\n  exact my_axiom", Mode: ModeProof}, stepwise.StatusFailed},
		{"restated", Job{Statement: stmt, Proof: "theorem test : True := by trivial", Mode: ModeProof}, stepwise.StatusFailed},
		{"extra axiom", Job{Statement: stmt, Proof: strings.TrimSuffix(stmt, "by sorry") + "by\n  simp\naxiom cheat : False", Mode: ModeProof}, stepwise.StatusFailed},
		{"statement error", Job{Statement: "theorem test : bad_statement := by sorry", Mode: ModeStatement}, stepwise.StatusStatementError},
		{"decide by tactic", Job{Statement: "theorem test : (48 / 2 : ℝ) = 24 := by sorry", Mode: ModeDecide}, stepwise.StatusProved},
		{"decide negation", Job{Statement: "theorem test : 2 + 2 = 5 := by sorry", Mode: ModeDecide}, stepwise.StatusDisproved},
	}
	for _, c := range cases {
		c.job.Header = DefaultHeader
		res := r.Check(ctx, c.job)
		if res.Status != c.want {
			t.Errorf("%s: %s (%s) %+v", c.name, res.Status, res.Detail, res.Messages)
		}
	}
	lines := readLog(t, log)
	headers := 0
	for _, l := range lines {
		if strings.HasPrefix(l, "env=-1 ") {
			headers++
			if !strings.Contains(l, "import Mathlib") {
				t.Errorf("fresh-environment command is not the header: %s", l)
			}
		} else if !strings.HasPrefix(l, "env=0 ") {
			t.Errorf("body not sent on env 0: %s", l)
		}
	}
	if headers != 1 {
		t.Errorf("header sent %d times to one long-lived REPL, want 1", headers)
	}
	if !strings.Contains(strings.Join(lines, "\n"), "#print axioms test") {
		t.Error("no #print axioms request")
	}
}

func TestREPLDoubleTimeoutKillsGroupAndRespawns(t *testing.T) {
	log := useDouble(t, "repl")
	child := filepath.Join(t.TempDir(), "child.pid")
	t.Setenv("STEPWISE_FAKE_CHILD", child)
	r := NewREPL(fakeREPLConfig(t))
	defer r.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	res := r.Check(ctx, Job{Header: DefaultHeader, Statement: "theorem test : sleep_forever = 1 := by sorry", Mode: ModeStatement})
	cancel()
	if res.Status != stepwise.StatusTimeout {
		t.Fatalf("status %s (%s)", res.Status, res.Detail)
	}
	pid := readPid(t, child)
	if !processGone(pid, 2*time.Second) {
		t.Errorf("the REPL's child process %d outlived the timeout", pid)
	}
	// The next check respawns a REPL and works.
	res = r.Check(context.Background(), Job{Header: DefaultHeader, Statement: "theorem test : (1 : ℝ) = 1 := by sorry", Mode: ModeStatement})
	if res.Status != stepwise.StatusSorry {
		t.Errorf("after respawn: %s (%s)", res.Status, res.Detail)
	}
	headers := 0
	for _, l := range readLog(t, log) {
		if strings.HasPrefix(l, "env=-1") {
			headers++
		}
	}
	if headers != 2 {
		t.Errorf("header sent %d times, want 2 (one per process)", headers)
	}
}

func TestREPLDoubleCrash(t *testing.T) {
	useDouble(t, "repl")
	r := NewREPL(fakeREPLConfig(t))
	defer r.Close()
	res := r.Check(context.Background(), Job{Header: DefaultHeader, Statement: "theorem test : exit_now = 1 := by sorry", Mode: ModeStatement})
	if res.Status != stepwise.StatusBackendError {
		t.Errorf("crash: %s (%s)", res.Status, res.Detail)
	}
	res = r.Check(context.Background(), Job{Header: DefaultHeader, Statement: "theorem test : (1 : ℝ) = 1 := by sorry", Mode: ModeStatement})
	if res.Status != stepwise.StatusSorry {
		t.Errorf("after crash: %s (%s)", res.Status, res.Detail)
	}
}

// processGone waits for a pid to disappear (or become a zombie).
func processGone(pid int, wait time.Duration) bool {
	deadline := time.Now().Add(wait)
	for time.Now().Before(deadline) {
		if syscall.Kill(pid, 0) != nil {
			return true
		}
		if st, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat"); err == nil {
			if f := strings.Fields(string(st)); len(f) > 2 && f[2] == "Z" {
				return true
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	return false
}

func TestParseREPLResponseTranscripts(t *testing.T) {
	o, env, err := parseREPLResponse([]byte(testdata("repl/type_mismatch.json")))
	if err != nil || env != 6 || o.Sorries != 1 || len(o.Messages) != 1 || o.Messages[0].Severity != "error" ||
		o.Messages[0].Line != 1 || o.Messages[0].Column != 23 || !strings.HasPrefix(o.Messages[0].Text, "type mismatch") {
		t.Errorf("type mismatch: %+v env=%d err=%v", o, env, err)
	}
	o, env, err = parseREPLResponse([]byte(testdata("repl/sorry.json")))
	if err != nil || env != 0 || o.Sorries != 1 || o.Messages[0].Severity != "warning" {
		t.Errorf("sorry: %+v env=%d err=%v", o, env, err)
	}
	if st, _ := judgeStatement(o); st != stepwise.StatusSorry {
		t.Errorf("one sorry, no error: statement status %s", st)
	}
	if _, _, err = parseREPLResponse([]byte(testdata("repl/unknown_env.json"))); err == nil || !strings.Contains(err.Error(), "Unknown environment.") {
		t.Errorf("unknown env: %v", err)
	}
}

var filepathAbs = filepath.Abs

func TestREPLCloseLeavesNoProcess(t *testing.T) {
	useDouble(t, "repl")
	child := filepath.Join(t.TempDir(), "child.pid")
	t.Setenv("STEPWISE_FAKE_CHILD", child)
	cfg := fakeREPLConfig(t)
	cfg.Backends = []string{BackendREPL}
	e := New(cfg, nil)
	r, err := e.Check(context.Background(), Job{Statement: "theorem test : (1 : ℝ) = 1 := by sorry", Mode: ModeStatement})
	if err != nil || r.Status != stepwise.StatusSorry {
		t.Fatalf("%+v %v", r, err)
	}
	pid := readPid(t, child)
	if processGone(pid, 0) {
		t.Fatal("the double's child is not running")
	}
	must(t, e.Close())
	if !processGone(pid, 2*time.Second) {
		t.Errorf("process %d survived Engine.Close", pid)
	}
}

// readPid reads the pid a double recorded for its child.
func readPid(t *testing.T, file string) int {
	t.Helper()
	b, err := os.ReadFile(file)
	must(t, err)
	pid, err := strconv.Atoi(string(b))
	must(t, err)
	return pid
}

// A check waiting for the one busy REPL must not spend its budget waiting.
func TestREPLDoubleQueueWaitIsNotATimeout(t *testing.T) {
	useDouble(t, "repl")
	r := NewREPL(fakeREPLConfig(t))
	defer r.Close()
	slow := make(chan Result, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 1500*time.Millisecond)
		defer cancel()
		slow <- r.Check(ctx, Job{Header: DefaultHeader, Statement: "theorem test : sleep_forever = 1 := by sorry", Mode: ModeStatement})
	}()
	time.Sleep(300 * time.Millisecond) // let the slow check take the only REPL
	ctx, cancel := context.WithTimeout(context.Background(), 1500*time.Millisecond)
	defer cancel()
	res := r.Check(ctx, Job{Header: DefaultHeader, Statement: "theorem test : (1 : ℝ) = 1 := by sorry", Mode: ModeStatement})
	if res.Status != stepwise.StatusSorry {
		t.Errorf("queued check: %s (%s)", res.Status, res.Detail)
	}
	if s := <-slow; s.Status != stepwise.StatusTimeout {
		t.Errorf("slow check: %s (%s)", s.Status, s.Detail)
	}
}
