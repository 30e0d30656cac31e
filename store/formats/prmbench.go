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
	ErrorSteps       json.RawMessage `json:"error_steps"`
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
	problem := r.ModifiedQuestion
	if problem == nil {
		problem = r.Question
	}
	if problem == nil {
		return nil, fmt.Errorf("missing field modified_question or question")
	}
	steps := *r.ModifiedProcess
	es := prmBenchErrorSet(r.ErrorSteps, len(steps))
	warnings := es.warnings
	idx, err := scalarText(r.Idx)
	if err != nil {
		warnings = append(warnings, fmt.Sprintf("field idx: %v; the record is kept without its id", err))
	}
	gold, err := scalarText(r.GroundTruth)
	if err != nil {
		warnings = append(warnings, fmt.Sprintf("field ground_truth: %v; the gold answer is left out", err))
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
	if !slices.Contains(es.bad, true) && r.Reason != "" {
		// No step carries the reason (multi_solutions rows, errors past
		// the end): the record keeps it.
		t.Meta["reason"] = r.Reason
	}
	if len(es.beyond) > 0 {
		t.Meta["error_steps_beyond_end"] = strings.Trim(fmt.Sprint(es.beyond), "[]")
	}
	b := newStepBuilder(prmBenchSep)
	for i, s := range steps {
		st := b.add(stepwise.StepReasoning, s)
		st.Labels = []stepwise.Label{prmBenchLabel(i, es.bad[i], es.unplaced, &r)}
		if k := slices.Index(es.list, i+1); es.bad[i] && k >= 0 && k < len(r.ErrorTypes) && r.ErrorTypes[k] != "" &&
			len(r.ErrorTypes) == len(es.list) {
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

// prmBenchErrors is what error_steps says of a record's steps.
type prmBenchErrors struct {
	list []int  // the entries that are step numbers, in order
	bad  []bool // by 0-based step
	// beyond lists the entries past the last step.
	beyond []int
	// unplaced is set when the record states an error that no step can
	// be given (past the end, below 1, not a number) or gives no
	// error_steps at all: the steps not listed are then not known to be
	// correct.
	unplaced bool
	warnings []string
}

// prmBenchErrorSet maps the 1-based error_steps to 0-based flags. Real
// PRMBench rows list error steps past the end of a modified_process that
// the rewrite shortened (5 of the 198 sample rows): the steps listed that
// exist are wrong, and the others stay unlabeled, never "correct". Entries
// that are no step number at all are treated alike; each gap is a warning.
func prmBenchErrorSet(raw json.RawMessage, n int) prmBenchErrors {
	e := prmBenchErrors{bad: make([]bool, n)}
	if len(raw) == 0 || string(raw) == "null" {
		e.unplaced = true
		e.warnings = append(e.warnings, "no error_steps; the steps are left unlabeled")
		return e
	}
	list, junk, err := jsonIndexList(raw)
	if err != nil {
		e.unplaced = true
		e.warnings = append(e.warnings, "error_steps: "+err.Error()+"; the steps are left unlabeled")
		return e
	}
	e.list = list
	var low []int
	for _, s := range list {
		switch {
		case s < 1:
			low = append(low, s)
		case s > n:
			e.beyond = append(e.beyond, s)
		default:
			e.bad[s-1] = true
		}
	}
	if len(e.beyond) > 0 {
		e.warnings = append(e.warnings, fmt.Sprintf("error_steps %v lists steps past the last of %d; the unlisted steps are kept unlabeled", list, n))
	}
	if len(low) > 0 {
		e.warnings = append(e.warnings, fmt.Sprintf("error_steps %v: %v is not a 1-based step number; the unlisted steps are kept unlabeled", list, low))
	}
	if len(junk) > 0 {
		e.warnings = append(e.warnings, fmt.Sprintf("error_steps: %s is not a step number; the unlisted steps are kept unlabeled", strings.Join(junk, ", ")))
	}
	e.unplaced = len(e.beyond)+len(low)+len(junk) > 0
	return e
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
