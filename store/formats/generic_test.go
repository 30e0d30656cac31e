package formats

import (
	"reflect"
	"strings"
	"testing"

	"github.com/stepwise-dev/stepwise"
)

// genericNestedMapping maps the constructed fixture's nested fields.
func genericNestedMapping() *Options {
	return &Options{LabelBase: 1, Mapping: map[string]string{
		"id": "uid", "problem": "question.problem", "steps": "solutions.0.text", "gold": "question.answer",
		"model": "solutions.0.model", "correct": "solutions.0.ok", "label": "solutions.0.first_error",
	}}
}

func TestGenericNested(t *testing.T) {
	path := constructed("generic_nested_example.jsonl")
	items := readAll(t, path, "generic", genericNestedMapping())
	if len(items) != 3 {
		t.Fatalf("got %d traces, want 3", len(items))
	}
	tr := items[0].Trace
	if tr.Source.Format != "generic" || tr.Dataset != "generic/generic_nested_example" || tr.SourceID != "g-1" || tr.Model != "toy-model-a" {
		t.Errorf("record 0: format %q dataset %q id %q model %q", tr.Source.Format, tr.Dataset, tr.SourceID, tr.Model)
	}
	wantSteps := []string{"Multiplication comes first: 3 * 4 = 12.", "Then 2 + 12 = 14.", "The answer is $\\boxed{14}$."}
	var got []string
	for _, s := range tr.Steps {
		got = append(got, s.Text)
	}
	if !reflect.DeepEqual(got, wantSteps) {
		t.Errorf("steps %q", got)
	}
	// No answer field: the codec extracts nothing (the import's grader finds
	// the boxed 14).
	if tr.FinalAnswer != "" || items[0].Problem.GoldAnswer != "14" || items[0].Problem.Text != "What is 2 + 3 * 4?" {
		t.Errorf("answer %q gold %q problem %q", tr.FinalAnswer, items[0].Problem.GoldAnswer, items[0].Problem.Text)
	}
	if tr.Correct == nil || !*tr.Correct || tr.CorrectBy != "source: solutions.0.ok" {
		t.Errorf("correct %v by %q", tr.Correct, tr.CorrectBy)
	}
	if got := traceRatingList(tr); !reflect.DeepEqual(got, []stepwise.Rating{rGood, rGood, rGood}) {
		t.Errorf("record 0 ratings %v", got)
	}
	// Record 1: first_error 1 in base 1 is step 0; the rest unknown.
	tr = items[1].Trace
	if got := traceRatingList(tr); !reflect.DeepEqual(got, []stepwise.Rating{rBad, rUnl, rUnl}) {
		t.Errorf("record 1 ratings %v", got)
	}
	if l := tr.Steps[0].Labels[0]; !l.FirstError || l.OrigIndex != 1 || l.Base != 1 || l.Source != "generic.solutions.0.first_error" {
		t.Errorf("record 1 label %+v", l)
	}
	if tr.Correct == nil || *tr.Correct {
		t.Errorf("record 1 correct %v, want false", tr.Correct)
	}
	// Record 2: numeric id, string label "-1", correct as 1.
	tr = items[2].Trace
	if tr.SourceID != "7" || tr.Correct == nil || !*tr.Correct || tr.LabelState() != stepwise.LabelCorrect {
		t.Errorf("record 2: id %q correct %v state %s", tr.SourceID, tr.Correct, tr.LabelState())
	}
}

func TestGenericListSteps(t *testing.T) {
	opts := &Options{Dataset: "toy", Model: "override", StepSeparator: "\n",
		Mapping: map[string]string{"problem": "q", "steps": "s", "label": "l", "answer": "a"}}
	rec := Record{Data: []byte(`{"q":"Q","s":["one","two","three"],"l":1,"a":"9","model":"m"}`), Path: "x.jsonl", Line: 1}
	items, err := (generic{}).Decode(rec, opts)
	if err != nil {
		t.Fatal(err)
	}
	tr := items[0].Trace
	if tr.Raw != "one\ntwo\nthree" || len(tr.Steps) != 3 || tr.Steps[2].Span.Start != 8 {
		t.Errorf("raw %q steps %d", tr.Raw, len(tr.Steps))
	}
	if got := traceRatingList(tr); !reflect.DeepEqual(got, []stepwise.Rating{rGood, rBad, rUnl}) {
		t.Errorf("ratings %v", got)
	}
	if tr.Dataset != "toy" || tr.Model != "override" || tr.FinalAnswer != "9" {
		t.Errorf("dataset %q model %q answer %q", tr.Dataset, tr.Model, tr.FinalAnswer)
	}
}

