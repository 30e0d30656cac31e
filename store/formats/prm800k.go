package formats

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"github.com/stepwise-dev/stepwise"
)

// prm800k reads PRM800K (openai/prm800k): one labeling of one solution per
// record, with human +1/0/-1 ratings per step.
//
// Phase 2 ships the trajectory as question.pre_generated_steps; label.steps[i]
// rates step i, and labeling stops at the first -1, so later steps are
// unknown. Phase 1 has no pre-generated steps: the trajectory is rebuilt from
// each label step's chosen completion, or the labeler's own completion.
type prm800k struct{}

func (prm800k) Name() string { return "prm800k" }
func (prm800k) Describe() string {
	return "PRM800K: human +1/0/-1 step ratings with alternative completions (phase 1 and phase 2)"
}

func (prm800k) Detect(k Keys) bool { return k.Has("labeler", "question", "label") }

type prm800kRecord struct {
	Labeler    string           `json:"labeler"`
	Timestamp  string           `json:"timestamp"`
	Generation json.RawMessage  `json:"generation"`
	QualityCtl *bool            `json:"is_quality_control_question"`
	Screening  *bool            `json:"is_initial_screening_question"`
	Question   *prm800kQuestion `json:"question"`
	Label      *prm800kLabel    `json:"label"`
}

type prm800kQuestion struct {
	Problem             *string         `json:"problem"`
	GroundTruthSolution string          `json:"ground_truth_solution"`
	GroundTruthAnswer   json.RawMessage `json:"ground_truth_answer"`
	PreGeneratedSteps   *[]string       `json:"pre_generated_steps"`
	PreGeneratedAnswer  json.RawMessage `json:"pre_generated_answer"`
	VerifierScore       json.RawMessage `json:"pre_generated_verifier_score"`
}

type prm800kLabel struct {
	Steps        []prm800kStep   `json:"steps"`
	TotalTime    json.RawMessage `json:"total_time"`
	FinishReason string          `json:"finish_reason"`
}

type prm800kStep struct {
	Completions      []prm800kCompletion `json:"completions"`
	HumanCompletion  *prm800kCompletion  `json:"human_completion"`
	ChosenCompletion *int                `json:"chosen_completion"`
}

type prm800kCompletion struct {
	Text    *string `json:"text"`
	Rating  *int    `json:"rating"`
	Flagged *bool   `json:"flagged"`
	Source  string  `json:"source"`
}

// prm800kModel names the generator: PRM800K's solutions come from the
// paper's GPT-4-based generator, which the data does not name.
const prm800kModel = "prm800k-generator"

// prm800kSep joins steps: the generator wrote one step per line.
const prm800kSep = "\n"

// Sources of step labels: the rating of the trajectory's completion, or of
// the labeler's own completion (phase 1, when none was chosen).
const (
	prm800kRatingSource      = "prm800k.label.steps.completions.rating"
	prm800kHumanRatingSource = "prm800k.label.steps.human_completion.rating"
)

