package formats

import (
	"encoding/json"
	"fmt"
	"path"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/stepwise-dev/stepwise"
)

// mathFile reads the original MATH layout (hendrycks): one JSON object
// {problem, level, type, solution} per file, under <split>/<subject>/<n>.json.
// The solution is a human-written reference, cut into sentences; its last
// \boxed{} is the answer. The importer walks the directory tree; this codec
// decodes one file.
type mathFile struct{}

func (mathFile) Name() string { return "math" }
func (mathFile) Describe() string {
	return "MATH (hendrycks): one {problem, level, type, solution} object per file; reference solution cut into sentences"
}

func (mathFile) Detect(k Keys) bool { return k.Has("problem", "level", "type", "solution") }

type mathFileRecord struct {
	Problem  *string         `json:"problem"`
	Level    json.RawMessage `json:"level"`
	Type     *string         `json:"type"`
	Solution *string         `json:"solution"`
}

func (mathFile) Decode(rec Record, opts *Options) ([]Item, error) {
	var r mathFileRecord
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
	id, split := mathSourcePath(rec)
	dataset := pick(opts.Dataset, "math/"+split, split != "", "math")
	t := mathReferenceTrace(*r.Solution, dataset, opts)
	t.SourceID = id
	p := &stepwise.Problem{
		Text: *r.Problem, GoldAnswer: t.FinalAnswer, GoldSolution: *r.Solution, Dataset: dataset,
		Split: split, Level: level, SourceID: id,
	}
	if r.Type != nil {
		p.Subject = *r.Type
	}
	return []Item{{Problem: p, Trace: t, Warnings: warns}}, nil
}

// mathReferenceTrace makes the trace of a human-written reference solution:
// sentences as steps, the last \boxed{} as the final answer.
func mathReferenceTrace(solution, dataset string, opts *Options) *stepwise.Trace {
	t := &stepwise.Trace{
		Dataset: dataset,
		Model:   pick(opts.Model, "", false, "reference"),
		Raw:     solution,
	}
	stepsFromSpans(t, stepwise.StepReasoning, segmentMathSolution(solution))
	t.Segmenter = mathSegmenter
	if a, ok := LastBoxed(solution); ok {
		t.FinalAnswer = a
	}
	return t
}

// mathLevel reads a MATH level leniently: "Level 3" and 3 give "3"; the
// original data's "Level ?" gives "?"; absent or null gives "".
func mathLevel(raw json.RawMessage) (string, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return "", nil
	}
	var n json.Number
	if err := json.Unmarshal(raw, &n); err == nil {
		return n.String(), nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", fmt.Errorf("field level: want a string like \"Level 3\" or a number, found %s", truncateJSON(raw))
	}
	s = strings.TrimSpace(s)
	if rest, ok := strings.CutPrefix(s, "Level"); ok {
		s = strings.TrimSpace(rest)
	}
	return s, nil
}

// mathSourcePath derives a MATH file's id from its path: "test/algebra/1.json"
// when the path ends in <test|train>/<subject>/<n>.json (the key MATH-500's
// unique_id uses), else the file name. A file holding several records (a
// JSONL export) gets "#<record number>" after the first record, since its
// records share one path.
func mathSourcePath(rec Record) (id, split string) {
	parts := strings.Split(filepath.ToSlash(filepath.Clean(rec.Path)), "/")
	if n := len(parts); n >= 3 && (parts[n-3] == "test" || parts[n-3] == "train") && parts[n-2] != "" {
		id, split = path.Join(parts[n-3:]...), parts[n-3]
	} else {
		id = filepath.Base(rec.Path)
	}
	if rec.Index > 0 {
		id += "#" + strconv.Itoa(rec.Index+1)
	}
	return id, split
}

// truncateJSON shortens a raw JSON value for an error message.
func truncateJSON(raw json.RawMessage) string {
	const limit = 40
	if len(raw) <= limit {
		return string(raw)
	}
	return string(raw[:limit]) + "..."
}
