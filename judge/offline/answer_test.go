package offline

import (
	"bufio"
	"os"
	"path/filepath"
	"testing"
)

func readJSONL(t *testing.T, path string, each func(line int, raw []byte)) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<24)
	n := 0
	for sc.Scan() {
		n++
		each(n, sc.Bytes())
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
}

func samples(parts ...string) string {
	return filepath.Join(append([]string{"..", "..", "testdata", "samples"}, parts...)...)
}
