package formats

import (
	"testing"
)

func TestGSM8KTest(t *testing.T) {
	items := readAll(t, sample("gsm8k", "test_first200.jsonl"), "", nil)
	if len(items) != 200 {
		t.Fatalf("got %d, want 200", len(items))
	}
	calcs, grouped := 0, 0
	for _, it := range items {
		for _, s := range it.Trace.Steps {
			calcs += len(s.Calcs)
			for _, c := range s.Calcs {
				if got := it.Trace.Raw[c.Span.Start:c.Span.End]; got != "<<"+c.Expr+"="+c.Result+">>" {
					t.Fatalf("calc span %q", got)
				}
			}
		}
		if it.Trace.FinalAnswer == "2,125" {
			grouped++
			if it.Trace.Correct != nil {
				t.Errorf("the codec graded the reference answer 2,125; the import's grader does")
			}
		}
	}
	if calcs != 620 {
		t.Errorf("%d calculator annotations, want 620", calcs)
	}
	if grouped != 1 {
		t.Errorf("%d answers '2,125', want 1", grouped)
	}
	tr := items[0].Trace
	if len(tr.Steps) != 2 || tr.Steps[0].Text != "Janet sells 16 - 3 - 4 = <<16-3-4=9>>9 duck eggs a day." {
		t.Fatalf("first record steps: %d %q", len(tr.Steps), tr.Steps[0].Text)
	}
	if tr.FinalAnswer != "18" || items[0].Problem.GoldAnswer != "18" || tr.Dataset != "gsm8k" {
		t.Errorf("answer %q gold %q dataset %q", tr.FinalAnswer, items[0].Problem.GoldAnswer, tr.Dataset)
	}
	if c := tr.Steps[1].Calcs[0]; c.Expr != "9*2" || c.Result != "18" {
		t.Errorf("calc %+v", c)
	}
	if want := "Janet\u2019s ducks"; items[0].Problem.Text[:len(want)] != want {
		t.Errorf("problem text not unescaped: %q", items[0].Problem.Text[:20])
	}
}

func TestGSM8KSocratic(t *testing.T) {
	items := readAll(t, sample("gsm8k", "test_socratic_first50.jsonl"), "", nil)
	if len(items) != 50 || items[0].Trace.Dataset != "gsm8k/socratic" {
		t.Fatalf("got %d items, dataset %q", len(items), items[0].Trace.Dataset)
	}
	if s := items[0].Trace.Steps[0].Text; s[:len("How many eggs does Janet sell? ** ")] != "How many eggs does Janet sell? ** " {
		t.Errorf("socratic prefix lost: %q", s)
	}
}

func TestGSM8KModelSolutions(t *testing.T) {
	items := readAll(t, sample("gsm8k", "example_model_solutions_first50.jsonl"), "", nil)
	if len(items) != 200 {
		t.Fatalf("got %d traces, want 4 per problem = 200", len(items))
	}
	correct := 0
	for _, it := range items {
		if it.Trace.Correct != nil && *it.Trace.Correct {
			correct++
		}
	}
	if correct != 66 {
		t.Errorf("%d correct, want 66", correct)
	}
	// First problem: four models share one problem, gold answer 18.
	first := items[:4]
	for _, it := range first {
		if it.Problem.ID != first[0].Problem.ID || it.Problem.GoldAnswer != "18" {
			t.Fatalf("problem not shared or gold wrong: %s %q", it.Problem.ID, it.Problem.GoldAnswer)
		}
	}
	byModel := map[string]string{}
	for _, it := range first {
		byModel[it.Trace.Model] = it.Trace.FinalAnswer
	}
	want := map[string]string{"6b_finetuning": "26", "6b_verification": "224", "175b_finetuning": "4", "175b_verification": "18"}
	for m, a := range want {
		if byModel[m] != a {
			t.Errorf("%s answered %q, want %q", m, byModel[m], a)
		}
	}
}

func TestLastBoxed(t *testing.T) {
	if b, ok := LastBoxed(`x \boxed{a} y \boxed{\frac{1}{\sqrt{2}}} z`); !ok || b != `\frac{1}{\sqrt{2}}` {
		t.Errorf("LastBoxed = %q %v", b, ok)
	}
}
