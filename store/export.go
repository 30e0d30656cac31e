package store

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"runtime"
	"sort"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/stepwise-dev/stepwise"
	"github.com/stepwise-dev/stepwise/store/formats"
	"github.com/stepwise-dev/stepwise/store/internal/damage"
	"github.com/stepwise-dev/stepwise/store/internal/postings"
	"github.com/stepwise-dev/stepwise/store/internal/problems"
	"github.com/stepwise-dev/stepwise/store/internal/schema"
)

// LabelMode chooses which labels an export carries.
type LabelMode string

// Label modes.
const (
	// LabelsMerged: a human label where there is one, else the dataset's.
	LabelsMerged LabelMode = "merged"
	LabelsHuman  LabelMode = "human"
	LabelsSource LabelMode = "source"
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
}

// ExportReport counts what an export wrote and what it skipped, by reason.
type ExportReport struct {
	Format  string         `json:"format"`
	Traces  int            `json:"traces"`
	Written int            `json:"written"`
	Skipped map[string]int `json:"skipped,omitempty"`
}

func (r *ExportReport) skip(reason string, n int) {
	if n == 0 {
		return
	}
	if r.Skipped == nil {
		r.Skipped = map[string]int{}
	}
	r.Skipped[reason] += n
}

// Export streams the selected traces (or events) to w from one snapshot of
// the store (read transactions opened together; export_parallel.go):
// traces in import order (DPO: by problem), a few hundred at a time, so
// memory does not grow with the store. Output is deterministic.
func (db *DB) Export(ctx context.Context, w io.Writer, opts ExportOptions) (*ExportReport, error) {
	if err := opts.Filter.Validate(); err != nil {
		return nil, err
	}
	switch opts.Labels {
	case "":
		opts.Labels = LabelsMerged
	case LabelsMerged, LabelsHuman, LabelsSource:
	default:
		return nil, fmt.Errorf("--labels %q: want human, source or merged", opts.Labels)
	}
	var err error
	if opts.Resolve, err = ParseResolve(string(opts.Resolve)); err != nil {
		return nil, err
	}
	rep := &ExportReport{Format: opts.Format}
	switch opts.Format {
	case FormatAnnotations:
		return rep, db.exportEvents(ctx, w, opts, rep)
	case FormatLabels:
		return rep, db.exportLabels(ctx, w, opts, rep)
	}
	f, err := formats.LookupExport(opts.Format)
	if err != nil {
		return nil, err
	}
	// One exporter writes the whole output, except for line formats, whose
	// pipeline workers have one each.
	var exp formats.Exporter
	if !f.Lines {
		exp = f.New(w)
	}
	g, grouped := exp.(formats.GroupExporter)
	// One read transaction lists the traces; the pipeline's workers load
	// them, each in a transaction of its own on the same snapshot.
	n := 1 + runtime.GOMAXPROCS(0)
	if grouped {
		n = 1
	}
	err = db.h.Snapshot(ctx, n, func(txs []*bolt.Tx) error {
		x := &exportRun{path: db.path, tx: txs[0], opts: opts, rep: rep, problems: map[string]*stepwise.Problem{}}
		x.prmNames = exportPRMNames(txs[0], f, exp)
		if exp != nil {
			if err := setPRMColumns(exp, x.prmNames); err != nil {
				return err
			}
		}
		if grouped {
			err = x.byProblem(ctx, g)
		} else {
			err = x.pipeline(ctx, f, exp, w, txs[1:])
		}
		return err
	})
	if exp != nil {
		if cerr := exp.Close(); err == nil {
			err = cerr
		}
	}
	return rep, err
}

// exportRun is one export's state inside its read transaction.
type exportRun struct {
	path     string // the store's, for errors
	tx       *bolt.Tx
	opts     ExportOptions
	rep      *ExportReport
	problems map[string]*stepwise.Problem // a small cache: traces of a problem are often near
	reader   *traceReader                 // tx's, made on first use
	prmNames []string                     // the PRMs the export has columns for
}

