package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/stepwise-dev/stepwise"
)

// These tests run the real binary in several processes at once on one
// store: the workbench open in tmux beside CLI commands, two workbenches,
// vacuum beside writers.

var sampleDir = filepath.Join("..", "..", "testdata", "samples")

// runBin runs the binary and returns its exit code and output.
func runBin(t *testing.T, bin string, env []string, args ...string) (int, string) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("%v: %v", args, err)
	}
	return code, string(out)
}

// humanMarks reads every annotator's labels of a trace through the CLI.
func humanMarks(t *testing.T, bin string, env []string, db, id string) map[string]*stepwise.TraceMarks {
	t.Helper()
	code, out := runBin(t, bin, env, "--db", db, "show", "--json", id)
	if code != 0 {
		t.Fatalf("show %s: exit %d: %s", id, code, out)
	}
	var rec struct {
		Human map[string]*stepwise.TraceMarks `json:"human"`
	}
	if err := json.Unmarshal([]byte(out), &rec); err != nil {
		t.Fatalf("show --json: %v", err)
	}
	return rec.Human
}

// TestWorkbenchSharesTheStore opens the workbench on a store and, while it
// is open and while the user labels in it, runs the CLI's reading and
// writing commands against the same store: none may exit 3, and what they
// write shows in the open workbench; a second workbench on the store works
// too, and every label of all of them is in the store at the end.
func TestWorkbenchSharesTheStore(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end")
	}
	bin := buildBinary(t)
	env := testEnv(t)
	db := filepath.Join(t.TempDir(), "shared.db")
	if code, out := runBin(t, bin, env, "--db", db, "import", filepath.Join(sampleDir, "processbench", "gsm8k_0-99_and_200-299.json")); code != 0 {
		t.Fatalf("import: %d %s", code, out)
	}
	s := newTmux(t, 120, 40, env, bin+" --db "+db+" --annotator ana")
	s.waitFor("processbench/gsm8k")
	s.keys(":")
	s.typeText("gsm8k-1")
	s.keys("Enter")
	s.waitFor("gsm8k-1")
	s.keys("+")
	s.waitFor("saved ✓ step 0 good")

	// Reading commands, while the workbench is open.
	for _, args := range [][]string{
		{"ls", "--json"}, {"stats"}, {"show", "gsm8k-1"},
		{"export", "--format", "steps-jsonl", "-o", filepath.Join(t.TempDir(), "steps.jsonl")},
	} {
		if code, out := runBin(t, bin, env, append([]string{"--db", db}, args...)...); code != 0 {
			t.Errorf("%v beside the workbench: exit %d: %s", args, code, out)
		}
	}
	// Writing commands, while the workbench is open and labelling.
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for range 3 {
			s.keys("-")
		}
	}()
	for _, args := range [][]string{
		{"label", "gsm8k-1", "3", "bad", "--annotator", "bo"},
		{"import", filepath.Join(sampleDir, "prmbench")},
		{"analyze", "--dataset", "processbench/gsm8k"},
		{"verify", "--trace", "gsm8k-1"},
	} {
		if code, out := runBin(t, bin, env, append([]string{"--db", db}, args...)...); code != 0 {
			t.Errorf("%v beside the workbench: exit %d: %s", args, code, out)
		}
	}
	wg.Wait()
	s.waitFor("saved ✓ step 3 bad")

	// What the CLI wrote shows in the open workbench: bo's label in step
	// detail, the imported dataset in the library.
	s.keys("k", "Enter") // the cursor is on step 4 after four labels
	s.waitFor("by bo")
	s.keys("Escape", "Escape")
	s.waitFor("prmbench")

	// A second workbench on the same store labels too.
	s2 := newTmux(t, 120, 40, env, bin+" --db "+db+" --annotator cy")
	s2.waitFor("processbench/gsm8k")
	s2.keys(":")
	s2.typeText("gsm8k-2")
	s2.keys("Enter")
	s2.waitFor("gsm8k-2")
	s2.keys("x")
	s2.waitFor("saved ✓ step 0 bad, hallucinated")
	s2.keys("Escape", "q")
	s.keys("q")
	if st := s.exited(); st != "0" {
		t.Fatalf("first workbench exit %s", st)
	}
	if st := s2.exited(); st != "0" {
		t.Fatalf("second workbench exit %s", st)
	}

	marks := humanMarks(t, bin, env, db, "gsm8k-1")
	want := map[string]map[int]stepwise.Rating{"ana": {0: stepwise.Good, 1: stepwise.Bad, 2: stepwise.Bad, 3: stepwise.Bad}, "bo": {3: stepwise.Bad}}
	for who, ratings := range want {
		for i, r := range ratings {
			if mk := marks[who]; mk == nil || mk.Rating(i) != r {
				t.Errorf("gsm8k-1 %s step %d: %+v, want %v", who, i, marks[who], r)
			}
		}
	}
	if mk := humanMarks(t, bin, env, db, "gsm8k-2")["cy"]; mk == nil || !mk.Steps[0].Hallucinated {
		t.Errorf("the second workbench's label is missing: %+v", mk)
	}
}

