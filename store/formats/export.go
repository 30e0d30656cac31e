package formats

import (
	"bufio"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/bytedance/sonic/encoder"

	"github.com/stepwise-dev/stepwise"
)

// Export turns traces with resolved step labels back into the formats the
// field trains and evaluates on. The store resolves the labels (human,
// source or merged) and streams ExportItems; a writer per format encodes
// them. Writers never see bbolt, and each format's writer sits beside its
// reader, so a round trip is one package's business.

// StepLabel is one step's label as exported: a human's, the dataset's, or
// none (Origin "" and Rating Unlabeled).
type StepLabel struct {
	Rating       stepwise.Rating
	Hallucinated bool
	ErrorType    string
	// Note is the human note, or the source label's reason.
	Note string
	// Origin is "human", "source" or "" (unlabeled).
	Origin    string
	Annotator string
}

// Label origins of exported steps.
const (
	LabelOriginHuman  = "human"
	LabelOriginSource = "source"
)

// ExportItem is one trace with its resolved labels.
type ExportItem struct {
	Problem *stepwise.Problem
	Trace   *stepwise.Trace
	// Labels has one entry per step.
	Labels []StepLabel
	// Verdict is a human trace-level verdict.
	Verdict string
	// Annotators contributed human labels; Time is their latest event,
	// ElapsedMS their time on the trace.
	Annotators []string
	Time       time.Time
	ElapsedMS  int64
	// PRM holds the step scores of each PRM the export has a column for
	// (PRMColumner), in the columns' order: nil where the PRM did not
	// score the trace, a negative score where it gave a step none.
	PRM [][]float64
	// Answers holds the resolved answers of each answer column
	// (AnswerColumner), in the columns' order; nil where the trace has
	// none.
	Answers []ItemAnswers
}

// FirstError is the earliest wrong step in ProcessBench's sense: a step
// labeled bad with every step before it labeled (and none bad); -1 when
// every step is labeled and none is bad; nil when the labels do not say —
// a bad step after an unlabeled one is not known to be the earliest.
func (it *ExportItem) FirstError() *int {
	for i, l := range it.Labels {
		switch l.Rating {
		case stepwise.Bad:
			return &i
		case stepwise.Unlabeled:
			return nil
		}
	}
	if len(it.Labels) == 0 {
		return nil
	}
	v := -1
	return &v
}

// Correct says whether the trace is a correct solution by its labels: no
// step wrong (every step labeled, none bad) and the answer not known wrong;
// or, with no step labels saying otherwise, a correct final answer.
func (it *ExportItem) Correct() bool {
	fe := it.FirstError()
	c := it.Trace.Correct
	switch {
	case fe != nil && *fe >= 0:
		return false
	case fe != nil:
		return c == nil || *c
	}
	return c != nil && *c && !it.anyBad()
}

// Wrong says whether the trace is a wrong solution: a step labeled bad or a
// wrong final answer.
func (it *ExportItem) Wrong() bool {
	return it.anyBad() || (it.Trace.Correct != nil && !*it.Trace.Correct)
}

func (it *ExportItem) anyBad() bool {
	for _, l := range it.Labels {
		if l.Rating == stepwise.Bad {
			return true
		}
	}
	return false
}

// humanLabeled reports whether a person's label or verdict is among the
// item's labels: an export then writes labels that are not the source's.
func (it *ExportItem) humanLabeled() bool {
	for _, l := range it.Labels {
		if l.Origin == LabelOriginHuman {
			return true
		}
	}
	return it.Verdict != ""
}

// labeledPrefix is the number of leading steps that carry a label: the
// part of a trace that formats without an "unknown" state (TRL,
// Math-Shepherd) can express.
func (it *ExportItem) labeledPrefix() int {
	for i, l := range it.Labels {
		if l.Rating == stepwise.Unlabeled {
			return i
		}
	}
	return len(it.Labels)
}

func (it *ExportItem) stepTexts(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = it.Trace.Steps[i].Text
	}
	return out
}

// sourceID is the id a record carries: the source's own, else the trace id.
func (it *ExportItem) sourceID() string {
	if it.Trace.SourceID != "" {
		return it.Trace.SourceID
	}
	return it.Trace.ID
}

