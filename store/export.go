package store

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/stepwise-dev/stepwise"
	"github.com/stepwise-dev/stepwise/store/export"
	"github.com/stepwise-dev/stepwise/store/internal/damage"
	"github.com/stepwise-dev/stepwise/store/internal/postings"
	"github.com/stepwise-dev/stepwise/store/internal/problems"
	"github.com/stepwise-dev/stepwise/store/internal/schema"
)

// FormatAnnotations is the raw event log export (what MergeEvents reads).
const FormatAnnotations = "annotations"

// ExportOptions select and shape an export.
type ExportOptions struct {
	// Format is an export format (formats.ExportFormats) or "annotations".
	Format string
	// Filter selects traces (dataset, model, ...; Offset and Limit count
	// traces considered).
	Filter Filter
	// Labels defaults to merged.
	Labels LabelMode
	// Annotator keeps only this annotator's events.
	Annotator string
	// LabeledOnly skips traces without a label (in the chosen mode).
	LabeledOnly bool
	// Since and Until keep the events with Since ≤ time < Until.
	Since, Until time.Time
	// IncludeQC keeps PRM800K quality-control and screening records, which
	// training and evaluation sets leave out.
	IncludeQC bool
	// Resolve picks among several annotators' labels of a step (default
	// latest).
	Resolve Resolve
	// Questions are the kinds of the label schemas' questions by id
	// ("schema/question"), which type their answer columns in steps-jsonl
	// and steps-parquet (the configuration holds the schemas; the store
	// does not). A question not here gets the kind its answers have.
	Questions map[string]stepwise.QuestionKind
}

// ExportReport counts what an export wrote and what it skipped, by reason
// (store/export).
type ExportReport = export.Report

// LabelMode chooses which labels an export carries (store/export).
type LabelMode = export.LabelMode

// Label modes.
const (
	// LabelsMerged: a human label where there is one, else the dataset's.
	LabelsMerged = export.LabelsMerged
	LabelsHuman  = export.LabelsHuman
	LabelsSource = export.LabelsSource
)

// Resolve says which annotator's label a step gets in an export when
// several labeled it (store/export).
type Resolve = export.Resolve

// Resolution rules.
const (
	// ResolveLatest: the latest current label wins (the default).
	ResolveLatest = export.ResolveLatest
	// ResolveMajority: the rating most annotators gave wins.
	ResolveMajority = export.ResolveMajority
)

// ParseResolve checks a rule name ("" is the default).
func ParseResolve(s string) (Resolve, error) { return export.ParseResolve(s) }

// Export streams the selected traces (or events) to w from one snapshot of
// the store (store/export): traces in import order (DPO: by problem), a
// few hundred at a time, so memory does not grow with the store. Output is
// deterministic.
func (db *DB) Export(ctx context.Context, w io.Writer, opts ExportOptions) (*ExportReport, error) {
	if err := opts.Filter.Validate(); err != nil {
		return nil, err
	}
	eo := export.Options{Format: opts.Format, Labels: opts.Labels, Annotator: opts.Annotator, LabeledOnly: opts.LabeledOnly,
		Since: opts.Since, Until: opts.Until, IncludeQC: opts.IncludeQC, Resolve: opts.Resolve, Questions: opts.Questions}
	if err := eo.Check(); err != nil {
		return nil, err
	}
	rep := &ExportReport{Format: opts.Format}
	switch opts.Format {
	case FormatAnnotations:
		return rep, db.exportEvents(ctx, w, opts, rep)
	case FormatLabels:
		return rep, db.exportLabels(ctx, w, opts, rep)
	}
	return export.Run(ctx, exportSource{db, opts}, w, eo)
}

// ExportFile exports into the file at path, which takes the name only once
// it is whole (export.ToFile). With overwrite false an existing file at
// path is an error and stays as it is; with overwrite true (the user named
// the file) it is replaced.
func (db *DB) ExportFile(ctx context.Context, path string, opts ExportOptions, overwrite bool) (*ExportReport, error) {
	return export.ToFile(path, overwrite, func(w io.Writer) (*ExportReport, error) { return db.Export(ctx, w, opts) })
}

// exportSource is the store as the export room reads it.
type exportSource struct {
	db   *DB
	opts ExportOptions
}

func (s exportSource) Snapshot(ctx context.Context, n int, fn func([]export.Reader) error) error {
	return s.db.h.Snapshot(ctx, n, func(txs []*bolt.Tx) error {
		rs := make([]export.Reader, len(txs))
		for i, tx := range txs {
			rs[i] = &exportReader{tx: tx, opts: s.opts, reader: newTraceReader(tx), problems: map[string]*stepwise.Problem{}}
		}
		return fn(rs)
	})
}

// exportReader reads one transaction of an export's snapshot.
type exportReader struct {
	tx       *bolt.Tx
	opts     ExportOptions
	reader   *traceReader
	problems map[string]*stepwise.Problem // a small cache: traces of a problem are often near
}

