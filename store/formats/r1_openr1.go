package formats

import (
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/stepwise-dev/stepwise"
)

// openR1 reads OpenR1-Math rows (HF open-r1/OpenR1-Math-220k): one problem
// with parallel lists generations[], correctness_math_verify[],
// is_reasoning_complete[], finish_reasons[], correctness_llama[], one entry
// per generation. Each generation is an R1 "<think>…</think> answer" text.
type openR1 struct{}

func (openR1) Name() string { return "openr1" }
func (openR1) Describe() string {
	return "OpenR1-Math: generations[] of <think> traces with per-generation correctness (JSONL)"
}

func (openR1) Detect(k Keys) bool {
	return k.Has("problem", "generations") &&
		(k.Has("correctness_math_verify") || k.Has("is_reasoning_complete") || k.Has("finish_reasons"))
}

const (
	openR1Dataset = "openr1-math"
	// openR1Model: the dataset card says every generation is DeepSeek R1's.
	openR1Model     = "DeepSeek-R1"
	openR1CorrectBy = "source: correctness_math_verify"
)

type openR1Record struct {
	Problem          *string         `json:"problem"`
	Solution         string          `json:"solution"`
	Answer           json.RawMessage `json:"answer"`
	ProblemType      string          `json:"problem_type"`
	QuestionType     string          `json:"question_type"`
	Source           string          `json:"source"`
	UUID             string          `json:"uuid"`
	Generations      []*string       `json:"generations"`
	Complete         []*bool         `json:"is_reasoning_complete"`
	MathVerify       []*bool         `json:"correctness_math_verify"`
	Llama            []*bool         `json:"correctness_llama"`
	FinishReasons    []*string       `json:"finish_reasons"`
	CorrectnessCount json.RawMessage `json:"correctness_count"`
}

func (openR1) Decode(rec Record, opts *Options) ([]Item, error) {
	var r openR1Record
	if err := json.Unmarshal(rec.Data, &r); err != nil {
		return nil, err
	}
	warns, err := r.check()
	if err != nil {
		return nil, err
	}
	dataset := pick(opts.Dataset, "", false, openR1Dataset)
	gold, _ := jsonText(r.Answer)
	p := &stepwise.Problem{Text: *r.Problem, GoldAnswer: gold, GoldSolution: r.Solution,
		Subject: r.ProblemType, Dataset: dataset}
	var items []Item
	for i, g := range r.Generations {
		if g == nil {
			continue // warned by check
		}
		t := &stepwise.Trace{SourceID: r.UUID, Dataset: dataset, Sample: i,
			Model: pick(opts.Model, openR1Model, true, "")}
		r.generationFields(t, i)
		r1InlineTrace(t, *g)
		r.meta(t, i)
		items = append(items, Item{Problem: p, Trace: t})
	}
	items[0].Warnings = warns
	return items, nil
}

// check enforces a problem and a generation. A null generation is left
// out, and a list not parallel to generations is left out (its entries
// match no generation for sure), each with a warning.
func (r *openR1Record) check() ([]string, error) {
	if r.Problem == nil {
		return nil, fmt.Errorf("missing problem")
	}
	n := len(r.Generations)
	var warns []string
	usable := 0
	for i, g := range r.Generations {
		if g == nil {
			warns = append(warns, fmt.Sprintf("generations[%d] is null; it is left out", i))
			continue
		}
		usable++
	}
	if usable == 0 {
		return nil, fmt.Errorf("generations: empty, no trace to import")
	}
	for _, l := range []struct {
		name string
		n    int
		drop func()
	}{
		{"is_reasoning_complete", len(r.Complete), func() { r.Complete = nil }},
		{"correctness_math_verify", len(r.MathVerify), func() { r.MathVerify = nil }},
		{"correctness_llama", len(r.Llama), func() { r.Llama = nil }},
		{"finish_reasons", len(r.FinishReasons), func() { r.FinishReasons = nil }},
	} {
		if l.n != 0 && l.n != n {
			warns = append(warns, fmt.Sprintf("%s has %d entries but generations has %d (parallel lists); %s is left out", l.name, l.n, n, l.name))
			l.drop()
		}
	}
	return warns, nil
}

// generationFields sets generation i's verdict and truncation from the
// parallel lists: incomplete reasoning or a "length" stop means cut off.
func (r *openR1Record) generationFields(t *stepwise.Trace, i int) {
	if i < len(r.MathVerify) && r.MathVerify[i] != nil {
		t.Correct = boolPtr(*r.MathVerify[i])
		t.CorrectBy = openR1CorrectBy
	}
	if i < len(r.Complete) && r.Complete[i] != nil && !*r.Complete[i] {
		t.Truncated = true
	}
	if i < len(r.FinishReasons) && r.FinishReasons[i] != nil && *r.FinishReasons[i] == "length" {
		t.Truncated = true
	}
}

func (r *openR1Record) meta(t *stepwise.Trace, i int) {
	setMeta(t, "source", r.Source)
	setMeta(t, "question_type", r.QuestionType)
	setMeta(t, "problem_type", r.ProblemType)
	if c, ok := jsonText(r.CorrectnessCount); ok {
		setMeta(t, "correctness_count", c)
	}
	if i < len(r.Llama) && r.Llama[i] != nil {
		setMeta(t, "correctness_llama", strconv.FormatBool(*r.Llama[i]))
	}
	if i < len(r.FinishReasons) && r.FinishReasons[i] != nil {
		setMeta(t, "finish_reason", *r.FinishReasons[i])
	}
	if i < len(r.Complete) && r.Complete[i] != nil {
		setMeta(t, "is_reasoning_complete", strconv.FormatBool(*r.Complete[i]))
	}
}
