package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/stepwise-dev/stepwise/store"
)

// The cost of grading on import: the 100k-trace ProcessBench-shaped import
// of store's BenchmarkImportProcessBench, with the answer grader the CLI
// injects and without. ProcessBench states final_answer_correct, so the
// grader only finds each trace's final answer; BenchmarkImportGSM8KGraded
// grades every trace against its gold answer.
func BenchmarkImportProcessBenchGraded(b *testing.B)   { benchGradedImport(b, "processbench", true) }
func BenchmarkImportProcessBenchUngraded(b *testing.B) { benchGradedImport(b, "processbench", false) }
func BenchmarkImportGSM8KGraded(b *testing.B)          { benchGradedImport(b, "gsm8k", true) }
func BenchmarkImportGSM8KUngraded(b *testing.B)        { benchGradedImport(b, "gsm8k", false) }

func benchGradedImport(b *testing.B, kind string, graded bool) {
	n := 100000
	if s := os.Getenv("STEPWISE_BENCH_TRACES"); s != "" {
		n, _ = strconv.Atoi(s)
	}
	dir := b.TempDir()
	src := filepath.Join(dir, kind+".jsonl")
	genRecords(b, kind, src, n)
	opts := store.ImportOptions{}
	if graded {
		opts.Grader = grader()
	}
	var cpu float64
	b.ResetTimer()
	for i := range b.N {
		b.StopTimer()
		db, err := store.Open(filepath.Join(dir, fmt.Sprintf("b%d.db", i)), store.Options{})
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		cpu0 := processCPUSeconds()
		rep, err := db.Import(context.Background(), []string{src}, opts)
		cpu += processCPUSeconds() - cpu0
		b.StopTimer()
		if err != nil || rep.Imported != n {
			b.Fatalf("imported %d of %d: %v", rep.Imported, n, err)
		}
		db.Close()
		b.StartTimer()
	}
	b.ReportMetric(cpu/float64(b.N), "cpu-s")
}

// genRecords writes n records drawn from the bundled samples, each made
// distinct by a suffix on its first step (ProcessBench) or its question
// (GSM8K, so that each has its own problem and gold answer).
func genRecords(b *testing.B, kind, path string, n int) {
	samples := filepath.Join("..", "..", "testdata", "samples")
	var base []map[string]any
	switch kind {
	case "processbench":
		for _, f := range []string{"gsm8k_0-99_and_200-299.json", "math_0-49_and_500-549.json"} {
			raw, err := os.ReadFile(filepath.Join(samples, "processbench", f))
			if err != nil {
				b.Fatal(err)
			}
			var recs []map[string]any
			if err := json.Unmarshal(raw, &recs); err != nil {
				b.Fatal(err)
			}
			base = append(base, recs...)
		}
	case "gsm8k":
		f, err := os.Open(filepath.Join(samples, "gsm8k", "test_first200.jsonl"))
		if err != nil {
			b.Fatal(err)
		}
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			var r map[string]any
			if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
				b.Fatal(err)
			}
			base = append(base, r)
		}
		f.Close()
	}
	out, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	w := bufio.NewWriterSize(out, 1<<20)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range n {
		r := map[string]any{}
		for k, v := range base[rng.IntN(len(base))] {
			r[k] = v
		}
		switch kind {
		case "processbench":
			steps := append([]any(nil), r["steps"].([]any)...)
			steps[0] = fmt.Sprintf("%v (variant %d)", steps[0], i)
			r["steps"], r["id"] = steps, fmt.Sprintf("%v-g%d", r["id"], i)
		case "gsm8k":
			r["question"] = fmt.Sprintf("%v (variant %d)", r["question"], i)
		}
		if err := enc.Encode(r); err != nil {
			b.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		b.Fatal(err)
	}
	out.Close()
}