func (prm800k) Decode(rec Record, opts *Options) ([]Item, error) {
	var r prm800kRecord
	if err := json.Unmarshal(rec.Data, &r); err != nil {
		return nil, err
	}
	if r.Question == nil || r.Question.Problem == nil {
		return nil, fmt.Errorf("missing field question.problem")
	}
	phase2 := r.Question.PreGeneratedSteps != nil
	var warns []string
	if r.Label == nil {
		if !phase2 {
			return nil, fmt.Errorf("missing field label (a phase-1 record has no steps without it)")
		}
		warns = append(warns, "no label; the steps are left unlabeled")
		r.Label = &prm800kLabel{}
	}
	cw, err := prm800kCheck(r.Label.Steps)
	if err != nil {
		return nil, err
	}
	warns = append(warns, cw...)
	gold, gerr := scalarText(r.Question.GroundTruthAnswer)
	if gerr != nil {
		warns = append(warns, fmt.Sprintf("field question.ground_truth_answer: %v; the gold answer is left out", gerr))
	}
	subset := map[bool]string{false: "prm800k/phase1", true: "prm800k/phase2"}[phase2]
	t := &stepwise.Trace{
		Dataset: pick(opts.Dataset, "", false, subset),
		Model:   pick(opts.Model, "", false, prm800kModel),
		Meta:    map[string]string{},
	}
	if r.Labeler != "" && r.Timestamp != "" {
		// One problem is labeled many times, by different labelers and
		// generations; the labeler and the time identify one labeling.
		t.SourceID = r.Labeler + "@" + r.Timestamp
	}
	var at []int
	var pw []string
	labels := r.Label.Steps
	if phase2 {
		at, labels, pw = prm800kPhase2(t, *r.Question.PreGeneratedSteps, labels, r.Labeler)
	} else {
		at, labels, pw, err = prm800kPhase1(t, labels, r.Labeler)
	}
	if err != nil {
		return nil, err
	}
	warns = append(warns, pw...)
	prm800kFinalAnswer(t)
	prm800kMeta(t.Meta, &r)
	if err := prm800kLayoutMeta(t.Meta, labels, at, len(t.Steps), phase2); err != nil {
		return nil, err
	}
	p := &stepwise.Problem{
		Text: *r.Question.Problem, GoldAnswer: gold, GoldSolution: r.Question.GroundTruthSolution,
		Dataset: t.Dataset, Split: prm800kSplit(rec.Path),
	}
	return []Item{{Problem: p, Trace: t, Warnings: warns}}, nil
}

// prm800kCheck validates every completion: its text must be present (a
// completion without one cannot be shown or matched); a rating other than
// -1, 0, +1 or null is read as null, with a warning.
func prm800kCheck(steps []prm800kStep) ([]string, error) {
	var warns []string
	for i, s := range steps {
		cs := s.Completions
		if s.HumanCompletion != nil {
			cs = append(cs[:len(cs):len(cs)], *s.HumanCompletion)
		}
		for j, c := range cs {
			where := fmt.Sprintf("label.steps[%d].completions[%d]", i, j)
			if j == len(s.Completions) {
				where = fmt.Sprintf("label.steps[%d].human_completion", i)
			}
			if c.Text == nil {
				return nil, fmt.Errorf("%s: missing text", where)
			}
			if c.Rating != nil && (*c.Rating < -1 || *c.Rating > 1) {
				warns = append(warns, fmt.Sprintf("%s: rating %d is not -1, 0 or 1; read as unrated", where, *c.Rating))
				if j == len(s.Completions) {
					s.HumanCompletion.Rating = nil
				} else {
					s.Completions[j].Rating = nil
				}
			}
		}
	}
	return warns, nil
}

// prm800kPhase2 takes the trajectory from pre_generated_steps and the rating
// of step i from the completion of label.steps[i] whose text is that step
// (completions[0] in the data). Steps past the last labeled one were not
// judged: labeling stops at the first -1.
//
// It returns where each label step's trajectory completion sits among its
// completions (prm800kLayoutMeta), and the label steps it used. A label
// step past the last pre-generated step, or whose completions do not
// hold its step's text, cannot be placed: a warning says so, and that
// step stays unlabeled.
func prm800kPhase2(t *stepwise.Trace, pre []string, labels []prm800kStep, labeler string) ([]int, []prm800kStep, []string) {
	var warns []string
	if len(labels) > len(pre) {
		warns = append(warns, fmt.Sprintf("label.steps has %d entries for %d pre_generated_steps; the last %d are left out",
			len(labels), len(pre), len(labels)-len(pre)))
		labels = labels[:len(pre)]
	}
	at := make([]int, len(labels))
	b := newStepBuilder(prm800kSep)
	for i, text := range pre {
		st := b.add(prm800kStepKind(text), text)
		if i >= len(labels) {
			st.Labels = []stepwise.Label{{Rating: stepwise.Unlabeled, Scope: stepwise.ScopeStep,
				Origin: stepwise.OriginHuman, Source: "prm800k.label.steps", OrigIndex: i, Base: 0, Annotator: labeler}}
			continue
		}
		j := prm800kMatch(labels[i].Completions, text)
		if j < 0 {
			warns = append(warns, fmt.Sprintf("label.steps[%d]: no completion has the text of pre_generated_steps[%d]; the step is left unlabeled", i, i))
			at[i] = prm800kNone
			st.Labels = []stepwise.Label{{Rating: stepwise.Unlabeled, Scope: stepwise.ScopeStep, Origin: stepwise.OriginHuman,
				Source: "prm800k.label.steps", OrigIndex: i, Base: 0, Annotator: labeler,
				Alternatives: prm800kAlternatives(labels[i].Completions, -1)}}
			continue
		}
		at[i] = j
		st.Labels = []stepwise.Label{prm800kLabelFor(labels[i], j, false, i, labeler)}
	}
	b.into(t, prm800kPhase2Segmenter)
	return at, labels, warns
}

