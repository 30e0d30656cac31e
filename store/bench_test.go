package store

import (
	"bytes"
	"context"
	"encoding/binary"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/stepwise-dev/stepwise/store/internal/schema"
)

// BenchmarkImportProcessBench imports a ProcessBench-shaped JSONL built from
// the real samples (100k traces, about 180 MB; STEPWISE_BENCH_TRACES changes
// the count) and, in the same run, times python3 merely parsing the same file
// with json.loads. Metrics: python-s (the baseline, best of three),
// go/python (the mean import time over the baseline: below 1 means faster
// than Python only parsing), best/python (the best import over the
// baseline: best against best), peak-heap-MB (the heap's largest size, garbage included),
// peak-live-MB (the largest live heap a collection found), cpu-s (CPU time
// of one import, all cores).
//
//	go test ./store -run '^$' -bench ImportProcessBench -benchtime 3x
func BenchmarkImportProcessBench(b *testing.B) { benchImport(b, false) }

// BenchmarkImportDistinctProblems is the same with a problem per trace.
func BenchmarkImportDistinctProblems(b *testing.B) { benchImport(b, true) }

func benchImport(b *testing.B, distinctProblems bool) {
	n := benchTraceCount(100000)
	dir := b.TempDir()
	src := filepath.Join(dir, "pb.jsonl")
	size := genProcessBenchProblems(b, src, n, distinctProblems)
	py := pythonParseSeconds(b, src)
	b.SetBytes(size)
	b.ResetTimer()
	var total, best time.Duration
	var peak heapPeaks
	var cpu float64
	for i := range b.N {
		b.StopTimer()
		dbPath := filepath.Join(dir, "b"+strconv.Itoa(i)+".db")
		db, err := Open(dbPath, Options{})
		if err != nil {
			b.Fatal(err)
		}
		stop := sampleHeap(&peak)
		b.StartTimer()
		start, cpu0 := time.Now(), processCPUSeconds()
		rep, err := db.Import(context.Background(), []string{src}, ImportOptions{})
		took := time.Since(start)
		total += took
		if best == 0 || took < best {
			best = took
		}
		cpu += processCPUSeconds() - cpu0
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
		b.ReportMetric(best.Seconds()/py, "best/python")
	}
	b.ReportMetric(float64(peak.objects)/1e6, "peak-heap-MB")
	b.ReportMetric(float64(peak.live)/1e6, "peak-live-MB")
	b.ReportMetric(cpu/float64(b.N), "cpu-s")
}

// benchTraceCount is $STEPWISE_BENCH_TRACES, or def. (Benchmarks outside
// the package use storetest.TraceCount: storetest imports this package.)
func benchTraceCount(def int) int {
	if v, err := strconv.Atoi(os.Getenv("STEPWISE_BENCH_TRACES")); err == nil && v > 0 {
		return v
	}
	return def
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

// heapPeaks are the largest heap sizes seen while sampling: all objects
// (live or not yet collected: what the memory limit caps), and the live
// heap found by the last collection (what the batch bounds).
type heapPeaks struct{ objects, live uint64 }

// sampleHeap records heap peaks until the returned stop is called.
func sampleHeap(peak *heapPeaks) (stop func()) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}, {Name: "/gc/heap/live:bytes"}}
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		for {
			metrics.Read(s)
			peak.objects = max(peak.objects, s[0].Value.Uint64())
			peak.live = max(peak.live, s[1].Value.Uint64())
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	return func() { close(done); wg.Wait() }
}

// BenchmarkImportFloor measures what the import cannot go below with
// bbolt and this layout: it imports the same generated file once, copies
// the stored summaries (one value per trace) and body blocks out, and then
// times only writing those values (in key order, per transaction the
// summaries of 10,000 traces and the blocks that end among them, the
// store's page size and sync) into a fresh bbolt file: no parsing,
// hashing, ids, indexes or dedupe. Metrics: python-s and floor/python, to
// set beside BenchmarkImportProcessBench.
//
//	go test ./store -run '^$' -bench ImportFloor -benchtime 3x
func BenchmarkImportFloor(b *testing.B) {
	n := benchTraceCount(100000)
	dir := b.TempDir()
	src := filepath.Join(dir, "pb.jsonl")
	genProcessBench(b, src, n)
	py := pythonParseSeconds(b, src)
	sums, blocks := importedValues(b, filepath.Join(dir, "src.db"), src, n)
	b.ResetTimer()
	var total time.Duration
	for i := range b.N {
		b.StopTimer()
		path := filepath.Join(dir, "f"+strconv.Itoa(i)+".db")
		bdb, err := bolt.Open(path, 0o600, &bolt.Options{
			FreelistType: bolt.FreelistMapType, InitialMmapSize: 256 << 20, PageSize: 16 << 10})
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		start := time.Now()
		next := 0 // the first block not yet written
		for lo := 0; lo < len(sums); lo += 10000 {
			batch := sums[lo:min(lo+10000, len(sums))]
			lastSeq := binary.BigEndian.Uint64(batch[len(batch)-1].K)
			err := bdb.Update(func(tx *bolt.Tx) error {
				tb, err := tx.CreateBucketIfNotExists(schema.Traces)
				if err != nil {
					return err
				}
				bb, err := tx.CreateBucketIfNotExists(schema.Bodies)
				if err != nil {
					return err
				}
				for _, kv := range batch {
					if err := tb.Put(kv.K, kv.V); err != nil {
						return err
					}
				}
				for ; next < len(blocks) && binary.BigEndian.Uint64(blocks[next].K) <= lastSeq; next++ {
					if err := bb.Put(blocks[next].K, blocks[next].V); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				b.Fatal(err)
			}
		}
		total += time.Since(start)
		b.StopTimer()
		bdb.Close()
		os.Remove(path)
		b.StartTimer()
	}
	b.StopTimer()
	if py > 0 {
		b.ReportMetric(py, "python-s")
		b.ReportMetric(total.Seconds()/float64(b.N)/py, "floor/python")
	}
}

// importedValues imports src into a store at path and returns copies of
// its summaries and body blocks, each in key order.
func importedValues(b *testing.B, path, src string, n int) (sums, blocks []schema.KV) {
	db, err := Open(path, Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	if rep, err := db.Import(context.Background(), []string{src}, ImportOptions{}); err != nil || rep.Imported != n {
		b.Fatalf("imported %d of %d: %v", rep.Imported, n, err)
	}
	copyAll := func(tx *bolt.Tx, name []byte) (out []schema.KV) {
		tx.Bucket(name).ForEach(func(k, v []byte) error {
			out = append(out, schema.KV{K: bytes.Clone(k), V: bytes.Clone(v)})
			return nil
		})
		return out
	}
	db.view(func(tx *bolt.Tx) error {
		sums, blocks = copyAll(tx, schema.Traces), copyAll(tx, schema.Bodies)
		return nil
	})
	if len(sums) != n || len(blocks) == 0 {
		b.Fatalf("read %d summaries of %d and %d blocks", len(sums), n, len(blocks))
	}
	return sums, blocks
}
