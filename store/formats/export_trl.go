package formats

import (
	"io"

	"github.com/stepwise-dev/stepwise"
)

// trlWriter writes TRL's stepwise-supervision rows (trl-lib/math_shepherd,
// PRMTrainer): prompt, completions (the steps) and labels (true: the step
// is not wrong). Labels are booleans with no "unknown", so a row carries
// the labeled prefix of the trace — up to and including the first wrong
// step under ProcessBench semantics — and a neutral step is true (PRM800K's
// 0 means "not wrong").
type trlWriter struct{ jsonlWriter }

func newTRLWriter(w io.Writer) Exporter { return trlWriter{newJSONL(w)} }

type trlOut struct {
	Prompt      string   `json:"prompt"`
	Completions []string `json:"completions"`
	Labels      []bool   `json:"labels"`
}

func (t trlWriter) Write(it *ExportItem) (string, error) {
	n := it.labeledPrefix()
	if n == 0 {
		return "first step unlabeled", nil
	}
	out := trlOut{Prompt: it.Problem.Text, Completions: it.stepTexts(n), Labels: make([]bool, n)}
	for i := range n {
		out.Labels[i] = it.Labels[i].Rating != stepwise.Bad
	}
	return "", t.put(out)
}
