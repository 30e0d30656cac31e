package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
)

// An exported file gets the mode a new file gets under the user's umask
// (not the 0600 of a temporary file), and keeps the mode of a file it
// replaces.
func TestExportFileMode(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "s.db")
	sample := filepath.Join("..", "..", "testdata", "samples", "processbench", "omnimath_0-24_and_500-524.json")
	var out, errb bytes.Buffer
	if code := run(context.Background(), []string{"--db", db, "import", sample}, nil, &out, &errb); code != 0 {
		t.Fatalf("import: %d %s", code, errb.String())
	}
	ref, err := os.Create(filepath.Join(dir, "reference"))
	if err != nil {
		t.Fatal(err)
	}
	ref.Close()
	st, err := os.Stat(ref.Name())
	if err != nil {
		t.Fatal(err)
	}
	want := st.Mode().Perm()
	if want == 0o600 {
		t.Skip("the umask gives new files 0600: the test cannot tell them apart")
	}
	export := func(path string) os.FileMode {
		t.Helper()
		if code := run(context.Background(), []string{"--db", db, "export", "--format", "processbench", "-o", path}, nil, &out, &errb); code != 0 {
			t.Fatalf("export: %d %s", code, errb.String())
		}
		st, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		return st.Mode().Perm()
	}
	if got := export(filepath.Join(dir, "new.jsonl")); got != want {
		t.Errorf("new export has mode %v, want %v (a new file under this umask)", got, want)
	}
	old := filepath.Join(dir, "old.jsonl")
	if err := os.WriteFile(old, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(old, 0o640); err != nil {
		t.Fatal(err)
	}
	if got := export(old); got != 0o640 {
		t.Errorf("replaced export has mode %v, want the old file's 0640", got)
	}
	leftovers, _ := filepath.Glob(filepath.Join(dir, ".*.tmp-*"))
	if len(leftovers) > 0 {
		t.Errorf("temporary files left: %v", leftovers)
	}
}
