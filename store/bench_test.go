package store

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// BenchmarkImportProcessBench imports a ProcessBench-shaped JSONL built from
// the real samples (100k traces, about 180 MB; STEPWISE_BENCH_TRACES changes
// the count) and, in the same run, times python3 merely parsing the same file
// with json.loads. Metrics: python-s (the baseline), go/python (the ratio of
// the import's time to the baseline: below 1 means faster than Python only
// parsing), peak-heap-MB.
//
//	go test ./store -run '^$' -bench ImportProcessBench -benchtime 3x
func BenchmarkImportProcessBench(b *testing.B) {
	n := 100000
	if v, err := strconv.Atoi(os.Getenv("STEPWISE_BENCH_TRACES")); err == nil && v > 0 {
		n = v
	}
	dir := b.TempDir()
	src := filepath.Join(dir, "pb.jsonl")
	size := genProcessBench(b, src, n)
	py := pythonParseSeconds(b, src)
	b.SetBytes(size)
	b.ResetTimer()
	var total time.Duration
	var peak uint64
	for i := range b.N {
		b.StopTimer()
		dbPath := filepath.Join(dir, "b"+strconv.Itoa(i)+".db")
		db, err := Open(dbPath, Options{})
		if err != nil {
			b.Fatal(err)
		}
		stop := sampleHeap(&peak)
		b.StartTimer()
		start := time.Now()
		rep, err := db.Import(context.Background(), []string{src}, ImportOptions{})
		total += time.Since(start)
		b.StopTimer()
		stop()
		if err != nil || rep.Imported != n {
			b.Fatalf("imported %d of %d: %v", rep.Imported, n, err)
		}
		db.Close()
		os.Remove(dbPath)
		b.StartTimer()
	}
	b.StopTimer()
	goSec := total.Seconds() / float64(b.N)
	if py > 0 {
		b.ReportMetric(py, "python-s")
		b.ReportMetric(goSec/py, "go/python")
	}
	b.ReportMetric(float64(peak)/1e6, "peak-heap-MB")
}

// pythonParseSeconds runs the baseline script; 0 when python3 is missing.
func pythonParseSeconds(b *testing.B, path string) float64 {
	py, err := exec.LookPath("python3")
	if err != nil {
		b.Log("python3 not found: no baseline")
		return 0
	}
	best := 0.0
	for range 3 { // best of three, like the benchmark's own repeated runs
		out, err := exec.Command(py, filepath.Join("testdata", "parse_baseline.py"), path).Output()
		if err != nil {
			b.Fatalf("baseline: %v", err)
		}
		f := strings.Fields(string(out))
		s, err := strconv.ParseFloat(f[0], 64)
		if err != nil {
			b.Fatalf("baseline output %q", out)
		}
		if best == 0 || s < best {
			best = s
		}
	}
	return best
}

// sampleHeap records the peak live heap until the returned stop is called.
func sampleHeap(peak *uint64) (stop func()) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		for {
			metrics.Read(s)
			if v := s[0].Value.Uint64(); v > *peak {
				*peak = v
			}
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	return func() { close(done); wg.Wait() }
}