// Segmenters of the two phases: an export tells a phase-1 record (no
// pre-generated steps) by it.
const (
	prm800kPhase1Segmenter = "chosen or human completions joined by newlines"
	prm800kPhase2Segmenter = "pre_generated_steps joined by newlines"
)

// prm800kMatch finds the completion with the trajectory's text, preferring
// completions[0].
func prm800kMatch(cs []prm800kCompletion, text string) int {
	if len(cs) > 0 && *cs[0].Text == text {
		return 0
	}
	for j, c := range cs {
		if *c.Text == text {
			return j
		}
	}
	return -1
}

// prm800kPhase1 rebuilds the trajectory as the PRM800K README says: the
// chosen completion, or the labeler's own when none was chosen. A last step
// with neither (the labeler gave up or stopped) adds no step; its rated
// candidates are kept in Meta. It returns where each label step's
// trajectory completion sits (prm800kHuman: the labeler's own; prm800kNone:
// no step), and the label steps it used: where a step names no completion
// of its own (chosen_completion out of range, or neither chosen nor written
// by the labeler before later steps), the trajectory is unknown from there
// on, and the steps before it are imported with a warning.
func prm800kPhase1(t *stepwise.Trace, labels []prm800kStep, labeler string) ([]int, []prm800kStep, []string, error) {
	b := newStepBuilder(prm800kSep)
	var human, warns []string
	at := make([]int, len(labels))
	for i, ls := range labels {
		var text string
		if ch := ls.ChosenCompletion; ch != nil && (*ch < 0 || *ch >= len(ls.Completions)) {
			if i == 0 {
				return nil, nil, nil, fmt.Errorf("label.steps[0]: chosen_completion %d out of range for %d completions", *ch, len(ls.Completions))
			}
			warns = append(warns, fmt.Sprintf("label.steps[%d]: chosen_completion %d out of range for %d completions; the trajectory stops before it", i, *ch, len(ls.Completions)))
			labels, at = labels[:i], at[:i]
			break
		}
		switch {
		case ls.ChosenCompletion != nil:
			text = *ls.Completions[*ls.ChosenCompletion].Text
			at[i] = *ls.ChosenCompletion
		case ls.HumanCompletion != nil:
			text = *ls.HumanCompletion.Text
			human = append(human, strconv.Itoa(i))
			at[i] = prm800kHuman
		case i == len(labels)-1:
			at[i] = prm800kNone
			cand, err := json.Marshal(prm800kAlternatives(ls.Completions, -1))
			if err != nil {
				return nil, nil, nil, err
			}
			t.Meta["unchosen_last_step"] = string(cand)
			continue
		case i == 0:
			return nil, nil, nil, fmt.Errorf("label.steps[0]: neither chosen_completion nor human_completion, but later steps follow")
		default:
			warns = append(warns, fmt.Sprintf("label.steps[%d]: neither chosen_completion nor human_completion, but later steps follow; the trajectory stops before it", i))
			labels, at = labels[:i], at[:i]
		}
		if len(labels) == i {
			break
		}
		st := b.add(prm800kStepKind(text), text)
		chosen := -1
		if ls.ChosenCompletion != nil {
			chosen = *ls.ChosenCompletion
		}
		st.Labels = []stepwise.Label{prm800kLabelFor(ls, chosen, chosen < 0, i, labeler)}
	}
	b.into(t, prm800kPhase1Segmenter)
	if len(human) > 0 {
		t.Meta["human_written_steps"] = strings.Join(human, ",")
	}
	return at, labels, warns, nil
}

