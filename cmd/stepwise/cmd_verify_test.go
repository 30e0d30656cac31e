package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

const (
	gsm8kFile   = "../../testdata/samples/gsm8k/test_first200.jsonl"
	safeExample = "../../testdata/constructed/safe_trace_example.json"
	safeFalse   = "../../testdata/constructed/safe_false_steps_constructed.json"
)

// cli runs the command line in-process, as main does.
type cli struct {
	t  testing.TB
	db string
}

// newCLI makes a store and a configuration that pins the offline backends,
// so the results do not depend on a Lean installation on the machine.
func newCLI(t testing.TB, configBody string) *cli {
	t.Helper()
	dir := t.TempDir()
	cfg := filepath.Join(dir, "config.toml")
	if configBody == "" {
		configBody = "[verify]\nbackends = [\"rational\", \"smt-z3\", \"smt-cvc5\"]\n"
	}
	if err := os.WriteFile(cfg, []byte(configBody), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("STEPWISE_CONFIG", cfg)
	for _, k := range []string{"LEAN_PROJECT_DIR", "LEAN_REPL", "KIMINA_URL", "STEPWISE_DB"} {
		t.Setenv(k, "")
	}
	return &cli{t: t, db: filepath.Join(dir, "s.db")}
}

func (c *cli) run(args ...string) (code int, stdout, stderr string) {
	var out, errb bytes.Buffer
	code = run(context.Background(), append([]string{"--db", c.db}, args...), strings.NewReader(""), &out, &errb)
	return code, out.String(), errb.String()
}

func (c *cli) must(args ...string) string {
	c.t.Helper()
	code, out, errs := c.run(args...)
	if code != exitOK {
		c.t.Fatalf("stepwise %v: exit %d\n%s%s", args, code, out, errs)
	}
	return out
}

// count reads "  <status>   <n>" from a verify summary.
func count(summary, status string) string {
	m := regexp.MustCompile(`(?m)^  ` + status + `\s+(\d+)$`).FindStringSubmatch(summary)
	if m == nil {
		return "0"
	}
	return m[1]
}

// TestVerifyJSONRows checks `verify --json`: one object per checked
// formalization with the documented keys. Expected by hand (see the files):
// the example's two "b = 3" statements (one of them twice) hold, `b =
// \boxed{3}` is no Lean the offline backends read; the constructed file's
// b = -3 is refuted by b = 3, x = -2, x = 1 with x = 2 is vacuous, 2 + 2 = 5
// is false.
func TestVerifyJSONRows(t *testing.T) {
	c := newCLI(t, "")
	c.must("import", safeExample, safeFalse)
	out := c.must("verify", "--json")
	statuses := map[string]int{}
	sc := bufio.NewScanner(strings.NewReader(out))
	rows := 0
	for sc.Scan() {
		var row map[string]any
		if err := json.Unmarshal(sc.Bytes(), &row); err != nil {
			t.Fatalf("line %d is not JSON: %v\n%s", rows+1, err, sc.Text())
		}
		rows++
		for _, k := range []string{"trace_id", "step", "statement", "status", "backend", "evidence", "origin", "cached"} {
			if _, ok := row[k]; !ok {
				t.Errorf("row %d has no %q: %v", rows, k, row)
			}
		}
		if _, ok := row["evidence"].(map[string]any); !ok {
			t.Errorf("evidence is not an object: %v", row["evidence"])
		}
		st := row["status"].(string)
		statuses[st]++
		if st == "disproved" && row["backend"] == "smt-z3" {
			ce, _ := row["evidence"].(map[string]any)["counterexample"].(string)
			if !strings.Contains(ce, "b = 3") || row["claimed"] != "failed" {
				t.Errorf("SMT refutation without its counterexample or claim: %v", row)
			}
		}
	}
	// Besides the imported statements, three equations of the text have
	// variables ("$x-5 = 2x-b$", "$-2-5=2(-2)-b$"): rule-based claims the
	// reader does not state, reported unsupported.
	want := map[string]int{"proved": 3, "disproved": 2, "vacuous": 1, "unsupported": 4}
	if len(statuses) != len(want) || rows != 10 {
		t.Fatalf("statuses %v over %d rows, want %v", statuses, rows, want)
	}
	for k, n := range want {
		if statuses[k] != n {
			t.Errorf("%s: %d, want %d", k, statuses[k], n)
		}
	}
	// show reads the saved checks back, in text and JSON.
	text := c.must("show", "math_test_algebra_9101")
	if !strings.Contains(text, "disproved by smt-z3") || !strings.Contains(text, "counterexample: b = 3, x = -2") {
		t.Errorf("show lacks the checked status:\n%s", text)
	}
	var shown struct {
		Steps []struct {
			Formalizations []struct{ Status, Backend string }
		}
	}
	if err := json.Unmarshal([]byte(c.must("show", "--json", "math_test_algebra_9101")), &shown); err != nil {
		t.Fatal(err)
	}
	if f := shown.Steps[1].Formalizations; len(f) != 1 || f[0].Status != "vacuous" || f[0].Backend != "smt-z3" {
		t.Errorf("show --json step 1: %+v", f)
	}
}

// TestVerifyTwiceMakesNoBackendCall runs `stepwise verify` over the GSM8K
// sample twice, each run opening the store afresh as a new process would.
// From python3 over the file: 200 answers, 697 step lines, 620 <<a=b>>
// annotations, all exact; the text's own equations are proved or, where
// their text is not all arithmetic, unsupported — never disproved.
func TestVerifyTwiceMakesNoBackendCall(t *testing.T) {
	if testing.Short() {
		t.Skip("checks 200 traces twice")
	}
	c := newCLI(t, "")
	c.must("import", gsm8kFile)
	first := c.must("verify")
	if !strings.Contains(first, "in 697 steps of 200 traces") || regexp.MustCompile(`backend calls 0,`).MatchString(first) {
		t.Fatalf("first run:\n%s", first)
	}
	proved := count(first, "proved")
	if n, _ := strconv.Atoi(proved); n < 620 || count(first, "disproved") != "0" {
		t.Fatalf("first run counts:\n%s", first)
	}
	second := c.must("verify")
	if !strings.Contains(second, "backend calls 0,") || count(second, "proved") != proved {
		t.Fatalf("second run is not served from the store's cache:\n%s", second)
	}
	// --no-cache checks again.
	third := c.must("verify", "--no-cache", "--limit", "3")
	if strings.Contains(third, "backend calls 0,") || !strings.Contains(third, "of 3 traces") {
		t.Fatalf("--no-cache --limit 3 made no backend call or checked the wrong traces:\n%s", third)
	}
}

func TestVerifyUsageErrors(t *testing.T) {
	c := newCLI(t, "")
	c.must("import", safeFalse)
	for _, tc := range []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"verify", "--step", "1"}, exitUsage, "--step needs exactly one --trace"},
		{[]string{"verify", "--trace", "math_test_algebra_9101", "--step", "x"}, exitUsage, "want a step number"},
		{[]string{"verify", "--correct", "maybe"}, exitUsage, "--correct"},
		{[]string{"verify", "stray"}, exitUsage, "unexpected argument"},
		{[]string{"verify", "--trace", "no-such-trace"}, exitNotFound, "not found"},
		{[]string{"verify", "--backend", "kimina"}, exitError, "not available"},
		{[]string{"verify", "--autoformalize", "nosuch"}, exitUsage, `judge profile "nosuch"`},
		{[]string{"verify", "--trace", "math_test_algebra_9101", "--step", "7"}, exitError, "no step 7"},
	} {
		code, _, errs := c.run(tc.args...)
		if code != tc.code || !strings.Contains(errs, tc.msg) {
			t.Errorf("%v: exit %d, stderr %q; want %d and %q", tc.args, code, errs, tc.code, tc.msg)
		}
	}
	out := c.must("verify", "--trace", "math_test_algebra_9101", "--step", "2")
	if count(out, "disproved") != "1" || !strings.Contains(out, "in 1 steps of 1 traces") {
		t.Errorf("one step:\n%s", out)
	}
}

