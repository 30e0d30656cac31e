package store

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"
)

// A directory's symbolic links are followed (to a file, to a directory),
// a link back into a directory already read is not, and a named pipe, a
// broken link or a pipe named on the command line is refused and reported:
// nothing is passed over in silence, and nothing hangs.
func TestImportFileKinds(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "in")
	other := filepath.Join(root, "other")
	for _, d := range []string{dir, other, filepath.Join(other, "sub")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	rec := `{"question":"What is %s?","answer":"It is %s.\n#### %s"}` + "\n"
	write := func(path, n string) {
		if err := os.WriteFile(path, []byte(strings.ReplaceAll(rec, "%s", n)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(filepath.Join(dir, "a.jsonl"), "1")
	write(filepath.Join(other, "b.jsonl"), "2")
	write(filepath.Join(other, "sub", "c.jsonl"), "3")
	links := map[string]string{
		"to-file.jsonl": filepath.Join(other, "b.jsonl"),
		"to-dir":        filepath.Join(other, "sub"),
		"loop":          dir,
		"broken.jsonl":  filepath.Join(root, "nowhere.jsonl"),
	}
	for name, target := range links {
		if err := os.Symlink(target, filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
	}
	pipe := filepath.Join(dir, "pipe.jsonl")
	if err := syscall.Mkfifo(pipe, 0o644); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	outside := filepath.Join(root, "outside.fifo")
	if err := syscall.Mkfifo(outside, 0o644); err != nil {
		t.Fatal(err)
	}
	db := openTemp(t)
	var msgs []string
	done := make(chan struct{})
	var rep *ImportReport
	var err error
	go func() {
		defer close(done)
		rep, err = db.Import(context.Background(), []string{dir, outside}, ImportOptions{
			OnProblem: func(err error) { msgs = append(msgs, err.Error()) },
		})
	}()
	select {
	case <-done:
	case <-time.After(2 * time.Minute): // a guard against the old hang, not a measurement
		t.Fatal("import of a named pipe hangs")
	}
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(msgs)
	want := []string{
		filepath.Join(dir, "broken.jsonl") + ": broken symbolic link (no such file or directory); not read",
		filepath.Join(dir, "loop") + ": symbolic link to a directory already read (a loop, or a second link to it); not followed",
		pipe + ": not a regular file (a named pipe); not read",
		outside + ": not a regular file (a named pipe); not read",
	}
	if strings.Join(msgs, "\n") != strings.Join(want, "\n") {
		t.Errorf("messages:\n%s\nwant:\n%s", strings.Join(msgs, "\n"), strings.Join(want, "\n"))
	}
	// a.jsonl, to-file.jsonl (b) and to-dir/c.jsonl.
	if rep.Imported != 3 || rep.Symlinks != 2 || rep.Skipped != 4 {
		t.Errorf("report %+v", rep)
	}
}
