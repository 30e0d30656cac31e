package verify

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stepwise-dev/stepwise"
)

func fakeLakeConfig(t *testing.T) Config {
	cfg := DefaultConfig()
	cfg.LeanProjectDir = fakeLeanProject(t)
	cfg.LakePath = selfPath(t) // the fake lake double
	return cfg
}

func TestLeanCLIDouble(t *testing.T) {
	log := useDouble(t, "lake")
	c := NewLeanCLI(fakeLakeConfig(t))
	stmt := "theorem test (b x : ℝ) (h₀ : x - 5 = 2 * x - b) (h₁ : x = -2) : b = 3 := by sorry"
	ctx := context.Background()
	cases := []struct {
		job  Job
		want stepwise.ProofStatus
	}{
		{Job{Statement: stmt, Mode: ModeStatement}, stepwise.StatusSorry},
		{Job{Statement: stmt, Proof: strings.TrimSuffix(stmt, "by sorry") + "by\n  subst h₁\n  linarith", Mode: ModeProof}, stepwise.StatusProved},
		{Job{Statement: stmt, Proof: strings.TrimSuffix(stmt, "by sorry") + "by\n  exact rfl", Mode: ModeProof}, stepwise.StatusFailed},
		{Job{Statement: "theorem test : 2 + 2 = 5 := by sorry", Mode: ModeDecide}, stepwise.StatusDisproved},
	}
	for _, cs := range cases {
		cs.job.Header = DefaultHeader
		if r := c.Check(ctx, cs.job); r.Status != cs.want {
			t.Errorf("%+v: %s (%s) %+v", cs.job, r.Status, r.Detail, r.Messages)
		}
	}
	if lines := readLog(t, log); len(lines) < 4 || !strings.Contains(lines[0], "import Mathlib") {
		t.Errorf("lean --json calls: %q", lines)
	}
	if h := c.Probe(ctx); !h.Usable || !strings.Contains(h.Toolchain, "fake double") {
		t.Errorf("probe %+v", h)
	}
	if tc := c.Toolchain(ctx); tc != "leanprover/lean4:v4.9.0-rc1 mathlib@0123abcd" {
		t.Errorf("toolchain %q", tc)
	}
}

func TestLeanCLIDoubleTimeoutKillsGroup(t *testing.T) {
	useDouble(t, "lake")
	child := filepath.Join(t.TempDir(), "child.pid")
	t.Setenv("STEPWISE_FAKE_CHILD", child)
	c := NewLeanCLI(fakeLakeConfig(t))
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	r := c.Check(ctx, Job{Header: DefaultHeader, Statement: "theorem test : sleep_forever := by sorry", Mode: ModeStatement})
	if r.Status != stepwise.StatusTimeout {
		t.Fatalf("%s (%s)", r.Status, r.Detail)
	}
	pid := readPid(t, child)
	if !processGone(pid, 2*time.Second) {
		t.Errorf("child %d of the killed lake survived", pid)
	}
}

func TestParseLeanJSONTranscript(t *testing.T) {
	o, err := parseLeanJSON(testdata("leanjson/messages.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	if len(o.Messages) != 3 || o.Sorries != 2 || o.Messages[0].Severity != "error" || o.Messages[0].Line != 2 ||
		o.Messages[0].Column != 51 || !strings.HasPrefix(o.Messages[0].Text, "`grind` failed") {
		t.Errorf("%+v", o)
	}
	if _, err := parseLeanJSON("{\"severity\":\"error\"}\nnot json\n"); err == nil || !strings.Contains(err.Error(), "line 2") {
		t.Errorf("bad line: %v", err)
	}
}

// TestRealLean runs only where a Lean toolchain and a Mathlib project are
// configured (LEAN_PROJECT_DIR), which no build machine of this project has.
func TestRealLean(t *testing.T) {
	dir := os.Getenv("LEAN_PROJECT_DIR")
	if _, err := exec.LookPath("lean"); err != nil || dir == "" {
		t.Skip("real Lean not available: needs lean on PATH and LEAN_PROJECT_DIR")
	}
	cfg := DefaultConfig().FromEnv(os.Getenv)
	cfg.Timeout = 10 * time.Minute
	backends := []Backend{NewLeanCLI(cfg)}
	if cfg.REPLPath != "" {
		backends = append(backends, NewREPL(cfg))
	}
	for _, b := range backends {
		stmt := "theorem test (b x : ℝ) (h₀ : x - 5 = 2 * x - b) (h₁ : x = -2) : b = 3 := by sorry"
		r := b.Check(context.Background(), Job{Header: DefaultHeader, Statement: stmt,
			Proof: strings.TrimSuffix(stmt, "by sorry") + "by\n  subst h₁\n  linarith", Mode: ModeProof})
		if r.Status != stepwise.StatusProved {
			t.Errorf("%s: %s (%s) %+v", b.Name(), r.Status, r.Detail, r.Messages)
		}
		r = b.Check(context.Background(), Job{Header: DefaultHeader, Statement: "theorem test : (2 : ℕ) + 2 = 5 := by sorry"})
		if r.Status != stepwise.StatusDisproved {
			t.Errorf("%s: 2+2=5: %s (%s)", b.Name(), r.Status, r.Detail)
		}
		if c, ok := b.(interface{ Close() error }); ok {
			c.Close()
		}
	}
}
