// Package export writes selected traces, with their labels resolved, in an
// export format (store/formats): it picks each step's label (a human label
// by the resolution rule, else the dataset's, by LabelMode), leaves out
// PRM800K's quality-control records, adds PRM score and schema answer
// columns where the format takes them, and runs the work as a pipeline that keeps up with an
// import — workers load (and, for line formats, encode) jobs of traces in
// parallel, one goroutine writes them back in order — so that the output is
// byte for byte what one exporter writing trace after trace would write.
// ToFile writes a file under its name only once it is whole.
//
// It reads the store through Source (a snapshot read by several workers);
// which traces are selected is the store's decision. store.DB.Export is
// its front door.
package export

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"runtime"
	"sort"
	"time"

	"github.com/stepwise-dev/stepwise"
	"github.com/stepwise-dev/stepwise/store/formats"
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

// Options shape an export. (Which traces it reads is the Source's.)
type Options struct {
	// Format is an export format (formats.ExportFormats).
	Format string
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
	// ("schema/question"): the types of their answer columns. A question
	// not here gets the kind its answers have.
	Questions map[string]stepwise.QuestionKind
}

// Report counts what an export wrote and what it skipped, by reason. The
// store re-exports it as store.ExportReport.
type Report struct {
	Format  string         `json:"format"`
	Traces  int            `json:"traces"`
	Written int            `json:"written"`
	Skipped map[string]int `json:"skipped,omitempty"`
	// AnswerColumns are the schema questions the export has columns for.
	AnswerColumns []formats.AnswerColumn `json:"answer_columns,omitempty"`
}

func (r *Report) skip(reason string, n int) {
	if n == 0 {
		return
	}
	if r.Skipped == nil {
		r.Skipped = map[string]int{}
	}
	r.Skipped[reason] += n
}

// Source is the store as an export reads it: one snapshot, read by
// several workers at once.
type Source interface {
	// Snapshot runs fn with n readers that see one version of the store.
	// What a reader returns in place is valid until fn returns.
	Snapshot(ctx context.Context, n int, fn func([]Reader) error) error
}

// Reader reads one transaction of the snapshot. A reader is used by one
// goroutine at a time.
type Reader interface {
	// Selected calls fn with the selected traces' sequence numbers, in
	// import order.
	Selected(ctx context.Context, fn func(seq uint64) error) error
	// ByProblem calls fn with the selected traces grouped by problem:
	// problem ids in order, each problem's traces in import order.
	ByProblem(ctx context.Context, fn func(problem []byte, seq uint64) error) error
	// Trace loads a trace; its text is read in place.
	Trace(seq uint64) (*stepwise.Trace, error)
	// Problem returns t's problem as t's source wrote it.
	Problem(seq uint64, t *stepwise.Trace) (*stepwise.Problem, error)
	// Events returns the trace's annotation events, in order.
	Events(seq uint64) ([]stepwise.Annotation, error)
	// HasAnswers reports whether an event of the snapshot may answer a
	// label schema's question (false: none does), so that an export
	// skips looking for answer columns in a store without answers.
	HasAnswers() bool
	// PRMNames lists every PRM with scores in the store, in name order.
	PRMNames() []string
	// PRM returns the trace's step scores by each named PRM, nil for a PRM
	// that did not score it.
	PRM(seq uint64, names []string) ([][]float64, error)
}

// Check validates the label mode and resolution rule, filling in the
// defaults (merged, latest).
func (o *Options) Check() error {
	switch o.Labels {
	case "":
		o.Labels = LabelsMerged
	case LabelsMerged, LabelsHuman, LabelsSource:
	default:
		return fmt.Errorf("--labels %q: want human, source or merged", o.Labels)
	}
	var err error
	o.Resolve, err = ParseResolve(string(o.Resolve))
	return err
}

