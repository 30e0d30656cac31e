package verify

// Protocol doubles: the test binary re-executes itself as a fake
// leanprover-community/repl (STEPWISE_FAKE=repl) or a fake `lake`
// (STEPWISE_FAKE=lake). They replay the real transcripts in testdata/ and
// are named as doubles everywhere they are used: no real Lean runs here.

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

func TestMain(m *testing.M) {
	switch os.Getenv("STEPWISE_FAKE") {
	case "repl":
		fakeREPL()
		os.Exit(0)
	case "lake":
		os.Exit(fakeLake(os.Args[1:]))
	}
	os.Exit(m.Run())
}

// fakeChild starts a long sleep in the double's process group, recording
// its pid, so tests can check that killing the group leaves nothing behind.
func fakeChild() {
	file := os.Getenv("STEPWISE_FAKE_CHILD")
	if file == "" {
		return
	}
	cmd := exec.Command("sleep", "300")
	if cmd.Start() == nil {
		_ = os.WriteFile(file, []byte(fmt.Sprint(cmd.Process.Pid)), 0o600)
	}
}

func fakeLog(format string, args ...any) {
	if file := os.Getenv("STEPWISE_FAKE_LOG"); file != "" {
		f, err := os.OpenFile(file, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600)
		if err == nil {
			fmt.Fprintf(f, format+"\n", args...)
			f.Close()
		}
	}
}

func testdata(name string) string {
	b, err := os.ReadFile(filepath.Join(testdataDir(), name))
	if err != nil {
		panic(err)
	}
	return string(b)
}

func testdataDir() string {
	if d := os.Getenv("STEPWISE_TESTDATA"); d != "" {
		return d
	}
	d, _ := filepath.Abs("testdata")
	return d
}

var printAxiomsRE = regexp.MustCompile(`#print axioms (\S+)`)

// fakeVerdict is the double's stand-in for Lean: whether a proof goes
// through is decided by markers in the code.
func fakeVerdict(code string) (errMsg string, sorry bool) {
	switch {
	case strings.Contains(code, "exact rfl"):
		return "type mismatch", false
	case strings.Contains(code, "bad_statement"):
		return "unknown identifier 'bad_statement'", false
	case strings.Contains(code, "sorry"):
		return "", true
	case strings.Contains(code, "2 + 2 = 5") && !strings.Contains(code, "stepwise_neg"):
		return "unsolved goals\n⊢ False", false
	case strings.Contains(code, "by\n  linarith"):
		return "linarith failed to find a contradiction", false
	}
	return "", false
}

func axiomsLine(code string) string {
	m := printAxiomsRE.FindStringSubmatch(code)
	if m == nil {
		return ""
	}
	switch {
	case strings.Contains(code, "native_decide"):
		return fmt.Sprintf("'%s' depends on axioms: [propext, Lean.ofReduceBool, Lean.trustCompiler]", m[1])
	case strings.Contains(code, "my_axiom"):
		return fmt.Sprintf("'%s' depends on axioms: [propext, my_axiom]", m[1])
	}
	return fmt.Sprintf("'%s' depends on axioms: [propext, Classical.choice, Quot.sound]", m[1])
}

// fakeREPL speaks the REPL protocol on stdin/stdout: requests end with a
// blank line, responses are pretty-printed JSON followed by a blank line.
func fakeREPL() {
	fakeChild()
	in := bufio.NewReader(os.Stdin)
	out := bufio.NewWriter(os.Stdout)
	for {
		body, err := readREPLResponse(in) // same framing as requests
		if err != nil {
			return
		}
		var req struct {
			Cmd string `json:"cmd"`
			Env *int   `json:"env"`
		}
		if err := json.Unmarshal(body, &req); err != nil {
			fakeReply(out, fmt.Sprintf(`{"message": "Could not parse JSON:\n%s"}`, err))
			continue
		}
		env := -1
		if req.Env != nil {
			env = *req.Env
		}
		fakeLog("env=%d cmd=%s", env, strings.ReplaceAll(req.Cmd, "\n", "⏎"))
		fakeReply(out, fakeREPLResponse(req.Cmd, req.Env))
	}
}

func fakeREPLResponse(cmd string, env *int) string {
	switch {
	case env == nil && strings.Contains(cmd, "import"):
		return `{"env": 0}`
	case env == nil || *env != 0:
		return testdata("repl/unknown_env.json")
	case strings.Contains(cmd, "sleep_forever"):
		time.Sleep(time.Hour)
	case strings.Contains(cmd, "exit_now"):
		os.Exit(3)
	}
	errMsg, sorry := fakeVerdict(cmd)
	switch {
	case errMsg == "type mismatch":
		return testdata("repl/type_mismatch.json")
	case errMsg != "":
		b, _ := json.MarshalIndent(map[string]any{"env": 1, "messages": []map[string]any{{"severity": "error",
			"pos": map[string]int{"line": 1, "column": 0}, "data": errMsg}}}, "", " ")
		return string(b)
	case sorry:
		return testdata("repl/sorry.json")
	}
	resp := map[string]any{"env": 1}
	if ax := axiomsLine(cmd); ax != "" {
		resp["messages"] = []map[string]any{{"severity": "info", "pos": map[string]int{"line": 3, "column": 0},
			"endPos": map[string]int{"line": 3, "column": 6}, "data": ax}}
	}
	b, _ := json.MarshalIndent(resp, "", " ")
	return string(b)
}

func fakeReply(out *bufio.Writer, s string) {
	out.WriteString(strings.TrimRight(s, "\n") + "\n\n")
	out.Flush()
}

// fakeLake answers `lake env lean --version` and `lake env lean --json F`.
func fakeLake(args []string) int {
	if len(args) >= 3 && args[0] == "env" && args[1] == "lean" && args[2] == "--version" {
		fmt.Println("Lean (version 4.9.0-rc1, fake double)")
		return 0
	}
	if len(args) != 4 || args[0] != "env" || args[1] != "lean" || args[2] != "--json" {
		fmt.Fprintln(os.Stderr, "fake lake: unexpected arguments", args)
		return 2
	}
	fakeChild()
	src, err := os.ReadFile(args[3])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	code := string(src)
	fakeLog("lean --json %s", strings.ReplaceAll(code, "\n", "⏎"))
	if strings.Contains(code, "sleep_forever") {
		time.Sleep(time.Hour)
	}
	lines := strings.Split(strings.TrimSpace(testdata("leanjson/messages.jsonl")), "\n")
	errMsg, sorry := fakeVerdict(code)
	switch {
	case errMsg != "":
		fmt.Println(lines[0])
		return 1
	case sorry:
		fmt.Println(lines[1])
		return 0
	}
	if ax := axiomsLine(code); ax != "" {
		b, _ := json.Marshal(map[string]any{"severity": "information", "pos": map[string]int{"line": 5, "column": 0},
			"data": ax, "fileName": args[3]})
		fmt.Println(string(b))
	}
	return 0
}

// selfPath is the test binary, for doubles.
func selfPath(t *testing.T) string {
	t.Helper()
	p, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	return p
}
