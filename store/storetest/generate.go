// Package storetest builds big synthetic stores for benchmarks: a million
// traces made from the real sample texts in testdata/samples, varied so that
// filters and sorts have something to select (several datasets, twenty
// models, every label state, correct/incorrect/unknown, truncated traces,
// thousands of problems).
//
// Building a million-trace store takes minutes and about 2.5 GB of disk, so
// Generate caches it: by default at
// os.TempDir()/stepwise-bench-<n>-v<Version>-s<store.SchemaVersion>.db, or at
// $STEPWISE_BENCH_DB. A cached file is reused when it holds exactly n
// traces; it is never overwritten or deleted (remove it by hand to rebuild,
// and remove caches of older versions or schemas, which are not reused).
//
// It imports the domain package, store and store/formats; only tests and
// benchmarks import it.
package storetest

import (
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"testing"
	"time"

	"github.com/stepwise-dev/stepwise"
	"github.com/stepwise-dev/stepwise/store"
	"github.com/stepwise-dev/stepwise/store/formats"
)

// Version changes whenever the generated content changes, so that a cache
// written by an older generator is not taken for a current one.
const Version = 2

// Models are the generated traces' models: twenty, so that a model filter
// selects about 5%.
var Models = func() []string {
	var m []string
	for _, family := range []string{"Qwen2.5", "Llama-3.1", "DeepSeek-R1", "Mistral", "Gemma-2"} {
		for _, size := range []string{"1.5B", "7B", "32B", "72B"} {
			m = append(m, family+"-"+size+"-Instruct")
		}
	}
	return m
}()

// Marker is the unique text appended to the last step of trace i (0-based):
// searching for it finds exactly that trace.
func Marker(i int) string { return " ⟨g" + strconv.Itoa(i) + "⟩" }

// CachePath is where Generate keeps the store of n traces.
func CachePath(n int) string {
	if p := os.Getenv("STEPWISE_BENCH_DB"); p != "" {
		return p
	}
	return filepath.Join(os.TempDir(), fmt.Sprintf("stepwise-bench-%d-v%d-s%d.db", n, Version, store.SchemaVersion))
}

// Generate returns the path of a store of n generated traces: path, or
// CachePath(n) when path is empty. An existing file with n traces is reused;
// one with another count fails the benchmark rather than being overwritten.
func Generate(tb testing.TB, path string, n int) string {
	tb.Helper()
	if path == "" {
		path = CachePath(n)
	}
	if _, err := os.Stat(path); err == nil {
		got, err := countTraces(path)
		if err != nil {
			tb.Fatalf("cached bench store: %v", err)
		}
		if got != n {
			tb.Fatalf("cached bench store %s holds %d traces, not %d: remove it (or set STEPWISE_BENCH_DB) to rebuild", path, got, n)
		}
		return path
	}
	start := time.Now()
	if err := Build(path, n, nil); err != nil {
		tb.Fatal(err)
	}
	st, _ := os.Stat(path)
	tb.Logf("generated %d traces in %s: %s, %.0f MB", n, time.Since(start).Round(time.Second), path, float64(st.Size())/1e6)
	return path
}

func countTraces(path string) (int, error) {
	db, err := store.Open(path, store.Options{ReadOnly: true, Timeout: 30 * time.Second})
	if err != nil {
		return 0, err
	}
	defer db.Close()
	return db.Count(store.Filter{})
}

// Build writes a new store of n generated traces at path. It builds into a
// temporary file and renames it at the end, so an interrupted build leaves
// nothing that looks like a cache. progress, when set, gets the number of
// traces written so far.
func Build(path string, n int, progress func(done int)) error {
	if _, err := os.Stat(path); err == nil {
		return fmt.Errorf("build bench store: %s already exists", path)
	}
	g, err := newGenerator()
	if err != nil {
		return err
	}
	tmp := path + ".tmp-" + strconv.Itoa(os.Getpid())
	os.Remove(tmp)
	db, err := store.Open(tmp, store.Options{})
	if err != nil {
		return err
	}
	if err := g.fill(db, n, progress); err != nil {
		db.Close()
		os.Remove(tmp)
		return err
	}
	if err := db.Close(); err != nil {
		os.Remove(tmp)
		return err
	}
	return os.Rename(tmp, path)
}

