package formats

import (
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/stepwise-dev/stepwise"
)

// safeTrace reads Safe trace files (liuchengwucn/Safe collect_trace.py): a
// JSON array of problems, each with its loader fields and verified_answers[],
// one per sampled answer. An answer is {answer, correct, steps[{step,
// formal_statement, proof, state, correct}]} or, on a timeout, a bare string
// such as "predict timeout". Steps were copied verbatim from the answer by an
// LLM splitter; state is one of Safe's four proof states.
type safeTrace struct{}

func (safeTrace) Name() string { return "safe" }
func (safeTrace) Describe() string {
	return "Safe trace dump: verified_answers[] with LLM-split steps, Lean 4 statements, proofs and proof states (JSON array)"
}

func (safeTrace) Detect(k Keys) bool { return k.Has("verified_answers") }

const (
	safeCorrectBy       = "source: Safe correct (LLM-judged)"
	safeLocateSegmenter = "Safe's LLM-split steps, located in order in the answer"
	safeJoinSegmenter   = "Safe's LLM-split steps joined by newlines (a step was not found verbatim in the answer; " +
		"the original answer is in Meta[safe_answer])"
	safeDataset = "safe"
)

// safeStates are the four step states Safe writes.
var safeStates = []string{"Success of Proof", "Failure of Proof", "No Verification Required", "Failed Formalization"}

type safeProblem struct {
	Question    *string           `json:"question"`
	Problem     *string           `json:"problem"`
	GroundTruth json.RawMessage   `json:"ground_truth"`
	Answer      json.RawMessage   `json:"answer"`
	Solution    string            `json:"solution"`
	Level       json.RawMessage   `json:"level"`
	Type        string            `json:"type"`
	UniqueID    string            `json:"unique_id"`
	Verified    []json.RawMessage `json:"verified_answers"`
}

type safeAnswer struct {
	Answer   *string         `json:"answer"`
	Correct  *bool           `json:"correct"`
	Steps    []safeStep      `json:"steps"`
	Score    json.RawMessage `json:"score"`
	ScorePRM json.RawMessage `json:"score_prm"`
}

type safeStep struct {
	Step            *string `json:"step"`
	FormalStatement *string `json:"formal_statement"`
	Proof           *string `json:"proof"`
	State           *string `json:"state"`
}

func (safeTrace) Decode(rec Record, opts *Options) ([]Item, error) {
	var r safeProblem
	if err := json.Unmarshal(rec.Data, &r); err != nil {
		return nil, err
	}
	if len(r.Verified) == 0 {
		return nil, fmt.Errorf("verified_answers is missing or empty: no answer to import")
	}
	p, err := r.problem()
	if err != nil {
		return nil, err
	}
	name := safeParseFileName(rec.Path)
	p.Dataset = pick(opts.Dataset, safeDataset+"/"+name.dataset, name.dataset != "", safeDataset)
	if p.Split == "" {
		p.Split = name.split
	}
	// Each verified answer is a trace of its own: one that cannot be read
	// is left out with a warning, and the others are imported.
	var items []Item
	var warns, failed []string
	for i, raw := range r.Verified {
		t := &stepwise.Trace{SourceID: r.UniqueID, Dataset: p.Dataset, Sample: i,
			Model: pick(opts.Model, name.model, true, "")}
		w, err := safeAnswerTrace(t, raw, fmt.Sprintf("verified_answers[%d]", i))
		if err != nil {
			failed = append(failed, err.Error())
			continue
		}
		warns = append(warns, w...)
		items = append(items, Item{Problem: p, Trace: t})
	}
	if len(items) == 0 {
		return nil, errors.New(strings.Join(failed, "; "))
	}
	for _, f := range failed {
		warns = append(warns, f+"; that answer is left out")
	}
	items[0].Warnings = warns
	return items, nil
}

func (r *safeProblem) problem() (*stepwise.Problem, error) {
	text := r.Question
	if text == nil {
		text = r.Problem
	}
	if text == nil {
		return nil, fmt.Errorf("missing question (or problem)")
	}
	gold, ok := jsonText(r.GroundTruth)
	if !ok {
		gold, _ = jsonText(r.Answer)
	}
	level, _ := jsonText(r.Level)
	p := &stepwise.Problem{Text: *text, GoldAnswer: gold, GoldSolution: r.Solution, Level: level,
		Subject: r.Type, SourceID: r.UniqueID}
	// Safe's loader ids read "math_<part>_<type>_<num>", part = train or test.
	if parts := strings.SplitN(r.UniqueID, "_", 3); len(parts) == 3 && (parts[1] == "train" || parts[1] == "test") {
		p.Split = parts[1]
	}
	return p, nil
}