// Selected visits the seqs of the selected traces in import order, within
// the filter's offset and limit.
func (x *exportReader) Selected(ctx context.Context, fn func(seq uint64) error) error {
	it, err := x.opts.Filter.iterator(x.tx)
	if err != nil {
		return err
	}
	if x.opts.Labels == LabelsHuman || x.opts.Annotator != "" {
		// Only traces with events can have human labels: intersect with
		// the annotated postings rather than visit every trace.
		it = postings.And(annotatedIter(x.tx, x.opts.Annotator), it)
	}
	n := 0
	for seq, ok := it.Next(); ok; seq, ok = it.Next() {
		if n++; n%256 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		if n <= x.opts.Filter.Offset {
			continue
		}
		if x.opts.Filter.Limit > 0 && n > x.opts.Filter.Offset+x.opts.Filter.Limit {
			break
		}
		if err := fn(seq); err != nil {
			return err
		}
	}
	return ctx.Err()
}

// ByProblem visits the traces the filter matches grouped by problem: the
// problem postings are ordered by problem id, then seq.
func (x *exportReader) ByProblem(ctx context.Context, fn func(problem []byte, seq uint64) error) error {
	var member postings.Bitset
	if !x.opts.Filter.isEmpty() {
		var err error
		if member, err = memberSet(x.tx, x.opts.Filter); err != nil {
			return err
		}
	}
	n := 0
	return postings.EachFieldSeq(x.tx.Bucket(schema.Postings), FieldProblem, func(pid []byte, seq uint64) error {
		if n++; n%256 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		if member != nil && !member.Has(seq) {
			return nil
		}
		return fn(pid, seq)
	})
}

func (x *exportReader) Trace(seq uint64) (*stepwise.Trace, error) { return x.reader.trace(seq, false) }

// Problem is the trace's problem as its source wrote it (traceproblem.go).
func (x *exportReader) Problem(seq uint64, t *stepwise.Trace) (*stepwise.Problem, error) {
	p, err := x.problem(t.ProblemID)
	if err != nil {
		return nil, err
	}
	return x.reader.problemOf(seq, p)
}

func (x *exportReader) problem(id string) (*stepwise.Problem, error) {
	if p := x.problems[id]; p != nil {
		return p, nil
	}
	v, err := problems.Record(x.tx, id)
	if err != nil {
		return nil, err
	}
	if v == nil {
		// A stored trace always has its problem stored.
		return nil, damage.Corrupt("a trace names problem %q, which is not in the store", id)
	}
	p := &stepwise.Problem{}
	if err := json.Unmarshal(v, p); err != nil {
		return nil, damage.Corrupt("problem %s: an unreadable record: %v", id, err)
	}
	if len(x.problems) >= 4096 {
		clear(x.problems)
	}
	x.problems[id] = p
	return p, nil
}

func (x *exportReader) Events(seq uint64) ([]stepwise.Annotation, error) {
	evs, err := x.reader.eventsOf(seq)
	return annotations(evs), err
}

func (x *exportReader) PRMNames() []string { return prmNamesTx(x.tx) }

// answerKey is how a stored event that answers a question shows it: the
// key is left out of other events (omitempty), and inside a JSON string a
// quote is escaped, so only a key reads so.
var answerKey = []byte(`"question":`)

// HasAnswers scans the stored events' bytes for an answer, without
// decoding them: far cheaper than the pre-pass it spares (reading every
// selected trace's events) in a store without answers.
func (x *exportReader) HasAnswers() bool {
	b := x.tx.Bucket(schema.Events)
	if b == nil {
		return false
	}
	c := b.Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		if bytes.Contains(v, answerKey) {
			return true
		}
	}
	return false
}

func (x *exportReader) PRM(seq uint64, names []string) ([][]float64, error) {
	return prmColumns(x.tx, seq, names)
}

// prmColumns reads a trace's step scores by each named PRM, nil for a PRM
// that did not score it (NoScore marks a step a PRM gave no score).
func prmColumns(tx *bolt.Tx, seq uint64, names []string) ([][]float64, error) {
	ps, err := prmOfSeq(tx, seq)
	if err != nil || len(ps) == 0 {
		return nil, err
	}
	out := make([][]float64, len(names))
	for _, p := range ps {
		for c, n := range names {
			if n == p.Model {
				out[c] = p.Steps
			}
		}
	}
	return out, nil
}

// exportEvents writes the event log as JSONL (Event: the annotation, its
// stable id and the id of the event it undoes).
func (db *DB) exportEvents(ctx context.Context, w io.Writer, opts ExportOptions, rep *ExportReport) error {
	var member postings.Bitset
	f := opts.Filter
	f.Dataset = "" // the event filter applies it
	if !f.isEmpty() {
		err := db.view(func(tx *bolt.Tx) error {
			var err error
			member, err = memberSet(tx, f)
			return err
		})
		if err != nil {
			return err
		}
	}
	bw := bufio.NewWriterSize(w, 1<<20)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	n := 0
	err := db.AllEvents(EventFilter{Dataset: opts.Filter.Dataset, Annotator: opts.Annotator, Since: opts.Since,
		Until: opts.Until}, func(e Event) error {
		if n++; n%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		if member != nil && !member.Has(e.TraceSeq) {
			return nil
		}
		rep.Written++
		return enc.Encode(e)
	})
	if ferr := bw.Flush(); err == nil {
		err = ferr
	}
	return err
}
