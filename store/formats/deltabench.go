package formats

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/stepwise-dev/stepwise"
)

// deltaBench reads DeltaBench (OpenStellarTeam/DeltaBench): a long chain of
// thought split into 1-based steps on blank lines, grouped into 1-based
// sections, with human labels per section: reasoning_correctness "1" means
// the section CONTAINS an error (the flag reads inverted) and error_step is
// its first wrong step. Annotators stop after the first erroneous section,
// so later sections carry empty flags and their steps are unlabeled.
type deltaBench struct{}

func (deltaBench) Name() string { return "deltabench" }
func (deltaBench) Describe() string {
	return "DeltaBench: long CoT split on blank lines with human section labels and the first wrong step (JSONL)"
}

func (deltaBench) Detect(k Keys) bool {
	return k.Has("long_cot", "sections", "sections_labeled_info")
}

const (
	deltaDataset   = "deltabench"
	deltaSegmenter = `long_cot.split("\n\n"), every piece kept (1-based in the source)`
	deltaSrcFlag   = "deltabench.sections_labeled_info.reasoning_correctness"
	deltaSrcStep   = "deltabench.sections_labeled_info.error_step"
	deltaCorrectBy = "source: final_correct"
)

type deltaRecord struct {
	ID           string              `json:"id"`
	Origin       string              `json:"origin"`
	TaskL1       string              `json:"task_l1"`
	TaskL2       string              `json:"task_l2"`
	Level        json.RawMessage     `json:"level"`
	Question     *string             `json:"question"`
	Solution     string              `json:"solution"`
	Answer       json.RawMessage     `json:"answer"`
	LongCoT      *string             `json:"long_cot"`
	Sections     []deltaSection      `json:"sections"`
	Labeled      []deltaSectionLabel `json:"sections_labeled_info"`
	FinalCorrect json.RawMessage     `json:"final_correct"`
	ErrorType    string              `json:"error_type"`
	// The source misspells "strategy" in this key.
	StrategyShift  json.RawMessage `json:"stragegy_shift_section_numbers"`
	ReasonUnuseful json.RawMessage `json:"reason_unuseful_section_numbers"`
	ReasonError    json.RawMessage `json:"reason_error_section_numbers"`
	ReflectionNums json.RawMessage `json:"reflection_section_numbers"`

	// warnings are the gaps met while decoding (Item.Warnings).
	warnings []string
	// secAt maps a source section (0-based) to its place in the trace's
	// sections, -1 for one that could not be read.
	secAt []int
}

// warn records a harmless gap: the record is imported without what the
// gap concerns.
func (r *deltaRecord) warn(format string, args ...any) {
	r.warnings = append(r.warnings, fmt.Sprintf(format, args...))
}

type deltaSection struct {
	Start       json.RawMessage `json:"start"`
	End         json.RawMessage `json:"end"`
	Description string          `json:"description"`
	SectionType string          `json:"section_type"`
	Content     *string         `json:"content"`
}

type deltaSectionLabel struct {
	SectionNumber        json.RawMessage `json:"section_number"`
	ReasoningCorrectness json.RawMessage `json:"reasoning_correctness"`
	ErrorStep            json.RawMessage `json:"error_step"`
	Explanation          string          `json:"explanation"`
	Correction           string          `json:"correction"`
	StrategyShiftStep    json.RawMessage `json:"strategy_shift_step"`
	ReflectionStartStep  json.RawMessage `json:"reflection_start_step"`
}

func (deltaBench) Decode(rec Record, opts *Options) ([]Item, error) {
	var r deltaRecord
	if err := json.Unmarshal(rec.Data, &r); err != nil {
		return nil, err
	}
	if r.Question == nil || r.LongCoT == nil {
		return nil, fmt.Errorf("missing question or long_cot")
	}
	t := &stepwise.Trace{SourceID: r.ID, Dataset: pick(opts.Dataset, "", false, deltaDataset),
		Model: opts.Model, Raw: *r.LongCoT, Segmenter: deltaSegmenter}
	stepsFromSpans(t, stepwise.StepThinking, deltaSplit(t.Raw))
	// Everything below the question and the chain of thought is read as far
	// as it can be trusted: a section or a label that does not fit the
	// steps is left out with a warning, never the whole record.
	mismatched := r.sections(t)
	r.labels(t)
	r.verdict(t)
	r.meta(t, mismatched)
	return []Item{{Problem: r.problem(t.Dataset), Trace: t, Warnings: r.warnings}}, nil
}

// deltaSplit is Python's str.split("\n\n") as spans: every piece is kept,
// blank ones too, so that step numbers match the source's.
func deltaSplit(raw string) []stepwise.Span {
	var out []stepwise.Span
	pos := 0
	for {
		i := strings.Index(raw[pos:], paragraphSep)
		if i < 0 {
			return append(out, stepwise.Span{Start: pos, End: len(raw)})
		}
		out = append(out, stepwise.Span{Start: pos, End: pos + i})
		pos += i + len(paragraphSep)
	}
}

