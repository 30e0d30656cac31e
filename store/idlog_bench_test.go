package store

import (
	"context"
	"testing"
)

// BenchmarkIDLookup: what readers pay for the id log after an import of
// 100k ProcessBench-shaped traces, whose ids are all still in its runs:
// get resolves an id, byID lists every trace in id order.
//
//	go test ./store -run '^$' -bench IDLookup
func BenchmarkIDLookup(b *testing.B) {
	db, ids, _ := importedBenchStore(b, benchTraceCount(100000))
	runs, _ := logState(b, db)
	b.Run("get", func(b *testing.B) {
		b.ReportMetric(float64(runs), "runs")
		for i := range b.N {
			if _, err := db.Get(ids[i*7919%len(ids)]); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("byID", func(b *testing.B) {
		for range b.N {
			n := 0
			err := db.Seqs(context.Background(), Filter{}, Order{Key: SortID}, func(s []uint64) error { n += len(s); return nil })
			if err != nil || n != len(ids) {
				b.Fatalf("%d of %d: %v", n, len(ids), err)
			}
		}
	})
}
