package stepwise

import (
	"encoding/json"
	"math"
	"strings"
	"testing"
)

func TestSchemaValidate(t *testing.T) {
	good := Schema{Name: "s", Questions: []Question{
		{ID: "harm", Prompt: "Harmful?", Scope: ScopeTrace, Kind: KindBoolean},
		{ID: "kind", Prompt: "Which?", Scope: ScopeStep, Kind: KindOneOf, Options: []string{"a", "b"}},
		{ID: "where", Prompt: "Where?", Scope: ScopeStep, Kind: KindSpan},
	}}
	if err := good.Validate(); err != nil {
		t.Fatal(err)
	}
	one := 1.0
	zero := 0.0
	bad := []struct {
		q    Question
		want string
	}{
		{Question{ID: "x y", Prompt: "p", Scope: ScopeStep, Kind: KindBoolean}, "id"},
		{Question{ID: "x", Scope: ScopeStep, Kind: KindBoolean}, "no prompt"},
		{Question{ID: "x", Prompt: "p", Scope: "section", Kind: KindBoolean}, "scope"},
		{Question{ID: "x", Prompt: "p", Scope: ScopeStep, Kind: "rating"}, "kind"},
		{Question{ID: "x", Prompt: "p", Scope: ScopeStep, Kind: KindOneOf, Options: []string{"a"}}, "two options"},
		{Question{ID: "x", Prompt: "p", Scope: ScopeStep, Kind: KindManyOf, Options: []string{"a", "a"}}, "repeated"},
		{Question{ID: "x", Prompt: "p", Scope: ScopeTrace, Kind: KindSpan}, "scope is step"},
		{Question{ID: "x", Prompt: "p", Scope: ScopeStep, Kind: KindNumber, Min: &one, Max: &zero}, "above max"},
		{Question{ID: "x", Prompt: "p", Scope: ScopeStep, Kind: KindText, Min: &one}, "number questions"},
		{Question{ID: "x", Prompt: "p", Scope: ScopeStep, Kind: KindBoolean, Key: "ab"}, "one character"},
	}
	for _, c := range bad {
		s := Schema{Name: "s", Questions: []Question{c.q}}
		if err := s.Validate(); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: error %v, want one saying %q", c.q, err, c.want)
		}
	}
	twice := Schema{Name: "s", Questions: []Question{good.Questions[0], good.Questions[0]}}
	if err := twice.Validate(); err == nil || !strings.Contains(err.Error(), "twice") {
		t.Errorf("a repeated id: %v", err)
	}
}

func TestAssignKeys(t *testing.T) {
	s := Schema{Name: "s", Questions: []Question{
		{ID: "harm", Prompt: "p"}, {ID: "help", Prompt: "p"}, {ID: "refusal", Prompt: "p", Key: "z"},
	}}
	if err := s.AssignKeys(map[string]bool{"h": true, "j": true}); err != nil {
		t.Fatal(err)
	}
	keys := []string{s.Questions[0].Key, s.Questions[1].Key, s.Questions[2].Key}
	if keys[0] != "a" || keys[1] != "e" || keys[2] != "z" {
		t.Fatalf("keys %v, want a e z (h taken, then the next letters of each id)", keys)
	}
	clash := Schema{Name: "s", Questions: []Question{{ID: "x", Prompt: "p", Key: "j"}}}
	if err := clash.AssignKeys(map[string]bool{"j": true}); err == nil {
		t.Error("a schema key on a workbench key was accepted")
	}
}

