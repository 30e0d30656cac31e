package tui

import (
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/stepwise-dev/stepwise/judge/analytics"
)

// The analytics views on the million-trace store (bench_test.go): from the
// key to the first screen of numbers (a preview of the first
// previewTraces matches) and to the complete table or chart.
//
//	go test ./tui -run '^$' -bench 'FreqTable|Histogram|Chart' -benchtime 3x
//
// On the 2-core box shared with other jobs (2026-12-04, 1M traces), key to
// first screen / to the complete view: frequency table 26 ms / 0.80 s,
// histogram 15 ms / 0.84 s, by step 18 ms / 0.81 s, difficulty
// 54 ms / 1.43 s, quality vs cost 25 ms / 1.45 s, search intensity
// 18 ms / 0.72 s.

// timedKey presses key and runs what it starts as the runtime would,
// noting when first() becomes true (drawing the frame then) and when
// everything has settled (drawing the last frame).
func timedKey(b *testing.B, m *Model, key string, first func() bool) (toFirst, toFull time.Duration) {
	b.Helper()
	start := time.Now()
	_, cmd := m.Update(keyMsg(key))
	return timedCmds(m, start, cmd, first)
}

// timedCmds runs cmd and what it leads to as the runtime would, drawing a
// frame when first() becomes true and one when everything has settled, and
// returns both times since start.
func timedCmds(m *Model, start time.Time, cmd tea.Cmd, first func() bool) (toFirst, toFull time.Duration) {
	queue := []tea.Cmd{cmd}
	for len(queue) > 0 {
		c := queue[0]
		queue = queue[1:]
		if c == nil {
			continue
		}
		msg := c()
		if bm, ok := msg.(tea.BatchMsg); ok {
			queue = append(queue, bm...)
			continue
		}
		if msg == nil {
			continue
		}
		_, next := m.Update(msg)
		queue = append(queue, next)
		if toFirst == 0 && first() {
			_ = m.View()
			toFirst = time.Since(start)
		}
	}
	_ = m.View()
	return toFirst, time.Since(start)
}

// benchAnalytics times key on the unfiltered list, going back after each.
func benchAnalytics(b *testing.B, key string, setup func(m *Model), first, full func(m *Model) bool) {
	m, _ := benchModel(b)
	press(b, m, "enter")
	setup(m)
	var firstSum time.Duration
	b.ResetTimer()
	for range b.N {
		toFirst, _ := timedKey(b, m, key, func() bool { return first(m) })
		if !full(m) {
			b.Fatalf("%s did not complete (status %q)", key, m.status)
		}
		firstSum += toFirst
		b.StopTimer()
		press(b, m, "esc")
		b.StartTimer()
	}
	b.ReportMetric(float64(firstSum.Microseconds())/float64(b.N)/1000, "ms-first-screen")
}

// BenchmarkFreqTable: F on the list of every trace, counting models
// (ns/op: to the complete table).
func BenchmarkFreqTable(b *testing.B) {
	benchAnalytics(b, "F",
		func(m *Model) { m.freq().field = slicesIndex(analytics.FreqFields(), "model") },
		func(m *Model) bool { return m.current() == scrFreq && len(m.freq().rows) > 0 },
		func(m *Model) bool { return !m.freq().loading && !m.freq().preview && m.freq().total == benchTraces() })
}

// benchChart times H on the list of every trace, on the tab named tab
// (ns/op: to the complete chart; metric: to its preview).
func benchChart(b *testing.B, tab string) {
	source := ""
	for _, k := range chartKinds() {
		if k.name == tab {
			source = k.source
		}
	}
	done := func(m *Model, preview bool) bool {
		d := m.charts().data[source]
		return m.current() == scrCharts && d != nil && d.preview == preview && d.err == nil
	}
	benchAnalytics(b, "H",
		func(m *Model) {
			for i, k := range chartKinds() {
				if k.name == tab {
					m.charts().cur = i
				}
			}
		},
		func(m *Model) bool { return done(m, true) || done(m, false) },
		func(m *Model) bool { return done(m, false) })
}

// BenchmarkHistogram: the histogram of step counts.
func BenchmarkHistogram(b *testing.B) { benchChart(b, "steps") }

// BenchmarkByStepChart: proof statuses by step index (summaries, proof
// strips and judge runs).
func BenchmarkByStepChart(b *testing.B) { benchChart(b, "proofs by step") }

// BenchmarkDifficultyChart: accuracy by difficulty (every problem's
// sampled accuracy from the summaries).
func BenchmarkDifficultyChart(b *testing.B) { benchChart(b, "accuracy by difficulty") }

// BenchmarkCostChart: quality vs cost (the models' accuracy and mean
// tokens or cost, from the summaries).
func BenchmarkCostChart(b *testing.B) { benchChart(b, "quality vs cost") }

// BenchmarkIntensityChart: accuracy by search intensity (the summaries'
// tool-use counts).
func BenchmarkIntensityChart(b *testing.B) { benchChart(b, "search intensity") }
