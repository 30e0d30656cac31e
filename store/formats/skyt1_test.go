package formats

import (
	"bufio"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/stepwise-dev/stepwise"
)

var skyT1Sample = sample("longcot_skyt1", "aime24_sky-t1-32b-ckpt140.jsonl")

// skyT1Codes reads code[0] of every record straight from the sample, to
// compare Raw byte for byte.
func skyT1Codes(t *testing.T) []string {
	f, err := os.Open(skyT1Sample)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<24)
	var out []string
	for sc.Scan() {
		var r struct{ Code []string }
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatal(err)
		}
		out = append(out, r.Code[0])
	}
	return out
}

func TestSkyT1Sample(t *testing.T) {
	longCoTExpectDetected(t, skyT1Sample, "sky-t1")
	items := readAll(t, skyT1Sample, "", nil)
	if len(items) != 30 {
		t.Fatalf("got %d traces, want 30", len(items))
	}
	codes := skyT1Codes(t)
	truncated, correct, thinking, solution := 0, 0, 0, 0
	for i, it := range items {
		tr := it.Trace
		if tr.Raw != codes[i] {
			t.Fatalf("trace %d: Raw differs from code[0]", i)
		}
		if tr.Truncated {
			truncated++
		}
		if tr.Correct != nil && *tr.Correct {
			correct++
		}
		for _, s := range tr.Steps {
			switch s.Kind {
			case stepwise.StepThinking:
				thinking++
			case stepwise.StepReasoning:
				solution++
			}
		}
		longCoTCheckSections(t, tr)
	}
	// Counted with python: 11 thought blocks never close; score[0] true 9
	// times; 18720 thinking and 216 solution paragraphs.
	if truncated != 11 || correct != 9 || thinking != 18720 || solution != 216 {
		t.Errorf("truncated %d (want 11), correct %d (want 9), thinking steps %d (want 18720), solution steps %d (want 216)",
			truncated, correct, thinking, solution)
	}
}

func TestSkyT1FirstRecord(t *testing.T) {
	items := readAll(t, skyT1Sample, "", nil)
	it := items[0]
	tr := it.Trace
	if tr.SourceID != "aime24_sky-t1-32b-ckpt140/0" || tr.Dataset != "sky-t1/aime24" ||
		tr.Model != "sky-t1-32b-ckpt140" || tr.Sample != 0 {
		t.Fatalf("ids: source %q dataset %q model %q sample %d", tr.SourceID, tr.Dataset, tr.Model, tr.Sample)
	}
	if len(tr.Sections) != 2 {
		t.Fatalf("%d sections, want 2", len(tr.Sections))
	}
	th, sol := tr.Sections[0], tr.Sections[1]
	// Byte offsets from python (code[0].encode().find(tag)): content between the tags.
	if th.Kind != stepwise.SectionThinking || th.Span != (stepwise.Span{Start: 20, End: 3860}) ||
		th.EndStep-th.FirstStep != 86 {
		t.Errorf("thinking section %+v", th)
	}
	if sol.Kind != stepwise.SectionSolution || sol.Span != (stepwise.Span{Start: 3901, End: 5890}) ||
		sol.FirstStep != 86 || sol.EndStep != 98 {
		t.Errorf("solution section %+v", sol)
	}
	want := map[int]string{
		0:  "So I have this problem about Aya's morning walk and her stops at a coffee shop. Let's see what it's asking.",
		85: `\[ \boxed{204} \] `,
		97: "Thus, the total time including the coffee shop stop is \\( \\boxed{204} \\). \n",
	}
	for i, w := range want {
		if tr.Steps[i].Text != w {
			t.Errorf("step %d = %q, want %q", i, tr.Steps[i].Text, w)
		}
	}
	if tr.Steps[85].Kind != stepwise.StepThinking || tr.Steps[86].Kind != stepwise.StepReasoning {
		t.Errorf("step kinds %s %s", tr.Steps[85].Kind, tr.Steps[86].Kind)
	}
	if tr.FinalAnswer != "204" || tr.Correct == nil || !*tr.Correct || tr.CorrectBy != "source: score" || tr.Truncated {
		t.Errorf("answer %q correct %v by %q truncated %v", tr.FinalAnswer, tr.Correct, tr.CorrectBy, tr.Truncated)
	}
	p := it.Problem
	if p.GoldAnswer != "204" || !strings.HasPrefix(p.GoldSolution, `$\frac{9}{s} + t = 4$ in hours`) ||
		!strings.HasPrefix(p.Text, "Every morning Aya goes for a $9$-kilometer-long walk") {
		t.Errorf("problem gold %q solution %.30q text %.30q", p.GoldAnswer, p.GoldSolution, p.Text)
	}
}

func TestSkyT1TruncatedAndGold(t *testing.T) {
	items := readAll(t, skyT1Sample, "", nil)
	tr := items[1].Trace
	if !tr.Truncated || len(tr.Sections) != 1 || len(tr.Steps) != 1723 || tr.Steps[1722].Text != "Maybe I need" {
		t.Errorf("idx 1: truncated %v, %d sections, %d steps", tr.Truncated, len(tr.Sections), len(tr.Steps))
	}
	if tr.FinalAnswer != "4" || tr.Correct == nil || *tr.Correct {
		t.Errorf("idx 1: answer %q correct %v", tr.FinalAnswer, tr.Correct)
	}
	// idx 7: gt "25" but answer "025"; score true.
	it := items[7]
	if it.Problem.GoldAnswer != "25" || it.Trace.Meta["answer"] != "025" || !*it.Trace.Correct {
		t.Errorf("idx 7: gold %q meta answer %q", it.Problem.GoldAnswer, it.Trace.Meta["answer"])
	}
}

