package store

import (
	"bytes"
	"context"
	"errors"
	"io"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/stepwise-dev/stepwise"
	"github.com/stepwise-dev/stepwise/store/formats"
)

// TestParallelExportMatchesSequential: for every format but the grouped
// one (dpo), the export pipeline (traces loaded by workers in transactions
// of their own; line formats encoded by them too) must write byte for byte
// what one exporter writes trace after trace, with the same report — over
// several jobs, human labels on some traces, skipped traces and an offset
// and limit.
func TestParallelExportMatchesSequential(t *testing.T) {
	db := openTemp(t)
	importOK(t, db, filepath.Join(samples, "processbench"), filepath.Join(samples, "gsm8k"), filepath.Join(samples, "prm800k"))
	var evs []stepwise.Annotation
	db.List(Filter{}, func(s Summary) error {
		if s.Seq%3 == 0 {
			evs = append(evs, stepwise.Annotation{Annotator: "ann", TraceID: s.ID, Step: 0, Rating: stepwise.Bad, FirstError: true})
		}
		return nil
	})
	if _, err := db.AnnotateMany(evs); err != nil {
		t.Fatal(err)
	}
	n, _ := db.Count(Filter{})
	if n <= 2*exportJobTraces {
		t.Fatalf("only %d traces: the test needs several jobs", n)
	}
	compared := 0
	for _, f := range formats.ExportFormats() {
		if _, group := f.New(io.Discard).(formats.GroupExporter); group {
			continue
		}
		compared++
		wrote := 0
		for _, opts := range []ExportOptions{
			{Format: f.Name},
			{Format: f.Name, Labels: LabelsHuman, LabeledOnly: true},
			{Format: f.Name, Filter: Filter{Offset: 100, Limit: 300}},
		} {
			seqOut, seqRep := exportWith(t, db, f, opts, false)
			parOut, parRep := exportWith(t, db, f, opts, true)
			if !bytes.Equal(seqOut, parOut) || !reflect.DeepEqual(seqRep, parRep) {
				t.Errorf("%s %+v: parallel export differs: %d vs %d bytes, report %+v vs %+v",
					f.Name, opts.Filter, len(parOut), len(seqOut), parRep, seqRep)
			}
			wrote += seqRep.Written
		}
		if wrote == 0 {
			t.Errorf("%s wrote nothing in any case: nothing was compared", f.Name)
		}
	}
	if compared < 8 {
		t.Fatalf("%d formats compared", compared)
	}
}

func exportWith(t *testing.T, db *DB, f formats.ExportFormat, opts ExportOptions, parallel bool) ([]byte, *ExportReport) {
	t.Helper()
	if opts.Labels == "" {
		opts.Labels = LabelsMerged
	}
	var buf bytes.Buffer
	rep := &ExportReport{Format: f.Name}
	txs := readTxs(t, db, 3)
	defer func() {
		for _, tx := range txs {
			tx.Rollback()
		}
	}()
	err := func() error {
		x := &exportRun{tx: txs[0], opts: opts, rep: rep, problems: map[string]*stepwise.Problem{}}
		exp := f.New(&buf)
		if parallel {
			if err := x.pipeline(context.Background(), f, exp, &buf, txs[1:]); err != nil {
				return err
			}
			return exp.Close()
		}
		// The reference: one exporter, trace after trace.
		err := x.selected(context.Background(), func(seq uint64) error {
			item, skip, err := x.item(seq)
			if err != nil {
				return err
			}
			rep.Traces++
			if skip != "" {
				rep.skip(skip, 1)
				return nil
			}
			reason, err := exp.Write(item)
			if reason != "" {
				rep.skip(reason, 1)
			} else if err == nil {
				rep.Written++
			}
			return err
		})
		if err != nil {
			return err
		}
		return exp.Close()
	}()
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes(), rep
}

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
