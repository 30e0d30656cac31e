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
	for _, bad := range []string{`{"completions":[],"labels":[]}`, `{"prompt":1}`} {
		if _, err := (trl{}).Decode(Record{Data: []byte(bad)}, &Options{}); err == nil {
			t.Errorf("%s accepted", bad)
		}
	}
	// Labels that do not line up with the completions leave them unlabeled.
	items, err = trl{}.Decode(Record{Data: []byte(`{"prompt":"P","completions":["a","b"],"labels":[false]}`)}, &Options{})
	if err != nil || items[0].Trace.Strip() != ".." || len(items[0].Warnings) != 1 || !strings.Contains(items[0].Warnings[0], "2 completions but 1 labels") {
		t.Errorf("misaligned labels: %v %+v", err, items)
	}
}

// A step row whose label is not -1, 0, 1 or null keeps its text, unlabeled,
// with a warning naming its line.
func TestStepRowsBadLabel(t *testing.T) {
	lines := strings.Split(stepRowsSample, "\n")
	row := strings.Replace(lines[1], `"label":-1`, `"label":5`, 1)
	if row == lines[1] {
		t.Fatalf("sample row has no label -1: %s", lines[1])
	}
	items, errs := decodeRows(t, lines[0]+"\n"+row)
	if len(errs) != 0 || len(items) != 1 {
		t.Fatalf("items %d errors %v", len(items), errs)
	}
	if r := items[0].Trace.Steps[1].StepRating(); r != stepwise.Unlabeled || len(items[0].Warnings) != 1 ||
		!strings.Contains(items[0].Warnings[0], "line 2: label 5 is not -1, 0, 1 or null") {
		t.Errorf("rating %v warnings %q", r, items[0].Warnings)
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