func TestSkyT1Options(t *testing.T) {
	items := readAll(t, skyT1Sample, "", &Options{Model: "m", Dataset: "d"})
	if tr := items[0].Trace; tr.Model != "m" || tr.Dataset != "d" {
		t.Errorf("overrides ignored: model %q dataset %q", tr.Model, tr.Dataset)
	}
}

func TestSkyT1ParallelSamples(t *testing.T) {
	rec := Record{Path: "x/amc23/test_Sky-T1_-1_seed0_t0.0_s0_e-1.jsonl", Line: 3, Data: []byte(`{"idx":4,"question":"q",
	"gt_cot":"None","gt":"7","code":["<|begin_of_thought|>\n\na\n\nb\n\n<|end_of_thought|>\n\n<|begin_of_solution|>\n\n\\boxed{7}\n\n<|end_of_solution|>",
	"<|begin_of_thought|>\n\nc"],"pred":["7","3"],"report":[null,{"x":1}],"score":[true,false]}`)}
	items, err := skyT1{}.Decode(rec, &Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != 2 {
		t.Fatalf("%d items, want 2", len(items))
	}
	a, b := items[0].Trace, items[1].Trace
	if a.Sample != 0 || b.Sample != 1 || a.FinalAnswer != "7" || b.FinalAnswer != "3" || !*a.Correct || *b.Correct {
		t.Errorf("samples: %+v / %+v", a, b)
	}
	if a.Truncated || !b.Truncated || len(a.Steps) != 3 || len(b.Steps) != 1 {
		t.Errorf("truncation %v %v steps %d %d", a.Truncated, b.Truncated, len(a.Steps), len(b.Steps))
	}
	if a.Dataset != "sky-t1/amc23" || a.Model != "Sky-T1" || a.SourceID != "test_Sky-T1_-1_seed0_t0.0_s0_e-1/4" {
		t.Errorf("names: %q %q %q", a.Dataset, a.Model, a.SourceID)
	}
	if items[0].Problem.GoldSolution != "" {
		t.Errorf("gt_cot \"None\" taken as a solution: %q", items[0].Problem.GoldSolution)
	}
	if b.Meta["report"] != `{"x":1}` {
		t.Errorf("report meta %q", b.Meta["report"])
	}
	// A list not parallel to code is left out (its entries match no sample
	// for sure); a null sample is left out; both with a warning.
	bad := rec
	bad.Data = []byte(`{"idx":0,"question":"q","code":["a",null,"b"],"pred":["1"],"score":[true,null,false]}`)
	items, err = (skyT1{}).Decode(bad, &Options{})
	if err != nil || len(items) != 2 {
		t.Fatalf("mismatched lists: %v, %d items", err, len(items))
	}
	w := strings.Join(items[0].Warnings, "; ")
	if !strings.Contains(w, "pred has 1 entries but code has 3") || !strings.Contains(w, "code[1] is null") ||
		items[0].Trace.FinalAnswer != "" || items[1].Trace.Sample != 2 || !*items[0].Trace.Correct || *items[1].Trace.Correct {
		t.Errorf("warnings %q, answers %q, samples %d", w, items[0].Trace.FinalAnswer, items[1].Trace.Sample)
	}
	bad.Data = []byte(`{"question":"q","code":[null]}`)
	if _, err := (skyT1{}).Decode(bad, &Options{}); err == nil {
		t.Error("a record with no sample was imported")
	}
}

func TestSkyT1NameParts(t *testing.T) {
	cases := []struct{ path, bench, model string }{
		{"a/aime24_sky-t1-32b-ckpt140.jsonl", "aime24", "sky-t1-32b-ckpt140"},
		{"out/aime24/test_Sky-T1_-1_seed0_t0.0_s0_e-1.jsonl", "aime24", "Sky-T1"},
		{"math500_qwq.jsonl", "math500", "qwq"},
		{"MATH_test.jsonl", "math", ""},
		{"results.jsonl", "", ""},
		{"eval_qwq-32b_seed1.jsonl", "", "qwq-32b"},
		{"x/test_-1_seed0.jsonl", "", ""},
	}
	for _, c := range cases {
		b, m := skyT1NameParts(c.path)
		if b != c.bench || m != c.model {
			t.Errorf("%s: got (%q, %q), want (%q, %q)", c.path, b, m, c.bench, c.model)
		}
	}
}

func FuzzDecodeSkyT1(f *testing.F) {
	f.Add([]byte(`{"idx":0,"question":"q","gt":"1","code":["<|begin_of_thought|>\n\na\n\n<|end_of_thought|>\n\n<|begin_of_solution|>\n\\boxed{1}<|end_of_solution|>"],"pred":["1"],"score":[true]}`))
	f.Add([]byte(`{"idx":"0","problem":"q","code":["<|end_of_thought|><|begin_of_solution|>"],"pred":[null],"score":[null],"report":[1]}`))
	f.Add([]byte(`{"idx":1,"question":"q","code":["<|begin_of_solution|>x"],"pred":[],"score":[]}`))
	f.Fuzz(func(t *testing.T, data []byte) { longCoTFuzzDecode(t, skyT1{}, data) })
}
