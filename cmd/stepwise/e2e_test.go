package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stepwise-dev/stepwise"
	"github.com/stepwise-dev/stepwise/store"
)

// The end-to-end tests run the real binary in tmux, as a user would, and
// read the screen with capture-pane. CI installs tmux; elsewhere they skip
// when it is missing.

// buildBinary compiles stepwise once per test binary.
func buildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "stepwise")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	return bin
}

// tmuxSession drives one tmux server on a private socket.
type tmuxSession struct {
	t      *testing.T
	socket string
	stderr string // the program's standard error, for diagnostics
	status string // a file the program's exit status is written to
	prog   string // the command, to find the process if it hangs
}

func newTmux(t *testing.T, width, height int, env []string, command string) *tmuxSession {
	t.Helper()
	if _, err := exec.LookPath("tmux"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("tmux is not installed (CI must install it)")
		}
		t.Skip("tmux not installed")
	}
	dir := t.TempDir()
	s := &tmuxSession{t: t, socket: filepath.Join(dir, "tmux.sock"), stderr: filepath.Join(dir, "stderr"),
		status: filepath.Join(dir, "status"), prog: strings.Fields(command)[0]}
	// The shell records the exit status itself: tmux does not always know it.
	command = command + " 2>" + s.stderr + "; echo $? >" + s.status
	args := []string{"new-session", "-d", "-x", strconv.Itoa(width), "-y", strconv.Itoa(height)}
	for _, kv := range env {
		args = append(args, "-e", kv)
	}
	s.run(append(args, command)...)
	s.run("set-option", "-g", "remain-on-exit", "on")
	t.Cleanup(func() { exec.Command("tmux", "-S", s.socket, "kill-server").Run() })
	return s
}

func (s *tmuxSession) run(args ...string) string {
	s.t.Helper()
	out, err := exec.Command("tmux", append([]string{"-S", s.socket}, args...)...).CombinedOutput()
	if err != nil {
		s.t.Fatalf("tmux %v: %v\n%s", args, err, out)
	}
	return string(out)
}

func (s *tmuxSession) screen() string { return s.run("capture-pane", "-p") }

// keys sends tmux key names ("Enter", "Escape", "j") one at a time, with a
// pause: a terminal reads Escape followed at once by a key as Alt+key.
func (s *tmuxSession) keys(keys ...string) {
	for _, k := range keys {
		s.run("send-keys", k)
		pause := 60 * time.Millisecond
		if k == "Escape" {
			pause = 400 * time.Millisecond // longer than any escape-sequence timeout
		}
		time.Sleep(pause)
	}
}

// typeText sends literal text.
func (s *tmuxSession) typeText(text string) { s.run("send-keys", "-l", text) }

// waitFor polls the screen until it contains want.
func (s *tmuxSession) waitFor(want string) string {
	s.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		scr := s.screen()
		if strings.Contains(scr, want) {
			return scr
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("screen never showed %q; last screen:\n%s", want, scr)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// exited waits for the program to end and returns its exit status.
func (s *tmuxSession) exited() string {
	s.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if b, err := os.ReadFile(s.status); err == nil && len(b) > 0 {
			return strings.TrimSpace(string(b))
		}
		time.Sleep(50 * time.Millisecond)
	}
	// Stuck: ask the Go runtime for its goroutines (it prints them on
	// SIGQUIT) so the failure says where.
	exec.Command("pkill", "-QUIT", "-f", "^"+s.prog).Run()
	time.Sleep(500 * time.Millisecond)
	dump, _ := os.ReadFile(s.stderr)
	s.t.Fatalf("the program did not exit; screen:\n%s\nstderr:\n%s", s.screen(), dump)
	return ""
}

func testEnv(t *testing.T) []string {
	home := t.TempDir()
	return []string{"HOME=" + home, "XDG_DATA_HOME=" + filepath.Join(home, "data"),
		"XDG_CONFIG_HOME=" + filepath.Join(home, "config"), "XDG_STATE_HOME=" + filepath.Join(home, "state"),
		"TERM=xterm-256color"}
}

func TestEndToEndDemo(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end")
	}
	bin := buildBinary(t)
	s := newTmux(t, 120, 40, testEnv(t), bin+" demo")
	s.waitFor("Library")
	s.waitFor("processbench/gsm8k")
	s.keys("Enter")
	s.waitFor("traces")
	// Search the trace list.
	s.keys("/")
	s.typeText("flamingos")
	s.keys("Enter")
	scr := s.waitFor("/flamingos")
	if !strings.Contains(scr, "gsm8k-0") {
		t.Fatalf("search did not list gsm8k-0 (its problem is about flamingos):\n%s", scr)
	}
	// Open the first hit, move to a step, open its detail.
	s.keys("Enter")
	s.waitFor("answer")
	s.keys("j", "Enter")
	s.waitFor("step 1 of")
	s.keys("?")
	s.waitFor("Keys")
	// Back to the trace, then the samples of its problem.
	s.keys("Escape", "Escape")
	s.waitFor("answer")
	s.keys("o")
	s.waitFor("Samples of problem")
	s.keys("Escape", "q")
	if st := s.exited(); st != "0" {
		t.Fatalf("exit status %s", st)
	}
}

