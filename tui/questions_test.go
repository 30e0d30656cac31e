package tui

import (
	"context"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/stepwise-dev/stepwise"
	"github.com/stepwise-dev/stepwise/store"
	"github.com/stepwise-dev/stepwise/themes"
)

// studySchema asks one question of every kind; keys are left to
// AssignKeys except one the schema names.
func studySchema() *stepwise.Schema {
	lo, hi := 1.0, 5.0
	return &stepwise.Schema{Name: "study", Questions: []stepwise.Question{
		{ID: "bad_case", Prompt: "Is this a bad case?", Scope: stepwise.ScopeTrace, Kind: stepwise.KindBoolean},
		{ID: "faithful", Prompt: "Faithful?", Scope: stepwise.ScopeTrace, Kind: stepwise.KindOneOf, Options: []string{"yes", "partly", "no"}},
		{ID: "flaws", Prompt: "Which flaws?", Scope: stepwise.ScopeStep, Kind: stepwise.KindManyOf, Options: []string{"sign", "units", "copy"}},
		{ID: "quality", Prompt: "Quality 1-5", Scope: stepwise.ScopeTrace, Kind: stepwise.KindNumber, Min: &lo, Max: &hi},
		{ID: "comment", Prompt: "Anything else?", Scope: stepwise.ScopeTrace, Kind: stepwise.KindText},
		{ID: "keyphrases", Prompt: "Name the errors", Scope: stepwise.ScopeTrace, Kind: stepwise.KindTexts},
		{ID: "wrong_words", Prompt: "Select the wrong words", Scope: stepwise.ScopeStep, Kind: stepwise.KindSpan, Key: "z"},
	}}
}

