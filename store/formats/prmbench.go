package formats

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/stepwise-dev/stepwise"
)

// prmBench reads PRMBench (ssmisya/PRMBench): PRM800K solutions into which
// errors of one class were injected. modified_process is the trajectory;
// error_steps (1-based) lists every erroneous step, so every other step is
// good. multi_solutions rows are alternative correct solutions with no errors.
type prmBench struct{}

func (prmBench) Name() string { return "prmbench" }
func (prmBench) Describe() string {
	return "PRMBench: modified_process[] with injected errors (error_steps, 1-based), error class and reason"
}

func (prmBench) Detect(k Keys) bool {
	return k.Has("modified_process", "error_steps", "classification")
}

type prmBenchRecord struct {
	OriginalQuestion *string         `json:"original_question"`
	ModifiedQuestion *string         `json:"modified_question"`
	Question         *string         `json:"question"`
	OriginalProcess  json.RawMessage `json:"original_process"`
	ModifiedProcess  *[]string       `json:"modified_process"`
	ModifiedSteps    json.RawMessage `json:"modified_steps"`
	ErrorSteps       *[]int          `json:"error_steps"`
	Reason           string          `json:"reason"`
	Idx              json.RawMessage `json:"idx"`
	Classification   string          `json:"classification"`
	GroundTruth      json.RawMessage `json:"ground_truth"`
	OriginalResponse json.RawMessage `json:"original_response"`
	// ErrorTypes is stepwise's addition: the type of each error step, in
	// error_steps order, where a person's labels differ from the record's
	// one classification.
	ErrorTypes []string `json:"error_types"`
}

// prmBenchSep joins modified_process: PRMBench steps come from PRM800K,
// whose generator wrote one step per line.
const prmBenchSep = "\n"

func (prmBench) Decode(rec Record, opts *Options) ([]Item, error) {
	var r prmBenchRecord
	if err := json.Unmarshal(rec.Data, &r); err != nil {
		return nil, err
	}
	if r.ModifiedProcess == nil {
		return nil, fmt.Errorf("missing field modified_process")
	}
	if r.ErrorSteps == nil {
		return nil, fmt.Errorf("missing field error_steps")
	}
	problem := r.ModifiedQuestion
	if problem == nil {
		problem = r.Question
	}
	if problem == nil {
		return nil, fmt.Errorf("missing field modified_question or question")
	}
	steps := *r.ModifiedProcess
	bad, beyond, err := prmBenchErrorSet(*r.ErrorSteps, len(steps))
	if err != nil {
		return nil, err
	}
	idx, err := scalarText(r.Idx)
	if err != nil {
		return nil, fmt.Errorf("field idx: %w", err)
	}
	gold, err := scalarText(r.GroundTruth)
	if err != nil {
		return nil, fmt.Errorf("field ground_truth: %w", err)
	}
	t := &stepwise.Trace{
		Dataset: pick(opts.Dataset, "", false, "prmbench"),
		Model:   opts.Model,
		Meta:    prmBenchMeta(&r, *problem),
	}
	if idx != "" {
		// idx names the original solution; each error class modifies it
		// once, so idx repeats across classes.
		t.SourceID = idx + "/" + r.Classification
	}
	if !slices.Contains(bad, true) && r.Reason != "" {
		// No step carries the reason (multi_solutions rows, errors past
		// the end): the record keeps it.
		t.Meta["reason"] = r.Reason
	}
	var warnings []string
	if len(beyond) > 0 {
		// Real PRMBench rows list error steps past the end of a
		// modified_process that the rewrite shortened (5 of the 198 sample
		// rows). The steps listed that exist are wrong; the others are
		// not known to be right, since an error the record states cannot
		// be placed: they stay unlabeled, never "correct".
		t.Meta["error_steps_beyond_end"] = strings.Trim(fmt.Sprint(beyond), "[]")
		warnings = append(warnings, fmt.Sprintf("error_steps %v lists steps past the last of %d; the unlisted steps are kept unlabeled",
			*r.ErrorSteps, len(steps)))
	}
	b := newStepBuilder(prmBenchSep)
	for i, s := range steps {
		st := b.add(stepwise.StepReasoning, s)
		st.Labels = []stepwise.Label{prmBenchLabel(i, bad[i], len(beyond) > 0, &r)}
		if k := slices.Index(*r.ErrorSteps, i+1); bad[i] && k >= 0 && k < len(r.ErrorTypes) && r.ErrorTypes[k] != "" &&
			len(r.ErrorTypes) == len(*r.ErrorSteps) {
			st.Labels[0].Category = r.ErrorTypes[k]
		}
	}
	b.into(t, "modified_process joined by newlines")
	if n := len(t.Steps); n > 0 {
		t.FinalAnswer = prmBenchAnswer(t.Steps[n-1].Text)
	}
	p := &stepwise.Problem{Text: *problem, GoldAnswer: gold, Dataset: t.Dataset}
	return []Item{{Problem: p, Trace: t, Warnings: warnings}}, nil
}