// Exporter writes one format. Write returns a reason when the item cannot
// be expressed in the format (it is skipped and counted, not an error).
type Exporter interface {
	Write(it *ExportItem) (skip string, err error)
	// Close flushes what is buffered; it does not close the writer.
	Close() error
}

// GroupExporter is an Exporter whose records pair traces of one problem
// (DPO): the store hands it every trace of a problem at once.
type GroupExporter interface {
	Exporter
	WriteGroup(items []*ExportItem) (written int, skip map[string]int, err error)
}

// ExportFormat describes one export target.
type ExportFormat struct {
	Name     string
	Describe string
	// Labels is set when the format carries step labels (a round trip
	// through the matching import gives them back).
	Labels bool
	New    func(w io.Writer) Exporter
	// Lines is set when each record is written on its own, with no state
	// across records (JSONL): what separate writers produce for consecutive
	// runs of traces concatenates into what one writer would produce, so
	// the runs can be encoded in parallel.
	Lines bool
}

// exportFormats lists the writers; "annotations" (the event log) is the
// store's own and is listed by it.
var exportFormats = []ExportFormat{
	{"processbench", "ProcessBench JSONL: steps and label = earliest wrong step (-1: none)", true, newProcessBenchWriter, true},
	{"prm800k", "PRM800K-style JSONL: per-step ratings +1/0/-1 (null: unlabeled), flagged = hallucinated", true, newPRM800KWriter, true},
	{"prmbench", "PRMBench-style JSONL: error_steps (1-based), classification, reason", true, newPRMBenchWriter, true},
	{"trl", "TRL stepwise supervision JSONL: prompt, completions, labels (bool)", true, newTRLWriter, true},
	{"math-shepherd", "Math-Shepherd JSONL: input with ки step tags, label with +/-", true, newMathShepherdWriter, true},
	{"dpo", "DPO pairs JSONL: prompt, chosen (a correct trace), rejected (a wrong one) of one problem", false, newDPOWriter, false},
	{"sft", "SFT JSONL: prompt and completion of correct traces", false, newSFTWriter, true},
	{"steps-jsonl", "one flat row per step (JSONL), for Hugging Face datasets and pandas", true, newStepsJSONLWriter, true},
	{"steps-parquet", "one flat row per step (Parquet), for Hugging Face datasets and pandas", true, newStepsParquetWriter, false},
}

// ExportFormats lists the export writers.
func ExportFormats() []ExportFormat { return append([]ExportFormat(nil), exportFormats...) }

// LookupExport finds an export writer by name.
func LookupExport(name string) (ExportFormat, error) {
	for _, f := range exportFormats {
		if f.Name == name {
			return f, nil
		}
	}
	names := make([]string, 0, len(exportFormats))
	for _, f := range exportFormats {
		names = append(names, f.Name)
	}
	sort.Strings(names)
	return ExportFormat{}, fmt.Errorf("unknown export format %q (known: %s, annotations)", name, strings.Join(names, ", "))
}

// jsonlWriter encodes one JSON value per line, without HTML escaping
// (trace text is full of < and >), in field order: deterministic output.
type jsonlWriter struct {
	bw  *bufio.Writer
	buf *[]byte // one line, reused
}

func newJSONL(w io.Writer) jsonlWriter {
	return jsonlWriter{bw: bufio.NewWriterSize(w, 1<<20), buf: new([]byte)}
}

// lineJSON are the options export records are encoded with: sonic, which
// escapes text several times faster than encoding/json (escaping is most of
// an export's CPU); like encoding/json it sorts map keys and turns invalid
// UTF-8 into U+FFFD.
const lineJSON = encoder.SortMapKeys | encoder.ValidateString

// put writes v as one line. The line is encoded into a buffer the writer
// keeps (sonic's Marshal copies each result out of its own).
func (j jsonlWriter) put(v any) error {
	*j.buf = (*j.buf)[:0]
	if err := encoder.EncodeInto(j.buf, v, lineJSON); err != nil {
		return err
	}
	*j.buf = append(*j.buf, '\n')
	_, err := j.bw.Write(*j.buf) // a bufio.Writer keeps its first error
	return err
}
func (j jsonlWriter) Close() error { return j.bw.Flush() }
