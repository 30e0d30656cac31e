package formats

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/stepwise-dev/stepwise"
)

// mathGold is the last \boxed{} of each sample solution, read with python3
// (brace matching), with the file's level and type.
var mathGold = map[string][3]string{
	"test/algebra/1.json":                  {"2", "3", "Algebra"},
	"test/algebra/10.json":                 {"10", "1", "Algebra"},
	"test/algebra/2.json":                  {`\frac{1}{2}`, "5", "Algebra"},
	"test/algebra/6.json":                  {"5", "4", "Algebra"},
	"test/counting_and_probability/0.json": {`\frac{10}{11}`, "1", "Counting & Probability"},
	"test/counting_and_probability/2.json": {`\frac{193}{512}`, "4", "Counting & Probability"},
	"test/counting_and_probability/3.json": {`\frac{8}{63}`, "4", "Counting & Probability"},
	"test/counting_and_probability/4.json": {"14", "5", "Counting & Probability"},
	"test/geometry/0.json":                 {`\frac34`, "2", "Geometry"},
	"test/geometry/10.json":                {`\frac{4}{5}`, "2", "Geometry"},
	"test/geometry/12.json":                {"1", "2", "Geometry"},
	"test/geometry/8.json":                 {`\frac{4}{3}\pi`, "4", "Geometry"},
	"test/intermediate_algebra/0.json":     {`\sqrt{74}`, "5", "Intermediate Algebra"},
	"test/intermediate_algebra/2.json":     {"13", "4", "Intermediate Algebra"},
	"test/intermediate_algebra/3.json":     {`\frac{416}{27}`, "5", "Intermediate Algebra"},
	"test/intermediate_algebra/4.json":     {"4", "4", "Intermediate Algebra"},
	"test/number_theory/0.json":            {`\frac{1}{11}`, "2", "Number Theory"},
	"test/number_theory/1.json":            {"499", "4", "Number Theory"},
	"test/number_theory/2.json":            {"4", "4", "Number Theory"},
	"test/number_theory/3.json":            {"5", "3", "Number Theory"},
	"test/prealgebra/10.json":              {"4", "5", "Prealgebra"},
	"test/prealgebra/7.json":               {"90", "5", "Prealgebra"},
	"test/prealgebra/8.json":               {`\text{C}`, "3", "Prealgebra"},
	"test/prealgebra/9.json":               {`362,\!880`, "2", "Prealgebra"},
	"test/precalculus/0.json":              {"0", "4", "Precalculus"},
	"test/precalculus/1.json":              {`\frac{1}{4}`, "5", "Precalculus"},
	"test/precalculus/12.json":             {`\begin{pmatrix} 11 \\ -36 \\ -3 \end{pmatrix}`, "2", "Precalculus"},
	"test/precalculus/5.json":              {`\left( -\frac{1}{4}, -2 \right)`, "3", "Precalculus"},
}

func mathSampleFiles(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob(sample("math", "test", "*", "*.json"))
	if err != nil || len(files) != 28 {
		t.Fatalf("found %d MATH sample files (%v), want 28", len(files), err)
	}
	return files
}

func TestMathFiles(t *testing.T) {
	for _, f := range mathSampleFiles(t) {
		items := readAll(t, f, "", nil)
		if len(items) != 1 {
			t.Fatalf("%s: %d items", f, len(items))
		}
		it := items[0]
		tr, p := it.Trace, it.Problem
		want, ok := mathGold[tr.SourceID]
		if !ok {
			t.Fatalf("%s: source id %q is not the test/<subject>/<n>.json path", f, tr.SourceID)
		}
		if tr.Source.Format != "math" || tr.Dataset != "math/test" || p.Split != "test" || p.SourceID != tr.SourceID {
			t.Errorf("%s: format %q dataset %q split %q problem source %q", f, tr.Source.Format, tr.Dataset, p.Split, p.SourceID)
		}
		if p.GoldAnswer != want[0] || tr.FinalAnswer != want[0] || p.Level != want[1] || p.Subject != want[2] {
			t.Errorf("%s: gold %q final %q level %q subject %q, want %q", f, p.GoldAnswer, tr.FinalAnswer, p.Level, p.Subject, want)
		}
		if tr.Model != "reference" || tr.Correct != nil || p.GoldSolution != tr.Raw {
			t.Errorf("%s: model %q correct %v", f, tr.Model, tr.Correct)
		}
		checkMathSegments(t, f, tr.Raw, tr.Steps)
	}
}

