package formats

import (
	"encoding/json"
	"io"
	"strconv"
	"strings"

	"github.com/stepwise-dev/stepwise"
)

// prm800kWriter writes PRM800K-shaped records. A trace read from PRM800K is
// given back as it came (phase 1 or phase 2, every completion, the human
// completions, chosen_completion, who labeled, when and for how long); a
// person's labels replace the trajectory completions' ratings and flags,
// and the labeling's labeler, timestamp and total_time.
//
// Any other trace is written in the phase-2 shape: the trajectory as
// question.pre_generated_steps and one label.steps entry per step up to the
// last labeled one, each with the step as its only completion. A step
// inside that range without a label gets rating null (PRM800K has nulls in
// phase 1); the hallucination flag goes to flagged. Reading the file back
// with the prm800k codec gives the same ratings and flags.
type prm800kWriter struct{ jsonlWriter }

func newPRM800KWriter(w io.Writer) Exporter { return prm800kWriter{newJSONL(w)} }

type prm800kOut struct {
	Labeler    string          `json:"labeler"`
	Timestamp  string          `json:"timestamp"`
	Generation json.RawMessage `json:"generation"`
	QualityCtl *bool           `json:"is_quality_control_question,omitempty"`
	Screening  *bool           `json:"is_initial_screening_question,omitempty"`
	Question   prm800kOutQ     `json:"question"`
	Label      prm800kOutLabel `json:"label"`
}

type prm800kOutQ struct {
	Problem             string          `json:"problem"`
	GroundTruthSolution *string         `json:"ground_truth_solution,omitempty"`
	GroundTruthAnswer   json.RawMessage `json:"ground_truth_answer"`
	PreGeneratedSteps   *[]string       `json:"pre_generated_steps,omitempty"` // nil in phase 1
	PreGeneratedAnswer  json.RawMessage `json:"pre_generated_answer,omitempty"`
	VerifierScore       json.RawMessage `json:"pre_generated_verifier_score,omitempty"`
}

type prm800kOutLabel struct {
	Steps        []prm800kOutStep `json:"steps"`
	TotalTime    json.RawMessage  `json:"total_time"`
	FinishReason string           `json:"finish_reason"`
}

type prm800kOutStep struct {
	Completions      []prm800kOutCompletion `json:"completions"`
	HumanCompletion  *prm800kOutCompletion  `json:"human_completion"`
	ChosenCompletion *int                   `json:"chosen_completion"`
}

type prm800kOutCompletion struct {
	Text    string `json:"text"`
	Rating  *int   `json:"rating"`
	Source  string `json:"source,omitempty"` // "human" on a human completion
	Flagged *bool  `json:"flagged"`
}

// prm800kTime is PRM800K's timestamp layout (no zone).
const prm800kTime = "2006-01-02T15:04:05.999999"

func (p prm800kWriter) Write(it *ExportItem) (string, error) {
	var chosen []*int
	own := it.Trace.Source.Format == prm800k{}.Name()
	if c, ok := it.Trace.Meta["chosen_completions"]; own && ok {
		own = json.Unmarshal([]byte(c), &chosen) == nil && chosen != nil
	} else if own {
		// A phase-2 record laid out as usual keeps no layout of its own.
		own = it.Trace.Segmenter == prm800kPhase2Segmenter
		chosen = prm800kPhase2Chosen(it.Trace)
	}
	last := -1
	for i, l := range it.Labels {
		if l.Rating != stepwise.Unlabeled {
			last = i
		}
	}
	if last < 0 && !own {
		return "no labeled step", nil
	}
	out := prm800kHead(it, own)
	if own {
		out.Label.Steps = append([]prm800kOutStep{}, prm800kOwnSteps(it, chosen, last)...)
	} else {
		out.Label.Steps = prm800kNewSteps(it, last)
	}
	out.Label.FinishReason = prm800kFinish(it, own)
	return "", p.put(out)
}

