package formats

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/parquet-go/parquet-go"

	"github.com/stepwise-dev/stepwise"
)

func TestPRMColumnNames(t *testing.T) {
	got := PRMColumnNames([]string{"Qwen/Qwen2.5-Math-PRM-7B", "a b", "a,b", "é"})
	want := []string{"prm_Qwen/Qwen2.5-Math-PRM-7B", "prm_a_b", "prm_a_b_2", "prm__"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("%q, want %q", got, want)
	}
}

// TestStepsParquetPRMBatches: a trace longer than a row batch, with PRM
// columns, reads back score for score (the writer cuts its rows into
// batches of the run-time row type).
func TestStepsParquetPRMBatches(t *testing.T) {
	const n = 2*parquetBatch + 17
	tr := &stepwise.Trace{ID: "t:1", Dataset: "t"}
	a, b := make([]float64, n), make([]float64, n)
	for i := range n {
		tr.Steps = append(tr.Steps, stepwise.Step{Text: fmt.Sprint("step ", i)})
		a[i] = float64(i%1000) / 1000
		b[i] = -1
		if i%3 == 0 {
			b[i] = 1 - a[i]
		}
	}
	it := &ExportItem{Problem: &stepwise.Problem{Text: "p"}, Trace: tr, Labels: make([]StepLabel, n), PRM: [][]float64{a, b}}
	var buf bytes.Buffer
	w := newStepsParquetWriter(&buf)
	if err := w.(PRMColumner).SetPRMColumns([]string{"a", "b"}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write(it); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	type row struct {
		StepRow
		A *float64 `parquet:"prm_a,optional"`
		B *float64 `parquet:"prm_b,optional"`
	}
	rows, err := parquet.Read[row](bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != n {
		t.Fatalf("%d rows, want %d", len(rows), n)
	}
	for i, r := range rows {
		if r.Step != int64(i) || r.Text != tr.Steps[i].Text || r.A == nil || *r.A != a[i] || (r.B != nil) != (b[i] >= 0) || r.B != nil && *r.B != b[i] {
			t.Fatalf("row %d: step %d %q a=%v b=%v, want a=%v b=%v", i, r.Step, r.Text, r.A, r.B, a[i], b[i])
		}
	}
}

// TestStepsParquetPRMColumnsLate: PRM columns named after rows were
// written are refused, not silently left out.
func TestStepsParquetPRMColumnsLate(t *testing.T) {
	w := newStepsParquetWriter(&bytes.Buffer{})
	tr := &stepwise.Trace{Steps: []stepwise.Step{{Text: "x"}}}
	if _, err := w.Write(&ExportItem{Problem: &stepwise.Problem{}, Trace: tr, Labels: make([]StepLabel, 1)}); err != nil {
		t.Fatal(err)
	}
	if err := w.(PRMColumner).SetPRMColumns([]string{"a"}); err == nil {
		t.Fatal("PRM columns accepted after the first row")
	}
}