func TestMathSegmentsByHand(t *testing.T) {
	cases := map[string][]string{
		// algebra/1.json: three sentences.
		"test/algebra/1.json": {
			"The denominator of the rational function factors into $x^2+x-6=(x-2)(x+3)$.",
			"Since the numerator is always nonzero, there is a vertical asymptote whenever the denominator is $0$, which occurs for $x = 2$ and $x = -3$.",
			"Therefore, the graph has $\\boxed{2}$ vertical asymptotes.",
		},
		// counting_and_probability/3.json: display math with a period inside stays whole.
		"test/counting_and_probability/3.json": {
			"On each die the probability of rolling $k$, for $1\\leq\nk\\leq 6$, is \\[\n\\frac{k}{1+2+3+4+5+6}=\\frac{k}{21}.\n\\]",
			"There are six ways of rolling a total of 7 on the two dice, represented by the ordered pairs $(1,6)$, $(2,5)$, $(3,4)$, $(4,3)$, $(5,2)$, and $(6,1)$.",
			"Thus the probability of rolling a total of 7 is \\[\n\\frac{1\\cdot6+2\\cdot5+3\\cdot4+4\\cdot3+5\\cdot2+6\\cdot1}{21^2}=\\frac{56}{21^2}=\\boxed{\\frac{8}{63}}.\n\\]",
		},
	}
	for id, want := range cases {
		items := readAll(t, sample("math", filepath.FromSlash(id)), "", nil)
		steps := items[0].Trace.Steps
		if len(steps) != len(want) {
			t.Fatalf("%s: %d steps, want %d", id, len(steps), len(want))
		}
		for i := range want {
			if steps[i].Text != want[i] {
				t.Errorf("%s step %d:\n got %q\nwant %q", id, i, steps[i].Text, want[i])
			}
		}
	}
	// geometry/8.json opens with an [asy] block holding blank lines: one step.
	items := readAll(t, sample("math", "test", "geometry", "8.json"), "", nil)
	s0 := items[0].Trace.Steps[0].Text
	if !strings.HasPrefix(s0, "[asy]\n\nsize(110);") || !strings.HasSuffix(s0, "[/asy]") || len(items[0].Trace.Steps) != 4 {
		t.Errorf("asy block split: step 0 %q, %d steps", s0[:20], len(items[0].Trace.Steps))
	}
}

func TestMathSegmenterRules(t *testing.T) {
	cases := []struct {
		in   string
		want []string
	}{
		{"We have $r = 3.$  Also $y$ is 2.", []string{"We have $r = 3.$", "Also $y$ is 2."}},
		{"See e.g. the value. Done", []string{"See e.g. the value.", "Done"}},
		{"So \\[x=1.\\]Then y is 2.", []string{"So \\[x=1.\\]", "Then y is 2."}},
		{"So \\[x=1,\\]and y is 2.", []string{"So \\[x=1,\\]and y is 2."}},
		{"It costs \\$5. Then we pay.", []string{"It costs \\$5.", "Then we pay."}},
		// An unclosed $ is literal, so it does not glue the rest together.
		{"Cost is $5. Then we pay. Done.", []string{"Cost is $5.", "Then we pay.", "Done."}},
		{"First.\n\n\n  Second para\nsame para.", []string{"First.", "Second para\nsame para."}},
		{"$\\bullet$ A. $14.5$", []string{"$\\bullet$ A. $14.5$"}},
		{"We get \\begin{align*} x &= 2. \\\\ y &= 3. \\end{align*} So x+y=5.", []string{"We get \\begin{align*} x &= 2. \\\\ y &= 3. \\end{align*}", "So x+y=5."}},
		{"  \n ", nil},
	}
	for _, c := range cases {
		var got []string
		for _, sp := range segmentMathSolution(c.in) {
			got = append(got, c.in[sp.Start:sp.End])
		}
		if strings.Join(got, "|") != strings.Join(c.want, "|") || len(got) != len(c.want) {
			t.Errorf("segment(%q)\n got %q\nwant %q", c.in, got, c.want)
		}
	}
}