// Run streams the selected traces to w from one snapshot of src: traces in
// import order (DPO: by problem), a few hundred at a time, so memory does
// not grow with the store. Output is deterministic.
func Run(ctx context.Context, src Source, w io.Writer, opts Options) (*Report, error) {
	if err := opts.Check(); err != nil {
		return nil, err
	}
	rep := &Report{Format: opts.Format}
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
	// One reader lists the traces; the pipeline's workers load them, each
	// in a transaction of its own on the same snapshot.
	n := 1 + runtime.GOMAXPROCS(0)
	if grouped {
		n = 1
	}
	err = src.Snapshot(ctx, n, func(rs []Reader) error {
		x := &exportRun{r: rs[0], opts: opts, rep: rep}
		x.prmNames = exportPRMNames(rs[0], f, exp)
		var err error
		if x.answerCols, err = x.exportAnswerColumns(ctx, f, exp); err != nil {
			return err
		}
		rep.AnswerColumns = x.answerCols
		if exp != nil {
			if err := setExtraColumns(exp, x.prmNames, x.answerCols); err != nil {
				return err
			}
		}
		if grouped {
			return x.byProblem(ctx, g)
		}
		return x.pipeline(ctx, f, exp, w, rs[1:])
	})
	if exp != nil {
		if cerr := exp.Close(); err == nil {
			err = cerr
		}
	}
	return rep, err
}

// exportRun is one export's state, reading through one reader.
type exportRun struct {
	r          Reader
	opts       Options
	rep        *Report
	prmNames   []string               // the PRMs the export has columns for
	answerCols []formats.AnswerColumn // the questions it has columns for
}

// setExtraColumns names the PRM and answer columns of an exporter that
// takes them.
func setExtraColumns(exp formats.Exporter, prm []string, answers []formats.AnswerColumn) error {
	if err := setPRMColumns(exp, prm); err != nil {
		return err
	}
	return setAnswerColumns(exp, answers)
}

// byProblem hands a group exporter every selected trace of a problem at
// once, problem by problem.
func (x *exportRun) byProblem(ctx context.Context, g formats.GroupExporter) error {
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
	err := x.r.ByProblem(ctx, func(pid []byte, seq uint64) error {
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
// exporter closed, before Run's snapshot ends.
func (x *exportRun) item(seq uint64) (*formats.ExportItem, string, error) {
	t, err := x.r.Trace(seq)
	if err != nil {
		return nil, "", err
	}
	if !x.opts.IncludeQC && isQualityControl(t) {
		return nil, "PRM800K quality-control or screening record", nil
	}
	p, err := x.r.Problem(seq, t)
	if err != nil {
		return nil, "", err
	}
	evs, err := x.r.Events(seq)
	if err != nil {
		return nil, "", err
	}
	item := &formats.ExportItem{Problem: p, Trace: t}
	if len(x.prmNames) > 0 {
		if item.PRM, err = x.r.PRM(seq, x.prmNames); err != nil {
			return nil, "", err
		}
	}
	kept := x.keepEvents(evs)
	var marks map[string]*stepwise.TraceMarks
	if x.opts.Labels != LabelsSource && len(kept) > 0 {
		marks = stepwise.FoldAnnotations(kept, len(t.Steps))
	}
	resolveLabels(item, marks, x.opts.Labels, x.opts.Resolve)
	if len(x.answerCols) > 0 && len(marks) > 0 {
		resolveAnswers(item, marks, eventTimes(kept), x.answerCols, x.opts.Resolve)
	}
	if x.opts.LabeledOnly && !hasLabel(item) {
		return nil, "unlabeled", nil
	}
	return item, "", nil
}

// keepEvents keeps the events of the export's annotator and time window,
// gold events left out (they measure the annotator, they are not labels of
// the data).
func (x *exportRun) keepEvents(evs []stepwise.Annotation) []stepwise.Annotation {
	var out []stepwise.Annotation
	for _, e := range evs {
		switch {
		case x.opts.Annotator != "" && e.Annotator != x.opts.Annotator:
		case !x.opts.Since.IsZero() && e.Time.Before(x.opts.Since):
		case !x.opts.Until.IsZero() && !e.Time.Before(x.opts.Until):
		case e.Gold:
		default:
			out = append(out, e)
		}
	}
	return out
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
	return it.Verdict != "" || len(it.Answers) > 0
}

// resolveLabels fills the item's per-step labels from the annotators'
// current labels (marks; none with LabelsSource). A human label is chosen
// among the annotators' current labels of the step by the resolution rule
// (latest: an adjudicator who labels after the others wins; majority); the
// dataset's is the step's source rating, with the bad label's category and
// reason, and PRM800K's flag as the hallucination flag.
func resolveLabels(it *formats.ExportItem, marks map[string]*stepwise.TraceMarks, mode LabelMode, rule Resolve) {
	n := len(it.Trace.Steps)
	it.Labels = make([]formats.StepLabel, n)
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