// Where a label step's trajectory text comes from, besides a completion's
// index: the labeler's own completion, or nowhere (a last step left
// unchosen).
const (
	prm800kHuman = -1
	prm800kNone  = -2
)

// prm800kLayoutMeta keeps what an export needs to give label.steps back
// as they came, beyond the ratings and alternatives the steps carry: each
// step's chosen_completion as the record wrote it (Meta chosen_completions,
// a JSON list, which also says how many steps were labeled), and, when a
// step's trajectory completion is not where prm800kAt puts it, where each
// one sits (Meta trajectory_completions). Only phase 2 can differ: its
// trajectory is matched by text (completions[0] in the data), and a step
// may match none (prm800kNone).
//
// A phase-2 record laid out as PRM800K writes them (chosen_completion 0,
// null on the step rated -1, the trajectory first) keeps neither: its
// layout follows from its ratings (prm800kPhase2Chosen), and its body, and
// so its content hash, stays what earlier versions stored.
func prm800kLayoutMeta(m map[string]string, labels []prm800kStep, at []int, steps int, phase2 bool) error {
	chosen := make([]*int, len(labels))
	differs, usual := false, phase2
	for i, ls := range labels {
		chosen[i] = ls.ChosenCompletion
		if i < steps && at[i] != prm800kAt(ls.ChosenCompletion, at[i] == prm800kHuman) {
			differs = true
		}
		if usual && at[i] >= 0 {
			ch, bad := ls.ChosenCompletion, prm800kBadRating(ls.Completions[at[i]].Rating)
			usual = (bad && ch == nil) || (!bad && ch != nil && *ch == 0)
		}
	}
	if usual && !differs {
		return nil
	}
	b, err := json.Marshal(chosen)
	if err != nil {
		return err
	}
	m["chosen_completions"] = string(b)
	if differs {
		b, err := json.Marshal(at)
		if err != nil {
			return err
		}
		m["trajectory_completions"] = string(b)
	}
	return nil
}

func prm800kBadRating(r *int) bool { return r != nil && *r == -1 }

// prm800kPhase2Chosen is the usual chosen_completion of a phase-2 record's
// label steps: 0, or null on the step rated -1, for every step up to the
// last one carrying a PRM800K rating label (nil when t has none).
func prm800kPhase2Chosen(t *stepwise.Trace) []*int {
	var out []*int
	zero := 0
	for i := range t.Steps {
		l := prm800kSourceLabel(&t.Steps[i])
		if l == nil || l.Source != prm800kRatingSource {
			break
		}
		if l.Rating == stepwise.Bad {
			out = append(out, nil)
		} else {
			out = append(out, &zero)
		}
	}
	if out == nil {
		out = []*int{}
	}
	return out
}

// prm800kAt is where a label step's trajectory completion sits by default:
// the chosen completion; with none chosen, the labeler's own when the
// step's text is it (human), else the first completion.
func prm800kAt(chosen *int, human bool) int {
	switch {
	case chosen != nil:
		return *chosen
	case human:
		return prm800kHuman
	}
	return 0
}

