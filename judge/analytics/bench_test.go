package analytics

import (
	"context"
	"testing"
	"time"

	"github.com/stepwise-dev/stepwise/store"
	"github.com/stepwise-dev/stepwise/store/storetest"
)

// Benchmarks of the dataset views on the synthetic million-trace store
// (store/storetest; built once and cached, minutes the first time):
//
//	go test ./judge/analytics -run '^$' -bench . -benchtime 3x
//
// STEPWISE_BENCH_TRACES changes the store size. Issue 16's target: every
// view complete within 2 s.

func benchDB(b *testing.B) *store.DB {
	b.Helper()
	path := storetest.Generate(b, "", storetest.TraceCount(1_000_000))
	db, err := store.Open(path, store.Options{ReadOnly: true, Timeout: time.Minute})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	return db
}

func BenchmarkProblems(b *testing.B) {
	db := benchDB(b)
	for b.Loop() {
		ps, err := Problems(context.Background(), db, store.Filter{}, DefaultBuckets)
		if err != nil || len(ps) == 0 {
			b.Fatalf("%d problems, %v", len(ps), err)
		}
	}
}

func BenchmarkModels(b *testing.B) {
	db := benchDB(b)
	for b.Loop() {
		ms, err := Models(context.Background(), db, store.Filter{}, nil)
		if err != nil || len(ms) == 0 {
			b.Fatalf("%d models, %v", len(ms), err)
		}
	}
}

func BenchmarkFrequencyModel(b *testing.B) {
	db := benchDB(b)
	for b.Loop() {
		rows, err := Frequency(context.Background(), db, store.Filter{}, "model")
		if err != nil || len(rows) == 0 {
			b.Fatalf("%d rows, %v", len(rows), err)
		}
	}
}

func BenchmarkHistogramSteps(b *testing.B) {
	db := benchDB(b)
	for b.Loop() {
		bins, _, err := Histogram(context.Background(), db, store.Filter{}, "steps", 20)
		if err != nil || len(bins) == 0 {
			b.Fatalf("%d bins, %v", len(bins), err)
		}
	}
}

// BenchmarkDifficultyFilter: the traces of the hard problems, from
// postings (the list's difficulty:hard).
func BenchmarkDifficultyFilter(b *testing.B) {
	db := benchDB(b)
	r, _ := DefaultBuckets.Range("hard")
	for b.Loop() {
		if _, err := db.Count(store.Filter{Accuracy: r}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkFaultTolerance: SRCA's dataset figure, from the grader's
// checkpoint flags (a store graded by this grader: the CLI re-grades an
// older one when it first opens it).
func BenchmarkFaultTolerance(b *testing.B) {
	db := benchDB(b)
	for b.Loop() {
		ft, err := DatasetFaultTolerance(context.Background(), db, store.Filter{})
		if err != nil || ft.Traces == 0 {
			b.Fatalf("%+v, %v", ft, err)
		}
	}
}
