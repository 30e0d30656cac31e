package formats

import (
	"bytes"
	"encoding/json"
	"io"
	"strconv"
	"strings"

	"github.com/stepwise-dev/stepwise"
)

// prmBenchWriter writes PRMBench-shaped records: error_steps lists every
// step labeled wrong, 1-based; reason is the wrong steps' notes (the
// source's reason for its own labels). PRMBench has no "unlabeled" state —
// every step not listed is correct — so a trace with an unlabeled step is
// skipped, and a neutral step is exported as not wrong.
//
// A trace read from PRMBench is given back as it came: its questions,
// original process, modified_steps, classification, idx, ground truth and
// original response are the record's; only error_steps, reason and
// error_types follow a person's labels, when there are any. A PRMBench
// record whose error_steps run past its last step keeps them, and its
// steps that are not listed stay unlabeled, as in the source.
type prmBenchWriter struct{ jsonlWriter }

func newPRMBenchWriter(w io.Writer) Exporter { return prmBenchWriter{newJSONL(w)} }

// prmBenchOut keeps the upstream key order.
type prmBenchOut struct {
	OriginalQuestion string          `json:"original_question"`
	ModifiedQuestion string          `json:"modified_question"`
	OriginalProcess  json.RawMessage `json:"original_process,omitempty"`
	ModifiedProcess  []string        `json:"modified_process"`
	ModifiedSteps    json.RawMessage `json:"modified_steps"`
	ErrorSteps       []int           `json:"error_steps"`
	Reason           string          `json:"reason"`
	GroundTruth      json.RawMessage `json:"ground_truth,omitempty"`
	Idx              json.RawMessage `json:"idx"`
	Question         string          `json:"question"`
	Classification   string          `json:"classification"`
	OriginalResponse json.RawMessage `json:"original_response,omitempty"`
	// ErrorTypes is each error step's own type (PRMBench has one
	// classification per record): stepwise's addition, written when the
	// labels are not a PRMBench record's own.
	ErrorTypes []string `json:"error_types,omitempty"`
}

func (p prmBenchWriter) Write(it *ExportItem) (string, error) {
	m := it.Trace.Meta
	own := it.Trace.Source.Format == prmBench{}.Name()
	beyond := prmBenchBeyond(m["error_steps_beyond_end"])
	if it.labeledPrefix() != len(it.Labels) && !(own && len(beyond) > 0) {
		return "a step is unlabeled (PRMBench takes every unlisted step as correct)", nil
	}
	text := it.Problem.Text
	out := prmBenchOut{OriginalQuestion: text, ModifiedQuestion: text, Question: text,
		ModifiedProcess: it.stepTexts(len(it.Trace.Steps)), ErrorSteps: []int{}, Idx: jsonString(it.sourceID())}
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
	out.Reason = strings.Join(notes, "\n")
	if own {
		prmBenchOwn(&out, it, beyond)
	}
	if op := m["original_process"]; op != "" {
		var compact bytes.Buffer // as stored; the record is written compact
		if json.Compact(&compact, []byte(op)) == nil {
			out.OriginalProcess = compact.Bytes()
		}
	}
	if out.ModifiedSteps == nil {
		out.ModifiedSteps, _ = json.Marshal(out.ErrorSteps)
	}
	return "", p.put(out)
}

// prmBenchOwn gives a PRMBench record's own fields back.
func prmBenchOwn(out *prmBenchOut, it *ExportItem, beyond []int) {
	m := it.Trace.Meta
	out.ErrorSteps = append(out.ErrorSteps, beyond...)
	if q, ok := m["original_question"]; ok {
		out.OriginalQuestion = q
	}
	if q, ok := m["question"]; ok {
		out.Question = q
	}
	if ms := m["modified_steps"]; ms != "" {
		var compact bytes.Buffer
		if json.Compact(&compact, []byte(ms)) == nil {
			out.ModifiedSteps = compact.Bytes()
		}
	}
	out.Classification = m["classification"]
	// SourceID is idx/classification (idx repeats across classes).
	if idx := metaValue(m, "idx"); idx != nil {
		out.Idx = idx
	} else if id, ok := strings.CutSuffix(it.Trace.SourceID, "/"+out.Classification); ok {
		out.Idx = jsonString(id)
	}
	out.GroundTruth = metaValue(m, "ground_truth")
	out.OriginalResponse = metaValue(m, "original_response")
	if !it.humanLabeled() {
		out.ErrorTypes = nil
		if out.Reason == "" {
			out.Reason = m["reason"]
		}
	}
}

// prmBenchBeyond reads the error steps a PRMBench record lists past its
// last step ("21" or "18 19").
func prmBenchBeyond(s string) []int {
	var out []int
	for _, f := range strings.Fields(s) {
		if n, err := strconv.Atoi(f); err == nil {
			out = append(out, n)
		}
	}
	return out
}