// chunkSize is how many items one Add call gets; the next chunk is generated
// while the store writes this one.
const chunkSize = 50000

func (g *generator) fill(db *store.DB, n int, progress func(int)) error {
	chunks := make(chan []formats.Item, 1)
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		defer close(chunks)
		for start := 0; start < n; start += chunkSize {
			c := make([]formats.Item, 0, min(chunkSize, n-start))
			for i := start; i < start+cap(c); i++ {
				c = append(c, g.item(i))
			}
			select {
			case chunks <- c:
			case <-stop:
				return
			}
		}
	}()
	done := 0
	for c := range chunks {
		added, dup, err := db.Add(c)
		if err != nil {
			return err
		}
		if dup != 0 {
			return fmt.Errorf("generator made %d duplicate traces (a bug: every trace has its own source id)", dup)
		}
		done += added
		if progress != nil {
			progress(done)
		}
	}
	if done != n {
		return fmt.Errorf("generated %d traces, want %d", done, n)
	}
	return nil
}

// generator turns the sample items into varied traces. It is deterministic:
// trace i is the same on every run.
type generator struct {
	bases    []formats.Item
	rng      *rand.Rand
	problems map[problemVariant]*stepwise.Problem
}

type problemVariant struct {
	base    int
	variant int
}

// sampleFiles are the samples the traces are made from: short and mid-length
// step-labeled or reference solutions (the long-CoT samples would make one
// trace in a few hundred weigh more than all the others).
var sampleFiles = []string{
	"processbench/gsm8k_0-99_and_200-299.json",
	"processbench/math_0-49_and_500-549.json",
	"processbench/olympiadbench_0-24_and_501-525.json",
	"processbench/omnimath_0-24_and_500-524.json",
	"prmbench/prmbench_subset400_sample.jsonl",
	"prm800k/prm800k_phase2_train_sample.jsonl",
	"gsm8k/test_first200.jsonl",
	"gsm8k/example_model_solutions_first50.jsonl",
	"math500/test_first200.jsonl",
}

// SamplesDir is testdata/samples of the repository this file is in.
func SamplesDir() (string, error) {
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		return "", errors.New("storetest: cannot locate the repository's testdata")
	}
	return filepath.Join(filepath.Dir(file), "..", "..", "testdata", "samples"), nil
}

func newGenerator() (*generator, error) {
	dir, err := SamplesDir()
	if err != nil {
		return nil, err
	}
	var bases []formats.Item
	for _, f := range sampleFiles {
		items, err := decodeFile(filepath.Join(dir, f))
		if err != nil {
			return nil, fmt.Errorf("storetest: %w", err)
		}
		bases = append(bases, items...)
	}
	return &generator{bases: bases, rng: rand.New(rand.NewPCG(20261126, Version)),
		problems: map[problemVariant]*stepwise.Problem{}}, nil
}

// decodeFile reads a sample with the codecs; a bad record is an error here,
// since the samples are known to be good.
func decodeFile(path string) ([]formats.Item, error) {
	in, err := formats.Open(path, "")
	if err != nil {
		return nil, err
	}
	defer in.Close()
	var items []formats.Item
	opts := &formats.Options{}
	for {
		rec, err := in.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		its, err := in.DecodeRecord(rec, opts)
		if err != nil {
			return nil, err
		}
		items = append(items, its...)
	}
	rest, err := in.Flush(opts)
	return append(items, rest...), err
}

// TraceCount is the store size benchmarks ask for: $STEPWISE_BENCH_TRACES,
// or def.
func TraceCount(def int) int {
	if v, err := strconv.Atoi(os.Getenv("STEPWISE_BENCH_TRACES")); err == nil && v > 0 {
		return v
	}
	return def
}