func TestGenericErrors(t *testing.T) {
	data := []byte(`{"q":"Q","s":["a","b"],"n":{"x":1},"l":5}`)
	cases := []struct {
		name    string
		mapping map[string]string
		base    int
		want    string
	}{
		{"no problem", map[string]string{"steps": "s"}, 0, "--map problem=KEY"},
		{"no steps", map[string]string{"problem": "q"}, 0, "--map steps=KEY"},
		{"unknown field", map[string]string{"problem": "q", "steps": "s", "prolem": "q"}, 0, `unknown mapping field "prolem"`},
		{"missing key", map[string]string{"problem": "question", "steps": "s"}, 0, `key "question" not found`},
		{"wrong type", map[string]string{"problem": "n", "steps": "s"}, 0, "holds an object"},
		{"steps not strings", map[string]string{"problem": "q", "steps": "n.x"}, 0, "want a list of strings"},
		{"label base", map[string]string{"problem": "q", "steps": "s"}, 2, "label base 2"},
	}
	for _, c := range cases {
		_, err := (generic{}).Decode(Record{Data: data, Path: "x.jsonl", Line: 1}, &Options{Mapping: c.mapping, LabelBase: c.base})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one containing %q", c.name, err, c.want)
		}
	}
	// A label, correctness or gold answer that cannot be read leaves the
	// steps as they are, with a warning.
	for _, c := range []struct {
		name    string
		mapping map[string]string
		want    string
	}{
		{"label range", map[string]string{"problem": "q", "steps": "s", "label": "l"}, "out of range"},
		{"bad correct", map[string]string{"problem": "q", "steps": "s", "correct": "q"}, "want true/false"},
		{"bad gold", map[string]string{"problem": "q", "steps": "s", "gold": "n"}, "holds an object"},
	} {
		items, err := (generic{}).Decode(Record{Data: data, Path: "x.jsonl", Line: 1}, &Options{Mapping: c.mapping})
		if err != nil || len(items[0].Trace.Steps) != 2 || items[0].Trace.Strip() != ".." || len(items[0].Warnings) != 1 ||
			!strings.Contains(items[0].Warnings[0], c.want) {
			t.Errorf("%s: %v %+v", c.name, err, items)
		}
	}
	// Never detected: only --format generic chooses it.
	if (generic{}).Detect(Keys{"problem": nil, "steps": nil}) {
		t.Errorf("generic detected a file")
	}
	if c, err := Lookup("generic"); err != nil || c.Name() != "generic" {
		t.Errorf("Lookup(generic) = %v, %v", c, err)
	}
}

func TestLookupPath(t *testing.T) {
	root := map[string]any{"a": []any{map[string]any{"b": "x"}}, "c": "y"}
	for path, want := range map[string]any{"a.0.b": "x", "c": "y"} {
		if got, ok := lookupPath(root, path); !ok || got != want {
			t.Errorf("lookupPath(%q) = %v, %v", path, got, ok)
		}
	}
	for _, path := range []string{"a.1.b", "a.x", "c.d", "z", "a.-1"} {
		if _, ok := lookupPath(root, path); ok {
			t.Errorf("lookupPath(%q) found something", path)
		}
	}
}

func FuzzDecodeGeneric(f *testing.F) {
	f.Add(`{"uid":"g","question":{"problem":"P","answer":"1"},"solutions":[{"text":"a\n\nb \\boxed{1}","model":"m","first_error":2,"ok":true}]}`)
	f.Add(`{"uid":1,"question":{"problem":2},"solutions":[{"text":["a",""],"first_error":"-1","ok":0}]}`)
	fuzzCodecDecode(f, generic{}, genericNestedMapping())
}
