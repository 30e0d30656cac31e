package formats

import (
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/stepwise-dev/stepwise"
)

// gsm8k reads openai/grade-school-math files: {"question","answer"}, one step
// per answer line, a final "#### N" line, calculator annotations <<a=b>>.
// The socratic variant prefixes each step with "Sub-question? ** ".
type gsm8k struct{}

func (gsm8k) Name() string { return "gsm8k" }
func (gsm8k) Describe() string {
	return "GSM8K: question/answer with one step per line and a final #### answer (plain and socratic)"
}

func (gsm8k) Detect(k Keys) bool { return len(k) == 2 && k.Has("question", "answer") }

func (gsm8k) Decode(rec Record, opts *Options) ([]Item, error) {
	var r struct {
		Question *string `json:"question"`
		Answer   *string `json:"answer"`
	}
	if err := json.Unmarshal(rec.Data, &r); err != nil {
		return nil, err
	}
	if r.Question == nil || r.Answer == nil {
		return nil, fmt.Errorf("missing question or answer")
	}
	t := &stepwise.Trace{Raw: *r.Answer, Model: pick(opts.Model, "", false, "reference"), Segmenter: "lines"}
	var warns []string
	final, body, ok := cutFinalLine(t.Raw, "#### ")
	if !ok {
		// The solution's lines are still the steps; only the gold answer
		// is unknown.
		warns = append(warns, "answer has no final \"#### N\" line; the gold answer is left unknown")
		body = len(t.Raw)
	}
	stepsFromSpans(t, stepwise.StepReasoning, splitSpans(t.Raw[:body], "\n", 0))
	addCalcs(t)
	t.FinalAnswer = final
	socratic := len(t.Steps) > 0
	for _, s := range t.Steps {
		socratic = socratic && strings.Contains(s.Text, " ** ")
	}
	t.Dataset = pick(opts.Dataset, "gsm8k/socratic", socratic, "gsm8k")
	p := &stepwise.Problem{Text: *r.Question, GoldAnswer: final, GoldSolution: *r.Answer, Dataset: t.Dataset}
	return []Item{{Problem: p, Trace: t, Warnings: warns}}, nil
}

// cutFinalLine finds a last non-blank line starting with marker and returns
// its value and the byte offset where that line begins.
func cutFinalLine(raw, marker string) (value string, start int, ok bool) {
	trimmed := strings.TrimRight(raw, " \t\r\n")
	start = strings.LastIndexByte(trimmed, '\n') + 1
	line := trimmed[start:]
	if !strings.HasPrefix(line, marker) {
		return "", 0, false
	}
	return strings.TrimSpace(line[len(marker):]), start, true
}

var calcRE = regexp.MustCompile(`<<([^=<>]*)=([^<>]*)>>`)

// addCalcs records every <<expr=result>> annotation on its step, with its
// span in Raw, for the verifier.
func addCalcs(t *stepwise.Trace) {
	for i := range t.Steps {
		s := &t.Steps[i]
		for _, m := range calcRE.FindAllStringSubmatchIndex(s.Text, -1) {
			s.Calcs = append(s.Calcs, stepwise.Calc{
				Expr:   s.Text[m[2]:m[3]],
				Result: s.Text[m[4]:m[5]],
				Span:   stepwise.Span{Start: s.Span.Start + m[0], End: s.Span.Start + m[1]},
			})
		}
	}
}

// gsm8kSolutions reads example_model_solutions.jsonl: per problem a
// ground_truth and one {"is_correct","solution"} object per model, keyed by
// the model name. Answers end in "A: N" rather than "####".
type gsm8kSolutions struct{}

func (gsm8kSolutions) Name() string { return "gsm8k-solutions" }
func (gsm8kSolutions) Describe() string {
	return "GSM8K example_model_solutions: several models' solutions per question with is_correct"
}

func (gsm8kSolutions) Detect(k Keys) bool {
	if !k.Has("question", "ground_truth") {
		return false
	}
	for name, v := range k {
		if name != "question" && name != "ground_truth" && isModelSolution(v) {
			return true
		}
	}
	return false
}

type modelSolution struct {
	IsCorrect *bool   `json:"is_correct"`
	Solution  *string `json:"solution"`
}

func isModelSolution(v json.RawMessage) bool {
	var s modelSolution
	return json.Unmarshal(v, &s) == nil && s.Solution != nil
}

func (gsm8kSolutions) Decode(rec Record, opts *Options) ([]Item, error) {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(rec.Data, &fields); err != nil {
		return nil, err
	}
	var question, truth string
	if err := json.Unmarshal(fields["question"], &question); err != nil {
		return nil, fmt.Errorf("field question: %w", err)
	}
	if err := json.Unmarshal(fields["ground_truth"], &truth); err != nil {
		return nil, fmt.Errorf("field ground_truth: %w", err)
	}
	gold, _, _ := cutFinalLine(truth, "A: ")
	dataset := pick(opts.Dataset, "", false, "gsm8k/model-solutions")
	p := &stepwise.Problem{Text: question, GoldAnswer: gold, GoldSolution: truth, Dataset: dataset}
	models := make([]string, 0, len(fields))
	for name := range fields {
		if name != "question" && name != "ground_truth" {
			models = append(models, name)
		}
	}
	sort.Strings(models)
	var items []Item
	var warns []string
	for _, m := range models {
		var s modelSolution
		if err := json.Unmarshal(fields[m], &s); err != nil || s.Solution == nil {
			// Another field beside the models' solutions: the solutions
			// that are there are still the record's.
			warns = append(warns, fmt.Sprintf("field %s: not a {is_correct, solution} object; left out", m))
			continue
		}
		t := &stepwise.Trace{Dataset: dataset, Model: pick(opts.Model, m, true, ""),
			Raw: *s.Solution, Segmenter: "lines", Correct: s.IsCorrect}
		if s.IsCorrect != nil {
			t.CorrectBy = "source: is_correct"
		}
		end := len(t.Raw)
		if final, start, ok := cutFinalLine(t.Raw, "A: "); ok {
			t.FinalAnswer, end = final, start
		}
		stepsFromSpans(t, stepwise.StepReasoning, splitSpans(t.Raw[:end], "\n", 0))
		addCalcs(t)
		items = append(items, Item{Problem: p, Trace: t})
	}
	if len(items) == 0 {
		return nil, fmt.Errorf("no model solution ({is_correct, solution} object) in the record")
	}
	items[0].Warnings = warns
	return items, nil
}