// selected visits the seqs of the selected traces in import order, within
// the filter's offset and limit.
func (x *exportRun) selected(ctx context.Context, fn func(seq uint64) error) error {
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

// byProblem hands a group exporter every selected trace of a problem at
// once, problem by problem (the problem postings are ordered by problem id).
func (x *exportRun) byProblem(ctx context.Context, g formats.GroupExporter) error {
	var member postings.Bitset
	if !x.opts.Filter.isEmpty() {
		var err error
		if member, err = memberSet(x.tx, x.opts.Filter); err != nil {
			return err
		}
	}
	var group []*formats.ExportItem
	var cur []byte
	flush := func() error {
		n, skip, err := g.WriteGroup(group)
		x.rep.Written += n
		for r, k := range skip {
			x.rep.skip(r, k)
		}
		group = group[:0]
		return err
	}
	n := 0
	err := postings.EachFieldSeq(x.tx.Bucket(schema.Postings), FieldProblem, func(pid []byte, seq uint64) error {
		if n++; n%256 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		if member != nil && !member.Has(seq) {
			return nil
		}
		if !bytes.Equal(pid, cur) {
			if err := flush(); err != nil {
				return err
			}
			cur = bytes.Clone(pid)
		}
		item, skip, err := x.item(seq)
		if err != nil {
			return err
		}
		x.rep.Traces++
		if skip != "" {
			x.rep.skip(skip, 1)
			return nil
		}
		group = append(group, item)
		return nil
	})
	if err != nil {
		return err
	}
	if err := flush(); err != nil {
		return err
	}
	return ctx.Err()
}

// item loads a trace with its problem and resolved labels; skip says why a
// trace is left out.
//
// The trace's text is read in place: every item is written, and every
// exporter closed, before Export ends its read transactions.
func (x *exportRun) item(seq uint64) (*formats.ExportItem, string, error) {
	if x.reader == nil {
		x.reader = newTraceReader(x.tx)
	}
	t, err := x.reader.trace(seq, false)
	if err != nil {
		return nil, "", err
	}
	if !x.opts.IncludeQC && isQualityControl(t) {
		return nil, "PRM800K quality-control or screening record", nil
	}
	p, err := x.problem(t.ProblemID)
	if err != nil {
		return nil, "", err
	}
	// The problem as this trace's source wrote it (traceproblem.go).
	if p, err = x.reader.problemOf(seq, p); err != nil {
		return nil, "", err
	}
	evs, err := x.reader.eventsOf(seq)
	if err != nil {
		return nil, "", err
	}
	item := &formats.ExportItem{Problem: p, Trace: t}
	if len(x.prmNames) > 0 {
		if item.PRM, err = prmColumns(x.tx, seq, x.prmNames); err != nil {
			return nil, "", err
		}
	}
	resolveLabels(item, x.keepEvents(evs), x.opts.Labels, x.opts.Resolve)
	if x.opts.LabeledOnly && !hasLabel(item) {
		return nil, "unlabeled", nil
	}
	return item, "", nil
}

func (x *exportRun) keepEvents(evs []Event) []stepwise.Annotation {
	var out []stepwise.Annotation
	f := EventFilter{Annotator: x.opts.Annotator, Since: x.opts.Since, Until: x.opts.Until, NoGold: true}
	for i := range evs {
		if f.match(&evs[i], "") {
			out = append(out, evs[i].Annotation)
		}
	}
	return out
}

func (x *exportRun) problem(id string) (*stepwise.Problem, error) {
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

// isQualityControl recognizes PRM800K's quality-control and screening
// records (generation -1 is the screening set), which FORMATS.md §1 says
// to leave out of training and export sets.
func isQualityControl(t *stepwise.Trace) bool {
	m := t.Meta
	return m["is_quality_control_question"] == "true" || m["is_initial_screening_question"] == "true" ||
		(m["generation"] == "-1" && m["labeler"] != "")
}

func hasLabel(it *formats.ExportItem) bool {
	for _, l := range it.Labels {
		if l.Origin != "" {
			return true
		}
	}
	return it.Verdict != ""
}

// resolveLabels fills the item's per-step labels. A human label is chosen
// among the annotators' current labels of the step by the resolution rule
// (latest: an adjudicator who labels after the others wins; majority); the
// dataset's is the step's source rating, with the bad label's category and
// reason, and PRM800K's flag as the hallucination flag.
func resolveLabels(it *formats.ExportItem, evs []stepwise.Annotation, mode LabelMode, rule Resolve) {
	n := len(it.Trace.Steps)
	it.Labels = make([]formats.StepLabel, n)
	var marks map[string]*stepwise.TraceMarks
	if mode != LabelsSource && len(evs) > 0 {
		marks = stepwise.FoldAnnotations(evs, n)
	}
	names := make([]string, 0, len(marks))
	for name := range marks {
		names = append(names, name)
	}
	sort.Strings(names)
	used := map[string]bool{}
	var verdictTime time.Time
	byStep := make([][]namedMark, n)
	for _, name := range names {
		m := marks[name]
		for i, sm := range m.Steps {
			if sm.Rating != stepwise.Unlabeled && i < n {
				byStep[i] = append(byStep[i], namedMark{name, sm})
			}
		}
		if m.Verdict != "" && !m.Updated.Before(verdictTime) {
			it.Verdict, verdictTime = m.Verdict, m.Updated
		}
	}
	for i, ms := range byStep {
		if len(ms) == 0 {
			continue
		}
		w := rule.pick(ms)
		sm := w.mark
		it.Labels[i] = formats.StepLabel{Rating: sm.Rating, Hallucinated: sm.Hallucinated, ErrorType: sm.ErrorType,
			Note: sm.Note, Origin: formats.LabelOriginHuman, Annotator: w.name}
	}
	for i := range it.Labels {
		if it.Labels[i].Origin == formats.LabelOriginHuman {
			used[it.Labels[i].Annotator] = true
		} else if mode != LabelsHuman {
			it.Labels[i] = sourceLabel(&it.Trace.Steps[i])
		}
	}
	if it.Verdict != "" {
		for name, m := range marks {
			if m.Verdict == it.Verdict && m.Updated.Equal(verdictTime) {
				used[name] = true
			}
		}
	}
	for _, name := range names {
		if used[name] {
			it.Annotators = append(it.Annotators, name)
			m := marks[name]
			it.ElapsedMS += m.ElapsedMS
			if m.Updated.After(it.Time) {
				it.Time = m.Updated
			}
		}
	}
}

// later orders two marks of a step: by time, then by event seq.
func later(a, b stepwise.StepMark) bool {
	if !a.Time.Equal(b.Time) {
		return a.Time.After(b.Time)
	}
	return a.Event > b.Event
}

func sourceLabel(s *stepwise.Step) formats.StepLabel {
	r := s.StepRating()
	if r == stepwise.Unlabeled {
		return formats.StepLabel{}
	}
	out := formats.StepLabel{Rating: r, Origin: formats.LabelOriginSource}
	for _, l := range s.Labels {
		if l.Scope != stepwise.ScopeStep && l.Scope != "" {
			continue
		}
		if l.Flagged != nil && *l.Flagged {
			out.Hallucinated = true
		}
		if l.Rating == r && out.ErrorType == "" && out.Note == "" {
			out.ErrorType, out.Note, out.Annotator = l.Category, l.Reason, l.Annotator
		}
	}
	return out
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