// prm800kHead fills everything but the label steps and finish reason.
func prm800kHead(it *ExportItem, own bool) prm800kOut {
	m, pr := it.Trace.Meta, it.Problem
	out := prm800kOut{Labeler: labelerOf(it), Generation: json.RawMessage("null"),
		Question: prm800kOutQ{Problem: pr.Text, GroundTruthAnswer: jsonString(pr.GoldAnswer)},
		Label:    prm800kOutLabel{TotalTime: json.RawMessage(strconv.FormatInt(it.ElapsedMS, 10))}}
	if g := m["generation"]; g != "" && json.Valid([]byte(g)) {
		out.Generation = json.RawMessage(g)
	}
	if !it.Time.IsZero() {
		out.Timestamp = it.Time.UTC().Format(prm800kTime)
	} else {
		out.Timestamp = m["timestamp"]
	}
	phase1 := own && it.Trace.Segmenter == prm800kPhase1Segmenter
	if !phase1 {
		q := &out.Question
		if pr.GoldSolution != "" {
			q.GroundTruthSolution = &pr.GoldSolution
		}
		steps := it.stepTexts(len(it.Trace.Steps))
		q.PreGeneratedSteps = &steps
		q.PreGeneratedAnswer = jsonString(it.Trace.FinalAnswer)
	}
	if !own {
		f := false
		out.QualityCtl, out.Screening = &f, &f
		return out
	}
	for _, b := range []struct {
		dst **bool
		key string
	}{{&out.QualityCtl, "is_quality_control_question"}, {&out.Screening, "is_initial_screening_question"}} {
		if v, err := strconv.ParseBool(m[b.key]); err == nil {
			*b.dst = &v
		}
	}
	if a := metaValue(m, "ground_truth_answer"); a != nil {
		out.Question.GroundTruthAnswer = a
	}
	if !phase1 {
		out.Question.PreGeneratedAnswer = metaValue(m, "pre_generated_answer")
		if out.Question.PreGeneratedAnswer == nil {
			out.Question.PreGeneratedAnswer = json.RawMessage("null")
		}
		if s := m["pre_generated_verifier_score"]; json.Valid([]byte(s)) {
			out.Question.VerifierScore = json.RawMessage(s)
		}
	}
	if t := m["total_time"]; it.Time.IsZero() && json.Valid([]byte(t)) {
		out.Label.TotalTime = json.RawMessage(t)
	}
	return out
}

// prm800kNewSteps writes one label step per trajectory step up to the last
// labeled one, with the step as its only completion.
func prm800kNewSteps(it *ExportItem, last int) []prm800kOutStep {
	var steps []prm800kOutStep
	for i := 0; i <= last; i++ {
		steps = append(steps, prm800kNewStep(it, i))
	}
	return steps
}

// prm800kNewStep is step i as its only completion.
func prm800kNewStep(it *ExportItem, i int) prm800kOutStep {
	zero := 0
	st := prm800kOutStep{Completions: []prm800kOutCompletion{prm800kTrajectory(it, i, nil)}, ChosenCompletion: &zero}
	if it.Labels[i].Rating == stepwise.Bad {
		// PRM800K leaves chosen_completion null on a step rated -1.
		st.ChosenCompletion = nil
	}
	return st
}

// prm800kOwnSteps gives a PRM800K record's label steps back: the source's
// completions in their order, its human completion and chosen_completion,
// with the trajectory completion rated by the export's labels. Steps a
// person labeled past the record's last labeled one are added as new steps.
func prm800kOwnSteps(it *ExportItem, chosen []*int, last int) []prm800kOutStep {
	t := it.Trace
	var at []int
	if s := t.Meta["trajectory_completions"]; s != "" && json.Unmarshal([]byte(s), &at) != nil {
		at = nil
	}
	var steps []prm800kOutStep
	for k, ch := range chosen {
		if k >= len(t.Steps) {
			// A last step left unchosen (phase 1): its candidates.
			steps = append(steps, prm800kOutStep{Completions: prm800kUnchosen(t.Meta["unchosen_last_step"]), ChosenCompletion: ch})
			continue
		}
		src := prm800kSourceLabel(&t.Steps[k])
		human := src != nil && src.Source == prm800kHumanRatingSource
		j := prm800kAt(ch, human)
		if k < len(at) {
			j = at[k]
		}
		steps = append(steps, prm800kOwnStep(it, k, src, j, ch))
	}
	for k := len(chosen); k <= last && k < len(t.Steps); k++ {
		steps = append(steps, prm800kNewStep(it, k))
	}
	return steps
}

