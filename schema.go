package stepwise

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
)

// A label schema is what a study asks annotators about a trace and its
// steps, beyond the stock PRM800K rating: questions at step or trace scope,
// each boolean, one-of, many-of, number, free text (one or several) or a
// span (the words of a step that are wrong). Schemas are data (TOML files,
// read by the configuration); answers are annotation events like ratings
// (Annotation.Question and Annotation.Answer), so they are durable, undone,
// merged and measured for agreement the same way.

// QuestionKind is the shape of a question's answer.
type QuestionKind string

// Question kinds.
const (
	KindBoolean QuestionKind = "boolean"
	KindOneOf   QuestionKind = "one-of"
	KindManyOf  QuestionKind = "many-of"
	KindNumber  QuestionKind = "number"
	KindText    QuestionKind = "text"  // one free-text answer
	KindTexts   QuestionKind = "texts" // several free-text answers (SEI keyphrases)
	KindSpan    QuestionKind = "span"  // ranges of the step's text
)

// Categorical reports whether answers fall into a fixed set of categories,
// so that agreement is Cohen's κ or Krippendorff's α.
func (k QuestionKind) Categorical() bool {
	return k == KindBoolean || k == KindOneOf || k == KindManyOf
}

// Question is one question of a schema.
type Question struct {
	// ID is unique in its schema; events record "schema/id".
	ID     string       `toml:"id" json:"id"`
	Prompt string       `toml:"prompt" json:"prompt"`
	Scope  Scope        `toml:"scope" json:"scope"` // step or trace
	Kind   QuestionKind `toml:"kind" json:"kind"`
	// Options are the choices of one-of and many-of questions.
	Options []string `toml:"options" json:"options,omitempty"`
	// Min and Max bound a number's answer when set.
	Min *float64 `toml:"min" json:"min,omitempty"`
	Max *float64 `toml:"max" json:"max,omitempty"`
	// Key is the key that asks the question in the workbench; empty keys
	// are assigned (AssignKeys).
	Key string `toml:"key" json:"key,omitempty"`
	// Help says more, in the palette and the help.
	Help string `toml:"help" json:"help,omitempty"`
}

// Schema is a named set of questions. The stock ratings are always
// there; a schema without questions (the default, prm800k) is ratings
// alone.
type Schema struct {
	Name        string `toml:"name" json:"name"`
	Title       string `toml:"title" json:"title,omitempty"`
	Description string `toml:"description" json:"description,omitempty"`
	// View names how the workbench lays a record out for the schema:
	// "" (the steps) or "side-by-side" (a source document beside the
	// response, for instruction data made from web documents).
	View      string     `toml:"view" json:"view,omitempty"`
	Questions []Question `toml:"question" json:"questions"`
}

// QuestionID is the id events record for question q of schema s.
func QuestionID(schema, question string) string { return schema + "/" + question }

// Question returns the question with id, and whether there is one.
func (s *Schema) Question(id string) (*Question, bool) {
	for i := range s.Questions {
		if s.Questions[i].ID == id {
			return &s.Questions[i], true
		}
	}
	return nil, false
}

// Validate reports what makes a schema unusable, naming the question.
func (s *Schema) Validate() error {
	if !isName(s.Name) {
		return fmt.Errorf("name %q: want letters, digits, - and _", s.Name)
	}
	if s.View != "" && s.View != "side-by-side" {
		return fmt.Errorf("view %q: want side-by-side or nothing", s.View)
	}
	seen := map[string]bool{}
	for i := range s.Questions {
		q := &s.Questions[i]
		if err := q.validate(); err != nil {
			return fmt.Errorf("question %d (%s): %w", i+1, q.ID, err)
		}
		if seen[q.ID] {
			return fmt.Errorf("question %d: id %q is used twice", i+1, q.ID)
		}
		seen[q.ID] = true
	}
	return nil
}

func (q *Question) validate() error {
	switch {
	case !isName(q.ID):
		return fmt.Errorf("id %q: want letters, digits, - and _", q.ID)
	case strings.TrimSpace(q.Prompt) == "":
		return fmt.Errorf("no prompt")
	case q.Scope != ScopeStep && q.Scope != ScopeTrace:
		return fmt.Errorf("scope %q: want step or trace", q.Scope)
	}
	switch q.Kind {
	case KindOneOf, KindManyOf:
		if len(q.Options) < 2 {
			return fmt.Errorf("a %s question needs at least two options", q.Kind)
		}
		seen := map[string]bool{}
		for _, o := range q.Options {
			if strings.TrimSpace(o) == "" || seen[o] {
				return fmt.Errorf("option %q is empty or repeated", o)
			}
			seen[o] = true
		}
	case KindBoolean, KindText, KindTexts, KindNumber:
		if len(q.Options) > 0 {
			return fmt.Errorf("a %s question has no options", q.Kind)
		}
	case KindSpan:
		if q.Scope != ScopeStep {
			return fmt.Errorf("a span question selects words of a step: its scope is step")
		}
	default:
		return fmt.Errorf("kind %q: want boolean, one-of, many-of, number, text, texts or span", q.Kind)
	}
	if q.Min != nil && q.Max != nil && *q.Min > *q.Max {
		return fmt.Errorf("min %g is above max %g", *q.Min, *q.Max)
	}
	if (q.Min != nil || q.Max != nil) && q.Kind != KindNumber {
		return fmt.Errorf("min and max are for number questions")
	}
	if n := len([]rune(q.Key)); q.Key != "" && n != 1 {
		return fmt.Errorf("key %q: want one character", q.Key)
	}
	return nil
}

