package stepwise

import "testing"

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
