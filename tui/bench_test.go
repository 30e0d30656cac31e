package tui

import (
	"bufio"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stepwise-dev/stepwise/judge/analytics"
	"github.com/stepwise-dev/stepwise/store"
	"github.com/stepwise-dev/stepwise/store/storetest"
	"github.com/stepwise-dev/stepwise/themes"
)

// The benchmarks run on a generated store of a million traces
// (store/storetest; built once and cached, see its package comment).
// Each operation is timed from the key press to the finished frame: the
// Update, every command it starts (store reads, renders) run to completion,
// and View. So the figures are what a user waits for, not just Update.
//
//	go test ./tui -run '^$' -bench . -benchtime 200x
//
// STEPWISE_BENCH_TRACES changes the store size.

func benchTraces() int { return storetest.TraceCount(1_000_000) }

// benchModel opens the big store and builds a model at 120×40.
func benchModel(b *testing.B) (*Model, *store.DB) {
	b.Helper()
	path := storetest.Generate(b, "", benchTraces())
	db, err := store.Open(path, store.Options{ReadOnly: true, Timeout: time.Minute})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	th, _ := themes.Builtin("dark")
	m, err := New(Options{StorePoll: -1, NoStoreCheck: true, DB: db, Theme: th, ThemeFixed: true, Annotator: "bench"})
	if err != nil {
		b.Fatal(err)
	}
	settle(b, m, m.Init())
	send(b, m, tea_WindowSize(120, 40))
	return m, db
}

// frame presses a key, settles, and renders.
func frame(b *testing.B, m *Model, key string) {
	send(b, m, keyMsg(key))
	_ = m.View()
}

// BenchmarkFirstFrame: from opening the store to the first complete view
// (the library, which reads only running counts).
func BenchmarkFirstFrame(b *testing.B) {
	path := storetest.Generate(b, "", benchTraces())
	th, _ := themes.Builtin("dark")
	b.ResetTimer()
	for range b.N {
		db, err := store.Open(path, store.Options{ReadOnly: true})
		if err != nil {
			b.Fatal(err)
		}
		m, err := New(Options{StorePoll: -1, NoStoreCheck: true, DB: db, Theme: th, ThemeFixed: true, Annotator: "bench"})
		if err != nil {
			b.Fatal(err)
		}
		settle(b, m, m.Init())
		send(b, m, tea_WindowSize(120, 40))
		if !strings.Contains(m.View().Content, "all traces") {
			b.Fatal("library not shown")
		}
		b.StopTimer()
		db.Close()
		b.StartTimer()
	}
}

// BenchmarkListRow: one row down in the unfiltered list of every trace.
func BenchmarkListRow(b *testing.B) {
	m, _ := benchModel(b)
	press(b, m, "enter")
	b.ResetTimer()
	for range b.N {
		frame(b, m, "j")
	}
}

// BenchmarkListPage: one page down.
func BenchmarkListPage(b *testing.B) {
	m, _ := benchModel(b)
	press(b, m, "enter")
	b.ResetTimer()
	for range b.N {
		frame(b, m, "pgdown")
		if m.list().cursor > m.list().total-100 {
			press(b, m, "g")
		}
	}
}

// BenchmarkFilteredListRow: one row down in a list filtered by model and
// label state, sorted by step count.
func BenchmarkFilteredListRow(b *testing.B) {
	m, _ := benchModel(b)
	press(b, m, "enter")
	applyFilter(b, m, "model:"+storetest.Models[3]+" label:error")
	press(b, m, "s", "s", "s", "s") // id, dataset, model, steps
	b.ResetTimer()
	for range b.N {
		frame(b, m, "j")
	}
}

// applyFilter sets a filter as the prompt would and settles the scan.
func applyFilter(b *testing.B, m *Model, f string) {
	pf, err := parseFilter(f, analytics.DefaultBuckets)
	if err != nil {
		b.Fatal(err)
	}
	settle(b, m, m.list().setFilter(pf))
}

// BenchmarkFilterKeystroke: typing one character into the filter prompt.
func BenchmarkFilterKeystroke(b *testing.B) {
	m, _ := benchModel(b)
	press(b, m, "enter", "f")
	b.ResetTimer()
	for i := range b.N {
		if i%40 == 39 {
			press(b, m, "esc", "f")
		}
		frame(b, m, "d")
	}
}

// BenchmarkApplyFilter: from pressing enter on a filter to its first
// screen of rows, and (as a metric) to the complete count.
func BenchmarkApplyFilter(b *testing.B) {
	m, _ := benchModel(b)
	press(b, m, "enter")
	var full time.Duration
	b.ResetTimer()
	for i := range b.N {
		start := time.Now()
		_, cmd := m.Update(keyMsg("f"))
		settle(b, m, cmd)
		m.prompt.input.SetValue("model:" + storetest.Models[i%len(storetest.Models)])
		_, cmd = m.Update(keyMsg("enter"))
		settle(b, m, cmd)
		_ = m.View()
		full += time.Since(start)
		if !m.list().complete || m.list().total == 0 {
			b.Fatalf("filter gave %d rows (complete %v)", m.list().total, m.list().complete)
		}
	}
	b.ReportMetric(float64(full.Milliseconds())/float64(b.N), "ms-to-full-list")
}

