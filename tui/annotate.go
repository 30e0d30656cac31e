package tui

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/stepwise-dev/stepwise"
	"github.com/stepwise-dev/stepwise/store"
	"github.com/stepwise-dev/stepwise/themes/termsafe"
)

// DefaultTaxonomy is the error types offered on the number keys: PRMBench's
// classes plus the everyday ones. The config file's `taxonomy` replaces it.
var DefaultTaxonomy = []string{"calculation", "logic", "misread question", "unsupported claim",
	"confidence", "step contradiction", "circular", "domain inconsistency", "counterfactual",
	"redundancy", "deception", "missing condition"}

// annotation is the annotator's state on the open trace. Writes go through
// a queue, one at a time, so that events are stored in the order the keys
// were pressed; a label shows as saved only when the store has synced it.
type annotation struct {
	events   []stepwise.Annotation
	marks    map[string]*stepwise.TraceMarks
	queue    []annotOp
	inflight bool
	since    time.Time // start of the time spent on the current item
	saved    int       // events saved since the trace was opened
}

// annotOp is one queued write: a label event, or an undo/redo.
type annotOp struct {
	ev         stepwise.Annotation
	undo, redo bool
	what       string // for the status line
	timed      bool   // ev.ElapsedMS is measured (a retried write keeps it)
}

// annotatedMsg returns a write's result.
type annotatedMsg struct {
	req  int
	ev   stepwise.Annotation
	what string
	err  error
	op   *annotOp // the write, to try again when the store was busy
}

// reset starts annotating a freshly loaded trace.
func (a *annotation) reset(events []stepwise.Annotation, nSteps int) {
	a.events = events
	a.marks = stepwise.FoldAnnotations(events, nSteps)
	a.queue, a.inflight = nil, false
	a.since = time.Now()
	a.saved = 0
}

