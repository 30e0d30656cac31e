package formats

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/stepwise-dev/stepwise"
)

// processBench reads ProcessBench (QwenLM/ProcessBench): one record per
// trace, steps as a list, and label = the 0-based index of the earliest wrong
// step (-1: none). Steps after the label are unknown, not correct.
type processBench struct{}

func (processBench) Name() string { return "processbench" }
func (processBench) Describe() string {
	return "ProcessBench: steps[] with the earliest-error index (JSON array or JSONL)"
}

func (processBench) Detect(k Keys) bool {
	return k.Has("problem", "steps", "label") && (k.Has("generator") || k.Has("final_answer_correct"))
}

// processBenchRecord reads the label fields as JSON, so that a label of
// the wrong type (a string, a 0/1 correctness) is a warning, not a reason
// to drop the steps.
type processBenchRecord struct {
	ID                 json.RawMessage `json:"id"`
	Generator          string          `json:"generator"`
	Problem            string          `json:"problem"`
	Steps              []string        `json:"steps"`
	FinalAnswerCorrect json.RawMessage `json:"final_answer_correct"`
	Label              json.RawMessage `json:"label"`
}

// processBenchSep joins ProcessBench's paragraphs into one raw text.
const processBenchSep = "\n\n"

func (processBench) Decode(rec Record, opts *Options) ([]Item, error) {
	var r processBenchRecord
	if err := unmarshal(rec, &r); err != nil {
		return nil, err
	}
	if strings.TrimSpace(r.Problem) == "" {
		return nil, fmt.Errorf("empty problem")
	}
	var warns []string
	id, err := scalarText(r.ID)
	if err != nil {
		warns = append(warns, fmt.Sprintf("field id: %v; the record is kept without its id", err))
	}
	label, ok := processBenchLabel(r.Label, len(r.Steps), &warns)
	correct, err := jsonBool(r.FinalAnswerCorrect, "final_answer_correct")
	if err != nil {
		warns = append(warns, err.Error()+"; correctness left unknown")
	}
	split, _, _ := strings.Cut(id, "-")
	t := &stepwise.Trace{
		SourceID: id,
		Dataset:  pick(opts.Dataset, "processbench/"+split, split != "" && split != id, "processbench"),
		Model:    pick(opts.Model, r.Generator, true, ""),
		Correct:  correct,
	}
	if correct != nil {
		t.CorrectBy = "source: final_answer_correct"
	}
	b := newStepBuilder(processBenchSep)
	b.grow(r.Steps)
	// A first-error index gives three labels (correct, wrong, unknown), which
	// the steps share: per-step copies were the largest allocation of a
	// ProcessBench import after the text. Capacity 1 makes an append copy.
	shared := make([]stepwise.Label, 0, 3)
	var slot [4]int // by rating: 1 + the label's index in shared
	for i, s := range r.Steps {
		st := b.add(stepwise.StepReasoning, s)
		l := stepwise.Label{Rating: stepwise.Unlabeled, Scope: stepwise.ScopeStep, Origin: stepwise.OriginHuman,
			Source: "processbench.label", OrigIndex: -1}
		if ok {
			l = firstErrorLabel(i, label, 0, "processbench.label")
		}
		if slot[l.Rating] == 0 {
			shared = append(shared, l)
			slot[l.Rating] = len(shared)
		}
		k := slot[l.Rating] - 1
		st.Labels = shared[k : k+1 : k+1]
	}
	b.into(t, "list joined by blank lines")
	if n := len(t.Steps); n > 0 {
		if a, ok := LastBoxed(t.Steps[n-1].Text); ok {
			t.FinalAnswer = a
		}
	}
	p := &stepwise.Problem{Text: r.Problem, Dataset: t.Dataset, Split: split}
	return []Item{{Problem: p, Trace: t, Warnings: warns}}, nil
}

// processBenchLabel reads label, the earliest wrong step (0-based, -1 for
// none). A label that is missing, not an integer or not a step of the
// record leaves the steps unlabeled, with a warning: the steps are still
// the record's.
func processBenchLabel(raw json.RawMessage, steps int, warns *[]string) (int, bool) {
	label, set, err := jsonIndex(raw, "label")
	switch {
	case err != nil:
		*warns = append(*warns, err.Error()+"; the steps are left unlabeled")
	case !set:
		*warns = append(*warns, "no label; the steps are left unlabeled")
	case label < -1 || label >= steps:
		*warns = append(*warns, fmt.Sprintf("label %d out of range for %d steps; the steps are left unlabeled", label, steps))
	default:
		return label, true
	}
	return 0, false
}

// firstErrorLabel labels step i of a trace whose earliest wrong step is
// firstErr (in base `base`, -1 for none): correct before it, wrong at it,
// unknown after it.
func firstErrorLabel(i, firstErr, base int, source string) stepwise.Label {
	l := stepwise.Label{Scope: stepwise.ScopeStep, Origin: stepwise.OriginHuman, Source: source,
		OrigIndex: firstErr, Base: base}
	fe := firstErr - base
	switch {
	case firstErr == -1 || i < fe:
		l.Rating = stepwise.Good
	case i == fe:
		l.Rating = stepwise.Bad
		l.FirstError = true
	default:
		l.Rating = stepwise.Unlabeled
	}
	return l
}

// pick returns override when set, else v when ok, else fallback.
func pick(override, v string, ok bool, fallback string) string {
	switch {
	case override != "":
		return override
	case ok && v != "":
		return v
	}
	return fallback
}
