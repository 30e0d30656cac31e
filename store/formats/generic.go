package formats

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"

	"github.com/stepwise-dev/stepwise"
)

// generic reads any JSONL whose fields the user maps with --map
// field=key.path. It is never detected: a file is only read as generic when
// --format generic is given.
type generic struct{}

func (generic) Name() string { return "generic" }
func (generic) Describe() string {
	return "any JSON records, mapped with --map problem=KEY --map steps=KEY [answer, gold, model, correct, label, id, dataset]"
}

// Detect is always false: no shape identifies a generic file.
func (generic) Detect(Keys) bool { return false }

// genericFields are the mapping keys the codec understands.
var genericFields = []string{"id", "problem", "steps", "answer", "gold", "model", "correct", "label", "dataset"}

// genericDefaultSep splits a steps string when no separator is given.
const genericDefaultSep = "\n\n"

func (generic) Decode(rec Record, opts *Options) ([]Item, error) {
	m := opts.Mapping
	if err := genericCheckMapping(m, opts.LabelBase); err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(rec.Data))
	dec.UseNumber()
	var root any
	if err := dec.Decode(&root); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("unexpected data after the JSON value")
	}
	g := genericRecord{root: root, m: m}
	problem, err := g.text("problem", true)
	if err != nil {
		return nil, err
	}
	t := &stepwise.Trace{}
	if err := g.steps(t, opts.StepSeparator); err != nil {
		return nil, err
	}
	var warns []string
	if err := g.fill(t, rec, opts, &warns); err != nil {
		return nil, err
	}
	// The label and the gold answer say something about the steps; when
	// they cannot be read the steps are still the record's.
	if err := g.labels(t, opts.LabelBase); err != nil {
		warns = append(warns, err.Error()+"; the steps are left unlabeled")
	}
	gold, err := g.text("gold", false)
	if err != nil {
		warns = append(warns, err.Error()+"; the gold answer is left out")
	}
	p := &stepwise.Problem{Text: problem, GoldAnswer: gold, Dataset: t.Dataset}
	return []Item{{Problem: p, Trace: t, Warnings: warns}}, nil
}

// genericCheckMapping rejects a mapping without problem or steps, naming the
// flag to pass, and unknown fields (a typo would silently map nothing).
func genericCheckMapping(m map[string]string, base int) error {
	for _, f := range []string{"problem", "steps"} {
		if m[f] == "" {
			return fmt.Errorf("generic format: no mapping for %s; pass --map %s=KEY (a dotted key path such as question.text)", f, f)
		}
	}
	names := make([]string, 0, len(m))
	for f := range m {
		names = append(names, f)
	}
	sort.Strings(names)
	for _, f := range names {
		known := false
		for _, k := range genericFields {
			known = known || f == k
		}
		if !known {
			return fmt.Errorf("generic format: unknown mapping field %q (known: %s)", f, strings.Join(genericFields, ", "))
		}
	}
	if base != 0 && base != 1 {
		return fmt.Errorf("generic format: label base %d; want 0 or 1", base)
	}
	return nil
}

// genericRecord is one decoded record with the field mapping.
type genericRecord struct {
	root any
	m    map[string]string
}

// get resolves the mapped key path of field; ok is false when the field is
// unmapped, or the path is absent or null in this record.
func (g genericRecord) get(field string) (v any, path string, ok bool) {
	path = g.m[field]
	if path == "" {
		return nil, "", false
	}
	v, ok = lookupPath(g.root, path)
	return v, path, ok && v != nil
}

// lookupPath follows a dotted path: object keys, and array indexes as numbers
// ("solutions.0.text").
func lookupPath(v any, path string) (any, bool) {
	for _, part := range strings.Split(path, ".") {
		switch x := v.(type) {
		case map[string]any:
			var ok bool
			if v, ok = x[part]; !ok {
				return nil, false
			}
		case []any:
			i, err := strconv.Atoi(part)
			if err != nil || i < 0 || i >= len(x) {
				return nil, false
			}
			v = x[i]
		default:
			return nil, false
		}
	}
	return v, true
}

