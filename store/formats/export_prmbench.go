package formats

import (
	"bytes"
	"encoding/json"
	"io"
	"strings"

	"github.com/stepwise-dev/stepwise"
)

// prmBenchWriter writes PRMBench-shaped records: error_steps lists every
// step labeled wrong, 1-based; classification is the first wrong step's
// error type and reason its note (the notes of every wrong step, when they
// differ). PRMBench has no "unlabeled" state — every step not listed is
// correct — so a trace with an unlabeled step is skipped, and a neutral
// step is exported as not wrong.
type prmBenchWriter struct{ jsonlWriter }

func newPRMBenchWriter(w io.Writer) Exporter { return prmBenchWriter{newJSONL(w)} }

type prmBenchOut struct {
	OriginalQuestion string          `json:"original_question"`
	ModifiedQuestion string          `json:"modified_question"`
	OriginalProcess  json.RawMessage `json:"original_process,omitempty"`
	ModifiedProcess  []string        `json:"modified_process"`
	ModifiedSteps    []int           `json:"modified_steps"`
	ErrorSteps       []int           `json:"error_steps"`
	Reason           string          `json:"reason"`
	Idx              string          `json:"idx"`
	Question         string          `json:"question"`
	Classification   string          `json:"classification"`
	// ErrorTypes is each error step's own type (PRMBench has one
	// classification per record); readers ignore it.
	ErrorTypes []string `json:"error_types,omitempty"`
}

func (p prmBenchWriter) Write(it *ExportItem) (string, error) {
	if it.labeledPrefix() != len(it.Labels) {
		return "a step is unlabeled (PRMBench takes every unlisted step as correct)", nil
	}
	out := prmBenchOut{OriginalQuestion: it.Problem.Text, ModifiedQuestion: it.Problem.Text, Question: it.Problem.Text,
		ModifiedProcess: it.stepTexts(len(it.Trace.Steps)), ErrorSteps: []int{}, Idx: it.sourceID()}
	if op := it.Trace.Meta["original_process"]; op != "" {
		var compact bytes.Buffer // as stored; the record is written compact
		if json.Compact(&compact, []byte(op)) == nil {
			out.OriginalProcess = compact.Bytes()
		}
	}
	var notes []string
	for i, l := range it.Labels {
		if l.Rating != stepwise.Bad {
			continue
		}
		out.ErrorSteps = append(out.ErrorSteps, i+1)
		out.ErrorTypes = append(out.ErrorTypes, l.ErrorType)
		if out.Classification == "" {
			out.Classification = l.ErrorType
		}
		if l.Note != "" && (len(notes) == 0 || notes[len(notes)-1] != l.Note) {
			notes = append(notes, l.Note)
		}
	}
	out.ModifiedSteps = out.ErrorSteps
	out.Reason = strings.Join(notes, "\n")
	return "", p.put(out)
}
