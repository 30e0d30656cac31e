package formats

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"

	"github.com/stepwise-dev/stepwise"
)

// mathShepherd reads Math-Shepherd (peiyi9979/Math-Shepherd): input is the
// problem followed by "Step k: ... ки" steps; label is the same text with
// every tag replaced by + (the step can still reach the right answer, by
// Monte Carlo rollouts) or -. task is GSM8K or MATH.
type mathShepherd struct{}

func (mathShepherd) Name() string { return "math-shepherd" }
func (mathShepherd) Describe() string {
	return "Math-Shepherd: steps tagged with ки in input; automatic +/- step labels in label"
}

func (mathShepherd) Detect(k Keys) bool { return k.Has("input", "label", "task") }

// mathShepherdTag ends every step. It is Cyrillic (U+043A U+0438), a token
// rare enough not to occur in the text. Some copies of the dataset card show
// a "?" placeholder after it, which is part of the tag.
const mathShepherdTag = "ки"

var (
	mathShepherdTagRE  = regexp.MustCompile(mathShepherdTag + `(?:[ \t]*\?)?`)
	mathShepherdMarkRE = regexp.MustCompile(`^[+-](?:[ \t]*\?)?`)
	mathShepherdStepRE = regexp.MustCompile(`^\s*Step \d+:[ \t]*`)
	mathShepherdAnsRE  = regexp.MustCompile(`The answer is:?\s*(.*?)\s*$`)
)

func (mathShepherd) Decode(rec Record, opts *Options) ([]Item, error) {
	var r struct {
		Input *string `json:"input"`
		Label *string `json:"label"`
		Task  string  `json:"task"`
	}
	if err := json.Unmarshal(rec.Data, &r); err != nil {
		return nil, err
	}
	if r.Input == nil {
		return nil, fmt.Errorf("missing field input")
	}
	in := *r.Input
	first := strings.Index(in, "Step 1:")
	if first < 0 {
		return nil, fmt.Errorf("input has no \"Step 1:\"; cannot tell the problem from the steps")
	}
	problem := strings.TrimSpace(in[:first])
	if problem == "" {
		return nil, fmt.Errorf("input has no problem text before \"Step 1:\"")
	}
	tags := mathShepherdTagRE.FindAllStringIndex(in[first:], -1)
	for _, tg := range tags {
		tg[0], tg[1] = tg[0]+first, tg[1]+first
	}
	// The steps are input's; label only marks them. A label that does not
	// line up with input leaves the steps unlabeled, with a warning.
	var warns []string
	var marks []byte
	if r.Label == nil {
		warns = append(warns, "no label; the steps are left unlabeled")
	} else if m, err := mathShepherdMarks(in, *r.Label, tags); err != nil {
		warns = append(warns, err.Error()+"; the steps are left unlabeled")
	} else {
		marks = m
	}
	dataset := "math-shepherd"
	if task := strings.ToLower(strings.TrimSpace(r.Task)); task != "" {
		dataset += "/" + task
	}
	t := &stepwise.Trace{
		Dataset:   pick(opts.Dataset, "", false, dataset),
		Model:     opts.Model,
		Raw:       in,
		Segmenter: "math-shepherd: text between \"Step k:\" and the ки tag",
	}
	if r.Task != "GSM8K" && r.Task != "MATH" {
		// The dataset name says GSM8K or MATH; any other task is kept
		// for an export.
		t.Meta = map[string]string{"task": r.Task}
	}
	mathShepherdSteps(t, first, tags, marks)
	addCalcs(t)
	if n := len(t.Steps); n > 0 {
		if m := mathShepherdAnsRE.FindStringSubmatch(t.Steps[n-1].Text); m != nil {
			t.FinalAnswer = m[1]
		}
	}
	p := &stepwise.Problem{Text: problem, Dataset: t.Dataset}
	return []Item{{Problem: p, Trace: t, Warnings: warns}}, nil
}

// mathShepherdMarks aligns label with input: label must be input with each
// tag replaced by + or -, so the text between tags must match exactly. It
// returns the marks in tag order.
func mathShepherdMarks(in, label string, tags [][]int) ([]byte, error) {
	marks := make([]byte, 0, len(tags))
	pos, lpos := 0, 0
	for k, tg := range tags {
		piece := in[pos:tg[0]]
		if !strings.HasPrefix(label[lpos:], piece) {
			return nil, fmt.Errorf("label differs from input before tag %d (label must be input with each ки replaced by + or -)", k+1)
		}
		lpos += len(piece)
		m := mathShepherdMarkRE.FindString(label[lpos:])
		if m == "" {
			return nil, fmt.Errorf("label has no + or - where input has tag %d", k+1)
		}
		marks = append(marks, m[0])
		lpos += len(m)
		pos = tg[1]
	}
	if label[lpos:] != in[pos:] {
		return nil, fmt.Errorf("label differs from input after the last tag")
	}
	return marks, nil
}

// mathShepherdSteps cuts one step per tag: the text after "Step k:" up to the
// tag, without surrounding white space, marked by marks (nil: unlabeled).
// Text after the last tag is kept as an unlabeled step rather than dropped.
func mathShepherdSteps(t *stepwise.Trace, first int, tags [][]int, marks []byte) {
	in := t.Raw
	pos := first
	for k, tg := range tags {
		sp := mathShepherdSpan(in, pos, tg[0])
		l := stepwise.Label{Rating: stepwise.Unlabeled, Scope: stepwise.ScopeStep, Origin: stepwise.OriginAutomatic,
			Source: "math-shepherd.label", OrigIndex: k, Base: 0}
		switch {
		case marks == nil: // no label lines up: unknown
		case marks[k] == '-':
			l.Rating = stepwise.Bad
		default:
			l.Rating = stepwise.Good
		}
		t.Steps = append(t.Steps, stepwise.Step{Kind: stepwise.StepReasoning, Span: sp,
			Text: in[sp.Start:sp.End], Labels: []stepwise.Label{l}})
		pos = tg[1]
	}
	if strings.TrimSpace(in[pos:]) != "" {
		sp := mathShepherdSpan(in, pos, len(in))
		t.Steps = append(t.Steps, stepwise.Step{Kind: stepwise.StepReasoning, Span: sp,
			Text: in[sp.Start:sp.End], Labels: []stepwise.Label{{Rating: stepwise.Unlabeled,
				Scope: stepwise.ScopeStep, Origin: stepwise.OriginAutomatic, Source: "math-shepherd.label",
				OrigIndex: len(tags), Base: 0}}})
	}
}

// mathShepherdSpan is [start, end) without the "Step k:" prefix and the
// white space around the step.
func mathShepherdSpan(in string, start, end int) stepwise.Span {
	if m := mathShepherdStepRE.FindStringIndex(in[start:end]); m != nil {
		start += m[1]
	}
	for start < end && isMathSpace(in[start]) {
		start++
	}
	for end > start && isMathSpace(in[end-1]) {
		end--
	}
	return stepwise.Span{Start: start, End: end}
}