// text reads a mapped string (numbers are accepted as text).
func (g genericRecord) text(field string, required bool) (string, error) {
	v, path, ok := g.get(field)
	if !ok {
		if required {
			return "", fmt.Errorf("%s: key %q not found", field, g.m[field])
		}
		return "", nil
	}
	switch x := v.(type) {
	case string:
		return x, nil
	case json.Number:
		return x.String(), nil
	}
	return "", fmt.Errorf("%s: key %q holds %s, want a string", field, path, jsonKind(v))
}

// steps reads a list of strings, or one string split at sep.
func (g genericRecord) steps(t *stepwise.Trace, sep string) error {
	if sep == "" {
		sep = genericDefaultSep
	}
	v, path, ok := g.get("steps")
	if !ok {
		return fmt.Errorf("steps: key %q not found", g.m["steps"])
	}
	switch x := v.(type) {
	case string:
		t.Raw = x
		stepsFromSpans(t, stepwise.StepReasoning, splitSpans(x, sep, 0))
		t.Segmenter = fmt.Sprintf("split at %q", sep)
	case []any:
		b := newStepBuilder(sep)
		for i, s := range x {
			text, ok := s.(string)
			if !ok {
				return fmt.Errorf("steps: %s.%d holds %s, want a string", path, i, jsonKind(s))
			}
			b.add(stepwise.StepReasoning, text)
		}
		b.into(t, fmt.Sprintf("list joined by %q", sep))
	default:
		return fmt.Errorf("steps: key %q holds %s, want a list of strings or a string", path, jsonKind(v))
	}
	return nil
}

// fill sets the trace's id, dataset, model, answer and correctness.
func (g genericRecord) fill(t *stepwise.Trace, rec Record, opts *Options, warns *[]string) error {
	var err error
	if t.SourceID, err = g.text("id", false); err != nil {
		return err
	}
	dataset, err := g.text("dataset", false)
	if err != nil {
		return err
	}
	stem := FileStem(rec.Path)
	t.Dataset = pick(opts.Dataset, dataset, true, "generic/"+stem)
	model, err := g.text("model", false)
	if err != nil {
		return err
	}
	t.Model = pick(opts.Model, model, true, "")
	if t.FinalAnswer, err = g.text("answer", false); err != nil {
		return err
	}
	if v, path, ok := g.get("correct"); ok {
		c, err := genericBool(v)
		if err != nil {
			*warns = append(*warns, fmt.Sprintf("correct: key %q: %v; correctness left unknown", path, err))
		} else {
			t.Correct, t.CorrectBy = &c, "source: "+path
		}
	}
	return nil
}

// genericBool reads true/false, 1/0 or their string forms.
func genericBool(v any) (bool, error) {
	switch x := v.(type) {
	case bool:
		return x, nil
	case json.Number, string:
		switch fmt.Sprint(x) {
		case "1", "true", "True":
			return true, nil
		case "0", "false", "False":
			return false, nil
		}
	}
	return false, fmt.Errorf("holds %s, want true/false or 1/0", jsonKind(v))
}

// labels applies a first-error label (ProcessBench semantics) in base base:
// steps before it good, it bad, later steps unknown; -1 means no error.
func (g genericRecord) labels(t *stepwise.Trace, base int) error {
	v, path, ok := g.get("label")
	if !ok {
		return nil
	}
	var s string
	switch x := v.(type) {
	case json.Number:
		s = x.String()
	case string:
		s = strings.TrimSpace(x)
	default:
		return fmt.Errorf("label: key %q holds %s, want an integer step index", path, jsonKind(v))
	}
	fe, err := strconv.Atoi(s)
	if err != nil {
		return fmt.Errorf("label: key %q holds %q, want an integer step index", path, s)
	}
	if fe != -1 && (fe < base || fe >= base+len(t.Steps)) {
		return fmt.Errorf("label %d out of range for %d steps (base %d; -1 means no error)", fe, len(t.Steps), base)
	}
	for i := range t.Steps {
		t.Steps[i].Labels = []stepwise.Label{firstErrorLabel(i, fe, base, "generic."+path)}
	}
	return nil
}

// jsonKind names a decoded JSON value's type for error messages.
func jsonKind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "a boolean"
	case json.Number:
		return "a number"
	case string:
		return "a string"
	case []any:
		return "a list"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("%T", v)
}
