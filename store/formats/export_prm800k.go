package formats

import (
	"encoding/json"
	"io"
	"strconv"
	"strings"

	"github.com/stepwise-dev/stepwise"
)

// prm800kWriter writes PRM800K phase-2-shaped records: the trajectory as
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
	QualityCtl bool            `json:"is_quality_control_question"`
	Screening  bool            `json:"is_initial_screening_question"`
	Question   prm800kOutQ     `json:"question"`
	Label      prm800kOutLabel `json:"label"`
}

type prm800kOutQ struct {
	Problem             string   `json:"problem"`
	GroundTruthSolution string   `json:"ground_truth_solution,omitempty"`
	GroundTruthAnswer   string   `json:"ground_truth_answer"`
	PreGeneratedSteps   []string `json:"pre_generated_steps"`
	PreGeneratedAnswer  string   `json:"pre_generated_answer"`
}

type prm800kOutLabel struct {
	Steps        []prm800kOutStep `json:"steps"`
	TotalTime    int64            `json:"total_time"`
	FinishReason string           `json:"finish_reason"`
}

type prm800kOutStep struct {
	Completions      []prm800kOutCompletion `json:"completions"`
	HumanCompletion  *string                `json:"human_completion"`
	ChosenCompletion *int                   `json:"chosen_completion"`
}

type prm800kOutCompletion struct {
	Text    string `json:"text"`
	Rating  *int   `json:"rating"`
	Flagged *bool  `json:"flagged"`
}

// prm800kTime is PRM800K's timestamp layout (no zone).
const prm800kTime = "2006-01-02T15:04:05.999999"

func (p prm800kWriter) Write(it *ExportItem) (string, error) {
	last := -1
	for i, l := range it.Labels {
		if l.Rating != stepwise.Unlabeled {
			last = i
		}
	}
	if last < 0 {
		return "no labeled step", nil
	}
	out := prm800kOut{Labeler: labelerOf(it), Generation: json.RawMessage("null"),
		Question: prm800kOutQ{Problem: it.Problem.Text, GroundTruthSolution: it.Problem.GoldSolution,
			GroundTruthAnswer: it.Problem.GoldAnswer, PreGeneratedSteps: it.stepTexts(len(it.Trace.Steps)),
			PreGeneratedAnswer: it.Trace.FinalAnswer},
		Label: prm800kOutLabel{TotalTime: it.ElapsedMS, FinishReason: "solution"}}
	if !it.Time.IsZero() {
		out.Timestamp = it.Time.UTC().Format(prm800kTime)
	} else if ts := it.Trace.Meta["timestamp"]; ts != "" {
		out.Timestamp = ts
	}
	if g := it.Trace.Meta["generation"]; g != "" {
		if _, err := strconv.Atoi(g); err == nil {
			out.Generation = json.RawMessage(g)
		}
	}
	zero := 0
	for i := 0; i <= last; i++ {
		l := it.Labels[i]
		c := prm800kOutCompletion{Text: it.Trace.Steps[i].Text}
		if v, ok := l.Rating.PRM800K(); ok {
			c.Rating = &v
		}
		if l.Hallucinated {
			t := true
			c.Flagged = &t
		}
		st := prm800kOutStep{Completions: []prm800kOutCompletion{c}, ChosenCompletion: &zero}
		if l.Rating == stepwise.Bad {
			// PRM800K leaves chosen_completion null on a step rated -1.
			st.ChosenCompletion = nil
			out.Label.FinishReason = "found_error"
		}
		out.Label.Steps = append(out.Label.Steps, st)
	}
	return "", p.put(out)
}

// labelerOf names who labeled: the human annotators, else the source's
// labeler.
func labelerOf(it *ExportItem) string {
	if len(it.Annotators) > 0 {
		return strings.Join(it.Annotators, "+")
	}
	return it.Trace.Meta["labeler"]
}
