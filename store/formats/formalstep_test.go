package formats

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/stepwise-dev/stepwise"
)

func TestFormalStepFixture(t *testing.T) {
	path := longCoTFixture("formalstep_example.jsonl")
	longCoTExpectDetected(t, path, "formalstep")
	items := readAll(t, path, "", nil)
	// 9 rows: 4 for trajectory A, 4 for trajectory B (same problem), 1 for C.
	if len(items) != 3 {
		t.Fatalf("got %d traces, want 3", len(items))
	}
	a, b, c := items[0].Trace, items[1].Trace, items[2].Trace
	if a.SourceID != "math_train_counting_and_probability_408" || a.Sample != 0 || b.Sample != 1 || c.Sample != 0 {
		t.Errorf("ids %q samples %d %d %d", a.SourceID, a.Sample, b.Sample, c.Sample)
	}
	if a.Source.Line != 1 || b.Source.Line != 5 || c.Source.Line != 9 || a.Source.Format != "formalstep" {
		t.Errorf("source lines %d %d %d format %q", a.Source.Line, b.Source.Line, c.Source.Line, a.Source.Format)
	}
	if len(a.Steps) != 4 || a.Steps[1].Text != "By the binomial theorem this is $(100+1)^6$." || a.Segmenter != formalStepSegmenter {
		t.Fatalf("trajectory A steps %+v", a.Steps)
	}
	want := []string{"Success of Proof", "Success of Proof", "Success of Proof", "No Verification Required"}
	for i, s := range a.Steps {
		if len(s.Formalizations) != 1 || s.Formalizations[0].StoredState != want[i] ||
			s.Formalizations[0].Status != stepwise.StatusStored || s.Formalizations[0].Origin != stepwise.FormalImported {
			t.Errorf("A step %d formalizations %+v", i, s.Formalizations)
		}
	}
	f := a.Steps[2].Formalizations[0]
	if f.Statement != "theorem test (n : ℕ) (h₀ : n = 1061520150601) : ∃ a : ℕ, a^6 = n := by sorry" ||
		!strings.HasSuffix(f.Proof, "use 101\n  norm_num [h₀]") {
		t.Errorf("A step 2 formalization %+v", f)
	}
	if a.FinalAnswer != "101" || a.Correct != nil || a.Meta["formalstep_rows"] != "4 of 4 steps" {
		t.Errorf("A answer %q correct %v meta %v", a.FinalAnswer, a.Correct, a.Meta)
	}
	// Trajectory B repeats "Let me check.": rows attach to steps 0 and 2 in turn.
	if b.Steps[0].Formalizations[0].StoredState != "No Verification Required" ||
		b.Steps[2].Formalizations[0].StoredState != "Failed Formalization" ||
		b.Steps[1].Formalizations[0].StoredState != "Failure of Proof" {
		t.Errorf("B duplicate steps: %+v / %+v", b.Steps[0].Formalizations, b.Steps[2].Formalizations)
	}
	p := items[0].Problem
	if p.Text != "What is $\\sqrt[6]{1061520150601}$?" || p.GoldAnswer != "101" || p.Level != "Level 3" ||
		p.Subject != "Counting & Probability" || p.Split != "train" || p.Dataset != "formalstep" {
		t.Errorf("problem %+v", p)
	}
}

// formalStepRows builds JSONL rows of one problem.
func formalStepRows(rows ...string) []byte {
	var b bytes.Buffer
	for _, r := range rows {
		b.WriteString(`{"problem":"q","problem_unique_id":"math_train_x_1",` + r + "}\n")
	}
	return b.Bytes()
}

