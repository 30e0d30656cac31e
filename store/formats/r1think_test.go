package formats

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/stepwise-dev/stepwise"
)

// longCoTFixture is a fixture built from a documented schema where no real
// sample exists (see testdata/NOTICE).
func longCoTFixture(name string) string {
	return filepath.Join("..", "..", "testdata", "constructed", name)
}

// longCoTExpectDetected opens path without a format and checks the chosen codec.
func longCoTExpectDetected(t *testing.T, path, want string) {
	t.Helper()
	in, err := Open(path, "")
	if err != nil {
		t.Fatalf("open %s: %v", path, err)
	}
	defer in.Close()
	if in.Codec.Name() != want {
		t.Errorf("%s detected as %q, want %q", path, in.Codec.Name(), want)
	}
}

// longCoTFuzzDecode feeds arbitrary bytes to a codec as one record. It must
// not panic, and every item it returns must pass finish (spans match texts).
func longCoTFuzzDecode(t *testing.T, c Codec, data []byte) {
	items, err := c.Decode(Record{Data: data, Path: "fuzz/trace_x_test_1_m.jsonl", Line: 1}, &Options{})
	if err != nil {
		return
	}
	for i := range items {
		if err := finish(&items[i]); err != nil {
			t.Fatalf("decoded item fails finish: %v", err)
		}
		longCoTCheckSections(t, items[i].Trace)
	}
}

// longCoTCheckSections verifies that sections lie inside Raw and cover their steps.
func longCoTCheckSections(t *testing.T, tr *stepwise.Trace) {
	t.Helper()
	for k, s := range tr.Sections {
		if s.Span.Start < 0 || s.Span.End > len(tr.Raw) || s.Span.Start > s.Span.End ||
			s.FirstStep < 0 || s.EndStep > len(tr.Steps) || s.FirstStep > s.EndStep {
			t.Fatalf("section %d out of range: %+v (raw %d bytes, %d steps)", k, s, len(tr.Raw), len(tr.Steps))
		}
		for i := s.FirstStep; i < s.EndStep; i++ {
			if sp := tr.Steps[i].Span; sp.Start < s.Span.Start || sp.End > s.Span.End {
				t.Fatalf("step %d %v outside its section %d %v", i, sp, k, s.Span)
			}
		}
	}
}

// longCoTSeedLines adds each line of a file (up to max bytes each) as a fuzz seed.
func longCoTSeedLines(f *testing.F, path string, maxLen int) {
	data, err := os.ReadFile(path)
	if err != nil {
		f.Fatal(err)
	}
	for _, line := range bytes.Split(data, []byte("\n")) {
		if len(line) > 0 && len(line) <= maxLen {
			f.Add(line)
		}
	}
}

func TestCutThinkTags(t *testing.T) {
	cases := []struct {
		raw                        string
		think, rest                string
		has, truncated, openAbsent bool
	}{
		{"<think>\na\n</think>\n\nb", "\na\n", "\n\nb", true, false, false},
		{"a\n</think>b", "a\n", "b", true, false, true},
		{"<think>a", "a", "", true, true, false},
		{"plain", "", "plain", false, false, false},
		// A stray </think> before <think>: the text before it is reasoning.
		{"x</think>y<think>z", "x", "y<think>z", true, false, true},
	}
	for _, c := range cases {
		got := cutThinkTags(c.raw, r1Open, r1Close)
		think := c.raw[got.Think.Start:got.Think.End]
		rest := c.raw[got.Rest.Start:got.Rest.End]
		if got.HasThink != c.has || got.Truncated != c.truncated || got.OpenMissing != c.openAbsent ||
			(c.has && think != c.think) || rest != c.rest {
			t.Errorf("%q: got think %q rest %q %+v", c.raw, think, rest, got)
		}
	}
}

func TestJSONFlag(t *testing.T) {
	cases := []struct {
		in      string
		v       int
		set, ok bool
	}{
		{`"1"`, 1, true, true}, {`1`, 1, true, true}, {`0`, 0, true, true}, {`"0"`, 0, true, true},
		{`""`, 0, false, true}, {`null`, 0, false, true}, {``, 0, false, true}, {`1.0`, 1, true, true},
		{`true`, 1, true, true}, {`"x"`, 0, false, false}, {`1.5`, 0, false, false}, {`[1]`, 0, false, false},
		{`"NaN"`, 0, false, false}, {`1e300`, 0, false, false},
	}
	for _, c := range cases {
		v, set, err := jsonFlag([]byte(c.in), "f")
		if (err == nil) != c.ok || v != c.v || set != c.set {
			t.Errorf("jsonFlag(%s) = %d %v %v", c.in, v, set, err)
		}
	}
}

// TestLongCoTDetectionExclusive checks that no other sample or fixture is
// detected as one of this file family's codecs, and that each of ours is.
func TestLongCoTDetectionExclusive(t *testing.T) {
	ours := map[string]string{
		"aime24_sky-t1-32b-ckpt140.jsonl":     "sky-t1",
		"deltabench_v1_examples_first5.jsonl": "deltabench",
		"r1_completions.jsonl":                "r1",
		"r1_api_responses.jsonl":              "r1",
		"r1_openr1_math.jsonl":                "openr1",
		"safe_trace_example.json":             "safe",
		"safe_false_steps_constructed.json":   "safe",
		"formalstep_example.jsonl":            "formalstep",
	}
	mine := map[string]bool{"sky-t1": true, "deltabench": true, "r1": true, "openr1": true, "safe": true, "formalstep": true}
	seen := 0
	for _, root := range []string{samples, filepath.Join("..", "..", "testdata", "constructed")} {
		err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			in, err := Open(path, "")
			if err != nil {
				return nil // not data, or another codec's concern
			}
			name := in.Codec.Name()
			in.Close()
			want, isOurs := ours[filepath.Base(path)]
			switch {
			case isOurs && name != want:
				t.Errorf("%s detected as %q, want %q", path, name, want)
			case isOurs:
				seen++
			case mine[name]:
				t.Errorf("%s wrongly detected as %q", path, name)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if seen != len(ours) {
		t.Errorf("found %d of our %d files", seen, len(ours))
	}
}