// newSchemaModel is newTestModel with the study schema active for every
// dataset.
func newSchemaModel(t *testing.T, imports ...string) *Model {
	t.Helper()
	th, _ := themes.Builtin("dark")
	db := openTestStore(t)
	if len(imports) > 0 {
		if _, err := db.Import(context.Background(), imports, store.ImportOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	m, err := New(Options{StorePoll: -1, DB: db, Theme: th, ThemeFixed: true, Annotator: "tester",
		Schemas:   map[string]*stepwise.Schema{"study": studySchema(), "prm800k": {Name: "prm800k"}},
		SchemaFor: func(string) string { return "study" }})
	if err != nil {
		t.Fatal(err)
	}
	settle(t, m, m.Init())
	send(t, m, tea_WindowSize(120, 40))
	return m
}

// keyOf is the key the workbench assigned to a question.
func keyOf(t *testing.T, m *Model, id string) string {
	t.Helper()
	q, ok := m.schemas["study"].Question(id)
	if !ok || q.Key == "" {
		t.Fatalf("question %s has no key", id)
	}
	return q.Key
}

// storedAnswer reads the annotator's current answer back from the store.
func storedAnswer(t *testing.T, m *Model, step int, id string) (stepwise.Answer, bool) {
	t.Helper()
	marks, err := m.db.Marks(m.trace().doc.t.ID)
	if err != nil {
		t.Fatal(err)
	}
	mk := marks["tester"]
	if mk == nil {
		return stepwise.Answer{}, false
	}
	a, ok := mk.Answers[stepwise.AnswerKey{Step: step, Question: "study/" + id}]
	return a.Answer, ok
}

func typeText(t *testing.T, m *Model, s string) {
	t.Helper()
	for _, r := range s {
		msg := keyMsg(string(r))
		if r == ' ' { // a terminal's space: the key and its text
			msg = tea.KeyPressMsg{Code: tea.KeySpace, Text: " "}
		}
		send(t, m, msg)
	}
}

func TestSchemaQuestionsEveryKind(t *testing.T) {
	m := newSchemaModel(t)
	openGSM8K0(t, m)

	press(t, m, ";", keyOf(t, m, "bad_case"))
	if a, ok := storedAnswer(t, m, -1, "bad_case"); !ok || a.Bool == nil || !*a.Bool {
		t.Fatalf("boolean: %+v %v (status %q)", a, ok, m.status)
	}
	if !strings.Contains(m.status, "saved ✓") {
		t.Fatalf("status %q", m.status)
	}
	press(t, m, ";", keyOf(t, m, "bad_case")) // toggles
	if a, _ := storedAnswer(t, m, -1, "bad_case"); a.Bool == nil || *a.Bool {
		t.Fatalf("boolean toggled: %+v", a)
	}

	press(t, m, ";", keyOf(t, m, "faithful"), "2")
	if a, _ := storedAnswer(t, m, -1, "faithful"); a.Choice != "partly" {
		t.Fatalf("one-of: %+v", a)
	}

	press(t, m, "j") // step 1
	press(t, m, ";", keyOf(t, m, "flaws"), "1", "3", "enter")
	if a, _ := storedAnswer(t, m, 1, "flaws"); strings.Join(a.Choices, ",") != "sign,copy" {
		t.Fatalf("many-of: %+v", a)
	}

	press(t, m, ";", keyOf(t, m, "quality"))
	typeText(t, m, "7")
	press(t, m, "enter")
	if _, ok := storedAnswer(t, m, -1, "quality"); ok || m.prompt == nil {
		t.Fatalf("7 is above the max: saved %v, prompt %v, status %q", ok, m.prompt != nil, m.status)
	}
	press(t, m, "backspace")
	typeText(t, m, "4")
	press(t, m, "enter")
	if a, _ := storedAnswer(t, m, -1, "quality"); a.Number == nil || *a.Number != 4 {
		t.Fatalf("number: %+v (status %q)", a, m.status)
	}

	press(t, m, ";", keyOf(t, m, "comment"))
	typeText(t, m, "too long")
	press(t, m, "enter")
	if a, _ := storedAnswer(t, m, -1, "comment"); a.Text != "too long" {
		t.Fatalf("text: %+v", a)
	}

	press(t, m, ";", keyOf(t, m, "keyphrases"))
	typeText(t, m, "wrong sign; dropped units")
	press(t, m, "enter")
	if a, _ := storedAnswer(t, m, -1, "keyphrases"); strings.Join(a.Texts, "|") != "wrong sign|dropped units" {
		t.Fatalf("texts: %+v", a)
	}

	// Undo takes back the last answer, as it does a rating.
	press(t, m, "u")
	if _, ok := storedAnswer(t, m, -1, "keyphrases"); ok {
		t.Fatal("undo left the keyphrases")
	}
	if a, _ := storedAnswer(t, m, -1, "comment"); a.Text != "too long" {
		t.Fatalf("undo took more than the last answer: %+v", a)
	}
}

// wordOffsets finds each field of text with strings.Index, left to right.
func wordOffsets(text string) []stepwise.Span {
	var out []stepwise.Span
	pos := 0
	for _, w := range strings.Fields(text) {
		i := pos + strings.Index(text[pos:], w)
		out = append(out, stepwise.Span{Start: i, End: i + len(w)})
		pos = i + len(w)
	}
	return out
}

func TestSpanSelection(t *testing.T) {
	m := newSchemaModel(t)
	openGSM8K0(t, m)
	press(t, m, "j")
	text := m.trace().doc.t.Steps[1].Text
	words := wordOffsets(text)
	if len(words) < 8 {
		t.Fatalf("step 1 has %d words", len(words))
	}
	press(t, m, ";", "z")
	if m.current() != scrStep || m.step().span == nil {
		t.Fatalf("span selection did not start (screen %d)", m.current())
	}
	// Words 2–3, then word 6 alone.
	press(t, m, "l", "l", "space", "l", "v", "l", "l", "l", "v", "v", "enter")
	a, ok := storedAnswer(t, m, 1, "wrong_words")
	want := []stepwise.Span{{Start: words[2].Start, End: words[3].End}, words[6]}
	if !ok || len(a.Spans) != 2 || a.Spans[0] != want[0] || a.Spans[1] != want[1] {
		t.Fatalf("spans %+v, want %+v (status %q)", a.Spans, want, m.status)
	}
	if got := text[a.Spans[0].Start:a.Spans[0].End]; !strings.HasPrefix(got, strings.Fields(text)[2]) {
		t.Fatalf("first span is %q", got)
	}
	// Step detail shows the selected words.
	if v := ansi.Strip(viewOf(m)); !strings.Contains(v, strings.Fields(text)[6]) || !strings.Contains(v, "2 spans  by tester") {
		t.Fatalf("step detail does not show the span answer:\n%s", v)
	}
	// Reopening starts from the saved selection; marking inside one
	// removes it.
	press(t, m, ";", "z", "l", "l", "space", "enter")
	if a, _ := storedAnswer(t, m, 1, "wrong_words"); len(a.Spans) != 1 || a.Spans[0] != words[6] {
		t.Fatalf("after removing the first span: %+v", a.Spans)
	}
	press(t, m, "u")
	if a, _ := storedAnswer(t, m, 1, "wrong_words"); len(a.Spans) != 2 {
		t.Fatalf("undo did not bring both spans back: %+v", a.Spans)
	}
	// The undo before brought the first answer back; one more undo takes
	// it away, and redo restores it.
	press(t, m, "u")
	if _, ok := storedAnswer(t, m, 1, "wrong_words"); ok {
		t.Fatal("undo left the span answer")
	}
	press(t, m, "ctrl+r")
	// esc leaves span selection without saving.
	press(t, m, ";", "z", "c", "esc")
	if a, _ := storedAnswer(t, m, 1, "wrong_words"); len(a.Spans) != 2 || m.step().span != nil {
		t.Fatalf("esc saved or stayed: %+v", a.Spans)
	}
}

func TestSchemaKeysInHelpAndPalette(t *testing.T) {
	m := newSchemaModel(t)
	openGSM8K0(t, m)
	if v := ansi.Strip(viewOf(m)); !strings.Contains(v, "z wrong_words") || !strings.Contains(v, keyOf(t, m, "faithful")+" faithful") {
		t.Fatalf("the trace view's strip lacks the questions:\n%s", v)
	}
	press(t, m, "?")
	for range 8 {
		press(t, m, "pgdown")
	}
	var help string
	m.helpTop = 0
	for top := 0; top < 400; top += 10 {
		m.helpTop = top
		help += ansi.Strip(m.helpView())
	}
	for _, q := range m.schemas["study"].Questions {
		if !strings.Contains(help, "; "+q.Key) || !strings.Contains(help, q.Prompt) {
			t.Fatalf("help lacks ; %s (%s)", q.Key, q.Prompt)
		}
	}
}

func TestDefaultSchemaDisablesTheAnswerKey(t *testing.T) {
	m := newTestModel(t, 120, 40, "dark")
	openGSM8K0(t, m)
	press(t, m, ";")
	if m.prompt != nil || !strings.Contains(m.status, "asks nothing beyond the ratings") {
		t.Fatalf("status %q", m.status)
	}
}

// TestSpanSelectionHostileText: the words of a hostile step reach the
// span view cleaned, while the answer keeps raw byte offsets.
func TestSpanSelectionHostileText(t *testing.T) {
	m := newSchemaModel(t)
	press(t, m, "enter", "f")
	typeText(t, m, "dataset:processbench/hostile")
	press(t, m, "enter", "enter")
	if m.trace().doc.t == nil {
		t.Fatal("hostile trace did not open")
	}
	for i := range m.trace().doc.t.Steps {
		if i > 0 {
			press(t, m, "j")
		}
		press(t, m, ";", "z")
		assertTerminalSafe(t, "span selection", viewOf(m))
		press(t, m, "space", "l", "enter")
		assertTerminalSafe(t, "step detail with a span answer", viewOf(m))
		press(t, m, "esc")
	}
}