// BenchmarkOpenTrace: enter on a list row until the trace view is drawn.
func BenchmarkOpenTrace(b *testing.B) {
	m, _ := benchModel(b)
	press(b, m, "enter")
	b.ResetTimer()
	for range b.N {
		frame(b, m, "enter")
		if m.trace().doc.t == nil {
			b.Fatal("no trace")
		}
		b.StopTimer()
		press(b, m, "esc", "j")
		b.StartTimer()
	}
}

// BenchmarkOpenSamples: "o" in a trace view until the samples of its
// problem (a few hundred traces each at 1M, checkpoint answers read from
// up to 200 of them) are drawn. Metric: samples per problem.
func BenchmarkOpenSamples(b *testing.B) {
	m, _ := benchModel(b)
	press(b, m, "enter", "enter")
	n := 0
	b.ResetTimer()
	for range b.N {
		frame(b, m, "o")
		if m.current() != scrSamples || len(m.samples().sums) == 0 {
			b.Fatalf("no samples (%q)", m.status)
		}
		n += len(m.samples().sums)
		b.StopTimer()
		press(b, m, "esc", "J")
		b.StartTimer()
	}
	b.ReportMetric(float64(n)/float64(b.N), "samples")
}

// BenchmarkStepMove: one step down in a trace view (wrapping at the end).
func BenchmarkStepMove(b *testing.B) {
	m, _ := benchModel(b)
	press(b, m, "enter", "enter")
	b.ResetTimer()
	for range b.N {
		frame(b, m, "j")
		if m.trace().cursor == len(m.trace().doc.t.Steps)-1 {
			press(b, m, "g")
		}
	}
}

// BenchmarkSearch: from submitting a search to the first screen of hits
// (ns/op), and to the complete count (metric).
func BenchmarkSearch(b *testing.B) {
	m, _ := benchModel(b)
	press(b, m, "enter")
	var first, full time.Duration
	b.ResetTimer()
	for i := range b.N {
		query := []string{"remainder", "cauchy", "perimeter"}[i%3]
		start := time.Now()
		// Run the search's commands; the first screen is a screenful of rows drawn.
		toFirst, toFull := timedCmds(m, start, m.list().startSearch(query), func() bool {
			l := m.list()
			return (l.total >= l.pageSize() || l.complete) && l.has(first0(m))
		})
		first += toFirst
		full += toFull
		if !m.list().complete {
			b.Fatal("search did not complete")
		}
	}
	b.ReportMetric(float64(first.Milliseconds())/float64(b.N), "ms-first-screen")
	b.ReportMetric(float64(full.Milliseconds())/float64(b.N), "ms-full-count")
}

func first0(m *Model) uint64 {
	seq, _ := m.list().seqAt(m.list().top)
	return seq
}

// BenchmarkResidentMemory walks a session over the million traces —
// library, full list to its end, a filter, a search, a trace — and reports
// the process's resident memory (VmRSS, with its anonymous and file-backed
// parts: bbolt maps the store file, so pages it reads count as RssFile).
func BenchmarkResidentMemory(b *testing.B) {
	m, _ := benchModel(b)
	for range b.N {
		press(b, m, "enter", "G", "g")
		applyFilter(b, m, "label:error")
		press(b, m, "G", "enter", "j", "esc")
		settle(b, m, m.list().startSearch("remainder"))
		press(b, m, "enter", "j", "esc", "esc")
	}
	b.StopTimer()
	rss, anon, file := memStatus()
	b.ReportMetric(rss, "rss-MB")
	b.ReportMetric(anon, "anon-MB")
	b.ReportMetric(file, "file-MB")
}

func memStatus() (rss, anon, file float64) {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 2 {
			continue
		}
		kb, _ := strconv.ParseFloat(fields[1], 64)
		switch fields[0] {
		case "VmRSS:":
			rss = kb / 1024
		case "RssAnon:":
			anon = kb / 1024
		case "RssFile:":
			file = kb / 1024
		}
	}
	return
}

// BenchmarkCompareLongTraces: the longest Sky-T1 trace (153,912
// characters, 1,224 steps) beside another — from the loaded traces to the
// first drawn frame (ns/op), and the jump to the last row (metric).
func BenchmarkCompareLongTraces(b *testing.B) {
	m := newTestModel(b, 120, 40, "dark")
	msg := m.compare().open("sky-t1/aime24:aime24_sky-t1-32b-ckpt140/21", "sky-t1/aime24:aime24_sky-t1-32b-ckpt140/4")()
	var end time.Duration
	b.ResetTimer()
	for range b.N {
		m.compare().req, m.compare().cursor, m.compare().top = msg.(compareMsg).req, 0, 0
		m.Update(msg)
		_ = m.View()
		b.StopTimer()
		start := time.Now()
		frame(b, m, "G")
		end += time.Since(start)
		b.StartTimer()
	}
	b.ReportMetric(float64(end.Microseconds())/float64(b.N)/1000, "ms-to-end")
}