func isName(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}

// AssignKeys gives every question without a key the first free character
// of its id (then of its prompt, then a digit), never one of taken (the
// workbench's own bindings) or another question's. It fails when a key
// the schema names is taken.
func (s *Schema) AssignKeys(taken map[string]bool) error {
	used := map[string]bool{}
	for k := range taken {
		used[k] = true
	}
	for i := range s.Questions {
		q := &s.Questions[i]
		if q.Key == "" {
			continue
		}
		if used[q.Key] {
			return fmt.Errorf("question %s: key %q is taken", q.ID, q.Key)
		}
		used[q.Key] = true
	}
	for i := range s.Questions {
		q := &s.Questions[i]
		if q.Key != "" {
			continue
		}
		for _, r := range strings.ToLower(q.ID+q.Prompt) + "0123456789" {
			k := string(r)
			if (r >= 'a' && r <= 'z' || r >= '0' && r <= '9') && !used[k] {
				q.Key, used[k] = k, true
				break
			}
		}
		if q.Key == "" {
			return fmt.Errorf("question %s: no free key left", q.ID)
		}
	}
	return nil
}

// Answer is an annotator's answer to one question; the field that holds it
// follows the question's kind. An Annotation with a Question and a nil
// Answer clears the answer.
type Answer struct {
	Bool    *bool    `json:"bool,omitempty"`
	Choice  string   `json:"choice,omitempty"`
	Choices []string `json:"choices,omitempty"`
	Number  *float64 `json:"number,omitempty"`
	Text    string   `json:"text,omitempty"`
	Texts   []string `json:"texts,omitempty"`
	// Spans are byte ranges of the step's text, sorted and not
	// overlapping.
	Spans []Span `json:"spans,omitempty"`
}

// Check reports whether a fits question q (and, for spans, a step text of
// n bytes), naming what does not.
func (a *Answer) Check(q *Question, n int) error {
	switch q.Kind {
	case KindBoolean:
		if a.Bool == nil {
			return fmt.Errorf("%s: want yes or no", q.ID)
		}
	case KindOneOf:
		if !slices.Contains(q.Options, a.Choice) {
			return fmt.Errorf("%s: %q is not one of %s", q.ID, a.Choice, strings.Join(q.Options, ", "))
		}
	case KindManyOf:
		for _, c := range a.Choices {
			if !slices.Contains(q.Options, c) {
				return fmt.Errorf("%s: %q is not one of %s", q.ID, c, strings.Join(q.Options, ", "))
			}
		}
	case KindNumber:
		if a.Number == nil || math.IsNaN(*a.Number) || math.IsInf(*a.Number, 0) {
			return fmt.Errorf("%s: want a number", q.ID)
		}
		if q.Min != nil && *a.Number < *q.Min || q.Max != nil && *a.Number > *q.Max {
			return fmt.Errorf("%s: %g is out of range", q.ID, *a.Number)
		}
	case KindText:
		if strings.TrimSpace(a.Text) == "" {
			return fmt.Errorf("%s: want some text", q.ID)
		}
	case KindTexts:
		if len(a.Texts) == 0 {
			return fmt.Errorf("%s: want at least one text", q.ID)
		}
	case KindSpan:
		end := 0
		for _, s := range a.Spans {
			if s.Start < end || s.End <= s.Start || s.End > n {
				return fmt.Errorf("%s: span %d-%d is empty, overlapping or past the step's %d bytes", q.ID, s.Start, s.End, n)
			}
			end = s.End
		}
	}
	return nil
}

// Categories returns the categories an answer falls in, for agreement:
// "yes"/"no", the choice, or each choice of a many-of answer.
func (a *Answer) Categories() []string {
	switch {
	case a.Bool != nil:
		if *a.Bool {
			return []string{"yes"}
		}
		return []string{"no"}
	case a.Choice != "":
		return []string{a.Choice}
	}
	return a.Choices
}

// AnswerKey names an answer in TraceMarks: a step (-1 for the trace) and
// a question id ("schema/question").
type AnswerKey struct {
	Step     int
	Question string
}

// MarshalText writes "step:question" ("-1:schema/q" for the trace), so
// that answers key a JSON object.
func (k AnswerKey) MarshalText() ([]byte, error) {
	return []byte(strconv.Itoa(k.Step) + ":" + k.Question), nil
}

// UnmarshalText reads what MarshalText writes.
func (k *AnswerKey) UnmarshalText(b []byte) error {
	step, q, ok := strings.Cut(string(b), ":")
	n, err := strconv.Atoi(step)
	if !ok || err != nil || q == "" {
		return fmt.Errorf("answer key %q: want step:question", b)
	}
	k.Step, k.Question = n, q
	return nil
}

// AnswerMark is an annotator's current answer to one question.
type AnswerMark struct {
	Answer Answer `json:"answer"`
	Event  uint64 `json:"event"`
}

// SpanF1 is the overlap F1 of two span selections of one text: twice the
// bytes both selected over the bytes each selected, 1 when both are
// empty. The measure of agreement for span questions.
func SpanF1(a, b []Span) float64 {
	na, nb := spanBytes(a), spanBytes(b)
	if na+nb == 0 {
		return 1
	}
	both := 0
	for _, x := range a {
		for _, y := range b {
			if lo, hi := max(x.Start, y.Start), min(x.End, y.End); hi > lo {
				both += hi - lo
			}
		}
	}
	return 2 * float64(both) / float64(na+nb)
}

func spanBytes(s []Span) int {
	n := 0
	for _, x := range s {
		n += x.Len()
	}
	return n
}
