package formats

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stepwise-dev/stepwise"
)

const stepRowsSample = `{"annotator":"ana","dataset":"d","error_type":"","final_answer":"7","final_answer_correct":true,"first_error":1,"hallucinated":false,"label":1,"label_origin":"human","model":"m","note":"","problem":"P?","problem_id":"p1","rating":"good","source_id":"s1","step":0,"step_count":2,"text":"a","trace_id":"d:s1"}
{"annotator":"","dataset":"d","error_type":"calculation","final_answer":"7","final_answer_correct":true,"first_error":1,"hallucinated":true,"label":-1,"label_origin":"source","model":"m","note":"why","problem":"P?","problem_id":"p1","rating":"bad","source_id":"s1","step":1,"step_count":2,"text":"b","trace_id":"d:s1"}
{"annotator":"","dataset":"d","error_type":"","final_answer":"","final_answer_correct":null,"first_error":null,"hallucinated":false,"label":null,"label_origin":"","model":"","note":"","problem":"Q?","problem_id":"p2","rating":"unlabeled","source_id":"","step":0,"step_count":1,"text":"c","trace_id":"d:xyz"}`

func decodeRows(t *testing.T, data string) ([]Item, []error) {
	t.Helper()
	g := stepRows{}.NewGroup()
	var items []Item
	var errs []error
	for i, line := range strings.Split(data, "\n") {
		got, err := g.Decode(Record{Data: []byte(line), Path: "f", Line: i + 1}, &Options{})
		if err != nil {
			errs = append(errs, err)
		}
		items = append(items, got...)
	}
	if _, err := g.Flush(); err != nil {
		errs = append(errs, err)
	}
	return items, errs
}

func TestStepRowsDecode(t *testing.T) {
	items, errs := decodeRows(t, stepRowsSample)
	if len(errs) > 0 || len(items) != 2 {
		t.Fatalf("items %d errs %v", len(items), errs)
	}
	a := items[0].Trace
	if a.SourceID != "s1" || a.Dataset != "d" || a.Raw != "a\n\nb" || *a.Correct != true ||
		a.Steps[0].StepRating() != stepwise.Good || a.Steps[1].StepRating() != stepwise.Bad {
		t.Fatalf("trace %+v", a)
	}
	l := a.Steps[1].Labels[0]
	if l.Category != "calculation" || l.Reason != "why" || l.Flagged == nil || !*l.Flagged || l.Origin != stepwise.OriginAutomatic {
		t.Fatalf("label %+v", l)
	}
	if a.Steps[0].Labels[0].Origin != stepwise.OriginHuman || a.Steps[0].Labels[0].Annotator != "ana" {
		t.Fatalf("human label %+v", a.Steps[0].Labels[0])
	}
	b := items[1].Trace
	if b.SourceID != "d:xyz" || len(b.Steps[0].Labels) != 0 || b.Correct != nil {
		t.Fatalf("unlabeled trace %+v", b)
	}
	// Rows out of order or cut short are reported, naming the trace.
	lines := strings.Split(stepRowsSample, "\n")
	_, errs = decodeRows(t, lines[1])
	if len(errs) == 0 || !strings.Contains(errs[0].Error(), `"d:s1" starts at step 1`) {
		t.Fatalf("out of order: %v", errs)
	}
	_, errs = decodeRows(t, lines[0]+"\n"+lines[2])
	if len(errs) == 0 || !strings.Contains(errs[0].Error(), "has 1 of its 2 step rows") {
		t.Fatalf("cut short: %v", errs)
	}
}

func TestTRLDecode(t *testing.T) {
	items, err := trl{}.Decode(Record{Data: []byte(`{"prompt":"P","completions":["a","b \\boxed{3}"],"labels":[true,false]}`)}, &Options{})
	if err != nil || len(items) != 1 {
		t.Fatal(err)
	}
	tr := items[0].Trace
	if tr.Steps[0].StepRating() != stepwise.Good || tr.Steps[1].StepRating() != stepwise.Bad || tr.FinalAnswer != "3" {
		t.Fatalf("%+v", tr)
	}
	for _, bad := range []string{`{"prompt":"P","completions":["a"],"labels":[]}`, `{"completions":[],"labels":[]}`, `{"prompt":1}`} {
		if _, err := (trl{}).Decode(Record{Data: []byte(bad)}, &Options{}); err == nil {
			t.Errorf("%s accepted", bad)
		}
	}
}

func FuzzDecodeStepRows(f *testing.F) {
	f.Add([]byte(stepRowsSample))
	f.Fuzz(func(t *testing.T, data []byte) {
		g := stepRows{}.NewGroup()
		var items []Item
		for i, line := range bytes.Split(data, []byte("\n")) {
			got, err := g.Decode(Record{Data: line, Path: "f", Line: i + 1}, &Options{})
			if err == nil {
				items = append(items, got...)
			}
		}
		g.Flush()
		for _, it := range items {
			if err := finish(&it); err != nil {
				t.Fatalf("finish: %v", err)
			}
		}
	})
}

func FuzzDecodeTRL(f *testing.F) {
	f.Add([]byte(`{"prompt":"P","completions":["a","b"],"labels":[true,false]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		items, err := trl{}.Decode(Record{Data: data, Path: "f", Line: 1}, &Options{})
		if err != nil {
			return
		}
		for _, it := range items {
			if err := finish(&it); err != nil {
				t.Fatalf("finish: %v", err)
			}
		}
	})
}