func (r *deltaRecord) problem(dataset string) *stepwise.Problem {
	gold, _ := jsonText(r.Answer)
	level, _ := jsonText(r.Level)
	if f, err := strconv.ParseFloat(level, 64); err == nil {
		level = strconv.FormatFloat(f, 'f', -1, 64)
	}
	return &stepwise.Problem{Text: *r.Question, GoldAnswer: gold, GoldSolution: r.Solution,
		Subject: r.TaskL2, Level: level, Dataset: dataset, SourceID: r.ID}
}

// sections turns sections[] into labeled sections spanning their steps. It
// returns the 1-based numbers of sections whose content differs from the
// joined steps (the source has a few). A section whose bounds are not step
// numbers of the trace is left out, with a warning.
func (r *deltaRecord) sections(t *stepwise.Trace) []string {
	var mismatched []string
	r.secAt = make([]int, len(r.Sections))
	for k, s := range r.Sections {
		r.secAt[k] = -1
		start, ok1, err1 := jsonFlag(s.Start, fmt.Sprintf("sections[%d].start", k))
		end, ok2, err2 := jsonFlag(s.End, fmt.Sprintf("sections[%d].end", k))
		if err := firstErr(err1, err2); err != nil {
			r.warn("%v; the section is left out", err)
			continue
		}
		if !ok1 || !ok2 || start < 1 || end < start || end > len(t.Steps) {
			r.warn("sections[%d]: steps %s-%s out of range 1-%d; the section is left out", k,
				deltaShow(s.Start), deltaShow(s.End), len(t.Steps))
			continue
		}
		r.secAt[k] = len(t.Sections)
		title := s.SectionType
		if s.Description != "" {
			title = strings.TrimPrefix(title+" / "+s.Description, " / ")
		}
		sp := stepwise.Span{Start: t.Steps[start-1].Span.Start, End: t.Steps[end-1].Span.End}
		t.Sections = append(t.Sections, stepwise.Section{Kind: stepwise.SectionLabeled, Title: title,
			Span: sp, FirstStep: start - 1, EndStep: end})
		if s.Content != nil && *s.Content != t.Raw[sp.Start:sp.End] {
			mismatched = append(mismatched, strconv.Itoa(k+1))
		}
	}
	return mismatched
}

// deltaShow shows a field's JSON in a warning ("absent" when missing).
func deltaShow(raw json.RawMessage) string {
	if len(raw) == 0 {
		return "(absent)"
	}
	return truncateJSON(raw)
}

func firstErr(errs ...error) error {
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return nil
}

// labels applies sections_labeled_info: section labels, and one explicit
// step label per step (good in a correct section; in an erroneous one good
// before error_step, bad at it, unlabeled after; unlabeled elsewhere).
func (r *deltaRecord) labels(t *stepwise.Trace) {
	for i := range t.Steps {
		t.Steps[i].Labels = []stepwise.Label{r.stepLabel(stepwise.Unlabeled, -1, deltaSrcFlag)}
	}
	for k, l := range r.Labeled {
		r.applySectionLabel(t, k, l)
	}
}

// applySectionLabel applies one entry of sections_labeled_info. An entry
// that names no section of the trace, or whose fields contradict each
// other, is left out with a warning, and the steps it would label stay
// unlabeled; an error_step outside its section leaves the section wrong
// with its steps unknown.
func (r *deltaRecord) applySectionLabel(t *stepwise.Trace, k int, l deltaSectionLabel) {
	field := fmt.Sprintf("sections_labeled_info[%d]", k)
	flag, set, err := jsonFlag(l.ReasoningCorrectness, field+".reasoning_correctness")
	if err != nil {
		r.warn("%v; the entry is left out", err)
		return
	}
	errStep, hasErrStep, err := jsonFlag(l.ErrorStep, field+".error_step")
	if err != nil {
		r.warn("%v; the error step is left out", err)
		hasErrStep = false
	}
	num, ok, err := jsonFlag(l.SectionNumber, field+".section_number")
	if err != nil || !ok || num < 1 || num > len(r.Sections) || r.secAt[num-1] < 0 {
		what := "the entry carries no label"
		if set || hasErrStep {
			what = "its label is left out"
		}
		r.warn("%s.section_number %s: no such section (have %d); %s", field, deltaShow(l.SectionNumber), len(r.Sections), what)
		return
	}
	sec := &t.Sections[r.secAt[num-1]]
	switch {
	case !set && hasErrStep:
		r.warn("%s: error_step %d without reasoning_correctness; the entry is left out", field, errStep)
		return
	case !set:
		return // not judged: steps stay unlabeled
	case flag != 0 && flag != 1:
		r.warn("%s.reasoning_correctness: want 0 or 1, found %d; the entry is left out", field, flag)
		return
	case flag == 0 && hasErrStep:
		r.warn("%s: error_step %d in a section labeled correct; the entry is left out", field, errStep)
		return
	case hasErrStep && (errStep < sec.FirstStep+1 || errStep > sec.EndStep):
		r.warn("%s: error_step %d outside section %d (steps %d-%d); the section's steps are left unlabeled", field, errStep, num,
			sec.FirstStep+1, sec.EndStep)
		hasErrStep = false
	}
	r.labelSection(t, sec, num, flag == 1, errStep, hasErrStep, l)
}

