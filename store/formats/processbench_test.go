package formats

import (
	"testing"

	"github.com/stepwise-dev/stepwise"
)

func TestProcessBenchGSM8K(t *testing.T) {
	items := readAll(t, sample("processbench", "gsm8k_0-99_and_200-299.json"), "", nil)
	if len(items) != 200 {
		t.Fatalf("got %d traces, want 200", len(items))
	}
	if items[0].Trace.Source.Format != "processbench" {
		t.Fatalf("detected %q", items[0].Trace.Source.Format)
	}
	allCorrect := 0
	for _, it := range items {
		if fe := it.Trace.FirstError(); fe != nil && *fe == -1 {
			allCorrect++
		}
	}
	if allCorrect != 96 {
		t.Errorf("%d traces with label -1, want 96", allCorrect)
	}
	// gsm8k-0: label 1, 4 steps, final answer wrong.
	tr := items[0].Trace
	if tr.SourceID != "gsm8k-0" || tr.Model != "Qwen2-7B-Instruct" || len(tr.Steps) != 4 {
		t.Fatalf("gsm8k-0 decoded as %q %q with %d steps", tr.SourceID, tr.Model, len(tr.Steps))
	}
	if tr.Dataset != "processbench/gsm8k" {
		t.Errorf("dataset %q", tr.Dataset)
	}
	want := []stepwise.Rating{stepwise.Good, stepwise.Bad, stepwise.Unlabeled, stepwise.Unlabeled}
	for i, w := range want {
		if got := tr.Steps[i].StepRating(); got != w {
			t.Errorf("step %d rating %v, want %v", i, got, w)
		}
	}
	if l := tr.Steps[1].Labels[0]; !l.FirstError || l.OrigIndex != 1 || l.Base != 0 {
		t.Errorf("first-error label %+v", l)
	}
	if fe := tr.FirstError(); fe == nil || *fe != 1 {
		t.Errorf("FirstError = %v", fe)
	}
	if tr.Correct == nil || *tr.Correct {
		t.Errorf("correct = %v, want false", tr.Correct)
	}
	if got := tr.Steps[1].Text[:40]; got != "On Saturday, they take back one third of" {
		t.Errorf("step 1 text %q", got)
	}
	if tr.LabelState() != stepwise.LabelError {
		t.Errorf("label state %s", tr.LabelState())
	}
}

func TestProcessBenchMathSemantics(t *testing.T) {
	items := readAll(t, sample("processbench", "math_0-49_and_500-549.json"), "", nil)
	if len(items) != 100 {
		t.Fatalf("got %d traces", len(items))
	}
	noErr, errButCorrect, maxSteps := 0, 0, 0
	for _, it := range items {
		fe := it.Trace.FirstError()
		if fe == nil {
			t.Fatalf("%s: nil first error", it.Trace.SourceID)
		}
		if *fe == -1 {
			noErr++
		} else if *it.Trace.Correct {
			errButCorrect++
		}
		maxSteps = max(maxSteps, len(it.Trace.Steps))
	}
	if noErr != 37 || errButCorrect != 13 || maxSteps != 32 {
		t.Errorf("label -1: %d (want 37); error but correct answer: %d (want 13); max steps %d (want 32)",
			noErr, errButCorrect, maxSteps)
	}
}

func TestFirstErrorLabelUnknownAfter(t *testing.T) {
	if l := firstErrorLabel(5, 2, 0, "x"); l.Rating != stepwise.Unlabeled {
		t.Fatalf("step after first error is %v, want unlabeled", l.Rating)
	}
	if l := firstErrorLabel(1, 2, 1, "x"); !l.FirstError || l.Rating != stepwise.Bad {
		t.Fatalf("1-based first error not marked: %+v", l)
	}
}
