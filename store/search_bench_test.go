package store_test

import (
	"bufio"
	"context"
	"errors"
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stepwise-dev/stepwise/store"
	"github.com/stepwise-dev/stepwise/store/storetest"
)

// The search benchmarks run on a generated store of 1,000,000 traces
// (STEPWISE_BENCH_TRACES changes the count), built once and cached; see
// package storetest for where (STEPWISE_BENCH_DB overrides). Building it
// takes about two minutes and 3.6 GB of disk.
//
//	go test ./store -run '^$' -bench Search -benchtime 5x
//
// Metrics: ms-first (time to the first screen of 50 traces, or to the end
// when there are fewer), ms-full (time to the complete count), traces and
// hits (what was found), cpu-ms (user and system time of the process during
// the search: the machine is shared, so wall time varies with its load).

func benchStore(b *testing.B) *store.DB {
	b.Helper()
	path := storetest.Generate(b, "", storetest.TraceCount(1000000))
	db, err := store.Open(path, store.Options{ReadOnly: true, Timeout: 10 * time.Second})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	return db
}

// benchQueries are a word in nearly every trace, words in a few percent and
// in about one trace in a thousand, a non-ASCII word (the slower
// case-folding path), a marker in exactly one trace, and a filtered search.
var benchQueries = []struct {
	name string
	q    store.SearchQuery
}{
	{"common-the", store.SearchQuery{Text: "the"}},
	{"medium-remainder", store.SearchQuery{Text: "remainder"}},
	{"rare-cauchy", store.SearchQuery{Text: "cauchy"}},
	{"nonascii-pokémon", store.SearchQuery{Text: "pokémon"}},
	{"unique-marker", store.SearchQuery{Text: strings.TrimSpace(storetest.Marker(777777))}},
	{"case-Therefore", store.SearchQuery{Text: "Therefore"}},
	{"filtered-model", store.SearchQuery{Text: "remainder", Filter: store.Filter{Model: storetest.Models[3]}}},
}

const screen = 50

func BenchmarkSearchFirstScreen(b *testing.B) {
	db := benchStore(b)
	for _, bq := range benchQueries {
		b.Run(bq.name, func(b *testing.B) {
			var total time.Duration
			for range b.N {
				ctx, cancel := context.WithCancel(context.Background())
				got := 0
				start := time.Now()
				var first time.Duration
				err := db.Search(ctx, bq.q, func(h []store.TraceHits) {
					got += len(h)
					if got >= screen && first == 0 {
						first = time.Since(start)
						cancel()
					}
				}, nil)
				if first == 0 {
					first = time.Since(start)
				}
				cancel()
				if err != nil && !errors.Is(err, context.Canceled) {
					b.Fatal(err)
				}
				total += first
			}
			b.ReportMetric(float64(total.Microseconds())/1e3/float64(b.N), "ms-first")
		})
	}
}

func BenchmarkSearchFull(b *testing.B) {
	db := benchStore(b)
	for _, bq := range benchQueries {
		b.Run(bq.name, func(b *testing.B) {
			var p store.SearchProgress
			var total, cpu time.Duration
			for range b.N {
				start, cpu0 := time.Now(), cpuTime()
				err := db.Search(context.Background(), bq.q, nil, func(sp store.SearchProgress) { p = sp })
				total += time.Since(start)
				cpu += cpuTime() - cpu0
				if err != nil || !p.Done {
					b.Fatalf("search: %v (done %v)", err, p.Done)
				}
			}
			b.ReportMetric(float64(total.Microseconds())/1e3/float64(b.N), "ms-full")
			b.ReportMetric(float64(cpu.Microseconds())/1e3/float64(b.N), "cpu-ms")
			b.ReportMetric(float64(p.Traces), "traces")
			b.ReportMetric(float64(p.Hits), "hits")
		})
	}
}

// BenchmarkSearchMemory reports the process's resident memory (VmRSS,
// RssAnon, RssFile from /proc/self/status; the peak sampled every 5 ms) and
// the CPU time of a full search: when the store is open, at the peak during
// the search, as the search returns, and once the store's handle has let go
// of the file (it unmaps it 25 ms after the last use). During the search
// the pages it read count as RssFile: clean page-cache pages of the mapped
// file, which the kernel reclaims under pressure; they leave with the
// mapping. Run it on its own, so that no earlier benchmark has mapped the
// file already:
//
//	go test ./store -run '^$' -bench SearchMemory -benchtime 1x
func BenchmarkSearchMemory(b *testing.B) {
	db := benchStore(b)
	q := store.SearchQuery{Text: "remainder"}
	report := func(name string, v float64) { b.ReportMetric(v, name) }
	for range b.N {
		report("rss-open-MB", readRSS(b)["VmRSS"])
		stop, peak := sampleRSS(b)
		cpu0 := cpuTime()
		if err := db.Search(context.Background(), q, nil, nil); err != nil {
			b.Fatal(err)
		}
		cpu := cpuTime() - cpu0
		stop()
		end := readRSS(b)
		time.Sleep(100 * time.Millisecond) // past the handle's linger
		after := readRSS(b)
		report("cpu-ms", float64(cpu.Milliseconds()))
		report("peak-MB", *peak)
		report("end-rss-MB", end["VmRSS"])
		report("end-file-MB", end["RssFile"])
		report("after-rss-MB", after["VmRSS"])
		report("after-file-MB", after["RssFile"])
		report("after-anon-MB", after["RssAnon"])
	}
}

// sampleRSS records the peak VmRSS until stop is called.
func sampleRSS(tb testing.TB) (stop func(), peak *float64) {
	peak = new(float64)
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		for {
			if v := readRSS(tb)["VmRSS"]; v > *peak {
				*peak = v
			}
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	return func() { close(done); <-finished }, peak
}

// cpuTime is the process's user and system time so far: on a shared
// machine it says what a search costs when the wall clock says little.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// readRSS reads the memory lines of /proc/self/status, in MB.
func readRSS(tb testing.TB) map[string]float64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return nil // not Linux: no figures
	}
	defer f.Close()
	out := map[string]float64{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if !ok || !strings.HasPrefix(k, "Vm") && !strings.HasPrefix(k, "Rss") {
			continue
		}
		fields := strings.Fields(v)
		if len(fields) == 2 && fields[1] == "kB" {
			n, _ := strconv.ParseFloat(fields[0], 64)
			out[k] = n / 1024
		}
	}
	return out
}

// BenchmarkCheck: the full check of the 1M-trace store (bbolt's page
// check, every summary, every body block's checksum) that the workbench
// runs in the background when it opens and `stepwise check` runs.
func BenchmarkCheck(b *testing.B) {
	db := benchStore(b)
	b.ResetTimer()
	for range b.N {
		rep, err := db.Check(context.Background())
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(rep.Pages), "pages")
	}
}