// TestHostileTraceCannotTouchTerminal imports a trace whose fields carry OSC
// title and clipboard sequences, shows it, and checks that tmux's pane title
// and paste buffers are untouched. A control run first proves the check
// sees such sequences when they do reach the terminal.
func TestHostileTraceCannotTouchTerminal(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end")
	}
	bin := buildBinary(t)
	env := testEnv(t)

	control := newTmux(t, 80, 10, env, "sh")
	control.run("set-option", "-g", "set-clipboard", "on")
	control.run("select-pane", "-T", "safe-title")
	control.keys(`printf '\033]2;pwned\033\\'; printf '\033]52;c;cHduZWQ=\007'`, "Enter")
	time.Sleep(300 * time.Millisecond)
	if title := strings.TrimSpace(control.run("display", "-p", "#{pane_title}")); title != "pwned" {
		t.Fatalf("control: tmux did not take the title sequence (title %q); the test cannot see leaks", title)
	}
	if !strings.Contains(control.run("list-buffers"), "pwned") {
		t.Fatal("control: tmux did not take the OSC 52 clipboard write; the test cannot see leaks")
	}

	db := filepath.Join(t.TempDir(), "h.db")
	hostile := filepath.Join("..", "..", "tui", "testdata", "hostile.jsonl")
	if out, err := exec.Command(bin, "--db", db, "import", hostile).CombinedOutput(); err != nil {
		t.Fatalf("import: %v\n%s", err, out)
	}
	s := newTmux(t, 120, 40, env, bin+" --db "+db)
	s.run("set-option", "-g", "set-clipboard", "on")
	s.run("select-pane", "-T", "safe-title")
	s.waitFor("processbench/hostile")
	s.keys("Enter")
	s.waitFor("hostile-1")
	s.keys("Enter")
	// The workbench titles its window "stepwise"; a leaked OSC 0/2 from the
	// trace would replace that with one of the fixture's "pwned" titles.
	checkTitle := func(where string) {
		time.Sleep(200 * time.Millisecond)
		if title := strings.TrimSpace(s.run("display", "-p", "#{pane_title}")); title != "stepwise" {
			t.Errorf("%s: the terminal title is %q, want the workbench's own \"stepwise\"", where, title)
		}
	}
	s.waitFor("pwned-title") // the problem text is on screen, neutralized
	checkTitle("trace view")
	s.keys("j", "Enter")
	s.waitFor("step 1 of")
	checkTitle("step detail")
	s.keys("Escape", "Escape", "Escape", "q")
	s.exited()
	if title := strings.TrimSpace(s.run("display", "-p", "#{pane_title}")); strings.Contains(title, "pwned") {
		t.Errorf("the trace changed the terminal title to %q", title)
	}
	if bufs := s.run("list-buffers"); strings.TrimSpace(bufs) != "" {
		t.Errorf("the trace wrote the clipboard: %s", bufs)
	}
}

