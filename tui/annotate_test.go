package tui

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/stepwise-dev/stepwise"
	"github.com/stepwise-dev/stepwise/store"
)

// openGSM8K0 opens ProcessBench's gsm8k-0 (4 steps) in the trace view.
func openGSM8K0(t *testing.T, m *Model) {
	t.Helper()
	jumpTo(t, m, "gsm8k-0")
}

func TestAnnotateAndAdvance(t *testing.T) {
	m := newTestModel(t, 120, 40, "dark")
	openGSM8K0(t, m)
	press(t, m, "+", "-", "x")
	if m.trace().cursor != 3 {
		t.Fatalf("cursor %d after three labels, want 3", m.trace().cursor)
	}
	mk := m.trace().doc.mine(m.opts.Annotator)
	if mk == nil || mk.Rating(0) != stepwise.Good || mk.Rating(1) != stepwise.Bad || !mk.Steps[2].Hallucinated {
		t.Fatalf("marks %+v", mk)
	}
	if !strings.Contains(m.status, "saved ✓") {
		t.Fatalf("status %q", m.status)
	}
	// The labels are in the store, not only on screen.
	marks, err := m.db.Marks(m.trace().doc.t.ID)
	if err != nil || marks["tester"].Rating(1) != stepwise.Bad {
		t.Fatalf("store marks %v %v", marks, err)
	}
	// Error type from the taxonomy on a number key.
	press(t, m, "1")
	if got := m.trace().doc.mine(m.opts.Annotator).Steps[3].ErrorType; got != DefaultTaxonomy[0] {
		t.Fatalf("error type %q", got)
	}
}

func TestFirstErrorModeAndUndoRedo(t *testing.T) {
	m := newTestModel(t, 120, 40, "dark")
	openGSM8K0(t, m)
	press(t, m, "j", "j", "e") // step 2 is the earliest wrong step
	mk := m.trace().doc.mine(m.opts.Annotator)
	want := []stepwise.Rating{stepwise.Good, stepwise.Good, stepwise.Bad, stepwise.Unlabeled}
	for i, w := range want {
		if mk.Rating(i) != w {
			t.Fatalf("step %d %v, want %v", i, mk.Rating(i), w)
		}
	}
	if fe := mk.EarliestBad(4); fe == nil || *fe != 2 {
		t.Fatalf("earliest bad %v", fe)
	}
	press(t, m, "u")
	if mk := m.trace().doc.mine(m.opts.Annotator); mk.Rating(0) != stepwise.Unlabeled || mk.Rating(2) != stepwise.Unlabeled {
		t.Fatalf("after undo %v", mk.Steps)
	}
	press(t, m, "ctrl+r")
	if mk := m.trace().doc.mine(m.opts.Annotator); mk.Rating(2) != stepwise.Bad {
		t.Fatalf("after redo %v", mk.Steps)
	}
	// Reopening the trace shows the saved labels.
	press(t, m, "esc")
	openGSM8K0(t, m)
	if mk := m.trace().doc.mine(m.opts.Annotator); mk == nil || mk.Rating(2) != stepwise.Bad || mk.Rating(1) != stepwise.Good {
		t.Fatalf("labels after reopening: %v", mk)
	}
	if !strings.Contains(viewOf(m), "▶   0") {
		t.Log(viewOf(m))
	}
}

func TestAnnotateNeedsAName(t *testing.T) {
	m := newTestModel(t, 120, 40, "dark")
	m.opts.Annotator = ""
	openGSM8K0(t, m)
	press(t, m, "+")
	if !strings.Contains(m.status, "--annotator") {
		t.Fatalf("status %q", m.status)
	}
	if evs, _ := m.db.Events(m.trace().doc.t.ID); len(evs) != 0 {
		t.Fatal("an event was written without an annotator")
	}
}

func TestNoteAndVerdict(t *testing.T) {
	m := newTestModel(t, 120, 40, "dark")
	openGSM8K0(t, m)
	press(t, m, "-", "k", "a")
	for _, r := range "off by one" {
		send(t, m, keyMsg(string(r)))
	}
	press(t, m, "enter", "v")
	for _, r := range "wrong" {
		send(t, m, keyMsg(string(r)))
	}
	press(t, m, "enter")
	mk := m.trace().doc.mine(m.opts.Annotator)
	if mk.Steps[0].Note != "off by one" || mk.Rating(0) != stepwise.Bad || mk.Verdict != "wrong" {
		t.Fatalf("note/verdict: %+v verdict %q", mk.Steps[0], mk.Verdict)
	}
	press(t, m, "enter") // step detail shows the human label
	if v := ansi.Strip(viewOf(m)); !strings.Contains(v, "human labels") || !strings.Contains(v, "off by one") {
		t.Fatalf("step detail lacks the human label:\n%s", v)
	}
}

