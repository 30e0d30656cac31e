package store

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/stepwise-dev/stepwise"
)

// TestExportAnswerColumns: in a store, answers become steps-jsonl columns
// only once an event answers a question (the byte scan of HasAnswers
// finds it); a question no schema names, with a hostile id, gets a
// sanitized column of its answers' kind, and an answer's text whose bytes
// look like the scan's key is data, not a key.
func TestExportAnswerColumns(t *testing.T) {
	db := exportStore(t)
	var id string
	db.List(Filter{Dataset: "processbench"}, func(s Summary) error {
		if id == "" {
			id = s.ID
		}
		return nil
	})
	columns := func() (map[string]any, *ExportReport) {
		var buf bytes.Buffer
		rep, err := db.Export(context.Background(), &buf, ExportOptions{Format: "steps-jsonl", Filter: Filter{Dataset: "processbench"}})
		if err != nil {
			t.Fatal(err)
		}
		var row map[string]any
		if err := json.Unmarshal(bytes.SplitN(buf.Bytes(), []byte("\n"), 2)[0], &row); err != nil {
			t.Fatal(err)
		}
		return row, rep
	}
	note := `"question":"x/y"`
	if _, err := db.Annotate(stepwise.Annotation{Annotator: "ana", TraceID: id, Step: 0, Rating: stepwise.Good, Note: note}); err != nil {
		t.Fatal(err)
	}
	if row, rep := columns(); len(rep.AnswerColumns) != 0 || strings.Contains(strings.Join(keys(row), ","), "q_") {
		t.Fatalf("columns without answers: %v %+v", keys(row), rep.AnswerColumns)
	}
	q := "s/a \"b\"/../c"
	if _, err := db.Annotate(stepwise.Annotation{Annotator: "ana", TraceID: id, Step: -1, Question: q, Answer: &stepwise.Answer{Text: note}}); err != nil {
		t.Fatal(err)
	}
	row, rep := columns()
	if len(rep.AnswerColumns) != 1 || rep.AnswerColumns[0].Question != q || rep.AnswerColumns[0].Kind != stepwise.KindText ||
		row["q_s_a__b_____c"] != note {
		t.Fatalf("columns %+v, row %v", rep.AnswerColumns, row)
	}
}

func keys(m map[string]any) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