func TestAnswerCheck(t *testing.T) {
	yes := true
	five, nan := 5.0, math.NaN()
	lo, hi := 1.0, 3.0
	qs := map[string]*Question{
		"bool": {ID: "b", Kind: KindBoolean}, "one": {ID: "o", Kind: KindOneOf, Options: []string{"a", "b"}},
		"many": {ID: "m", Kind: KindManyOf, Options: []string{"a", "b"}}, "num": {ID: "n", Kind: KindNumber, Min: &lo, Max: &hi},
		"span": {ID: "s", Kind: KindSpan},
	}
	ok := []struct {
		q string
		a Answer
	}{{"bool", Answer{Bool: &yes}}, {"one", Answer{Choice: "b"}}, {"many", Answer{Choices: []string{"a", "b"}}},
		{"span", Answer{Spans: []Span{{0, 3}, {5, 10}}}}}
	for _, c := range ok {
		if err := c.a.Check(qs[c.q], 10); err != nil {
			t.Errorf("%s %+v: %v", c.q, c.a, err)
		}
	}
	bad := []struct {
		q string
		a Answer
	}{{"bool", Answer{}}, {"one", Answer{Choice: "c"}}, {"many", Answer{Choices: []string{"z"}}},
		{"num", Answer{Number: &five}}, {"num", Answer{Number: &nan}}, {"span", Answer{Spans: []Span{{0, 3}, {2, 4}}}},
		{"span", Answer{Spans: []Span{{8, 12}}}}, {"span", Answer{Spans: []Span{{4, 4}}}}}
	for _, c := range bad {
		if err := c.a.Check(qs[c.q], 10); err == nil {
			t.Errorf("%s %+v was accepted", c.q, c.a)
		}
	}
}

// TestAnswersFold: answers are events like ratings: the latest wins, a nil
// answer clears, an undo brings the previous back, and they key JSON.
func TestAnswersFold(t *testing.T) {
	q := QuestionID("lrm-safety", "thinking_harm")
	evs := []Annotation{
		{Seq: 1, Annotator: "ana", Step: -1, Question: q, Answer: &Answer{Choice: "low"}},
		{Seq: 2, Annotator: "ana", Step: -1, Question: q, Answer: &Answer{Choice: "high"}},
		{Seq: 3, Annotator: "ana", Step: 2, Question: "sei/error_words", Answer: &Answer{Spans: []Span{{1, 4}}}},
		{Seq: 4, Annotator: "ana", Step: 0, Rating: Good},
	}
	m := FoldAnnotations(evs, 4)["ana"]
	if got := m.Answers[AnswerKey{-1, q}].Answer.Choice; got != "high" {
		t.Fatalf("latest answer %q, want high", got)
	}
	if m.Rating(0) != Good || len(m.Answers) != 2 {
		t.Fatalf("answers and ratings mixed up: %+v", m)
	}
	undo := append(evs, Annotation{Seq: 5, Annotator: "ana", Undoes: 2})
	if got := FoldAnnotations(undo, 4)["ana"].Answers[AnswerKey{-1, q}].Answer.Choice; got != "low" {
		t.Fatalf("after undo %q, want low", got)
	}
	cleared := append(evs, Annotation{Seq: 5, Annotator: "ana", Step: 2, Question: "sei/error_words"})
	if _, ok := FoldAnnotations(cleared, 4)["ana"].Answers[AnswerKey{2, "sei/error_words"}]; ok {
		t.Fatal("a nil answer did not clear")
	}
	b, err := json.Marshal(m)
	if err != nil || !strings.Contains(string(b), `"-1:lrm-safety/thinking_harm"`) {
		t.Fatalf("marks as JSON: %s %v", b, err)
	}
	var back TraceMarks
	if err := json.Unmarshal(b, &back); err != nil || back.Answers[AnswerKey{2, "sei/error_words"}].Answer.Spans[0] != (Span{1, 4}) {
		t.Fatalf("JSON round trip: %+v %v", back.Answers, err)
	}
}

// TestSpanF1 against hand computations.
func TestSpanF1(t *testing.T) {
	cases := []struct {
		a, b []Span
		want float64
	}{
		{nil, nil, 1},
		{[]Span{{0, 10}}, nil, 0},
		{[]Span{{0, 10}}, []Span{{0, 10}}, 1},
		{[]Span{{0, 10}}, []Span{{5, 15}}, 2 * 5.0 / 20},                // 5 shared of 10 + 10
		{[]Span{{0, 4}, {10, 14}}, []Span{{2, 12}}, 2 * 4.0 / (8 + 10)}, // 2 + 2 shared
	}
	for _, c := range cases {
		if got := SpanF1(c.a, c.b); math.Abs(got-c.want) > 1e-12 {
			t.Errorf("SpanF1(%v, %v) = %v, want %v", c.a, c.b, got, c.want)
		}
	}
}
