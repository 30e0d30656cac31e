package store

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// pbRecord is one ProcessBench record, as in the samples.
type pbRecord struct {
	ID                 string   `json:"id"`
	Generator          string   `json:"generator"`
	Problem            string   `json:"problem"`
	Steps              []string `json:"steps"`
	FinalAnswerCorrect bool     `json:"final_answer_correct"`
	Label              int      `json:"label"`
}

// loadProcessBench reads the four real ProcessBench samples.
func loadProcessBench(tb testing.TB) []pbRecord {
	tb.Helper()
	var all []pbRecord
	files, _ := filepath.Glob(filepath.Join(samples, "processbench", "*.json"))
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			tb.Fatal(err)
		}
		var rs []pbRecord
		if err := json.Unmarshal(b, &rs); err != nil {
			tb.Fatal(err)
		}
		all = append(all, rs...)
	}
	if len(all) == 0 {
		tb.Fatal("no ProcessBench samples")
	}
	return all
}

// genProcessBench writes n ProcessBench-shaped JSONL records built from the
// real samples: each is a sampled record with a unique id and a variant
// marker in its first step, so that no two are duplicates. It returns the
// file's size.
func genProcessBench(tb testing.TB, path string, n int) int64 {
	tb.Helper()
	return genProcessBenchProblems(tb, path, n, false)
}

// genProcessBenchProblems is genProcessBench, with every trace of a problem
// of its own when distinct is set (the samples' problems are otherwise
// shared by some 270 traces each at 100k, as samples of one problem are in
// best-of-n sets; ProcessBench itself has about one trace a problem).
func genProcessBenchProblems(tb testing.TB, path string, n int, distinct bool) int64 {
	tb.Helper()
	base := loadProcessBench(tb)
	f, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range n {
		r := base[rng.IntN(len(base))]
		r.ID = fmt.Sprintf("%s-g%d", r.ID, i)
		r.Steps = append([]string(nil), r.Steps...)
		r.Steps[0] += fmt.Sprintf(" (variant %d)", i)
		if distinct {
			r.Problem += fmt.Sprintf(" (problem %d)", i)
		}
		if err := enc.Encode(&r); err != nil {
			tb.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		tb.Fatal(err)
	}
	st, _ := f.Stat()
	f.Close()
	return st.Size()
}

// importedBenchStore imports n generated ProcessBench-shaped traces into a
// fresh store, closed when b ends, and returns it with the traces' ids in
// import order and the time the import took.
func importedBenchStore(b *testing.B, n int) (*DB, []string, time.Duration) {
	b.Helper()
	dir := b.TempDir()
	src := filepath.Join(dir, "pb.jsonl")
	genProcessBench(b, src, n)
	db, err := Open(filepath.Join(dir, "s.db"), Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	start := time.Now()
	if rep, err := db.Import(context.Background(), []string{src}, ImportOptions{}); err != nil || rep.Imported != n {
		b.Fatalf("import: %v %+v", err, rep)
	}
	took := time.Since(start)
	var ids []string
	if err := db.List(Filter{}, func(s Summary) error { ids = append(ids, s.ID); return nil }); err != nil {
		b.Fatal(err)
	}
	return db, ids, took
}
