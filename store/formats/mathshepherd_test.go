package formats

import (
	"reflect"
	"strings"
	"testing"

	"github.com/stepwise-dev/stepwise"
)

// The fixture is constructed from the dataset card's schema (no real sample
// exists outside Hugging Face); see testdata/NOTICE.
func TestMathShepherdConstructed(t *testing.T) {
	items := readAll(t, constructed("math_shepherd_card_example.jsonl"), "", nil)
	if len(items) != 3 {
		t.Fatalf("got %d traces, want 3", len(items))
	}
	wantRatings := [][]stepwise.Rating{{rGood, rGood, rGood}, {rGood, rBad, rBad}, {rGood, rGood, rGood}}
	wantDataset := []string{"math-shepherd/gsm8k", "math-shepherd/gsm8k", "math-shepherd/math"}
	wantAnswer := []string{"28", "13", `\frac{5}{6}`}
	for i, it := range items {
		tr := it.Trace
		if tr.Source.Format != "math-shepherd" || tr.Dataset != wantDataset[i] {
			t.Errorf("record %d: format %q dataset %q", i, tr.Source.Format, tr.Dataset)
		}
		if got := traceRatingList(tr); !reflect.DeepEqual(got, wantRatings[i]) {
			t.Errorf("record %d: ratings %v, want %v", i, got, wantRatings[i])
		}
		for j, s := range tr.Steps {
			l := s.Labels[0]
			if l.Origin != stepwise.OriginAutomatic || l.OrigIndex != j || l.Source != "math-shepherd.label" {
				t.Errorf("record %d step %d: label %+v", i, j, l)
			}
			if strings.Contains(s.Text, "ки") || strings.HasPrefix(s.Text, "Step") {
				t.Errorf("record %d step %d keeps the tag or prefix: %q", i, j, s.Text)
			}
		}
		if tr.FinalAnswer != wantAnswer[i] || tr.Correct != nil {
			t.Errorf("record %d: final %q correct %v", i, tr.FinalAnswer, tr.Correct)
		}
	}
	tr := items[1].Trace
	if tr.Steps[1].Text != "So 8 + 5 = <<8+5=13>>13 slices are left." {
		t.Errorf("step text %q", tr.Steps[1].Text)
	}
	if c := tr.Steps[1].Calcs; len(c) != 1 || c[0].Expr != "8+5" || c[0].Result != "13" ||
		tr.Raw[c[0].Span.Start:c[0].Span.End] != "<<8+5=13>>" {
		t.Errorf("calcs %+v", c)
	}
	if p := items[1].Problem.Text; p != "A pizza is cut into 8 slices. Ann eats 3 slices and Ben eats 2 slices. How many slices are left?" {
		t.Errorf("problem %q", p)
	}
	if tr.FirstError() == nil || *tr.FirstError() != 1 {
		t.Errorf("first error %v", tr.FirstError())
	}
}

func TestMathShepherdTolerance(t *testing.T) {
	dec := func(input, label string) ([]Item, error) {
		data := `{"input":` + jsonQuote(input) + `,"label":` + jsonQuote(label) + `,"task":"GSM8K"}`
		return (mathShepherd{}).Decode(Record{Data: []byte(data), Path: "m.jsonl", Line: 1}, &Options{})
	}
	// "ки ?" placeholder in both strings, and in the input only.
	items, err := dec("Q? Step 1: a ки ?\nStep 2: b ки ?", "Q? Step 1: a + ?\nStep 2: b - ?")
	if err != nil {
		t.Fatal(err)
	}
	if got := traceRatingList(items[0].Trace); !reflect.DeepEqual(got, []stepwise.Rating{rGood, rBad}) {
		t.Errorf("ratings %v", got)
	}
	if items, err = dec("Q? Step 1: a ки ?\nStep 2: b ки", "Q? Step 1: a +\nStep 2: b +"); err != nil || len(items[0].Trace.Steps) != 2 {
		t.Errorf("placeholder in input only: %v", err)
	}
	// Text after the last tag is kept as an unlabeled step, not dropped.
	items, err = dec("Q? Step 1: a ки\nStep 2: b", "Q? Step 1: a -\nStep 2: b")
	if err != nil {
		t.Fatal(err)
	}
	if got := traceRatingList(items[0].Trace); !reflect.DeepEqual(got, []stepwise.Rating{rBad, rUnl}) || items[0].Trace.Steps[1].Text != "b" {
		t.Errorf("trailing step: %v", got)
	}
	// Without a problem or a first step, input cannot be cut: skipped.
	for name, c := range map[string][2]string{
		"no step 1":  {"Q? a ки", "Q? a +"},
		"no problem": {"Step 1: a ки", "Step 1: a +"},
	} {
		if _, err := dec(c[0], c[1]); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	// A label that does not line up with input leaves the steps unlabeled,
	// with a warning: the steps are input's.
	for name, c := range map[string][2]string{
		"mark missing":     {"Q? Step 1: a ки", "Q? Step 1: a ки"},
		"text differs":     {"Q? Step 1: a ки", "Q? Step 1: b +"},
		"trailing differs": {"Q? Step 1: a ки x", "Q? Step 1: a + y"},
	} {
		items, err := dec(c[0], c[1])
		if err != nil {
			t.Errorf("%s: rejected: %v", name, err)
			continue
		}
		if got := traceRatingList(items[0].Trace); got[0] != rUnl || len(items[0].Warnings) != 1 ||
			!strings.Contains(items[0].Warnings[0], "the steps are left unlabeled") {
			t.Errorf("%s: ratings %v, warnings %q", name, got, items[0].Warnings)
		}
	}
	items, err = (mathShepherd{}).Decode(Record{Data: []byte(`{"input":"Q? Step 1: a ки","task":"MATH"}`)}, &Options{})
	if err != nil || len(items[0].Warnings) != 1 || traceRatingList(items[0].Trace)[0] != rUnl {
		t.Errorf("no label: %v %+v", err, items)
	}
}

func FuzzDecodeMathShepherd(f *testing.F) {
	f.Add(`{"input":"Q? Step 1: a = <<1+1=2>>2 ки\nStep 2: The answer is: 2 ки","label":"Q? Step 1: a = <<1+1=2>>2 +\nStep 2: The answer is: 2 -","task":"GSM8K"}`)
	f.Add(`{"input":"Q Step 1: ки ?Step 2:ки","label":"Q Step 1: - ?Step 2:+","task":"MATH"}`)
	fuzzCodecDecode(f, mathShepherd{}, &Options{})
}

// FuzzMathShepherdStrings varies input and label as strings, so that the
// tag alignment (not the JSON syntax) is what gets fuzzed.
func FuzzMathShepherdStrings(f *testing.F) {
	f.Add("Q? Step 1: a ки\nStep 2: b ки ?", "Q? Step 1: a +\nStep 2: b - ?")
	f.Add("Q Step 1: кики", "Q Step 1: +-")
	f.Fuzz(func(t *testing.T, input, label string) {
		data := `{"input":` + jsonQuote(input) + `,"label":` + jsonQuote(label) + `,"task":"MATH"}`
		items, err := (mathShepherd{}).Decode(Record{Data: []byte(data), Path: "f.jsonl", Line: 1}, &Options{})
		if err != nil {
			return
		}
		if err := finish(&items[0]); err != nil {
			t.Fatalf("finish: %v", err)
		}
	})
}