// prm800kLabelFor labels the trajectory's step from completion j of ls (or
// its human completion when human is set); the other candidates become
// alternatives.
func prm800kLabelFor(ls prm800kStep, j int, human bool, i int, labeler string) stepwise.Label {
	c := ls.HumanCompletion
	if !human {
		c = &ls.Completions[j]
	}
	l := stepwise.Label{Rating: stepwise.Unlabeled, Scope: stepwise.ScopeStep, Origin: stepwise.OriginHuman,
		Source: prm800kRatingSource, OrigIndex: i, Base: 0, Flagged: c.Flagged, Annotator: labeler}
	if c.Rating != nil {
		l.Rating = stepwise.RatingFromPRM800K(*c.Rating)
	}
	if human {
		j = -1
		l.Source = prm800kHumanRatingSource
	}
	l.Alternatives = prm800kAlternatives(ls.Completions, j)
	if !human && ls.HumanCompletion != nil {
		l.Alternatives = append(l.Alternatives, prm800kAlternative(*ls.HumanCompletion, true))
	}
	return l
}

// prm800kAlternatives lists the completions other than skip.
func prm800kAlternatives(cs []prm800kCompletion, skip int) []stepwise.Alternative {
	var out []stepwise.Alternative
	for j, c := range cs {
		if j != skip {
			out = append(out, prm800kAlternative(c, c.Source == "human"))
		}
	}
	return out
}

func prm800kAlternative(c prm800kCompletion, human bool) stepwise.Alternative {
	a := stepwise.Alternative{Text: *c.Text, Flagged: c.Flagged, Human: human}
	if c.Rating != nil {
		a.Rating = stepwise.RatingFromPRM800K(*c.Rating)
	}
	return a
}

// prm800kAnswerMarker starts the final answer in PRM800K steps.
const prm800kAnswerMarker = "# Answer"

// prm800kAnswerAt returns where the "# Answer" marker starts a line of text
// (after optional indentation, which PRMBench's re-generated steps carry), or -1.
func prm800kAnswerAt(text string) int {
	k := strings.LastIndex(text, prm800kAnswerMarker)
	if k < 0 {
		return -1
	}
	if strings.Trim(text[strings.LastIndexByte(text[:k], '\n')+1:k], " \t") != "" {
		return -1
	}
	return k
}

func prm800kStepKind(text string) stepwise.StepKind {
	if prm800kAnswerAt(text) >= 0 {
		return stepwise.StepAnswer
	}
	return stepwise.StepReasoning
}

// prm800kFinalAnswer reads the answer after "# Answer" in the last step.
func prm800kFinalAnswer(t *stepwise.Trace) {
	if len(t.Steps) == 0 {
		return
	}
	last := t.Steps[len(t.Steps)-1].Text
	if k := prm800kAnswerAt(last); k >= 0 {
		t.FinalAnswer = strings.TrimSpace(last[k+len(prm800kAnswerMarker):])
	}
}

// prm800kMeta keeps the labeling's context: who, when, how long, why it
// ended, and the generator's own answer and verifier score.
func prm800kMeta(m map[string]string, r *prm800kRecord) {
	set := func(k, v string) {
		if v != "" && v != "null" {
			m[k] = v
		}
	}
	set("labeler", r.Labeler)
	set("timestamp", r.Timestamp)
	set("generation", string(r.Generation))
	set("finish_reason", r.Label.FinishReason)
	set("total_time", string(r.Label.TotalTime))
	set("pre_generated_verifier_score", string(r.Question.VerifierScore))
	metaScalar(m, "pre_generated_answer", r.Question.PreGeneratedAnswer)
	if a := r.Question.GroundTruthAnswer; len(a) > 0 && a[0] != '"' && string(a) != "null" {
		// A number: the problem's gold answer is its text, so the type
		// is kept for an export.
		metaScalar(m, "ground_truth_answer", a)
	}
	if r.QualityCtl != nil {
		m["is_quality_control_question"] = strconv.FormatBool(*r.QualityCtl)
	}
	if r.Screening != nil {
		m["is_initial_screening_question"] = strconv.FormatBool(*r.Screening)
	}
}

var prm800kSplitRE = regexp.MustCompile(`phase[12]_(train|test)`)

// prm800kSplit reads the split from the upstream file name (phase2_train.jsonl).
func prm800kSplit(path string) string {
	if m := prm800kSplitRE.FindStringSubmatch(filepath.Base(path)); m != nil {
		return m[1]
	}
	return ""
}
