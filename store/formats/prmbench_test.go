package formats

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/stepwise-dev/stepwise"
)

func TestPRMBenchSample(t *testing.T) {
	items := readAll(t, sample("prmbench", "prmbench_subset400_sample.jsonl"), "", nil)
	if len(items) != 198 {
		t.Fatalf("got %d traces, want 198", len(items))
	}
	// Five real records list error steps past the end of modified_process
	// (python3: line 124 → 21, 158 → 21, 162 → 18 and 19, 176 → 10,
	// 178 → 12); they are imported with the fact kept in Meta.
	beyond := map[int]string{124: "21", 158: "21", 162: "18 19", 176: "10", 178: "12"}
	for _, it := range items {
		if want, ok := beyond[it.Trace.Source.Line]; ok {
			if got := it.Trace.Meta["error_steps_beyond_end"]; got != want {
				t.Errorf("line %d: error_steps_beyond_end %q, want %q", it.Trace.Source.Line, got, want)
			}
			delete(beyond, it.Trace.Source.Line)
		} else if _, ok := it.Trace.Meta["error_steps_beyond_end"]; ok {
			t.Errorf("line %d: unexpected error_steps_beyond_end", it.Trace.Source.Line)
		}
	}
	if len(beyond) > 0 {
		t.Errorf("records not imported: %v", beyond)
	}
	byClass := map[string]int{}
	steps, bads, ids := 0, 0, map[string]bool{}
	for _, it := range items {
		tr := it.Trace
		if tr.Source.Format != "prmbench" || tr.Dataset != "prmbench" {
			t.Fatalf("format %q dataset %q", tr.Source.Format, tr.Dataset)
		}
		byClass[tr.Meta["classification"]]++
		steps += len(tr.Steps)
		for _, s := range tr.Steps {
			if len(s.Labels) != 1 || s.Labels[0].Base != 1 || s.Labels[0].OrigIndex != s.Index+1 ||
				s.Labels[0].Origin != stepwise.OriginModel {
				t.Fatalf("%s step %d: labels %+v", tr.SourceID, s.Index, s.Labels)
			}
			if s.StepRating() == rBad {
				bads++
			}
		}
		ids[tr.SourceID] = true
	}
	want := map[string]int{"confidence": 24, "step_contradiction": 24, "circular": 24, "domain_inconsistency": 24,
		"redundency": 24, "counterfactual": 24, "deception": 24, "missing_condition": 24, "multi_solutions": 6}
	if !reflect.DeepEqual(byClass, want) {
		t.Errorf("classes %v, want %v", byClass, want)
	}
	if steps != 2700 || bads != 434 || len(ids) != 198 {
		t.Errorf("%d steps (want 2700), %d bad (want 434), %d distinct source ids (want 198)", steps, bads, len(ids))
	}
}

func TestPRMBenchLabels(t *testing.T) {
	items, _ := readAllErrs(t, sample("prmbench", "prmbench_subset400_sample.jsonl"), "", nil)
	tr := items[0].Trace
	if tr.SourceID != "prm_test_p1_0/confidence" || len(tr.Steps) != 6 {
		t.Fatalf("first record %q with %d steps", tr.SourceID, len(tr.Steps))
	}
	if got, want := traceRatingList(tr), []stepwise.Rating{rGood, rGood, rGood, rGood, rBad, rBad}; !reflect.DeepEqual(got, want) {
		t.Errorf("ratings %v, want %v", got, want)
	}
	l := tr.Steps[4].Labels[0]
	if l.OrigIndex != 5 || l.Category != "confidence" || !strings.HasPrefix(l.Reason, "Steps 5 and 6 contain confident hallucinations") {
		t.Errorf("bad-step label %+v", l)
	}
	if tr.Steps[4].Text != "This simplifies to $2p=0.58$. So $p=0.58$." {
		t.Errorf("step 4 text %q", tr.Steps[4].Text)
	}
	// Every error is listed, so there is no unknown step: a full error state.
	if fe := tr.FirstError(); fe == nil || *fe != 4 || tr.LabelState() != stepwise.LabelError {
		t.Errorf("first error %v, state %s", fe, tr.LabelState())
	}
	var orig []string
	if err := json.Unmarshal([]byte(tr.Meta["original_process"]), &orig); err != nil || len(orig) != 6 ||
		orig[4] != "This simplifies to $2p=0.58$. So $p=0.29$." {
		t.Errorf("original_process meta: %v %q", err, orig)
	}
	if tr.Meta["modified_steps"] != "[5, 6]" {
		t.Errorf("modified_steps meta %q", tr.Meta["modified_steps"])
	}
	// The problem is modified_question; the LaTeX-escaped "question" differs and is kept.
	p := items[0].Problem
	if !strings.HasPrefix(p.Text, "Three pencils and a jumbo eraser cost $1.24.") ||
		!strings.HasPrefix(tr.Meta["question"], `Three pencils and a jumbo eraser cost $\$1.24$.`) {
		t.Errorf("problem %q, question meta %q", p.Text, tr.Meta["question"])
	}
	// Record 2 (prm_test_p1_2): error_steps [3, 5] of 6.
	if got, want := traceRatingList(items[1].Trace), []stepwise.Rating{rGood, rGood, rBad, rGood, rBad, rGood}; !reflect.DeepEqual(got, want) {
		t.Errorf("record 2 ratings %v, want %v", got, want)
	}
}

