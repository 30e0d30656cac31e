package store

import (
	"context"
	"errors"
	"io"
	"path/filepath"
	"testing"

	"github.com/stepwise-dev/stepwise"
)

// failingWriter fails after some bytes.
type failingWriter struct{ left int }

func (w *failingWriter) Write(p []byte) (int, error) {
	if len(p) > w.left {
		return 0, errors.New("disk full")
	}
	w.left -= len(p)
	return len(p), nil
}

// TestParallelExportStopsOnWriteError: a failing output ends the export
// with its error (no hang, no success).
func TestParallelExportStopsOnWriteError(t *testing.T) {
	db := openTemp(t)
	importOK(t, db, filepath.Join(samples, "processbench"), filepath.Join(samples, "gsm8k"))
	_, err := db.Export(context.Background(), &failingWriter{left: 1000}, ExportOptions{Format: "steps-jsonl"})
	if err == nil || err.Error() != "disk full" {
		t.Fatalf("export to a failing writer: %v", err)
	}
}

// TestExportWhileAnnotating: exports run while another goroutine keeps
// committing annotations; each exports every trace, without error.
func TestExportWhileAnnotating(t *testing.T) {
	db := openTemp(t)
	importOK(t, db, filepath.Join(samples, "processbench"))
	var ids []string
	db.List(Filter{}, func(s Summary) error { ids = append(ids, s.ID); return nil })
	stop := make(chan struct{})
	wrote := make(chan int)
	go func() {
		n := 0
		for {
			select {
			case <-stop:
				wrote <- n
				return
			default:
			}
			ev := stepwise.Annotation{Annotator: "a", TraceID: ids[n%len(ids)], Step: 0, Rating: stepwise.Good}
			if _, err := db.AnnotateMany([]stepwise.Annotation{ev}); err != nil {
				t.Error(err)
			}
			n++
		}
	}()
	for range 5 {
		rep, err := db.Export(context.Background(), io.Discard, ExportOptions{Format: "steps-jsonl"})
		if err != nil || rep.Traces != len(ids) {
			t.Fatalf("export while annotating: %+v %v", rep, err)
		}
	}
	close(stop)
	if n := <-wrote; n == 0 {
		t.Fatal("no annotation was committed during the exports")
	}
}
