package formats

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/stepwise-dev/stepwise"
)

// math500 reads MATH-500 (the PRM800K test split of MATH) as JSONL:
// {problem, solution, answer, subject, level (int), unique_id}. unique_id is
// the MATH file path ("test/precalculus/807.json"), the key that joins it to
// MATH files and PRM800K problems. The solution is a human reference, cut
// into sentences like MATH.
type math500 struct{}

func (math500) Name() string { return "math500" }
func (math500) Describe() string {
	return "MATH-500: JSONL {problem, solution, answer, subject, level, unique_id}; reference solution cut into sentences"
}

func (math500) Detect(k Keys) bool { return k.Has("problem", "solution", "answer", "unique_id") }

type math500Record struct {
	Problem  *string         `json:"problem"`
	Solution *string         `json:"solution"`
	Answer   json.RawMessage `json:"answer"`
	Subject  string          `json:"subject"`
	Level    json.RawMessage `json:"level"`
	UniqueID string          `json:"unique_id"`
}

func (math500) Decode(rec Record, opts *Options) ([]Item, error) {
	var r math500Record
	if err := json.Unmarshal(rec.Data, &r); err != nil {
		return nil, err
	}
	if r.Problem == nil || r.Solution == nil {
		return nil, fmt.Errorf("missing field problem or solution")
	}
	var warns []string
	level, err := mathLevel(r.Level)
	if err != nil {
		warns = append(warns, err.Error()+"; the level is left out")
	}
	answer, err := scalarText(r.Answer)
	if err != nil {
		warns = append(warns, fmt.Sprintf("field answer: %v; the gold answer is read from the solution's \\boxed{}", err))
	}
	dataset := pick(opts.Dataset, "", false, "math500")
	t := mathReferenceTrace(*r.Solution, dataset, opts)
	t.SourceID = r.UniqueID
	split, _, _ := strings.Cut(r.UniqueID, "/")
	if split != "test" && split != "train" {
		split = ""
	}
	p := &stepwise.Problem{
		Text: *r.Problem, GoldAnswer: answer, GoldSolution: *r.Solution, Dataset: dataset,
		Split: split, Subject: r.Subject, Level: level, SourceID: r.UniqueID,
	}
	if p.GoldAnswer == "" {
		p.GoldAnswer = t.FinalAnswer
	}
	return []Item{{Problem: p, Trace: t, Warnings: warns}}, nil
}

// scalarText reads a JSON string or number as text ("" for absent or null):
// sources drift between "1" and 1 for the same field.
func scalarText(raw json.RawMessage) (string, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return "", nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err == nil {
		return s, nil
	}
	var n json.Number
	if err := json.Unmarshal(raw, &n); err == nil {
		return n.String(), nil
	}
	return "", fmt.Errorf("want a string or a number, found %s", truncateJSON(raw))
}
