package formats

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/stepwise-dev/stepwise"
)

// skyT1 reads SkyThought evaluation output (the Qwen2.5-Math harness used for
// Sky-T1): one record per problem with parallel lists code/pred/score/report,
// one entry per sample. Each code entry is a long chain of thought in
// <|begin_of_thought|> … <|end_of_thought|> followed by
// <|begin_of_solution|> … <|end_of_solution|>.
type skyT1 struct{}

func (skyT1) Name() string { return "sky-t1" }
func (skyT1) Describe() string {
	return "SkyThought/Sky-T1 eval output: code[] with thought/solution tags, pred[] and score[] per sample (JSONL)"
}

func (skyT1) Detect(k Keys) bool {
	return k.Has("idx", "code", "pred", "score") && (k.Has("question") || k.Has("problem"))
}

const (
	skyT1BeginThought   = "<|begin_of_thought|>"
	skyT1EndThought     = "<|end_of_thought|>"
	skyT1BeginSolution  = "<|begin_of_solution|>"
	skyT1EndSolution    = "<|end_of_solution|>"
	skyT1Segmenter      = "thought and solution blocks split on blank lines"
	skyT1CorrectBy      = "source: score"
	skyT1DatasetFamily  = "sky-t1"
	skyT1NoneGoldCoTStr = "None"
)

type skyT1Record struct {
	Idx      json.RawMessage   `json:"idx"`
	Question *string           `json:"question"`
	Problem  *string           `json:"problem"`
	GtCot    json.RawMessage   `json:"gt_cot"`
	Gt       json.RawMessage   `json:"gt"`
	Solution *string           `json:"solution"`
	Answer   json.RawMessage   `json:"answer"`
	Code     []*string         `json:"code"`
	Pred     []json.RawMessage `json:"pred"`
	Report   []json.RawMessage `json:"report"`
	Score    []*bool           `json:"score"`
}

func (skyT1) Decode(rec Record, opts *Options) ([]Item, error) {
	var r skyT1Record
	if err := json.Unmarshal(rec.Data, &r); err != nil {
		return nil, err
	}
	warns, err := r.check()
	if err != nil {
		return nil, err
	}
	bench, model := skyT1NameParts(rec.Path)
	dataset := pick(opts.Dataset, skyT1DatasetFamily+"/"+bench, bench != "", skyT1DatasetFamily)
	p := r.problem(dataset)
	idx, hasIdx := jsonText(r.Idx)
	var items []Item
	for i, code := range r.Code {
		if code == nil {
			continue // warned by check
		}
		t := &stepwise.Trace{
			Dataset: dataset,
			Model:   pick(opts.Model, model, true, ""),
			Sample:  i,
			Raw:     *code,
		}
		if hasIdx {
			t.SourceID = longCoTFileStem(rec.Path) + "/" + idx
		}
		skyT1Sections(t)
		r.sampleFields(t, i)
		r.meta(t, i)
		items = append(items, Item{Problem: p, Trace: t})
	}
	items[0].Warnings = warns
	return items, nil
}

// check enforces the fields every trace needs: a question and a sample. A
// missing idx, a null sample or a list not parallel to code is a warning:
// the samples are imported without what cannot be matched to them (a
// score list of another length says nothing sure about any sample).
func (r *skyT1Record) check() ([]string, error) {
	if r.Question == nil && r.Problem == nil {
		return nil, fmt.Errorf("missing question")
	}
	var warns []string
	if _, ok := jsonText(r.Idx); !ok {
		warns = append(warns, "missing idx; the traces get ids from their content")
	}
	n := 0
	for i, c := range r.Code {
		if c == nil {
			warns = append(warns, fmt.Sprintf("code[%d] is null; that sample is left out", i))
			continue
		}
		n++
	}
	if n == 0 {
		return nil, fmt.Errorf("code: no samples")
	}
	for _, l := range []struct {
		name string
		n    int
		drop func()
	}{
		{"pred", len(r.Pred), func() { r.Pred = nil }},
		{"score", len(r.Score), func() { r.Score = nil }},
		{"report", len(r.Report), func() { r.Report = nil }},
	} {
		if l.n != 0 && l.n != len(r.Code) {
			warns = append(warns, fmt.Sprintf("%s has %d entries but code has %d (parallel lists); %s is left out", l.name, l.n, len(r.Code), l.name))
			l.drop()
		}
	}
	return warns, nil
}

func (r *skyT1Record) problem(dataset string) *stepwise.Problem {
	text := r.Question
	if text == nil {
		text = r.Problem
	}
	gold, _ := jsonText(r.Gt)
	if gold == "" {
		gold, _ = jsonText(r.Answer)
	}
	p := &stepwise.Problem{Text: *text, GoldAnswer: gold, Dataset: dataset}
	p.SourceID, _ = jsonText(r.Idx)
	if r.Solution != nil {
		p.GoldSolution = *r.Solution
	} else if cot, ok := r.goldCoT(); ok {
		p.GoldSolution = cot
	}
	return p
}

// goldCoT is gt_cot unless it is the placeholder string "None".
func (r *skyT1Record) goldCoT() (string, bool) {
	s, ok := jsonText(r.GtCot)
	if !ok || strings.TrimSpace(s) == skyT1NoneGoldCoTStr || strings.TrimSpace(s) == "" {
		return "", false
	}
	return s, true
}

// sampleFields sets the final answer and the source's verdict for sample i.
func (r *skyT1Record) sampleFields(t *stepwise.Trace, i int) {
	if i < len(r.Pred) {
		t.FinalAnswer, _ = jsonText(r.Pred[i])
	}
	if i < len(r.Score) && r.Score[i] != nil {
		t.Correct = boolPtr(*r.Score[i])
		t.CorrectBy = skyT1CorrectBy
	}
}

func (r *skyT1Record) meta(t *stepwise.Trace, i int) {
	if a, ok := jsonText(r.Answer); ok {
		setMeta(t, "answer", a)
	}
	if i < len(r.Report) {
		if rep, ok := jsonText(r.Report[i]); ok {
			setMeta(t, "report", rep)
		}
	}
	if cot, ok := r.goldCoT(); ok && r.Solution != nil {
		setMeta(t, "gt_cot", cot)
	}
}

// skyT1Sections cuts the thought and solution blocks into sections and steps.
// A thought block that never closes marks the trace truncated; so does a
// solution block that opens and never closes.
func skyT1Sections(t *stepwise.Trace) {
	t.Segmenter = skyT1Segmenter
	cut := cutThinkTags(t.Raw, skyT1BeginThought, skyT1EndThought)
	t.Truncated = cut.Truncated
	if cut.HasThink {
		addParagraphSection(t, stepwise.SectionThinking, "thinking", cut.Think, stepwise.StepThinking)
	}
	sol, truncated := skyT1Solution(t.Raw, cut.Rest)
	t.Truncated = t.Truncated || truncated
	addParagraphSection(t, stepwise.SectionSolution, "solution", sol, stepwise.StepReasoning)
}

// skyT1Solution finds the solution block inside rest: between its tags when
// present, else the whole of rest (untagged text after the thought block).
func skyT1Solution(raw string, rest stepwise.Span) (stepwise.Span, bool) {
	text := raw[rest.Start:rest.End]
	b := strings.Index(text, skyT1BeginSolution)
	if b < 0 {
		return rest, false
	}
	start := rest.Start + b + len(skyT1BeginSolution)
	e := strings.Index(raw[start:rest.End], skyT1EndSolution)
	if e < 0 {
		return stepwise.Span{Start: start, End: rest.End}, true
	}
	return stepwise.Span{Start: start, End: start + e}, false
}
