package store

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"maps"
	"slices"
	"sort"

	"github.com/stepwise-dev/stepwise"
)

// FormatLabels is the export of every annotator's current answers to label
// schemas' questions, one JSON line per answer.
const FormatLabels = "labels-jsonl"

// LabelRow is one line of a labels-jsonl export: an annotator's current
// answer to one question about a trace or one of its steps.
type LabelRow struct {
	TraceID   string `json:"trace_id"`
	Dataset   string `json:"dataset"`
	Step      int    `json:"step"` // -1: the whole trace
	Annotator string `json:"annotator"`
	// Question is "schema/question"; Schema is the schema's name.
	Question string          `json:"question"`
	Schema   string          `json:"schema"`
	Answer   stepwise.Answer `json:"answer"`
}

// exportLabels writes the answers of the filter's traces in the store's
// order of traces, then step, question and annotator. Events on hidden
// gold items stay out, as in every export.
func (db *DB) exportLabels(ctx context.Context, w io.Writer, opts ExportOptions, rep *ExportReport) error {
	type trace struct {
		dataset string
		events  []stepwise.Annotation
	}
	byTrace := map[string]*trace{}
	var order []string
	err := db.AllEvents(EventFilter{Dataset: opts.Filter.Dataset, Annotator: opts.Annotator, Since: opts.Since,
		Until: opts.Until, NoGold: true}, func(e Event) error {
		if e.Question == "" {
			return nil
		}
		t := byTrace[e.TraceID]
		if t == nil {
			t = &trace{}
			byTrace[e.TraceID] = t
			order = append(order, e.TraceID)
		}
		t.events = append(t.events, e.Annotation)
		return ctx.Err()
	})
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(w, 1<<20)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	for _, id := range order {
		t, err := db.Get(id)
		if err != nil {
			return err
		}
		marks := stepwise.FoldAnnotations(byTrace[id].events, 0)
		var rows []LabelRow
		for _, who := range slices.Sorted(maps.Keys(marks)) {
			for k, a := range marks[who].Answers {
				schema, _, _ := cutQuestion(k.Question)
				rows = append(rows, LabelRow{TraceID: id, Dataset: t.Dataset, Step: k.Step, Annotator: who,
					Question: k.Question, Schema: schema, Answer: a.Answer})
			}
		}
		sort.SliceStable(rows, func(i, j int) bool {
			a, b := rows[i], rows[j]
			if a.Step != b.Step {
				return a.Step < b.Step
			}
			if a.Question != b.Question {
				return a.Question < b.Question
			}
			return a.Annotator < b.Annotator
		})
		if len(rows) > 0 {
			rep.Traces++
		}
		for _, r := range rows {
			if err := enc.Encode(r); err != nil {
				return err
			}
			rep.Written++
		}
	}
	return bw.Flush()
}

func cutQuestion(q string) (schema, question string, ok bool) {
	for i := 0; i < len(q); i++ {
		if q[i] == '/' {
			return q[:i], q[i+1:], true
		}
	}
	return q, "", false
}