func TestPRMBenchMultiSolutions(t *testing.T) {
	items, _ := readAllErrs(t, sample("prmbench", "prmbench_subset400_sample.jsonl"), "", nil)
	var multi []Item
	for _, it := range items {
		if it.Trace.Meta["classification"] == "multi_solutions" {
			multi = append(multi, it)
		}
	}
	if len(multi) != 6 {
		t.Fatalf("%d multi_solutions rows, want 6", len(multi))
	}
	wantSteps := []int{11, 18, 14, 8, 13, 13}
	wantGold := []string{"29", "40_9", `\sqrt{53}`, `\frac 59`, "0", "3"}
	wantFinal := []string{"29", "40_9", `\sqrt{53}`, `\dfrac{5}{9}`, "0", "3"}
	for i, it := range multi {
		tr := it.Trace
		if len(tr.Steps) != wantSteps[i] || tr.LabelState() != stepwise.LabelCorrect {
			t.Errorf("row %d: %d steps (want %d), state %s", i, len(tr.Steps), wantSteps[i], tr.LabelState())
		}
		if it.Problem.GoldAnswer != wantGold[i] || tr.FinalAnswer != wantFinal[i] {
			t.Errorf("row %d: gold %q final %q", i, it.Problem.GoldAnswer, tr.FinalAnswer)
		}
		// PRMBench states no verdict on the final answer: the import's
		// answer grader decides it against the gold answer.
		if tr.Correct != nil {
			t.Errorf("row %d: correct %v from the codec, want none", i, *tr.Correct)
		}
		if tr.Meta["original_response"] == "" {
			t.Errorf("row %d: original_response not kept", i)
		}
	}
	// Steps keep their trailing newlines and indentation byte for byte.
	want := "Step 1. I need to solve this problem to find the cost of a pencil in cents. The problem gives me two scenarios involving pencils and jumbo erasers, along with their total costs. Let's first understand what's being asked.\n\n        "
	if got := multi[0].Trace.Steps[0].Text; got != want {
		t.Errorf("step text not byte-exact: %q", got)
	}
}

