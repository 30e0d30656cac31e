package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stepwise-dev/stepwise/store"
)

// guard bounds a child process that must not hang: a safety net that fails
// the test, not a measurement.
const guard = 2 * time.Minute

// A named pipe given on the command line is refused at once (it used to
// block the import forever, holding the store): the real binary exits 4
// with the reason, and the store stays usable.
func TestImportRefusesNamedPipe(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	bin := buildBinary(t)
	dir := t.TempDir()
	pipe := filepath.Join(dir, "traces.jsonl")
	if err := syscall.Mkfifo(pipe, 0o644); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	db := filepath.Join(dir, "s.db")
	ctx, cancel := context.WithTimeout(context.Background(), guard)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "--db", db, "import", pipe)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err := cmd.Run()
	if ctx.Err() != nil {
		t.Fatal("import of a named pipe hangs")
	}
	if code := cmd.ProcessState.ExitCode(); code != exitPartial || !strings.Contains(stderr.String(), "not a regular file (a named pipe)") {
		t.Fatalf("exit %d (%v), stderr %q", code, err, stderr.String())
	}
	out, err := exec.CommandContext(ctx, bin, "--db", db, "stats").CombinedOutput()
	if err != nil {
		t.Fatalf("the store is not usable after: %v\n%s", err, out)
	}
}

// An import obeys SIGINT and SIGTERM: it stops after the batch it is
// writing, exits 1 saying so, leaves a store that opens and is consistent,
// and running the same import again completes it.
func TestImportObeysSignals(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	bin := buildBinary(t)
	dir := t.TempDir()
	src := filepath.Join(dir, "gsm.jsonl")
	const n = 200000
	writeGSM8K(t, src, n)
	db := filepath.Join(dir, "s.db")
	ctx, cancel := context.WithTimeout(context.Background(), guard)
	defer cancel()
	before := 0
	// SIGINT, SIGTERM, and SIGINT twice: the second one ends the program
	// at once (the store must survive that as it survives a kill).
	for round, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM, syscall.SIGINT} {
		twice := round == 2
		cmd := exec.CommandContext(ctx, bin, "--db", db, "import", src)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		// Wait until the import is well under way: the store file grows
		// (bbolt doubles it), past 32 MB on the first run (a batch of this
		// input takes about 10 MB, so one is committed), past its size
		// before on the second.
		start, _ := os.Stat(db)
		for {
			st, err := os.Stat(db)
			if err == nil && st.Size() >= 32<<20 && (start == nil || st.Size() > start.Size()) {
				break
			}
			if ctx.Err() != nil {
				t.Fatal("no batch committed")
			}
			time.Sleep(5 * time.Millisecond)
		}
		if err := cmd.Process.Signal(sig); err != nil {
			t.Fatal(err)
		}
		if twice {
			cmd.Process.Signal(sig) // may find the process gone
		}
		cmd.Wait()
		if ctx.Err() != nil {
			t.Fatalf("%v: the import did not stop", sig)
		}
		code := cmd.ProcessState.ExitCode()
		if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); twice && ok && ws.Signaled() {
			got := countTraces(t, db)
			t.Logf("%v twice: killed by the second; the store opens with %d traces", sig, got)
			if got < before || got >= n {
				t.Fatalf("%v twice: the store holds %d traces (before %d, of %d)", sig, got, before, n)
			}
			before = got
			continue
		}
		if code == exitOK {
			t.Fatalf("%v: the import finished before the signal; make the input larger", sig)
		}
		if code != exitError || !strings.Contains(stderr.String(), "interrupted; what was committed stays, run the same import again to finish it") {
			t.Fatalf("%v: exit %d, stderr %q", sig, code, stderr.String())
		}
		got := countTraces(t, db)
		if got < before || got >= n || got == 0 {
			t.Fatalf("%v: the store holds %d traces (before %d, of %d)", sig, got, before, n)
		}
		t.Logf("%v: stopped with %d of %d traces committed", sig, got, n)
		before = got
	}
	out, err := exec.CommandContext(ctx, bin, "--db", db, "import", src).CombinedOutput()
	if err != nil {
		t.Fatalf("re-run: %v\n%s", err, out)
	}
	if want := fmt.Sprintf("%d new, %d duplicates", n-before, before); !strings.Contains(string(out), want) {
		t.Errorf("re-run: %s, want %q", out, want)
	}
	if got := countTraces(t, db); got != n {
		t.Errorf("after the re-run the store holds %d traces, want %d", got, n)
	}
}

// countTraces opens the store (which checks it) and counts its traces.
func countTraces(t *testing.T, path string) int {
	t.Helper()
	db, err := store.Open(path, store.Options{ReadOnly: true})
	if err != nil {
		t.Fatalf("the store does not open: %v", err)
	}
	defer db.Close()
	n, err := db.Count(store.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	seen := 0
	if err := db.List(store.Filter{}, func(store.Summary) error { seen++; return nil }); err != nil || seen != n {
		t.Fatalf("list: %v, %d traces listed, %d counted", err, seen, n)
	}
	return n
}

// writeGSM8K writes n distinct GSM8K-shaped records.
func writeGSM8K(t *testing.T, path string, n int) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriter(f)
	for i := range n {
		fmt.Fprintf(w, `{"question":"What is %d plus %d?","answer":"It is %d + %d = <<%d+%d=%d>>%d.\n#### %d"}`+"\n",
			i, i+1, i, i+1, i, i+1, 2*i+1, 2*i+1, 2*i+1)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	f.Close()
}