// prmBenchErrorSet maps the 1-based error_steps to 0-based flags. Steps
// past the end are returned apart (the source has such rows); a step below 1
// is an error.
func prmBenchErrorSet(errorSteps []int, n int) (bad []bool, beyond []int, err error) {
	bad = make([]bool, n)
	for _, e := range errorSteps {
		switch {
		case e < 1:
			return nil, nil, fmt.Errorf("error_steps %v: step %d is not a 1-based step number", errorSteps, e)
		case e > n:
			beyond = append(beyond, e)
		default:
			bad[e-1] = true
		}
	}
	return bad, beyond, nil
}

// prmBenchLabel labels step i. The errors were injected by a model (the
// PRMBench authors prompted an LLM to rewrite steps and to list the steps it
// made wrong), so both the bad labels and the implied good ones are a
// model's judgment, not a human's. When the record lists an error past the
// last step (unplaced), a step not listed is unknown rather than good.
func prmBenchLabel(i int, bad, unplaced bool, r *prmBenchRecord) stepwise.Label {
	l := stepwise.Label{Rating: stepwise.Good, Scope: stepwise.ScopeStep, Origin: stepwise.OriginModel,
		Source: "prmbench.error_steps", OrigIndex: i + 1, Base: 1}
	switch {
	case bad:
		l.Rating, l.Category, l.Reason = stepwise.Bad, r.Classification, r.Reason
	case unplaced:
		l.Rating = stepwise.Unlabeled
		l.Reason = "error_steps lists a step past the end, so this step is not known to be correct"
	}
	return l
}

// prmBenchAnswer reads a final answer from the last step: its last \boxed{},
// else the text after a "# Answer" line (the PRM800K convention).
func prmBenchAnswer(last string) string {
	if a, ok := LastBoxed(last); ok {
		return strings.TrimSpace(a)
	}
	if k := prm800kAnswerAt(last); k >= 0 {
		return strings.TrimSpace(last[k+len(prm800kAnswerMarker):])
	}
	return ""
}

// prmBenchMeta keeps what a researcher compares against, and what an export
// gives back: the unmodified solution and question, the steps the model says
// it changed, and the multi_solutions gold answer and source response.
func prmBenchMeta(r *prmBenchRecord, problem string) map[string]string {
	m := map[string]string{"classification": r.Classification}
	if len(r.OriginalProcess) > 0 && string(r.OriginalProcess) != "null" {
		m["original_process"] = string(r.OriginalProcess)
	}
	if len(r.ModifiedSteps) > 0 && string(r.ModifiedSteps) != "null" {
		m["modified_steps"] = string(r.ModifiedSteps)
	}
	if r.OriginalQuestion != nil && *r.OriginalQuestion != problem {
		m["original_question"] = *r.OriginalQuestion
	}
	if r.Question != nil && *r.Question != problem {
		m["question"] = *r.Question
	}
	metaScalar(m, "original_response", r.OriginalResponse)
	// The problem's gold answer is shared with other datasets; the record's
	// own ground_truth is kept so that an export writes it only where the
	// record had it.
	metaScalar(m, "ground_truth", r.GroundTruth)
	if len(r.Idx) > 0 && r.Idx[0] != '"' && string(r.Idx) != "null" {
		metaScalar(m, "idx", r.Idx)
	}
	return m
}
