package tui

import (
	tea "charm.land/bubbletea/v2"

	"github.com/stepwise-dev/stepwise"
	"github.com/stepwise-dev/stepwise/store"
	"github.com/stepwise-dev/stepwise/verify/verifyrun"
)

// traceRef says which trace to open: by seq (from the list, with its row so
// that next/previous can walk the list) or by a typed id.
type traceRef struct {
	seq uint64
	id  string
	row int
	// queue is the 1-based triage queue item the trace was opened for (0:
	// not from the queue; from the queue the dataset's labels are hidden);
	// sample the 1-based row of the samples view it was opened from; step
	// is the step to show; gold marks a quality-control item, whose labels
	// are recorded as such.
	queue  int
	sample int
	step   int
	gold   bool
	// search: opened from the list while it showed a search's results,
	// so n past the last match goes on to the next trace that matches.
	search bool
}

// traceDoc is an open trace with its evidence: the trace (its checks
// applied), its problem, the label events and their fold, the latest judge
// run, the checks and the PRM scores. The trace view loads it and owns it;
// step detail is handed it to show one of its steps, and is told when it
// changes (docChangedMsg).
type traceDoc struct {
	ref     traceRef
	t       *stepwise.Trace
	p       *stepwise.Problem
	ann     annotation
	judged  *store.RunHead
	checked map[int][]stepwise.Formalization
	prm     []store.PRMScores
}

// annotation is the label events of the open trace and their fold.
type annotation struct {
	events []stepwise.Annotation
	marks  map[string]*stepwise.TraceMarks
}

func newAnnotation(events []stepwise.Annotation, nSteps int) annotation {
	return annotation{events: events, marks: stepwise.FoldAnnotations(events, nSteps)}
}

// add appends an event this workbench saved, unless a reload already
// brought it in.
func (a *annotation) add(ev stepwise.Annotation, nSteps int) {
	for _, e := range a.events {
		if e.Seq == ev.Seq {
			return
		}
	}
	a.events = append(a.events, ev)
	a.marks = stepwise.FoldAnnotations(a.events, nSteps)
}

// mine is who's marks (nil when they have none).
func (d *traceDoc) mine(who string) *stepwise.TraceMarks {
	if d == nil {
		return nil
	}
	return d.ann.marks[who]
}

// judgeFlag is the latest judge run's flag reason on step i ("" when none).
func (d *traceDoc) judgeFlag(i int) string {
	if d.judged == nil {
		return ""
	}
	for _, f := range d.judged.StepFlags {
		if f.Step == i {
			return f.Reason
		}
	}
	return ""
}

// traceMsg delivers a loaded document.
type traceMsg struct {
	req int
	doc *traceDoc
	err error
	// keep: a reload of the open trace, which keeps the position.
	keep bool
}

// loadDoc reads the trace ref names with its problem and evidence; who is
// the annotator at the keyboard.
func loadDoc(db *store.DB, req int, ref traceRef, keep bool, who string) tea.Cmd {
	return func() tea.Msg {
		// One read transaction for the trace and all its evidence, so the
		// view never shows a label from before a change beside a check
		// from after it.
		var ev *store.TraceEvidence
		var err error
		if ref.id != "" {
			ev, err = db.Evidence(ref.id)
		} else {
			ev, err = db.EvidenceSeq(ref.seq)
		}
		if err != nil {
			return traceMsg{req: req, err: err}
		}
		t, checked := ev.Trace, ev.CheckMap()
		stepwise.ApplyChecks(t, checked)
		events := ev.Annotations()
		if ref.queue > 0 {
			// Labelling from the queue is blind: the dataset's labels and
			// verdict, and the other annotators' labels, stay hidden for
			// every item, so that a hidden gold item (whose answer is the
			// dataset's or an adjudicator's) looks like any other and no
			// label anchors the annotator.
			hideSourceLabels(t)
			events = ownEvents(events, who)
		}
		doc := &traceDoc{ref: ref, t: t, p: ev.Problem, ann: newAnnotation(events, len(t.Steps)), judged: ev.Judgement, checked: checked, prm: ev.PRM}
		return traceMsg{req: req, doc: doc, keep: keep}
	}
}

// ownEvents keeps who's events.
func ownEvents(events []stepwise.Annotation, who string) []stepwise.Annotation {
	var out []stepwise.Annotation
	for _, e := range events {
		if e.Annotator == who {
			out = append(out, e)
		}
	}
	return out
}

// hideSourceLabels drops the dataset's labels from a trace shown as a
// quality-control item, so they cannot give the answer away.
func hideSourceLabels(t *stepwise.Trace) {
	t.Labels = nil
	for i := range t.Steps {
		t.Steps[i].Labels = nil
	}
	for i := range t.Sections {
		t.Sections[i].Labels = nil
	}
	t.Correct = nil
}

// applyCheck puts a streamed check on the document: the step's checked
// formalization replaces what was there (the dataset's stored status). It
// reports whether the check is for this trace.
func (d *traceDoc) applyCheck(r *verifyrun.StepResult) bool {
	if d.t == nil || r.TraceID != d.t.ID || r.Step < 0 || r.Step >= len(d.t.Steps) {
		return false
	}
	if d.checked == nil {
		d.checked = map[int][]stepwise.Formalization{}
	}
	fs := d.checked[r.Step]
	for len(fs) <= r.Index {
		fs = append(fs, stepwise.Formalization{})
	}
	fs[r.Index] = r.Formalization
	d.checked[r.Step] = fs
	stepwise.ApplyChecks(d.t, map[int][]stepwise.Formalization{r.Step: fs})
	return true
}
