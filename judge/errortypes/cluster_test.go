package errortypes

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestLexical(t *testing.T) {
	alike := [][2]string{{"wrong sign", "sign error"}, {"sign errors", "sign error"}, {"misread the question", "misreading question"},
		{"unit conversion", "wrong unit conversion"}, {"off by one", "off-by-one error"}}
	unlike := [][2]string{{"wrong sign", "unit conversion"}, {"arithmetic slip", "misread the question"}, {"off by one", "hallucinated fact"}}
	for _, p := range alike {
		if s := Lexical(Normalize(p[0]), Normalize(p[1])); s < 0.5 {
			t.Errorf("Lexical(%q, %q) = %.2f: should be alike", p[0], p[1], s)
		}
	}
	for _, p := range unlike {
		if s := Lexical(Normalize(p[0]), Normalize(p[1])); s >= 0.5 {
			t.Errorf("Lexical(%q, %q) = %.2f: should differ", p[0], p[1], s)
		}
	}
	if Normalize("  Sign-Error!! ") != "sign error" {
		t.Errorf("Normalize: %q", Normalize("  Sign-Error!! "))
	}
}

func cases() []Case {
	return []Case{
		{TraceID: "t1", Phrases: []string{"wrong sign", "unit conversion"}},
		{TraceID: "t2", Phrases: []string{"sign error"}},
		{TraceID: "t3", Phrases: []string{"Sign error.", "misread the question"}},
		{TraceID: "t4", Phrases: []string{"wrong unit conversion"}},
		{TraceID: "t5", Phrases: []string{"misreading question", "hallucinated fact"}},
	}
}

func names(cs []Cluster) []string {
	var out []string
	for _, c := range cs {
		out = append(out, fmt.Sprintf("%s%v", c.Name, c.Cases))
	}
	return out
}

func TestProposeLexical(t *testing.T) {
	got := names(Propose(cases(), Options{}))
	want := []string{"sign error[t1 t2 t3]", "misreading question[t3 t5]", "unit conversion[t1 t4]", "hallucinated fact[t5]"}
	if !slices.Equal(got, want) {
		t.Fatalf("clusters\n%v\nwant\n%v", got, want)
	}
}

// TestProposeEmbeddings: with vectors, phrases no word links group by
// meaning.
func TestProposeEmbeddings(t *testing.T) {
	vec := map[string][]float64{"arithmetic slip": {1, 0.1, 0}, "calculation mistake": {0.9, 0.2, 0}, "misread the question": {0, 0, 1}}
	cs := []Case{{TraceID: "a", Phrases: []string{"arithmetic slip"}}, {TraceID: "b", Phrases: []string{"calculation mistake"}},
		{TraceID: "c", Phrases: []string{"misread the question"}}}
	got := Propose(cs, Options{Similarity: Cosine(vec), Threshold: 0.8})
	if len(got) != 2 || len(got[0].Cases) != 2 {
		t.Fatalf("clusters %v", names(got))
	}
	if lex := Propose(cs, Options{}); len(lex) != 3 {
		t.Fatalf("lexically the three are apart: %v", names(lex))
	}
}

// TestTaxonomy: decisions — accept, merge, split, rename — stick: later
// proposals keep decided phrases in their types.
func TestTaxonomy(t *testing.T) {
	tax := &Taxonomy{}
	p := Propose(cases(), Options{Taxonomy: tax})
	if err := tax.Accept(p[0], "sign"); err != nil {
		t.Fatal(err)
	}
	if err := tax.Accept(p[2], ""); err != nil {
		t.Fatal(err)
	}
	if err := tax.Merge("sign", "unit conversion", "arithmetic"); err != nil {
		t.Fatal(err)
	}
	if err := tax.Split("arithmetic", []string{"unit conversion", "wrong unit conversion"}, "units"); err != nil {
		t.Fatal(err)
	}
	if err := tax.Rename("arithmetic", "sign"); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "error-types.toml")
	if err := tax.Save(path); err != nil {
		t.Fatal(err)
	}
	back, err := LoadTaxonomy(path)
	if err != nil {
		t.Fatal(err)
	}
	got := names(Propose(cases(), Options{Taxonomy: back}))
	want := []string{"sign[t1 t2 t3]", "units[t1 t4]", "misreading question[t3 t5]", "hallucinated fact[t5]"}
	if !slices.Equal(got, want) {
		t.Fatalf("after decisions\n%v\nwant\n%v", got, want)
	}
	for _, bad := range []func() error{
		func() error { return back.Merge("sign", "nope", "") },
		func() error { return back.Split("sign", []string{"not there"}, "x") },
		func() error { return back.Rename("sign", "units") },
	} {
		if err := bad(); err == nil {
			t.Error("a bad decision was accepted")
		}
	}
}

func TestBadTaxonomyFile(t *testing.T) {
	dir := t.TempDir()
	for body, want := range map[string]string{
		"[[type]]\nname = \"a\"\nphrases = [\"x\"]\n[[type]]\nname = \"b\"\nphrases = [\"x\"]\n": "in both",
		"[[type]]\nnam = \"a\"\n": "nam",
		"[[type]]\nname = 3\n":    ":2:",
	} {
		p := filepath.Join(dir, "t.toml")
		writeFile(t, p, body)
		if _, err := LoadTaxonomy(p); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: %v, want %q", body, err, want)
		}
	}
}