// safeAnswerTrace fills t from one verified answer. A bare string (a
// timeout) becomes a zero-step trace with the string in Meta[safe_status],
// so that the sampled answer stays visible.
func safeAnswerTrace(t *stepwise.Trace, raw json.RawMessage, field string) ([]string, error) {
	var status string
	if json.Unmarshal(raw, &status) == nil {
		setMeta(t, "safe_status", status)
		t.Segmenter = "none: Safe stored a status string instead of an answer"
		return nil, nil
	}
	var a safeAnswer
	if err := json.Unmarshal(raw, &a); err != nil {
		return nil, fmt.Errorf("%s: want an answer object or a status string: %w", field, err)
	}
	if a.Answer == nil {
		return nil, fmt.Errorf("%s: missing answer", field)
	}
	if a.Correct != nil {
		t.Correct, t.CorrectBy = boolPtr(*a.Correct), safeCorrectBy
	}
	warns, err := safeSteps(t, *a.Answer, a.Steps, field)
	if err != nil {
		return nil, err
	}
	if b, ok := LastBoxed(*a.Answer); ok {
		t.FinalAnswer = b
	}
	if len(a.Steps) == 0 {
		setMeta(t, "safe_status", "no steps (Safe's per-answer timeout: the answer was not split or verified)")
	}
	for key, v := range map[string]json.RawMessage{"safe_score": a.Score, "safe_score_prm": a.ScorePRM} {
		if s, ok := jsonText(v); ok {
			setMeta(t, key, s)
		}
	}
	return warns, nil
}

// safeSteps locates each step in the answer, in order, searching from the
// previous step's end; if one is missing the steps are joined instead and the
// answer is kept in Meta.
//
// A step state Safe does not define is left out, with a warning: a proof
// status badge must not be guessed; the statement and proof stay.
func safeSteps(t *stepwise.Trace, answer string, steps []safeStep, field string) ([]string, error) {
	var warns []string
	for j := range steps {
		s := &steps[j]
		if s.Step == nil {
			return nil, fmt.Errorf("%s.steps[%d]: missing step text", field, j)
		}
		if s.State != nil && *s.State != "" && !safeKnownState(*s.State) {
			warns = append(warns, fmt.Sprintf("%s.steps[%d].state: unknown Safe state %q (want one of %s); the state is left out",
				field, j, *s.State, strings.Join(safeStates, ", ")))
			s.State = nil
		}
	}
	t.Raw, t.Segmenter = answer, safeLocateSegmenter
	spans, ok := safeLocate(answer, steps)
	if ok {
		for j, sp := range spans {
			t.Steps = append(t.Steps, stepwise.Step{Kind: stepwise.StepReasoning, Span: sp,
				Text: answer[sp.Start:sp.End], Formalizations: safeFormalization(steps[j])})
		}
		return warns, nil
	}
	b := newStepBuilder("\n")
	for _, s := range steps {
		b.add(stepwise.StepReasoning, *s.Step).Formalizations = safeFormalization(s)
	}
	b.into(t, safeJoinSegmenter)
	setMeta(t, "safe_answer", answer)
	return warns, nil
}

func safeLocate(answer string, steps []safeStep) ([]stepwise.Span, bool) {
	spans := make([]stepwise.Span, 0, len(steps))
	pos := 0
	for _, s := range steps {
		i := strings.Index(answer[pos:], *s.Step)
		if i < 0 {
			return nil, false
		}
		sp := stepwise.Span{Start: pos + i, End: pos + i + len(*s.Step)}
		spans = append(spans, sp)
		pos = sp.End
	}
	return spans, true
}

func safeKnownState(s string) bool {
	for _, k := range safeStates {
		if s == k {
			return true
		}
	}
	return false
}

// safeFormalization is a step's imported formalization, kept with Safe's
// own state text until re-checked. "No Verification Required" has no
// statement but keeps its state.
func safeFormalization(s safeStep) []stepwise.Formalization {
	if s.FormalStatement == nil && (s.State == nil || *s.State == "") {
		return nil
	}
	f := stepwise.Formalization{Origin: stepwise.FormalImported, Status: stepwise.StatusStored}
	if s.State != nil {
		f.StoredState = *s.State
	}
	if s.FormalStatement != nil {
		f.Statement = *s.FormalStatement
	}
	if s.Proof != nil {
		f.Proof = *s.Proof
	}
	return []stepwise.Formalization{f}
}

type safeFileName struct{ dataset, split, model string }

// safeFileRE matches collect_trace.py's output name
// trace_{dataset}_{split}_{n}_{model}.json.
var safeFileRE = regexp.MustCompile(`^trace_(.+)_(train|test|validation|val|dev)_(\d+)_(.+)$`)

func safeParseFileName(path string) safeFileName {
	m := safeFileRE.FindStringSubmatch(longCoTFileStem(path))
	if m == nil {
		return safeFileName{}
	}
	return safeFileName{dataset: m[1], split: m[2], model: m[4]}
}
