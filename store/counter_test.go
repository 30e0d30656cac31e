package store

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// TestCountsSkipDuplicates: the running counts are tallied by the decoding
// workers before the writer knows which traces are duplicates, so the writer
// must take back a duplicate's counts, whether its twin is in the same
// batch, an earlier batch or an earlier import. Stats (read from the counts)
// must equal those of importing each record once.
func TestCountsSkipDuplicates(t *testing.T) {
	once, twice, n := twinFiles(t, t.TempDir())
	want := statsAfter(t, once, 0)
	db := openTemp(t)
	rep, err := db.Import(context.Background(), []string{twice}, ImportOptions{BatchSize: 16})
	if err != nil || rep.Imported != n || rep.Duplicates != n {
		t.Fatalf("import: %+v %v", rep, err)
	}
	if _, err := db.Import(context.Background(), []string{twice}, ImportOptions{BatchSize: 16}); err != nil {
		t.Fatal(err)
	}
	got, err := db.Stats()
	if err != nil {
		t.Fatal(err)
	}
	if got.Traces != n || !reflect.DeepEqual(got.By, want.By) || !reflect.DeepEqual(got.Datasets, want.Datasets) {
		t.Fatalf("counts after duplicates:\n got %d %v\nwant %d %v", got.Traces, got.By, want.Traces, want.By)
	}
}

// twinFiles writes a JSONL of the ProcessBench GSM8K sample (once) and one
// with every record twice (twice), the second copy 1, 5 or 40 records
// later, so that with small batches some twins share a batch (and a body
// block) and some do not. n is the number of records.
func twinFiles(t *testing.T, dir string) (once, twice string, n int) {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(samples, "processbench", "gsm8k_0-99_and_200-299.json"))
	if err != nil {
		t.Fatal(err)
	}
	var recs []json.RawMessage
	if err := json.Unmarshal(raw, &recs); err != nil {
		t.Fatal(err)
	}
	after := make([][]json.RawMessage, len(recs)+1) // twins to write after record i
	for j, r := range recs {
		at := min(j+[]int{1, 5, 40}[j%3], len(recs))
		after[at] = append(after[at], r)
	}
	var lines []json.RawMessage
	for i := range after {
		if i < len(recs) {
			lines = append(lines, recs[i])
		}
		lines = append(lines, after[i]...)
	}
	once, twice = filepath.Join(dir, "once.jsonl"), filepath.Join(dir, "twice.jsonl")
	writeLines(t, once, recs)
	writeLines(t, twice, lines)
	return once, twice, len(recs)
}

func writeLines(t *testing.T, path string, lines []json.RawMessage) {
	t.Helper()
	var b []byte
	for _, l := range lines {
		b = append(append(b, l...), '\n')
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// statsAfter imports path into a fresh store and returns its stats.
func statsAfter(t *testing.T, path string, batch int) *Stats {
	t.Helper()
	db := openTemp(t)
	if _, err := db.Import(context.Background(), []string{path}, ImportOptions{BatchSize: batch}); err != nil {
		t.Fatal(err)
	}
	st, err := db.Stats()
	if err != nil {
		t.Fatal(err)
	}
	return st
}
