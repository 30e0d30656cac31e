package store

import (
	"context"
	"io"
	"testing"
	"time"

	"github.com/stepwise-dev/stepwise"
)

// BenchmarkExport compares export with import on the same data in the same
// run (DESIGN §8: export at least as fast as import). It imports the
// ProcessBench-shaped file of BenchmarkImportProcessBench (100k traces,
// about 180 MB; STEPWISE_BENCH_TRACES changes the count), timing the
// import as the baseline, adds a human first-error mark to every other
// trace (so merged labels mix human and source), and times each export
// format. Metrics per format: s (seconds per export), export/import (the
// ratio: below 1 is faster than the import), labeled-steps, steps/s.
//
//	go test ./store -run '^$' -bench Export -benchtime 1x
func BenchmarkExport(b *testing.B) {
	n := benchTraceCount(100000)
	db, _, took := importedBenchStore(b, n)
	importSec := took.Seconds()
	var evs []stepwise.Annotation
	db.List(Filter{}, func(s Summary) error {
		if s.Seq%2 == 0 {
			evs = append(evs, stepwise.Annotation{Annotator: "bench", TraceID: s.ID, Step: -1, FirstError: true})
		}
		return nil
	})
	for len(evs) > 0 {
		k := min(len(evs), 10000)
		if _, err := db.AnnotateMany(evs[:k]); err != nil {
			b.Fatal(err)
		}
		evs = evs[k:]
	}
	for _, format := range []string{"processbench", "steps-jsonl", "steps-parquet", "trl", "prm800k"} {
		b.Run(format, func(b *testing.B) {
			var sec float64
			var rows int
			for range b.N {
				start := time.Now()
				rep, err := db.Export(context.Background(), io.Discard, ExportOptions{Format: format})
				sec += time.Since(start).Seconds()
				if err != nil || rep.Traces != n {
					b.Fatalf("export: %v %+v", err, rep)
				}
				rows = rep.Written
			}
			sec /= float64(b.N)
			steps := labeledSteps(b, db)
			b.ReportMetric(sec, "s")
			b.ReportMetric(importSec, "import-s")
			b.ReportMetric(sec/importSec, "export/import")
			b.ReportMetric(float64(steps), "labeled-steps")
			b.ReportMetric(float64(steps)/sec, "labeled-steps/s")
			b.ReportMetric(float64(rows), "records")
		})
	}
}

var labeledStepsCache = map[*DB]int{}

// labeledSteps counts steps with a merged label (human or source).
func labeledSteps(b *testing.B, db *DB) int {
	if n, ok := labeledStepsCache[db]; ok {
		return n
	}
	rep, err := db.Export(context.Background(), io.Discard, ExportOptions{Format: "steps-jsonl", LabeledOnly: true})
	if err != nil {
		b.Fatal(err)
	}
	n := 0
	// Count labeled steps directly: one pass over the traces and marks.
	db.List(Filter{}, func(s Summary) error {
		tr, _ := db.GetSeq(s.Seq)
		m, _ := db.Marks(s.ID)
		for i := range tr.Steps {
			if (m["bench"] != nil && m["bench"].Rating(i) != stepwise.Unlabeled) || tr.Steps[i].StepRating() != stepwise.Unlabeled {
				n++
			}
		}
		return nil
	})
	_ = rep
	labeledStepsCache[db] = n
	return n
}

// BenchmarkAnnotate measures one labeling as the workbench does it: one
// event, one transaction, one fsync (the latency a person waits for
// "saved"), and AnnotateMany's throughput for scripts.
func BenchmarkAnnotate(b *testing.B) {
	db, ids, _ := importedBenchStore(b, 10000)
	b.Run("one", func(b *testing.B) {
		for i := range b.N {
			_, err := db.Annotate(stepwise.Annotation{Annotator: "bench", TraceID: ids[i%len(ids)], Step: 0,
				Rating: stepwise.Rating(1 + i%3)})
			if err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("many-1000", func(b *testing.B) {
		evs := make([]stepwise.Annotation, 1000)
		for i := range b.N {
			for j := range evs {
				evs[j] = stepwise.Annotation{Annotator: "script", TraceID: ids[(i*1000+j)%len(ids)], Step: 0, Rating: stepwise.Bad}
			}
			if _, err := db.AnnotateMany(evs); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.N*1000)/b.Elapsed().Seconds(), "events/s")
	})
}
