package formats

import (
	"encoding/json"
	"testing"

	"github.com/stepwise-dev/stepwise"
)

// FuzzDecodeProcessBench: any record decodes to an error or to a trace that
// passes finish, whose steps are the record's steps as encoding/json reads
// them (sonic reads the record in place and must agree with it), labeled
// correct before the label, wrong at it and unknown after it; a label that
// is not a step index of the record leaves every step unknown, with a
// warning.
func FuzzDecodeProcessBench(f *testing.F) {
	f.Add([]byte(`{"id":"gsm8k-1","generator":"g","problem":"What is 2+2?","steps":["2+2=4","\\boxed{4}"],"final_answer_correct":true,"label":-1}`))
	f.Add([]byte(`{"id":"math-7","generator":"g","problem":"p \u00e9\\n","steps":["a\\u0000b","c\"d","e"],"final_answer_correct":false,"label":1}`))
	f.Add([]byte(`{"problem":"p","steps":[],"label":0,"generator":"g"}`))
	f.Add([]byte(`{"id":7,"problem":"p","steps":["a","b"],"label":"1","final_answer_correct":"0","generator":"g"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		items, err := processBench{}.Decode(Record{Data: data, Path: "fuzz.jsonl", Line: 1}, &Options{})
		if err != nil {
			return
		}
		var ref processBenchRecord
		if err := json.Unmarshal(data, &ref); err != nil {
			t.Fatalf("decoded a record encoding/json rejects (%v): %q", err, data)
		}
		label, ok := -2, false
		var lr any
		if json.Unmarshal(ref.Label, &lr) == nil {
			switch v := lr.(type) {
			case float64:
				label, ok = int(v), v == float64(int(v))
			case string:
				var f float64
				if json.Unmarshal([]byte(v), &f) == nil {
					label, ok = int(f), f == float64(int(f))
				}
			}
		}
		ok = ok && label >= -1 && label < len(ref.Steps)
		if !ok && len(items) == 1 && len(items[0].Warnings) == 0 {
			t.Fatalf("label %s is no step index of %d steps, and no warning says so", ref.Label, len(ref.Steps))
		}
		if len(items) != 1 {
			t.Fatalf("%d items", len(items))
		}
		if err := finish(&items[0]); err != nil {
			t.Fatalf("decoded item fails finish: %v", err)
		}
		tr := items[0].Trace
		if len(tr.Steps) != len(ref.Steps) {
			t.Fatalf("%d steps, encoding/json reads %d", len(tr.Steps), len(ref.Steps))
		}
		for i, st := range tr.Steps {
			if st.Text != ref.Steps[i] {
				t.Fatalf("step %d: %q, encoding/json reads %q", i, st.Text, ref.Steps[i])
			}
			want := stepwise.Unlabeled
			switch {
			case !ok:
			case label == -1 || i < label:
				want = stepwise.Good
			case i == label:
				want = stepwise.Bad
			}
			if len(st.Labels) != 1 || st.Labels[0].Rating != want {
				t.Fatalf("step %d labels %+v, want one %v (label %s)", i, st.Labels, want, ref.Label)
			}
		}
		if items[0].Problem.Text != ref.Problem {
			t.Fatalf("problem %q, encoding/json reads %q", items[0].Problem.Text, ref.Problem)
		}
	})
}

// FuzzDecodeGSM8K: any record decodes, as a GSM8K problem or as a model
// solution, to an error or to items that pass finish.
func FuzzDecodeGSM8K(f *testing.F) {
	f.Add([]byte(`{"question":"q","answer":"a <<2*3=6>>6\n#### 1,080"}`))
	f.Add([]byte(`{"question":"q","answer":"#### 6","model_solution":"so 6","model":"m","is_correct":true}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, c := range []Codec{gsm8k{}, gsm8kSolutions{}} {
			items, err := c.Decode(Record{Data: data, Path: "fuzz.jsonl", Line: 1}, &Options{})
			if err != nil {
				continue
			}
			for i := range items {
				if err := finish(&items[i]); err != nil {
					t.Fatalf("%s: decoded item fails finish: %v", c.Name(), err)
				}
			}
		}
	})
}
