package formats

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
)

func TestMath500(t *testing.T) {
	path := sample("math500", "test_first200.jsonl")
	items := readAll(t, path, "", nil)
	if len(items) != 200 {
		t.Fatalf("got %d traces, want 200", len(items))
	}
	// Expected values come straight from the file's own fields.
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(raw)), "\n")
	levels, asy := map[string]int{}, 0
	for i, line := range lines {
		var r struct {
			Problem, Solution, Answer, Subject string
			UniqueID                           string `json:"unique_id"`
		}
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatal(err)
		}
		it := items[i]
		tr, p := it.Trace, it.Problem
		if tr.Source.Format != "math500" || tr.Dataset != "math500" || tr.SourceID != r.UniqueID || p.SourceID != r.UniqueID {
			t.Fatalf("line %d: format %q dataset %q ids %q %q", i+1, tr.Source.Format, tr.Dataset, tr.SourceID, p.SourceID)
		}
		// python3: the last \boxed{} of every solution equals its answer field.
		if p.GoldAnswer != r.Answer || tr.FinalAnswer != r.Answer || tr.Correct != nil {
			t.Errorf("line %d: gold %q final %q correct %v, want %q", i+1, p.GoldAnswer, tr.FinalAnswer, tr.Correct, r.Answer)
		}
		if p.Subject != r.Subject || p.Split != "test" || p.Text != r.Problem || tr.Raw != r.Solution || tr.Model != "reference" {
			t.Errorf("line %d: subject %q split %q", i+1, p.Subject, p.Split)
		}
		levels[p.Level]++
		for _, s := range tr.Steps {
			asy += strings.Count(s.Text, "[asy]")
		}
		checkMathSegments(t, r.UniqueID, tr.Raw, tr.Steps)
	}
	// python3: levels 5:50, 2:44, 4:44, 3:41, 1:21; 27 [asy] blocks.
	want := map[string]int{"5": 50, "2": 44, "4": 44, "3": 41, "1": 21}
	for k, v := range want {
		if levels[k] != v {
			t.Errorf("level %s: %d traces, want %d", k, levels[k], v)
		}
	}
	if asy != 27 {
		t.Errorf("%d [asy] blocks inside steps, want 27", asy)
	}
	// First record: two sentences, the [asy] figure as a step of its own, a conclusion.
	first := items[0].Trace
	if len(first.Steps) != 4 || !strings.HasPrefix(first.Steps[2].Text, "[asy]\nunitsize(0.8 cm);") ||
		first.Steps[0].Text != "We have that $r = \\sqrt{0^2 + 3^2} = 3.$" {
		t.Errorf("first record: %d steps, step 0 %q", len(first.Steps), first.Steps[0].Text)
	}
}

// A record without a problem is skipped; an answer or a level of the wrong
// type is a warning, and the record is imported without it.
func TestMath500BadRecords(t *testing.T) {
	if _, err := (math500{}).Decode(Record{Data: []byte(`{"solution":"s","answer":"1","unique_id":"test/a/1.json"}`), Path: "m.jsonl", Line: 3}, &Options{}); err == nil {
		t.Errorf("no error without a problem")
	}
	for data, want := range map[string]string{
		`{"problem":"p","solution":"so $\boxed{2}$","answer":[1],"unique_id":"u"}`: "field answer",
		`{"problem":"p","solution":"s","answer":"1","level":{},"unique_id":"u"}`:   "field level",
	} {
		items, err := (math500{}).Decode(Record{Data: []byte(data), Path: "m.jsonl", Line: 3}, &Options{})
		if err != nil || len(items[0].Warnings) != 1 || !strings.Contains(items[0].Warnings[0], want) {
			t.Errorf("%s: %v %+v", data, err, items)
		}
	}
}

func FuzzDecodeMath500(f *testing.F) {
	f.Add(`{"problem":"p","solution":"We have $x=1.$  So [asy]draw();[/asy] \\[y.\\]Then $\\boxed{\\frac{1}{2}}$.","answer":"\\frac{1}{2}","subject":"Algebra","level":2,"unique_id":"test/algebra/1.json"}`)
	f.Add(`{"problem":"p","solution":"$$ \\begin{align*} a. \\end{align*} $$ A. b","answer":3,"level":"Level ?","unique_id":"x"}`)
	fuzzCodecDecode(f, math500{}, &Options{})
}

func FuzzDecodeMath(f *testing.F) {
	seedFile(f, sample("math", "test", "geometry", "8.json"))
	seedFile(f, sample("math", "test", "precalculus", "1.json"))
	f.Add(`{"problem":"p","level":"Level ?","type":"t","solution":"$unclosed \\[ also \\begin{x} [asy] e.g. A. B"}`)
	fuzzCodecDecode(f, mathFile{}, &Options{})
}
