package stepwise

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestProblemIDIgnoresWhitespace(t *testing.T) {
	a := ProblemID("What is  2+2?\n")
	b := ProblemID(" What is 2+2?")
	if a != b {
		t.Fatalf("ids differ: %s vs %s", a, b)
	}
	if c := ProblemID("What is 2+3?"); c == a {
		t.Fatalf("different problems share id %s", a)
	}
	if len(a) != 17 || a[0] != 'p' {
		t.Fatalf("unexpected id shape %q", a)
	}
}

func TestNormalizeText(t *testing.T) {
	cases := map[string]string{
		"  a \t\n b  ":   "a b",
		"x\u00a0\u2003y": "x y", // no-break and em spaces are spaces
		"中文  字符\n":       "中文 字符",
		"":               "",
		"\xff bad  utf8": "\xff bad utf8",
		"no_space":       "no_space",
	}
	for in, want := range cases {
		if got := NormalizeText(in); got != want {
			t.Errorf("NormalizeText(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestFirstErrorSemantics(t *testing.T) {
	mk := func(rs ...Rating) *Trace {
		tr := &Trace{}
		for i, r := range rs {
			tr.Steps = append(tr.Steps, Step{Index: i, Labels: []Label{{Rating: r, Scope: ScopeStep}}})
		}
		return tr
	}
	cases := []struct {
		name  string
		tr    *Trace
		want  *int
		state LabelState
		strip string
	}{
		{"first error then unknown", mk(Good, Bad, Unlabeled), ptr(1), LabelError, "+x."},
		{"all good", mk(Good, Neutral, Good), ptr(-1), LabelCorrect, "+0+"},
		{"partial without error", mk(Good, Unlabeled), nil, LabelPartial, "+."},
		{"no labels", &Trace{Steps: []Step{{}, {}}}, nil, LabelNone, ".."},
	}
	for _, c := range cases {
		got := c.tr.FirstError()
		if (got == nil) != (c.want == nil) || (got != nil && *got != *c.want) {
			t.Errorf("%s: FirstError = %v, want %v", c.name, deref(got), deref(c.want))
		}
		if s := c.tr.LabelState(); s != c.state {
			t.Errorf("%s: LabelState = %s, want %s", c.name, s, c.state)
		}
		if s := c.tr.Strip(); s != c.strip {
			t.Errorf("%s: Strip = %q, want %q", c.name, s, c.strip)
		}
	}
}

func TestRatingJSONRoundTrip(t *testing.T) {
	for _, r := range []Rating{Unlabeled, Good, Neutral, Bad} {
		b, err := r.MarshalJSON()
		if err != nil {
			t.Fatal(err)
		}
		var back Rating
		if err := back.UnmarshalJSON(b); err != nil {
			t.Fatal(err)
		}
		if back != r {
			t.Errorf("%v round-tripped to %v", r, back)
		}
	}
	if _, err := ParseRating("great"); err == nil {
		t.Error("ParseRating accepted an unknown name")
	}
}

func ptr(i int) *int { return &i }

func deref(p *int) any {
	if p == nil {
		return nil
	}
	return *p
}

// TestProblemIDIsStable pins the id to its definition: ids are keys in
// every store and appear in exports, so they must never change.
func TestProblemIDIsStable(t *testing.T) {
	sum := sha256.Sum256([]byte("Find x: x² = 4, x > 0."))
	want := "p" + hex.EncodeToString(sum[:8])
	if got := ProblemID("  Find x:\tx²  = 4,\n\nx > 0. "); got != want {
		t.Fatalf("ProblemID = %s, want %s", got, want)
	}
}

// FuzzNormalizeText checks the fast path against the plain definition:
// fields split at Unicode white space, joined by one space.
func FuzzNormalizeText(f *testing.F) {
	for _, s := range []string{"  a \t\n b  ", "x\u00a0\u2003y", "中文  字符\n", "\xff bad  utf8", "a\x01b \x7f", "\u0085x\u3000"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := NormalizeText(s), strings.Join(strings.Fields(s), " "); got != want {
			t.Fatalf("NormalizeText(%q) = %q, want %q", s, got, want)
		}
	})
}

// BenchmarkProblemID runs over the problems of the ProcessBench samples.
func BenchmarkProblemID(b *testing.B) {
	files, _ := filepath.Glob("testdata/samples/processbench/*.json")
	var texts []string
	var size int64
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		var recs []struct{ Problem string }
		if err := json.Unmarshal(data, &recs); err != nil {
			b.Fatal(err)
		}
		for _, r := range recs {
			texts = append(texts, r.Problem)
			size += int64(len(r.Problem))
		}
	}
	if len(texts) == 0 {
		b.Fatal("no ProcessBench samples")
	}
	b.SetBytes(size)
	for b.Loop() {
		for _, t := range texts {
			ProblemID(t)
		}
	}
}