func TestFormalStepUnmatchedRowKeepsGroup(t *testing.T) {
	g := formalStep{}.NewGroup()
	lines := bytes.Split(bytes.TrimSpace(formalStepRows(
		`"previous_steps":["s1","s2"],"current_step":"s1","state":"Success of Proof","formal_statement":"t"`,
		`"previous_steps":["s3"],"current_step":"nope","state":"Failure of Proof"`,
		`"previous_steps":["s3"],"current_step":"s3","state":"Failure of Proof"`,
		`"previous_steps":["s3"],"current_step":"s3","state":"Failure of Proof"`,
	)), []byte("\n"))
	var items []Item
	var errs []error
	for i, l := range lines {
		got, err := g.Decode(Record{Data: l, Path: "f.jsonl", Line: i + 1}, &Options{})
		if err != nil {
			errs = append(errs, err)
		}
		items = append(items, got...)
	}
	rest, _ := g.Flush()
	items = append(items, rest...)
	// Row 2 fails (no step "nope") and row 4 fails (the only "s3" is used),
	// but the first trajectory, completed by row 2, is not lost.
	if len(errs) != 2 || !strings.Contains(errs[0].Error(), "matches no step") {
		t.Fatalf("errors %v", errs)
	}
	if len(items) != 2 || items[0].Trace.Source.Line != 1 || items[1].Trace.Source.Line != 2 {
		t.Fatalf("items %d", len(items))
	}
	if items[0].Trace.Meta["formalstep_rows"] != "1 of 2 steps" || items[1].Trace.Meta["formalstep_rows"] != "1 of 1 steps" {
		t.Errorf("rows meta %v / %v", items[0].Trace.Meta, items[1].Trace.Meta)
	}
	// Through Open, the error names the file and line.
	in := Input{Path: "f.jsonl", Codec: formalStep{}, group: formalStep{}.NewGroup()}
	_, err := in.DecodeRecord(Record{Data: lines[1], Path: "f.jsonl", Line: 2}, &Options{})
	var re *RecordError
	if err == nil || !errors.As(err, &re) || re.Line != 2 || re.Path != "f.jsonl" {
		t.Errorf("record error %v", err)
	}
}

func TestFormalStepRowErrors(t *testing.T) {
	for _, c := range []struct{ row, want string }{
		{`{"problem":"q","previous_steps":["a"],"current_step":"a"}`, "missing problem_unique_id"},
		{`{"problem":"q","problem_unique_id":"x","previous_steps":[],"current_step":"a"}`, "previous_steps is missing or empty"},
		{`{"problem":"q","problem_unique_id":"x","previous_steps":["a",null],"current_step":"a"}`, "previous_steps[1] is null"},
		{`{"problem":"q","problem_unique_id":"x","previous_steps":["a"]}`, "missing current_step"},
	} {
		if _, err := (formalStep{}).Decode(Record{Data: []byte(c.row)}, &Options{}); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err %v, want %q", c.row, err, c.want)
		}
	}
}

// A row whose state Safe does not define keeps its statement and loses its
// state, with a warning naming the row's line.
func TestFormalStepUnknownState(t *testing.T) {
	g := formalStep{}.NewGroup()
	row := `{"problem":"q","problem_unique_id":"x","previous_steps":["a"],"current_step":"a","state":"ok","formal_statement":"s"}`
	if _, err := g.Decode(Record{Data: []byte(row), Line: 7}, &Options{}); err != nil {
		t.Fatal(err)
	}
	items, err := g.Flush()
	if err != nil || len(items) != 1 {
		t.Fatalf("%v %d", err, len(items))
	}
	f := items[0].Trace.Steps[0].Formalizations
	if len(f) != 1 || f[0].Statement != "s" || f[0].StoredState != "" ||
		len(items[0].Warnings) != 1 || !strings.Contains(items[0].Warnings[0], `line 7: state: unknown Safe state "ok"`) {
		t.Errorf("formalizations %+v warnings %q", f, items[0].Warnings)
	}
}

func FuzzDecodeFormalStep(f *testing.F) {
	f.Add(formalStepRows(`"previous_steps":["a","a"],"current_step":"a","state":"Success of Proof","formal_statement":"t","proof":"p"`,
		`"previous_steps":["a","a"],"current_step":"a","state":null`,
		`"previous_steps":["b"],"current_step":"b","state":"Failed Formalization"`))
	f.Fuzz(func(t *testing.T, data []byte) {
		// Every line is a row of one file, decoded in order by one group.
		g := formalStep{}.NewGroup()
		var items []Item
		for i, line := range bytes.Split(data, []byte("\n")) {
			got, err := g.Decode(Record{Data: line, Path: "f", Line: i + 1}, &Options{})
			if err == nil {
				items = append(items, got...)
			}
		}
		rest, _ := g.Flush()
		for _, it := range append(items, rest...) {
			if err := finish(&it); err != nil {
				t.Fatalf("finish: %v", err)
			}
		}
	})
}