func TestVerifyConfigErrorNamesTheLine(t *testing.T) {
	c := newCLI(t, "[verify]\nconcurrency = 2\nbackends = [\"rational\", \"lean4\"]\n")
	code, _, errs := c.run("verify")
	if code != exitUsage || !strings.Contains(errs, "config.toml:3") || !strings.Contains(errs, `unknown backend "lean4"`) {
		t.Fatalf("exit %d, stderr %q", code, errs)
	}
	c = newCLI(t, "[verify]\nkimina_key = \"sk-secret\"\n")
	code, _, errs = c.run("doctor")
	if code != exitUsage || !strings.Contains(errs, "kimina_key_env") || strings.Contains(errs, "sk-secret") {
		t.Fatalf("a key in the config: exit %d, stderr %q", code, errs)
	}
}

func TestDoctor(t *testing.T) {
	c := newCLI(t, "# no [verify] section: the default chain\n")
	out := c.must("doctor")
	for _, re := range []string{`(?m)^rational\s+usable`, `(?m)^smt-z3\s+usable\s+Z3 version`,
		`(?m)^lean-repl\s+not usable\s+LEAN_PROJECT_DIR is not set`, `(?m)^kimina\s+not usable\s+KIMINA_URL is not set`,
		`(?m)^\s+enable: .*kimina-lean-server`, `3 of 6 backends usable`} {
		if !regexp.MustCompile(re).MatchString(out) {
			t.Errorf("doctor output lacks %s:\n%s", re, out)
		}
	}
	var rep doctorReport
	if err := json.Unmarshal([]byte(c.must("doctor", "--json")), &rep); err != nil {
		t.Fatal(err)
	}
	if len(rep.Backends) != 6 || !rep.Backends[0].Usable || rep.Backends[4].Usable || rep.Backends[4].Enable == "" {
		t.Errorf("doctor --json: %+v", rep)
	}
	// The judge endpoint and the code sandbox are reported too; the sandbox
	// is usable exactly when bubblewrap is here.
	_, bwErr := exec.LookPath("bwrap")
	if !strings.Contains(rep.Judge, "profile env") || rep.SandboxUsable != (bwErr == nil) ||
		(bwErr == nil && !strings.Contains(rep.Sandbox, "seccomp")) {
		t.Errorf("doctor judge %q, sandbox %q (usable %v)", rep.Judge, rep.Sandbox, rep.SandboxUsable)
	}
	c = newCLI(t, "[judge.sandbox]\nenabled = false\n")
	if out := c.must("doctor"); !strings.Contains(out, "code sandbox: off") {
		t.Errorf("sandbox off:\n%s", out)
	}
	// No usable backend at all is a failure a script can see.
	c = newCLI(t, "[verify]\nbackends = [\"kimina\"]\n")
	if code, out, _ := c.run("doctor"); code != exitError || !strings.Contains(out, "0 of 1 backends usable") {
		t.Errorf("no usable backend: exit %d\n%s", code, out)
	}
}