// A record without steps or a question is skipped; one whose error_steps
// cannot all be placed is imported with a warning, the steps it lists
// wrong and the others unknown.
func TestPRMBenchBadRecords(t *testing.T) {
	cases := map[string]string{
		"no process":      `{"error_steps":[],"classification":"c","question":"q"}`,
		"no question":     `{"modified_process":["a"],"error_steps":[],"classification":"c"}`,
		"string in steps": `{"modified_process":["a",1],"error_steps":[],"classification":"c","question":"q"}`,
	}
	for name, data := range cases {
		if _, err := (prmBench{}).Decode(Record{Data: []byte(data), Path: "x.jsonl", Line: 1}, &Options{}); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	for data, want := range map[string]struct{ strip, warning string }{
		`{"modified_process":["a","b"],"error_steps":[0,2],"classification":"c","question":"q"}`:        {".x", "[0] is not a 1-based step number"},
		`{"modified_process":["a","b"],"classification":"c","question":"q"}`:                            {"..", "no error_steps"},
		`{"modified_process":["a","b"],"error_steps":"2","classification":"c","question":"q"}`:          {"..", "want a list of step numbers"},
		`{"modified_process":["a","b"],"error_steps":["2","x"],"classification":"c","question":"q"}`:    {".x", `"x" is not a step number`},
		`{"modified_process":["a","b"],"error_steps":[1],"idx":{},"classification":"c","question":"q"}`: {"x+", "field idx"},
	} {
		items, err := (prmBench{}).Decode(Record{Data: []byte(data), Path: "x.jsonl", Line: 1}, &Options{})
		if err != nil {
			t.Errorf("%s: rejected: %v", data, err)
			continue
		}
		if got := items[0].Trace.Strip(); got != want.strip || len(items[0].Warnings) != 1 || !strings.Contains(items[0].Warnings[0], want.warning) {
			t.Errorf("%s: strip %q warnings %q, want %q and one warning with %q", data, got, items[0].Warnings, want.strip, want.warning)
		}
	}
}

// error_types (stepwise's export of a person's labels) gives each error
// step its own type; without it, or misaligned, every one is the record's
// classification.
func TestPRMBenchErrorTypes(t *testing.T) {
	for data, want := range map[string][]string{
		`{"question":"q","modified_process":["a","b","c"],"error_steps":[1,3],"error_types":["misread","confidence"],"classification":"confidence"}`: {"misread", "", "confidence"},
		`{"question":"q","modified_process":["a","b","c"],"error_steps":[1,3],"error_types":["misread",""],"classification":"confidence"}`:           {"misread", "", "confidence"},
		`{"question":"q","modified_process":["a","b","c"],"error_steps":[1,3],"error_types":["misread"],"classification":"confidence"}`:              {"confidence", "", "confidence"},
		`{"question":"q","modified_process":["a","b","c"],"error_steps":[1,3],"classification":"confidence"}`:                                        {"confidence", "", "confidence"},
	} {
		items, err := (prmBench{}).Decode(Record{Data: []byte(data), Path: "x.jsonl", Line: 1}, &Options{})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, st := range items[0].Trace.Steps {
			got = append(got, st.Labels[0].Category)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: categories %q, want %q", data, got, want)
		}
	}
}

// An error step past the end cannot be placed: the steps listed that exist
// are wrong, the others unknown (never "correct"), and the record carries a
// warning for the import summary.
func TestPRMBenchErrorStepPastEnd(t *testing.T) {
	data := `{"modified_process":["a","b","c"],"error_steps":[2,4],"classification":"c","question":"q"}`
	items, err := (prmBench{}).Decode(Record{Data: []byte(data), Path: "x.jsonl", Line: 1}, &Options{})
	if err != nil {
		t.Fatal(err)
	}
	tr := items[0].Trace
	got := []stepwise.Rating{tr.Steps[0].StepRating(), tr.Steps[1].StepRating(), tr.Steps[2].StepRating()}
	if got[0] != stepwise.Unlabeled || got[1] != rBad || got[2] != stepwise.Unlabeled || tr.Meta["error_steps_beyond_end"] != "4" {
		t.Fatalf("ratings %v, meta %q", got, tr.Meta["error_steps_beyond_end"])
	}
	if len(items[0].Warnings) != 1 || !strings.Contains(items[0].Warnings[0], "past the last of 3") {
		t.Fatalf("warnings %q", items[0].Warnings)
	}
	// Every listed step in range: no warning, the others good.
	items, err = (prmBench{}).Decode(Record{Data: []byte(`{"modified_process":["a","b"],"error_steps":[2],"classification":"c","question":"q"}`), Path: "x.jsonl", Line: 1}, &Options{})
	if err != nil || len(items[0].Warnings) != 0 || items[0].Trace.Steps[0].StepRating() != rGood {
		t.Fatalf("in range: %v %q", err, items[0].Warnings)
	}
}

func FuzzDecodePRMBench(f *testing.F) {
	f.Add(`{"modified_question":"q","modified_process":["a","b \\boxed{2}"],"original_process":["a"],"modified_steps":[2],"error_steps":[2],"reason":"r","idx":"i","question":"q","classification":"confidence"}`)
	f.Add(`{"question":"q","modified_process":["Step 1.\n\n  ","# Answer\n\n3"],"error_steps":[],"classification":"multi_solutions","ground_truth":3,"idx":7}`)
	f.Add(`{"question":"q","modified_process":["a","b","c"],"error_steps":[1,3,9],"error_types":["misread","",null],"classification":"confidence","reason":"r"}`)
	fuzzCodecDecode(f, prmBench{}, &Options{})
}
