package export

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/stepwise-dev/stepwise"
)

// answersStore: trace 1 (three steps) answered by three annotators, with
// an undone answer, a gold answer and a question no schema names (a
// hostile id and text); trace 2 is a PRM800K quality-control record with
// an answer of its own.
func answersStore() *memStore {
	steps := []stepwise.Step{{Text: "one"}, {Text: "two"}, {Text: "three"}}
	m := &memStore{
		traces: []*stepwise.Trace{
			{ID: "t1", ProblemID: "p", Dataset: "d", Steps: steps},
			{ID: "t2", ProblemID: "p", Dataset: "d", Steps: steps, Meta: map[string]string{"is_quality_control_question": "true"}},
		},
		problems: map[string]*stepwise.Problem{"p": {ID: "p", Text: "problem"}},
		events:   map[uint64][]stepwise.Annotation{},
	}
	seq := uint64(0)
	add := func(trace uint64, who string, at int64, step int, q string, a *stepwise.Answer, mod ...func(*stepwise.Annotation)) {
		seq++
		e := stepwise.Annotation{Seq: seq, Annotator: who, Time: time.Unix(at, 0), TraceID: m.traces[trace-1].ID, Step: step, Question: q, Answer: a}
		for _, f := range mod {
			f(&e)
		}
		m.events[trace] = append(m.events[trace], e)
	}
	choice := func(c string) *stepwise.Answer { return &stepwise.Answer{Choice: c} }
	yes := true
	// Latest: ana's "good"; majority: "bad" (bo and cy).
	add(1, "bo", 1, -1, "s/verdict", choice("bad"))
	add(1, "cy", 2, -1, "s/verdict", choice("bad"))
	add(1, "ana", 5, -1, "s/verdict", choice("good"))
	// A tie: the value given latest wins under either rule.
	add(1, "ana", 1, 0, "s/tie", choice("x"))
	add(1, "bo", 2, 0, "s/tie", choice("y"))
	// Many-of: ana and bo chose the same set in another order.
	add(1, "ana", 1, 1, "s/tags", &stepwise.Answer{Choices: []string{"a", "b"}})
	add(1, "bo", 2, 1, "s/tags", &stepwise.Answer{Choices: []string{"b", "a"}})
	add(1, "cy", 3, 1, "s/tags", &stepwise.Answer{Choices: []string{"c"}})
	// Undone, and gold: neither is a label of the data.
	add(1, "ana", 6, 2, "s/undone", &stepwise.Answer{Bool: &yes})
	undone := seq
	add(1, "ana", 7, -1, "", nil, func(e *stepwise.Annotation) { e.Undoes = undone })
	add(1, "ana", 8, 2, "s/gold", &stepwise.Answer{Text: "gold"}, func(e *stepwise.Annotation) { e.Gold = true })
	// No schema names it: its kind is its answers'.
	add(1, "bo", 9, 2, `s/a "b"`, &stepwise.Answer{Text: "\x1b[31mred\x1b[0m"})
	add(2, "ana", 1, -1, "s/qc", choice("qc"))
	return m
}

// exportAnswers runs a steps-jsonl export and returns its rows' q_
// columns, and the report's column names.
func exportAnswers(t *testing.T, m *memStore, o Options) ([]map[string]any, []string) {
	t.Helper()
	o.Format = "steps-jsonl"
	var buf bytes.Buffer
	rep, err := Run(context.Background(), m, &buf, o)
	if err != nil {
		t.Fatal(err)
	}
	var rows []map[string]any
	for _, l := range strings.Split(strings.TrimSpace(buf.String()), "\n") {
		var r map[string]any
		if err := json.Unmarshal([]byte(l), &r); err != nil {
			t.Fatal(err)
		}
		q := map[string]any{}
		for k, v := range r {
			if strings.HasPrefix(k, "q_") {
				q[k] = v
			}
		}
		rows = append(rows, q)
	}
	var names []string
	for _, c := range rep.AnswerColumns {
		names = append(names, c.Name+"="+string(c.Kind))
	}
	return rows, names
}

func TestAnswerColumnsResolve(t *testing.T) {
	kinds := map[string]stepwise.QuestionKind{"s/verdict": stepwise.KindOneOf, "s/tie": stepwise.KindOneOf,
		"s/tags": stepwise.KindManyOf, "s/undone": stepwise.KindBoolean, "s/gold": stepwise.KindText}
	wantCols := []string{"q_s_a__b_=text", "q_s_tags=many-of", "q_s_tie=one-of", "q_s_verdict=one-of"}
	for _, c := range []struct {
		rule            Resolve
		verdict, tie    string
		tags1           []any
		hostile, qcRows bool
	}{
		{ResolveLatest, "good", "y", []any{"c"}, true, false},
		{ResolveMajority, "bad", "y", []any{"b", "a"}, true, false},
	} {
		rows, cols := exportAnswers(t, answersStore(), Options{Resolve: c.rule, Questions: kinds})
		if fmt.Sprint(cols) != fmt.Sprint(wantCols) {
			t.Fatalf("%s: columns %v, want %v", c.rule, cols, wantCols)
		}
		if len(rows) != 3 { // t2, quality control, is left out
			t.Fatalf("%s: %d rows", c.rule, len(rows))
		}
		want := []map[string]any{
			{"q_s_verdict": c.verdict, "q_s_tie": c.tie, "q_s_tags": nil, "q_s_a__b_": nil},
			{"q_s_verdict": c.verdict, "q_s_tie": nil, "q_s_tags": c.tags1, "q_s_a__b_": nil},
			{"q_s_verdict": c.verdict, "q_s_tie": nil, "q_s_tags": nil, "q_s_a__b_": "\x1b[31mred\x1b[0m"},
		}
		if !reflect.DeepEqual(rows, want) {
			t.Errorf("%s:\n got %v\nwant %v", c.rule, rows, want)
		}
	}
}

// TestAnswerColumnsFilters: --annotator keeps one annotator's answers
// (and columns), --labels source none, --include-qc the QC record's.
func TestAnswerColumnsFilters(t *testing.T) {
	rows, cols := exportAnswers(t, answersStore(), Options{Annotator: "cy"})
	if fmt.Sprint(cols) != "[q_s_tags=many-of q_s_verdict=one-of]" || rows[0]["q_s_verdict"] != "bad" ||
		!reflect.DeepEqual(rows[1]["q_s_tags"], []any{"c"}) {
		t.Errorf("--annotator cy: %v %v", cols, rows)
	}
	if rows, cols := exportAnswers(t, answersStore(), Options{Labels: LabelsSource}); len(cols) != 0 || len(rows[0]) != 0 {
		t.Errorf("--labels source: %v %v", cols, rows)
	}
	rows, cols = exportAnswers(t, answersStore(), Options{IncludeQC: true, Until: time.Unix(2, 0)})
	if len(rows) != 6 || !strings.Contains(fmt.Sprint(cols), "q_s_qc=one-of") || rows[3]["q_s_qc"] != "qc" || rows[0]["q_s_qc"] != nil {
		t.Errorf("--include-qc: %v %v", cols, rows)
	}
}