// TestListShowsYourLabels: the trace list's YOURS column shows the
// annotator's labels as they make them, and again when the rows are read
// back from the store.
func TestListShowsYourLabels(t *testing.T) {
	m := newTestModel(t, 120, 40, "dark")
	settle(t, m, m.list().openWith(store.Filter{Dataset: "processbench/gsm8k"}))
	seq, _ := m.list().seqAt(0)
	if r := m.list().rows[seq]; r.SourceID != "gsm8k-0" {
		t.Fatalf("first row %q, want gsm8k-0", r.SourceID)
	}
	if !strings.Contains(ansi.Strip(viewOf(m)), "YOURS") {
		t.Fatalf("no YOURS column:\n%s", ansi.Strip(viewOf(m)))
	}
	if got := m.list().humanStrips[seq]; got != "" {
		t.Fatalf("strip %q before any label", got)
	}
	press(t, m, "enter", "+", "-")
	press(t, m, "esc")
	if got := m.list().humanStrips[seq]; got != "+x.." {
		t.Fatalf("strip after labeling %q, want +x..", got)
	}
	var row string
	for _, l := range strings.Split(ansi.Strip(viewOf(m)), "\n") {
		if strings.HasPrefix(l, " gsm8k-0 ") {
			row = l
		}
	}
	good := m.st.theme.Styles.Rating(stepwise.Good).Glyph
	bad := m.st.theme.Styles.Rating(stepwise.Bad).Glyph
	if !strings.Contains(row, good+bad) {
		t.Fatalf("row does not show %s%s:\n%s", good, bad, row)
	}
	m.list().init() // forget the loaded rows: they come back from the store
	settle(t, m, m.list().ensureRows())
	if got := m.list().humanStrips[seq]; got != "+x.." {
		t.Fatalf("strip read back %q, want +x..", got)
	}
}

// TestLabelPalette: while annotating, the trace view shows the label keys
// as bound and the taxonomy on the number keys; t hides it, giving the
// line back to the steps.
func TestLabelPalette(t *testing.T) {
	m := newTestModel(t, 160, 40, "dark")
	openGSM8K0(t, m)
	v := ansi.Strip(viewOf(m))
	for _, want := range []string{"+ good", "- wrong", "e first error", "1 " + DefaultTaxonomy[0], "2 " + DefaultTaxonomy[1]} {
		if !strings.Contains(v, want) {
			t.Fatalf("palette lacks %q:\n%s", want, v)
		}
	}
	h := m.trace().stepsHeight()
	press(t, m, "t")
	if strings.Contains(ansi.Strip(viewOf(m)), "1 "+DefaultTaxonomy[0]) || m.trace().stepsHeight() != h+1 {
		t.Fatalf("t did not hide the palette (steps height %d, was %d)", m.trace().stepsHeight(), h)
	}
	// A rebound key shows as bound.
	km, err := newKeyMap(map[string][]string{"rate-good": {"y"}}, m.screens)
	if err != nil {
		t.Fatal(err)
	}
	m.keys, m.trace().hidePalette = km, false
	if !strings.Contains(ansi.Strip(paletteLine(m.programContext)), "y good") {
		t.Fatalf("palette after rebinding: %q", ansi.Strip(paletteLine(m.programContext)))
	}
	// No annotator, no palette.
	m.opts.Annotator = ""
	if strings.Contains(ansi.Strip(strings.Join(m.trace().headerLines(), "\n")), "good") {
		t.Fatal("palette shown without an annotator")
	}
}

// TestQueuedLabelsOutliveTheTrace: labels waiting behind a busy store are
// written, in order, even when another trace opens meanwhile (the queue is
// the program's, not the open trace's).
func TestQueuedLabelsOutliveTheTrace(t *testing.T) {
	m := newTestModel(t, 120, 40, "dark")
	openGSM8K0(t, m)
	c, doc := m.programContext, m.trace().doc
	ev := func(step int, r stepwise.Rating) stepwise.Annotation {
		return stepwise.Annotation{Annotator: "tester", TraceID: doc.t.ID, Step: step, Rating: r}
	}
	first := labelOp{ev: ev(0, stepwise.Good), what: "first", ref: doc.ref}
	if cmd := c.labels.enqueue(c, first); cmd == nil {
		t.Fatal("the first write did not start")
	}
	c.labels.enqueue(c, labelOp{ev: ev(1, stepwise.Bad), what: "second", ref: doc.ref})
	jumpTo(t, m, "gsm8k-1") // another trace opens while both wait
	// The store was busy: the first write comes back refused.
	first.timed = true
	send(t, m, labelWrittenMsg{op: first, err: &store.LockedError{Owner: "pid 1"}})
	marks, err := m.db.Marks(doc.t.ID)
	if err != nil {
		t.Fatal(err)
	}
	if mk := marks["tester"]; mk == nil || mk.Rating(0) != stepwise.Good || mk.Rating(1) != stepwise.Bad {
		t.Fatalf("marks after the retry: %+v", marks["tester"])
	}
	if !strings.Contains(m.status, "saved ✓ second") {
		t.Fatalf("status %q", m.status)
	}
}