// TestVacuumLosesNoWrite runs vacuum again and again while other processes
// label and import: every label a process acknowledged, and every trace an
// import reported, is in the store afterwards.
func TestVacuumLosesNoWrite(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end")
	}
	bin := buildBinary(t)
	env := testEnv(t)
	db := filepath.Join(t.TempDir(), "v.db")
	if code, out := runBin(t, bin, env, "--db", db, "import", filepath.Join(sampleDir, "processbench")); code != 0 {
		t.Fatalf("import: %d %s", code, out)
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	vacuums := 0
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			select {
			case <-stop:
				return
			default:
			}
			if code, out := runBin(t, bin, env, "--db", db, "vacuum"); code != 0 {
				t.Errorf("vacuum: exit %d: %s", code, out)
				return
			}
			vacuums++
		}
	}()
	var acked []string
	var mu sync.Mutex
	var labelers sync.WaitGroup
	for w := range 2 {
		labelers.Add(1)
		go func() {
			defer labelers.Done()
			for i := range 12 {
				id := fmt.Sprintf("gsm8k-%d", i)
				code, out := runBin(t, bin, env, "--db", db, "label", id, "0", "bad", "--annotator", fmt.Sprintf("w%d", w))
				if code != 0 {
					t.Errorf("label %s: exit %d: %s", id, code, out)
					continue
				}
				mu.Lock()
				acked = append(acked, fmt.Sprintf("w%d %s", w, id))
				mu.Unlock()
			}
		}()
	}
	code, out := runBin(t, bin, env, "--db", db, "import", filepath.Join(sampleDir, "gsm8k", "test_first200.jsonl"))
	if code != 0 || !strings.Contains(out, "200 new") {
		t.Errorf("import beside vacuum: exit %d: %s", code, out)
	}
	labelers.Wait()
	close(stop)
	wg.Wait()
	if vacuums == 0 {
		t.Fatal("no vacuum ran: the test proves nothing")
	}
	for _, a := range acked {
		who, id, _ := strings.Cut(a, " ")
		if mk := humanMarks(t, bin, env, db, id)[who]; mk == nil || mk.Rating(0) != stepwise.Bad {
			t.Errorf("label %s acknowledged, then lost across %d vacuums", a, vacuums)
		}
	}
	if code, out := runBin(t, bin, env, "--db", db, "ls", "--dataset", "gsm8k", "--json"); code != 0 || strings.Count(out, "\n") != 200 {
		t.Errorf("after the vacuums, ls lists %d gsm8k traces (exit %d), want 200", strings.Count(out, "\n"), code)
	}
	t.Logf("%d labels and an import of 200 traces beside %d vacuums", len(acked), vacuums)
}