// prm800kOwnStep rebuilds label step k: the alternatives in order with the
// trajectory completion at j (or as the human completion).
func prm800kOwnStep(it *ExportItem, k int, src *stepwise.Label, j int, chosen *int) prm800kOutStep {
	traj := prm800kTrajectory(it, k, src)
	var alts []stepwise.Alternative
	if src != nil {
		alts = src.Alternatives
	}
	st := prm800kOutStep{Completions: []prm800kOutCompletion{}, ChosenCompletion: chosen}
	if j == prm800kHuman {
		traj.Source = "human"
		st.HumanCompletion = &traj
	} else if n := len(alts); n > 0 && alts[n-1].Human {
		h := prm800kAlt(alts[n-1])
		h.Source = "human"
		st.HumanCompletion = &h
		alts = alts[:n-1]
	}
	for i, a := range alts {
		if i == j {
			st.Completions = append(st.Completions, traj)
		}
		st.Completions = append(st.Completions, prm800kAlt(a))
	}
	if j >= len(alts) {
		st.Completions = append(st.Completions, traj)
	}
	if it.humanLabeled() && it.Labels[k].Origin == LabelOriginHuman && j != prm800kHuman {
		// A person's rating: PRM800K leaves chosen_completion null on a
		// step rated -1, and chooses the trajectory's completion otherwise.
		if it.Labels[k].Rating == stepwise.Bad {
			st.ChosenCompletion = nil
		} else {
			jj := min(j, len(st.Completions)-1)
			st.ChosenCompletion = &jj
		}
	}
	return st
}

// prm800kTrajectory is step k's own completion, rated by the export's label
// (src, the source's PRM800K label, keeps its flag when the export's label
// is the source's).
func prm800kTrajectory(it *ExportItem, k int, src *stepwise.Label) prm800kOutCompletion {
	l := it.Labels[k]
	c := prm800kOutCompletion{Text: it.Trace.Steps[k].Text}
	if v, ok := l.Rating.PRM800K(); ok {
		c.Rating = &v
	}
	switch {
	case src != nil && l.Origin != LabelOriginHuman:
		c.Flagged = src.Flagged
	case l.Origin == LabelOriginHuman || l.Hallucinated:
		// A person's label says whether the step is flagged.
		c.Flagged = &l.Hallucinated
	}
	return c
}

func prm800kAlt(a stepwise.Alternative) prm800kOutCompletion {
	c := prm800kOutCompletion{Text: a.Text, Flagged: a.Flagged}
	if v, ok := a.Rating.PRM800K(); ok {
		c.Rating = &v
	}
	return c
}

// prm800kUnchosen reads the candidates of a last step left unchosen.
func prm800kUnchosen(s string) []prm800kOutCompletion {
	var alts []stepwise.Alternative
	json.Unmarshal([]byte(s), &alts) // kept by the codec; empty when absent
	out := make([]prm800kOutCompletion, 0, len(alts))
	for _, a := range alts {
		out = append(out, prm800kAlt(a))
	}
	return out
}

// prm800kSourceLabel is a step's PRM800K rating label, nil when it has none.
func prm800kSourceLabel(s *stepwise.Step) *stepwise.Label {
	for i := range s.Labels {
		if src := s.Labels[i].Source; src == prm800kRatingSource || src == prm800kHumanRatingSource {
			return &s.Labels[i]
		}
	}
	return nil
}

// prm800kFinish is the finish reason: the record's own while its labels
// are, else found_error when a step is labeled wrong, else solution.
func prm800kFinish(it *ExportItem, own bool) string {
	if own && !it.humanLabeled() {
		return it.Trace.Meta["finish_reason"]
	}
	if it.anyBad() {
		return "found_error"
	}
	if own && it.Trace.Meta["finish_reason"] != "found_error" && it.Trace.Meta["finish_reason"] != "" {
		return it.Trace.Meta["finish_reason"]
	}
	return "solution"
}

// labelerOf names who labeled: the human annotators, else the source's
// labeler.
func labelerOf(it *ExportItem) string {
	if len(it.Annotators) > 0 {
		return strings.Join(it.Annotators, "+")
	}
	return it.Trace.Meta["labeler"]
}
