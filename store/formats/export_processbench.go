package formats

import "io"

// processBenchWriter writes ProcessBench records, one per line (the reader
// takes JSONL as well as the upstream JSON array). label is the earliest
// wrong step, 0-based, -1 when every step is labeled and none is wrong; a
// trace whose labels do not settle that is skipped.
type processBenchWriter struct{ jsonlWriter }

func newProcessBenchWriter(w io.Writer) Exporter { return processBenchWriter{newJSONL(w)} }

// processBenchOut keeps the upstream key order.
type processBenchOut struct {
	ID                 string   `json:"id"`
	Generator          string   `json:"generator"`
	Problem            string   `json:"problem"`
	Steps              []string `json:"steps"`
	FinalAnswerCorrect *bool    `json:"final_answer_correct"`
	Label              int      `json:"label"`
}

func (p processBenchWriter) Write(it *ExportItem) (string, error) {
	fe := it.FirstError()
	if fe == nil {
		return "earliest wrong step unknown (steps unlabeled, none labeled wrong)", nil
	}
	return "", p.put(processBenchOut{ID: it.sourceID(), Generator: it.Trace.Model, Problem: it.Problem.Text,
		Steps: it.stepTexts(len(it.Trace.Steps)), FinalAnswerCorrect: it.Trace.Correct, Label: *fe})
}