// refresh takes the trace's events as the store has them now (another
// process may have added some), keeping the writes this workbench has
// queued or in flight.
func (a *annotation) refresh(events []stepwise.Annotation, nSteps int) {
	a.events = events
	a.marks = stepwise.FoldAnnotations(events, nSteps)
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

// mine is the current annotator's marks (nil when they have none).
func (ts *traceScreen) mine(m *Model) *stepwise.TraceMarks {
	return ts.ann.marks[m.opts.Annotator]
}

// annotateKey handles the annotation actions on step i of the open trace.
// ok is false when a is not an annotation action.
func (ts *traceScreen) annotateKey(m *Model, a action, key string, i int) (tea.Cmd, bool) {
	if ts.t == nil {
		return nil, false
	}
	if m.opts.Annotator == "" {
		switch a {
		case actRateGood, actRateNeutral, actRateBad, actHallucinated, actErrorType, actFirstError,
			actNoError, actNote, actVerdict, actUndo, actRedo, actClearLabel:
			m.setError("set your name to annotate: --annotator NAME or annotator = \"NAME\" in config.toml")
			return nil, true
		}
	}
	ev := stepwise.Annotation{Annotator: m.opts.Annotator, TraceID: ts.t.ID, Step: i, Gold: ts.ref.gold}
	advance := true
	switch a {
	case actRateGood:
		ev.Rating = stepwise.Good
	case actRateNeutral:
		ev.Rating = stepwise.Neutral
	case actRateBad:
		ev.Rating = stepwise.Bad
	case actHallucinated:
		ev.Rating, ev.Hallucinated = stepwise.Bad, true
		ev.ErrorType = ts.current(m, i).ErrorType
	case actErrorType:
		n := int(key[0] - '1')
		tax := m.taxonomy()
		if n < 0 || n >= len(tax) {
			m.setError(fmt.Sprintf("no error type on %s: the taxonomy has %d (see ? or the config file)", key, len(tax)))
			return nil, true
		}
		cur := ts.current(m, i)
		ev.Rating, ev.ErrorType, ev.Hallucinated = stepwise.Bad, tax[n], cur.Hallucinated
	case actClearLabel:
		advance = false // Rating Unlabeled with nothing else clears the step
	case actFirstError:
		ev.FirstError = true
		ev.ErrorType = ts.current(m, i).ErrorType
	case actNoError:
		ev.FirstError, ev.Step = true, -1
		advance = false
	case actNote:
		cur := ts.current(m, i)
		m.prompt = newPrompt(m, promptNote, fmt.Sprintf("note on step %d ", i), cur.Note)
		return nil, true
	case actVerdict:
		m.prompt = newPrompt(m, promptVerdict, "verdict (correct, wrong, unsure, or any word) ", ts.mineVerdict(m))
		return nil, true
	case actUndo:
		return ts.enqueue(m, annotOp{ev: ev, undo: true, what: "undo"}), true
	case actRedo:
		return ts.enqueue(m, annotOp{ev: ev, redo: true, what: "redo"}), true
	default:
		return nil, false
	}
	cmd := ts.enqueue(m, annotOp{ev: ev, what: describeEvent(ev)})
	if advance && i+1 < len(ts.t.Steps) {
		ts.select_(m, i+1)
		ts.layout(m)
		if m.current() == scrStep {
			return tea.Batch(cmd, m.step.moveTo(m, i+1)), true
		}
	} else if advance {
		m.setInfo("last step — J opens the next trace")
	}
	return cmd, true
}

// current is the annotator's mark on step i (zero when none).
func (ts *traceScreen) current(m *Model, i int) stepwise.StepMark {
	if mk := ts.mine(m); mk != nil {
		return mk.Steps[i]
	}
	return stepwise.StepMark{}
}

func (ts *traceScreen) mineVerdict(m *Model) string {
	if mk := ts.mine(m); mk != nil {
		return mk.Verdict
	}
	return ""
}

// noteOrVerdict writes the result of the note or verdict prompt.
func (ts *traceScreen) noteOrVerdict(m *Model, kind promptKind, text string) tea.Cmd {
	if ts.t == nil {
		return nil
	}
	ev := stepwise.Annotation{Annotator: m.opts.Annotator, TraceID: ts.t.ID, Step: -1, Gold: ts.ref.gold}
	if kind == promptNote {
		cur := ts.current(m, ts.cursor)
		ev.Step, ev.Rating, ev.Hallucinated, ev.ErrorType, ev.Note = ts.cursor, cur.Rating, cur.Hallucinated, cur.ErrorType, text
	} else {
		ev.Verdict = text
	}
	return ts.enqueue(m, annotOp{ev: ev, what: describeEvent(ev)})
}

func describeEvent(ev stepwise.Annotation) string {
	switch {
	case ev.FirstError && ev.Step < 0:
		return "no step wrong"
	case ev.FirstError:
		return fmt.Sprintf("first error at step %d", ev.Step)
	case ev.Step < 0:
		return "verdict " + ev.Verdict
	case ev.Rating == stepwise.Unlabeled && ev.Note == "":
		return fmt.Sprintf("step %d cleared", ev.Step)
	}
	s := fmt.Sprintf("step %d %s", ev.Step, ev.Rating)
	if ev.Hallucinated {
		s += ", hallucinated"
	}
	if ev.ErrorType != "" {
		s += " (" + ev.ErrorType + ")"
	}
	if ev.Note != "" {
		s += ", note"
	}
	return s
}

// enqueue adds a write and starts it if none is running.
func (ts *traceScreen) enqueue(m *Model, op annotOp) tea.Cmd {
	ts.ann.queue = append(ts.ann.queue, op)
	return ts.nextWrite(m)
}

// nextWrite starts the oldest queued write; the time spent on the item is
// measured here, when the event is really taken.
func (ts *traceScreen) nextWrite(m *Model) tea.Cmd {
	if ts.ann.inflight || len(ts.ann.queue) == 0 {
		if len(ts.ann.queue) > 0 {
			m.setInfo(fmt.Sprintf("saving… (%d queued)", len(ts.ann.queue)))
		}
		return nil
	}
	op := ts.ann.queue[0]
	ts.ann.queue = ts.ann.queue[1:]
	ts.ann.inflight = true
	if !op.timed {
		now := time.Now()
		op.ev.ElapsedMS = now.Sub(ts.ann.since).Milliseconds()
		ts.ann.since, op.timed = now, true
	}
	db, req := m.db, ts.req
	m.setInfo("saving " + op.what + "…")
	return func() tea.Msg {
		var ev stepwise.Annotation
		var err error
		switch {
		case op.undo:
			ev, err = db.Undo(op.ev.TraceID, op.ev.Annotator, op.ev.ElapsedMS)
		case op.redo:
			ev, err = db.Redo(op.ev.TraceID, op.ev.Annotator, op.ev.ElapsedMS)
		default:
			ev, err = db.Annotate(op.ev)
		}
		return annotatedMsg{req: req, ev: ev, what: op.what, err: err, op: &op}
	}
}

// annotated takes a write's result: the label shows as saved only now.
func (ts *traceScreen) annotated(m *Model, msg annotatedMsg) tea.Cmd {
	ts.ann.inflight = false
	if errors.Is(msg.err, store.ErrLocked) && msg.op != nil {
		// Another process kept the store past the wait: the label is not
		// lost, it goes back to the head of the queue and is tried again.
		ts.ann.queue = append([]annotOp{*msg.op}, ts.ann.queue...)
		m.setError(fmt.Sprintf("waiting for the store (%s); %d label(s) queued, not saved yet", lockHolder(msg.err), len(ts.ann.queue)))
		return ts.nextWrite(m)
	}
	if msg.err != nil {
		ts.ann.queue = nil // later writes assumed this one: drop them, say so
		if errors.Is(msg.err, store.ErrNothingToUndo) {
			m.setError(msg.err.Error())
		} else {
			m.setError("NOT saved: " + msg.err.Error())
		}
		return nil
	}
	if msg.req == ts.req && ts.t != nil {
		if ts.ref.queue > 0 && (msg.ev.Step == ts.ref.step || msg.ev.FirstError) {
			m.queue.labeled(ts.ref.queue - 1)
		}
		ts.ann.add(msg.ev, len(ts.t.Steps))
		m.list.humanStrips[ts.ref.seq] = ""
		if mk := ts.mine(m); mk != nil && len(mk.Steps) > 0 {
			m.list.humanStrips[ts.ref.seq] = mk.Strip(len(ts.t.Steps))
		}
		ts.ann.saved++
		ts.blocks = newBlockCache()
		ts.layout(m)
		if m.current() == scrStep {
			m.step.build(m)
		}
	}
	if len(ts.ann.queue) == 0 {
		m.setInfo(fmt.Sprintf("saved ✓ %s", msg.what))
	}
	return tea.Batch(ts.nextWrite(m), m.library.load(m))
}

// lockHolder says who kept the store, from a LockedError.
func lockHolder(err error) string {
	var le *store.LockedError
	if errors.As(err, &le) && le.Owner != "" {
		return "in use by " + le.Owner
	}
	return "in use by another stepwise process"
}

// taxonomy is the configured error types.
func (m *Model) taxonomy() []string {
	if len(m.opts.Taxonomy) > 0 {
		return m.opts.Taxonomy
	}
	return DefaultTaxonomy
}

// humanBadge is the gutter cell for the annotator's label of step i:
// the rating glyph, reversed to set it apart from the source's badge;
// dim when it follows from a first-error mark.
func humanBadge(m *Model, mk *stepwise.TraceMarks, i int) string {
	if mk == nil {
		return " "
	}
	sm, ok := mk.Steps[i]
	if !ok || sm.Rating == stepwise.Unlabeled {
		return " "
	}
	b := m.st.theme.Styles.Rating(sm.Rating)
	if sm.Implied {
		return b.Style.Faint(true).Render(b.Glyph)
	}
	return b.Style.Reverse(true).Render(b.Glyph)
}

// flagBadge marks a step the annotator called hallucinated.
func flagBadge(m *Model, mk *stepwise.TraceMarks, i int) string {
	if mk != nil && mk.Steps[i].Hallucinated {
		return m.st.bad.Render("!")
	}
	return " "
}

// humanLines describe every annotator's label of step i, for step detail.
// Names, error types and notes may come from another store's event log
// (merge): they are untrusted text like the trace's.
func humanLines(m *Model, marks map[string]*stepwise.TraceMarks, i int) []string {
	var out []string
	for _, who := range sortedAnnotators(marks) {
		sm, ok := marks[who].Steps[i]
		if !ok {
			continue
		}
		line := "  " + m.st.theme.Styles.Rating(sm.Rating).Render() + " " + sm.Rating.String() + "  by " + termsafe.Line(who)
		var extra []string
		if sm.Implied {
			extra = append(extra, "from a first-error mark")
		}
		if sm.Hallucinated {
			extra = append(extra, "hallucinated")
		}
		if sm.ErrorType != "" {
			extra = append(extra, termsafe.Line(sm.ErrorType))
		}
		if len(extra) > 0 {
			line += " (" + strings.Join(extra, ", ") + ")"
		}
		out = append(out, line)
		if sm.Note == "" {
			continue
		}
		for k, l := range wrapText(sm.Note, max(10, m.width-12)) {
			if k == 0 {
				out = append(out, "    note: "+l)
			} else {
				out = append(out, "          "+l)
			}
		}
	}
	return out
}

func sortedAnnotators(marks map[string]*stepwise.TraceMarks) []string {
	var names []string
	for n := range marks {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// paletteLine is the label palette shown above the steps while annotating:
// the labelling keys as bound (rebinding shows here too) and the taxonomy
// on the number keys, cut to the width.
func paletteLine(m *Model) string {
	keyOf := func(a action) string {
		for i := range m.keys.bindings {
			if b := &m.keys.bindings[i]; b.action == a && len(b.keys) > 0 {
				return m.st.statusKey.Render(prettyKey(b.keys[0]))
			}
		}
		return "?"
	}
	parts := []string{keyOf(actRateGood) + " good", keyOf(actRateNeutral) + " neutral", keyOf(actRateBad) + " wrong",
		keyOf(actHallucinated) + " hallucinated", keyOf(actFirstError) + " first error", keyOf(actUndo) + " undo"}
	for i, t := range m.taxonomy() {
		if i == 9 {
			break
		}
		parts = append(parts, m.st.statusKey.Render(fmt.Sprint(i+1))+" "+termsafe.Line(t))
	}
	return truncate(" "+strings.Join(parts, m.st.dim.Render(" · ")), m.width)
}