// TestEndToEndAnnotation labels steps in the demo (plain labels, first-error
// mode, an undo), quits, labels more in a second run and kills it with
// SIGKILL right after the screen says saved, then checks the store holds
// every label the screen called saved.
func TestEndToEndAnnotation(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end")
	}
	bin := buildBinary(t)
	env := testEnv(t)
	db := filepath.Join(t.TempDir(), "demo.db")
	run := bin + " --annotator e2e demo --demo-db " + db

	s := newTmux(t, 120, 40, env, run)
	s.waitFor("processbench/gsm8k")
	open := func(s *tmuxSession, id string) {
		s.keys(":")
		s.typeText(id)
		s.keys("Enter")
		s.waitFor(id)
	}
	open(s, "gsm8k-1")
	s.keys("+")
	s.waitFor("saved ✓ step 0 good")
	s.keys("-")
	s.waitFor("saved ✓ step 1 bad")
	s.keys("x")
	s.waitFor("saved ✓ step 2 bad, hallucinated")
	s.keys("u") // undoes the hallucination label on step 2
	s.waitFor("saved ✓ undo")
	s.keys("Escape")
	open(s, "gsm8k-2")
	s.keys("j", "j", "e")
	s.waitFor("saved ✓ first error at step 2")
	s.keys("Escape", "q")
	if st := s.exited(); st != "0" {
		t.Fatalf("first run exit status %s", st)
	}

	// Second run: one more label, then SIGKILL once it shows as saved.
	s2 := newTmux(t, 120, 40, env, run)
	s2.waitFor("processbench/gsm8k")
	open(s2, "gsm8k-3")
	s2.keys("0")
	s2.waitFor("saved ✓ step 0 neutral")
	exec.Command("pkill", "-KILL", "-f", "^"+s2.prog).Run()
	s2.exited()

	sdb := openStoreForTest(t, db)
	check := func(id string, want map[int]stepwise.Rating) {
		t.Helper()
		marks, err := sdb.Marks(id)
		if err != nil {
			t.Fatal(err)
		}
		mk := marks["e2e"]
		if mk == nil {
			t.Fatalf("%s: no labels by e2e", id)
		}
		for i, r := range want {
			if got := mk.Rating(i); got != r {
				t.Errorf("%s step %d: %v, want %v", id, i, got, r)
			}
		}
	}
	check("processbench/gsm8k:gsm8k-1", map[int]stepwise.Rating{0: stepwise.Good, 1: stepwise.Bad, 2: stepwise.Unlabeled})
	check("processbench/gsm8k:gsm8k-2", map[int]stepwise.Rating{0: stepwise.Good, 1: stepwise.Good, 2: stepwise.Bad, 3: stepwise.Unlabeled})
	check("processbench/gsm8k:gsm8k-3", map[int]stepwise.Rating{0: stepwise.Neutral})
	sdb.Close()

	// Export the human labels as ProcessBench and read the file back.
	out := filepath.Join(t.TempDir(), "human.jsonl")
	cmd := exec.Command(bin, "--db", db, "export", "--format", "processbench", "--labels", "human",
		"--dataset", "processbench/gsm8k", "-o", out)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("export: %v\n%s", err, b)
	}
	labels := map[string]int{}
	f, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(f)), "\n") {
		var rec struct {
			ID    string `json:"id"`
			Label int    `json:"label"`
		}
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("exported line %q: %v", line, err)
		}
		labels[rec.ID] = rec.Label
	}
	// gsm8k-1: step 0 good, step 1 wrong → earliest error 1; gsm8k-2: the
	// first-error mark at step 2; gsm8k-3 has no known earliest error.
	want := map[string]int{"gsm8k-1": 1, "gsm8k-2": 2}
	if len(labels) != len(want) {
		t.Fatalf("exported %v, want %v", labels, want)
	}
	for id, l := range want {
		if got, ok := labels[id]; !ok || got != l {
			t.Errorf("exported %s label %d (present %v), want %d", id, got, ok, l)
		}
	}
}

func openStoreForTest(t *testing.T, path string) *store.DB {
	t.Helper()
	db, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatalf("the store does not open after kill -9: %v", err)
	}
	return db
}
