package formats

import (
	"io"
	"strconv"
	"strings"

	"github.com/stepwise-dev/stepwise"
)

// mathShepherdWriter writes Math-Shepherd rows: input is the problem, then
// "Step k: <text> ки" per step on its own line; label is the same text with
// each ки replaced by + (not wrong) or -. Like TRL it carries the labeled
// prefix of a trace (a neutral step is +). A trace whose text holds the tag
// or whose problem holds "Step 1:" cannot be cut back apart and is skipped.
// A trace read from Math-Shepherd is given back as it came: its input is
// the trace's raw text, byte for byte, and only the marks follow the
// export's labels.
type mathShepherdWriter struct{ jsonlWriter }

func newMathShepherdWriter(w io.Writer) Exporter { return mathShepherdWriter{newJSONL(w)} }

type mathShepherdOut struct {
	Input string `json:"input"`
	Label string `json:"label"`
	Task  string `json:"task"`
}

func (m mathShepherdWriter) Write(it *ExportItem) (string, error) {
	if out, ok := mathShepherdOwn(it); ok {
		return "", m.put(out)
	}
	n := it.labeledPrefix()
	if n == 0 {
		return "first step unlabeled", nil
	}
	problem := strings.TrimSpace(it.Problem.Text)
	if problem == "" || strings.Contains(problem, "Step 1:") || strings.Contains(problem, mathShepherdTag) {
		return "problem text holds \"Step 1:\" or the ки tag", nil
	}
	var in, label strings.Builder
	in.WriteString(problem)
	label.WriteString(problem)
	for i := range n {
		text := strings.TrimSpace(it.Trace.Steps[i].Text)
		if strings.Contains(text, mathShepherdTag) {
			return "step text holds the ки tag", nil
		}
		if text == "" {
			return "empty step", nil
		}
		sep := "\n"
		if i == 0 {
			sep = " "
		}
		head := sep + "Step " + strconv.Itoa(i+1) + ": " + text + " "
		in.WriteString(head + mathShepherdTag)
		mark := "+"
		if it.Labels[i].Rating == stepwise.Bad {
			mark = "-"
		}
		label.WriteString(head + mark)
	}
	return "", m.put(mathShepherdOut{Input: in.String(), Label: label.String(), Task: mathShepherdTask(it.Trace.Dataset)})
}

// mathShepherdTask is GSM8K for grade-school sets, else MATH (the two
// tasks Math-Shepherd has).
func mathShepherdTask(dataset string) string {
	if strings.Contains(strings.ToLower(dataset), "gsm8k") {
		return "GSM8K"
	}
	return "MATH"
}

// mathShepherdOwn gives a Math-Shepherd record back: input is the raw text,
// label the raw text with each tag's ки replaced by the step's mark. It
// declines (false) a trace not read from Math-Shepherd, or whose tags do not
// match its labeled steps.
func mathShepherdOwn(it *ExportItem) (mathShepherdOut, bool) {
	t := it.Trace
	if t.Source.Format != (mathShepherd{}).Name() {
		return mathShepherdOut{}, false
	}
	first := strings.Index(t.Raw, "Step 1:")
	if first < 0 {
		return mathShepherdOut{}, false
	}
	tags := mathShepherdTagRE.FindAllStringIndex(t.Raw[first:], -1)
	if len(tags) > len(t.Steps) || len(tags) < len(t.Steps)-1 {
		return mathShepherdOut{}, false
	}
	var label strings.Builder
	pos := 0
	for k, tg := range tags {
		at := first + tg[0]
		if t.Steps[k].Span.End > at {
			return mathShepherdOut{}, false
		}
		mark := "+"
		switch it.Labels[k].Rating {
		case stepwise.Bad:
			mark = "-"
		case stepwise.Unlabeled:
			return mathShepherdOut{}, false // every tagged step has a mark
		}
		label.WriteString(t.Raw[pos:at])
		label.WriteString(mark)
		pos = at + len(mathShepherdTag)
	}
	label.WriteString(t.Raw[pos:])
	task, ok := t.Meta["task"]
	if !ok {
		task = mathShepherdTask(t.Dataset)
	}
	return mathShepherdOut{Input: t.Raw, Label: label.String(), Task: task}, true
}