func TestMathLevelAndPaths(t *testing.T) {
	for raw, want := range map[string]string{`"Level 3"`: "3", `"Level ?"`: "?", `4`: "4", `null`: "", `"5"`: "5"} {
		if got, err := mathLevel([]byte(raw)); err != nil || got != want {
			t.Errorf("mathLevel(%s) = %q, %v; want %q", raw, got, err, want)
		}
	}
	if _, err := mathLevel([]byte(`[1]`)); err == nil {
		t.Errorf("mathLevel accepted a list")
	}
	rec := Record{Data: []byte(`{"problem":"p","level":"Level ?","type":"Algebra","solution":"So $\\boxed{3}$."}`), Path: "/tmp/x/q17.json"}
	items, err := (mathFile{}).Decode(rec, &Options{})
	if err != nil {
		t.Fatal(err)
	}
	if tr := items[0].Trace; tr.SourceID != "q17.json" || tr.Dataset != "math" || items[0].Problem.Level != "?" || tr.FinalAnswer != "3" {
		t.Errorf("outside the MATH layout: id %q dataset %q level %q answer %q", tr.SourceID, tr.Dataset, items[0].Problem.Level, tr.FinalAnswer)
	}
	rec.Index = 2
	if items, _ := (mathFile{}).Decode(rec, &Options{}); items[0].Trace.SourceID != "q17.json#3" {
		t.Errorf("third record of one file: id %q", items[0].Trace.SourceID)
	}
	rec.Path = filepath.Join("data", "MATH", "train", "geometry", "5.json")
	rec.Index = 0
	if items, _ := (mathFile{}).Decode(rec, &Options{Dataset: "mine"}); items[0].Trace.SourceID != "train/geometry/5.json" || items[0].Trace.Dataset != "mine" {
		t.Errorf("train layout: id %q dataset %q", items[0].Trace.SourceID, items[0].Trace.Dataset)
	}
	for _, bad := range []string{`{"level":"Level 1","type":"t","solution":"s"}`, `{"problem":"p","level":"Level 1","type":"t"}`, `{"problem":1,"level":"x","type":"t","solution":"s"}`} {
		if _, err := (mathFile{}).Decode(Record{Data: []byte(bad), Path: "a.json"}, &Options{}); err == nil {
			t.Errorf("no error for %s", bad)
		}
	}
}

// checkMathSegments checks the segmenter's invariants on a real solution:
// every non-blank byte is in a step, no step cuts through $...$, \[...\] or
// [asy]...[/asy], and steps do not start or end with white space.
func checkMathSegments(t *testing.T, name, raw string, steps []stepwise.Step) {
	t.Helper()
	covered := make([]bool, len(raw))
	for _, s := range steps {
		for i := s.Span.Start; i < s.Span.End; i++ {
			covered[i] = true
		}
		text := s.Text
		if strings.TrimSpace(text) != text || text == "" {
			t.Errorf("%s: step %d has surrounding white space: %q", name, s.Index, text)
		}
		unescaped := strings.Count(text, "$") - strings.Count(text, `\$`)
		if unescaped%2 != 0 || strings.Count(text, `\[`) != strings.Count(text, `\]`) ||
			strings.Count(text, "[asy]") != strings.Count(text, "[/asy]") {
			t.Errorf("%s: step %d cuts through math: %q", name, s.Index, text)
		}
	}
	for i, c := range covered {
		if !c && !isMathSpace(raw[i]) {
			t.Fatalf("%s: byte %d (%q) is in no step", name, i, raw[i])
		}
	}
}

// FuzzMathSegment feeds raw text (not JSON) to the segmenter: spans stay in
// range, in order, without overlap, and cover every non-blank byte.
func FuzzMathSegment(f *testing.F) {
	f.Add("We have $r = 3.$  Also \\[x.\\]Then [asy]a. B[/asy] e.g. A. $$x$$ \\begin{align*}y.\\end{align*} Z")
	f.Add("$ \\$ \\( \\begin{ \\begin{x} [asy] \n\n .")
	f.Fuzz(func(t *testing.T, s string) {
		covered := make([]bool, len(s))
		prev := 0
		for _, sp := range segmentMathSolution(s) {
			if sp.Start < prev || sp.End <= sp.Start || sp.End > len(s) {
				t.Fatalf("bad span %v after %d in %q", sp, prev, s)
			}
			for i := sp.Start; i < sp.End; i++ {
				covered[i] = true
			}
			prev = sp.End
		}
		for i, c := range covered {
			if !c && !isMathSpace(s[i]) {
				t.Fatalf("byte %d of %q in no step", i, s)
			}
		}
	})
}