// labelSection records the section's label and its steps' labels. A step
// already labeled bad (overlapping sections) stays bad.
func (r *deltaRecord) labelSection(t *stepwise.Trace, sec *stepwise.Section, num int, bad bool,
	errStep int, hasErrStep bool, l deltaSectionLabel) {
	sl := stepwise.Label{Rating: stepwise.Good, Scope: stepwise.ScopeSection, Origin: stepwise.OriginHuman,
		Source: deltaSrcFlag, OrigIndex: num, Base: 1}
	if bad {
		sl.Rating, sl.Category, sl.Reason = stepwise.Bad, r.ErrorType, deltaReason(l)
	}
	sec.Labels = append(sec.Labels, sl)
	for i := sec.FirstStep; i < sec.EndStep; i++ {
		lab := r.stepLabel(stepwise.Good, -1, deltaSrcFlag)
		switch {
		case bad && !hasErrStep:
			lab = r.stepLabel(stepwise.Unlabeled, -1, deltaSrcFlag)
		case bad && i+1 < errStep:
			lab = r.stepLabel(stepwise.Good, errStep, deltaSrcStep)
		case bad && i+1 == errStep:
			lab = r.stepLabel(stepwise.Bad, errStep, deltaSrcStep)
			lab.FirstError, lab.Category, lab.Reason = true, r.ErrorType, deltaReason(l)
		case bad:
			lab = r.stepLabel(stepwise.Unlabeled, errStep, deltaSrcStep)
		}
		if cur := t.Steps[i].Labels[0]; cur.Rating == stepwise.Bad ||
			(cur.Rating == stepwise.Good && lab.Rating == stepwise.Unlabeled) {
			continue
		}
		t.Steps[i].Labels[0] = lab
	}
}

func (r *deltaRecord) stepLabel(rating stepwise.Rating, orig int, source string) stepwise.Label {
	return stepwise.Label{Rating: rating, Scope: stepwise.ScopeStep, Origin: stepwise.OriginHuman,
		Source: source, OrigIndex: orig, Base: 1}
}

// deltaReason is the annotator's explanation with the correction appended.
func deltaReason(l deltaSectionLabel) string {
	switch {
	case l.Correction == "":
		return l.Explanation
	case l.Explanation == "":
		return "Correction: " + l.Correction
	}
	return l.Explanation + "\nCorrection: " + l.Correction
}

// verdict reads final_correct; a value that is not 0 or 1 leaves the
// answer's correctness unknown, with a warning.
func (r *deltaRecord) verdict(t *stepwise.Trace) {
	v, set, err := jsonFlag(r.FinalCorrect, "final_correct")
	switch {
	case err != nil:
		r.warn("%v; correctness left unknown", err)
	case set && v != 0 && v != 1:
		r.warn("final_correct: want 0 or 1, found %d; correctness left unknown", v)
	case set:
		t.Correct, t.CorrectBy = boolPtr(v == 1), deltaCorrectBy
	}
	if a, ok := LastBoxed(t.Raw); ok {
		t.FinalAnswer = a
	}
}

func (r *deltaRecord) meta(t *stepwise.Trace, mismatched []string) {
	setMeta(t, "origin", r.Origin)
	setMeta(t, "task_l1", r.TaskL1)
	setMeta(t, "task_l2", r.TaskL2)
	setMeta(t, "error_type", r.ErrorType)
	for key, v := range map[string]json.RawMessage{
		"strategy_shift_section_numbers":  r.StrategyShift,
		"reason_unuseful_section_numbers": r.ReasonUnuseful,
		"reason_error_section_numbers":    r.ReasonError,
		"reflection_section_numbers":      r.ReflectionNums,
	} {
		if s, ok := jsonText(v); ok {
			setMeta(t, key, s)
		}
	}
	setMeta(t, "strategy_shift_steps", r.sectionSteps(func(l deltaSectionLabel) json.RawMessage { return l.StrategyShiftStep }))
	setMeta(t, "reflection_start_steps", r.sectionSteps(func(l deltaSectionLabel) json.RawMessage { return l.ReflectionStartStep }))
	if len(mismatched) > 0 {
		setMeta(t, "sections_content_mismatch", strings.Join(mismatched, ","))
	}
	last := 0
	for _, s := range t.Sections {
		last = max(last, s.EndStep)
	}
	if len(t.Sections) > 0 && last < len(t.Steps) {
		setMeta(t, "sections_uncovered_steps", fmt.Sprintf("%d-%d", last+1, len(t.Steps)))
	}
}

// sectionSteps lists a per-section step field as "section:step" pairs (both
// 1-based, as in the source), for the sections where it is set.
func (r *deltaRecord) sectionSteps(field func(deltaSectionLabel) json.RawMessage) string {
	var out []string
	for _, l := range r.Labeled {
		step, ok := jsonText(field(l))
		if !ok || step == "" {
			continue
		}
		num, _ := jsonText(l.SectionNumber)
		out = append(out, num+":"+step)
	}
	return strings.Join(out, ",")
}
