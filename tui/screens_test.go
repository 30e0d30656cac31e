package tui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/stepwise-dev/stepwise"
	"github.com/stepwise-dev/stepwise/store"
)

func TestTriageQueueOpensSuspiciousSteps(t *testing.T) {
	m := newTestModel(t, 120, 40, "dark")
	press(t, m, "Q")
	if m.current() != scrQueue || m.queue().loading {
		t.Fatalf("queue screen %v loading %v", m.current(), m.queue().loading)
	}
	if len(m.queue().items) == 0 {
		t.Fatal("the queue is empty on a store with GSM8K calculator annotations and ProcessBench labels")
	}
	first := m.queue().items[0]
	press(t, m, "enter")
	if m.current() != scrTrace || m.trace().doc.t.ID != first.TraceID || m.trace().cursor != first.Step {
		t.Fatalf("opened %s at step %d, want %s at %d", m.trace().doc.t.ID, m.trace().cursor, first.TraceID, first.Step)
	}
	press(t, m, "-")
	if !m.queue().done[0] {
		t.Fatal("labelling the queued step did not mark the item done")
	}
	if first.Gold {
		if evs, _ := m.db.Events(first.TraceID); len(evs) == 0 || !evs[len(evs)-1].Gold {
			t.Fatal("a label on a gold item was not recorded as gold")
		}
	}
	if len(m.queue().items) > 1 {
		press(t, m, "J")
		if m.trace().doc.t.ID != m.queue().items[1].TraceID {
			t.Fatalf("J opened %s, want the next queue item %s", m.trace().doc.t.ID, m.queue().items[1].TraceID)
		}
	}
}

// TestQueueItemsAreBlind: a trace opened from the queue shows no dataset
// label, gold item or not, so that the two look alike; opened from the
// list, the same trace shows them.
func TestQueueItemsAreBlind(t *testing.T) {
	m := newTestModel(t, 120, 40, "dark")
	press(t, m, "enter") // list: the first trace has ProcessBench labels
	seq, _ := m.list().seqAt(0)
	labels := func() int {
		n := len(m.trace().doc.t.Labels)
		for _, s := range m.trace().doc.t.Steps {
			n += len(s.Labels)
		}
		if m.trace().doc.t.Correct != nil {
			n++
		}
		return n
	}
	send(t, m, traceMsgFor(t, m, traceRef{seq: seq}))
	if labels() == 0 {
		t.Fatal("the control trace has no dataset labels: the test proves nothing")
	}
	// Another annotator (an adjudicator, whose ratings may be the gold
	// answers) has rated it; the annotator at the keyboard too.
	id := m.trace().doc.t.ID
	for _, who := range []string{"judy", "tester"} {
		if _, err := m.db.Annotate(stepwise.Annotation{Annotator: who, TraceID: id, Step: 1, Rating: stepwise.Bad}); err != nil {
			t.Fatal(err)
		}
	}
	send(t, m, traceMsgFor(t, m, traceRef{seq: seq}))
	if m.trace().doc.mine("judy") == nil {
		t.Fatal("opened from the list, the trace does not show judy's labels: the test proves nothing")
	}
	for _, gold := range []bool{true, false} {
		send(t, m, traceMsgFor(t, m, traceRef{seq: seq, gold: gold, queue: 1, step: 1}))
		if n := labels(); n != 0 {
			t.Errorf("a queue item (gold %v) shows %d dataset labels", gold, n)
		}
		if m.trace().doc.mine("judy") != nil {
			t.Errorf("a queue item (gold %v) shows another annotator's labels", gold)
		}
		if m.trace().doc.mine("tester") == nil {
			t.Errorf("a queue item (gold %v) hides the annotator's own labels", gold)
		}
	}
}

// traceMsgFor opens a trace with a given reference and returns the loaded
// message's effect by settling the open command.
func traceMsgFor(t *testing.T, m *Model, ref traceRef) struct{} {
	settle(t, m, m.trace().open(ref))
	return struct{}{}
}

func TestConflictsAndAgreementScreens(t *testing.T) {
	m := newTestModel(t, 120, 40, "dark")
	id := "processbench/gsm8k:gsm8k-0"
	for _, ev := range []stepwise.Annotation{
		{Annotator: "ana", TraceID: id, Step: 1, Rating: stepwise.Bad},
		{Annotator: "bob", TraceID: id, Step: 1, Rating: stepwise.Good},
		{Annotator: "ana", TraceID: id, Step: 0, Rating: stepwise.Good},
		{Annotator: "bob", TraceID: id, Step: 0, Rating: stepwise.Good},
	} {
		if _, err := m.db.Annotate(ev); err != nil {
			t.Fatal(err)
		}
	}
	press(t, m, "C")
	if len(m.conflicts().items) != 1 || m.conflicts().items[0].Step != 1 {
		t.Fatalf("conflicts %+v", m.conflicts().items)
	}
	press(t, m, "enter")
	if m.trace().doc.t.ID != id || m.trace().cursor != 1 {
		t.Fatalf("opened %s at %d", m.trace().doc.t.ID, m.trace().cursor)
	}
	press(t, m, "esc", "esc", "I")
	v := ansi.Strip(viewOf(m))
	if !strings.Contains(v, "ana × bob") || !strings.Contains(v, "AGREEMENT between 2 annotators") ||
		!strings.Contains(v, "JUDGE vs the dataset's labels") {
		t.Fatalf("stats view:\n%s", v)
	}
	// The labels section counts each annotator's current ratings.
	rows := strings.Join(m.stats().rows, "\n")
	for _, want := range []string{"LABELS (current human labels", "3 good · 0 neutral · 1 wrong",
		"ana", "1 good · 0 neutral · 1 wrong", "bob", "2 good · 0 neutral · 0 wrong"} {
		if !strings.Contains(rows, want) {
			t.Fatalf("stats rows lack %q:\n%s", want, rows)
		}
	}
}

func TestExportFromTheWorkbench(t *testing.T) {
	m := newTestModel(t, 120, 40, "dark")
	dir := t.TempDir()
	out := filepath.Join(dir, "pb.jsonl")
	press(t, m, "enter", "f")
	for _, r := range "dataset:processbench/gsm8k" {
		send(t, m, keyMsg(string(r)))
	}
	press(t, m, "enter", "X")
	for _, r := range "processbench " + out {
		send(t, m, keyMsg(string(r)))
	}
	press(t, m, "enter")
	if !strings.Contains(m.status, "exported 200 records") {
		t.Fatalf("status %q", m.status)
	}
	b, err := os.ReadFile(out)
	if err != nil || strings.Count(string(b), "\n") != 200 {
		t.Fatalf("export file: %d lines, %v", strings.Count(string(b), "\n"), err)
	}
}

func TestSearchNextMatchCrossesTraces(t *testing.T) {
	m := newTestModel(t, 120, 40, "dark")
	press(t, m, "enter")
	settle(t, m, m.list().startSearch("flamingos"))
	if m.list().total < 2 {
		t.Fatalf("%d traces match", m.list().total)
	}
	press(t, m, "enter")
	first := m.trace().doc.t.ID
	if len(m.trace().matches) == 0 || m.trace().match != 0 {
		t.Fatalf("opened without matches: %d", len(m.trace().matches))
	}
	for i := 0; i < len(m.trace().matches); i++ {
		press(t, m, "n")
	}
	if m.trace().doc.t.ID == first || len(m.trace().matches) == 0 {
		t.Fatalf("n past the last match stayed in %s", m.trace().doc.t.ID)
	}
	press(t, m, "N")
	if m.trace().doc.t.ID != first {
		t.Fatalf("N before the first match went to %s, want back to %s", m.trace().doc.t.ID, first)
	}
}

// TestScorecardScreen: E on the library opens the scorecard; an
// annotator's labels make them a source scored against the dataset.
func TestScorecardScreen(t *testing.T) {
	m := newTestModel(t, 160, 40, "dark")
	if got := viewOf(m); got == "" {
		t.Fatal("no view")
	}
	press(t, m, "E")
	if m.current() != scrScorecard || m.scorecard().loading {
		t.Fatalf("screen %v loading %v", m.current(), m.scorecard().loading)
	}
	if len(m.scorecard().rows) != 0 || !strings.Contains(m.scorecard().note, "no evidence yet") {
		t.Fatalf("rows before any evidence: %q %q", m.scorecard().rows, m.scorecard().note)
	}
	id := "processbench/gsm8k:gsm8k-0" // the dataset's first error is step 1
	if _, err := m.db.Annotate(stepwise.Annotation{Annotator: "ana", TraceID: id, Step: 1, Rating: stepwise.Bad, FirstError: true}); err != nil {
		t.Fatal(err)
	}
	press(t, m, "esc", "E")
	rows := strings.Join(m.scorecard().rows, "\n")
	if !strings.Contains(rows, "annotator:ana") || !strings.Contains(rows, "1.00/1") {
		t.Fatalf("scorecard rows:\n%s", rows)
	}
	if v := ansi.Strip(viewOf(m)); !strings.Contains(v, "ACC_ERR") || !strings.Contains(v, "annotator:ana") {
		t.Fatalf("view:\n%s", v)
	}
}

// TestPRMScoresInTraceView: a PRM's step scores show under each step, the
// low ones as a warning.
func TestPRMScoresInTraceView(t *testing.T) {
	m := newTestModel(t, 160, 60, "dark")
	id := "processbench/gsm8k:gsm8k-0"
	tr, err := m.db.Get(id)
	if err != nil {
		t.Fatal(err)
	}
	steps := make([]float64, len(tr.Steps))
	for i := range steps {
		steps[i] = 0.93
	}
	steps[1] = 0.07
	if _, err := m.db.PutPRMScores([]store.TracePRM{{TraceID: id, Scores: store.PRMScores{Model: "qwen-prm", Steps: steps}}}); err != nil {
		t.Fatal(err)
	}
	settle(t, m, m.trace().open(traceRef{id: id}))
	v := ansi.Strip(viewOf(m))
	if !strings.Contains(v, "PRM qwen-prm 0.93") || !strings.Contains(v, "PRM qwen-prm 0.07") {
		t.Fatalf("trace view lacks the PRM scores:\n%s", v)
	}
}

// TestSearchStateIsVisibleAndClears: an active search shows beside the
// filter; F clears both; esc ends a search before it leaves the list; a
// filter typed later is never silently narrowed by an old search. The
// trace view counts the matches the list's search counted for the trace.
func TestSearchStateIsVisibleAndClears(t *testing.T) {
	m := newTestModel(t, 120, 40, "dark")
	press(t, m, "enter")
	settle(t, m, m.list().setFilter(store.Filter{Dataset: "processbench/gsm8k"}))
	settle(t, m, m.list().startSearch("flamingos"))
	if title := m.list().title(); !strings.Contains(title, "dataset:processbench/gsm8k") || !strings.Contains(title, "/flamingos") {
		t.Fatalf("title %q does not show both the filter and the search", title)
	}
	hits := m.list().search.hits
	if len(hits) == 0 {
		t.Fatal("no trace matches: the test proves nothing")
	}
	press(t, m, "enter")
	h := hits[m.trace().ref.seq]
	if got := len(m.trace().matches) + m.trace().problemMatches; got != h.ProblemHits+h.StepHits || got == 0 {
		t.Errorf("the trace counts %d matches, the list %d", got, h.ProblemHits+h.StepHits)
	}
	press(t, m, "esc") // back to the list, the search still on
	if m.current() != scrList || m.list().search == nil {
		t.Fatalf("esc from the trace: screen %v search %v", m.current(), m.list().search)
	}
	press(t, m, "x")
	if m.list().search != nil || !isEmptyFilter(m.list().filter) {
		t.Fatalf("x left search %v filter %+v", m.list().search, m.list().filter)
	}
	settle(t, m, m.list().startSearch("flamingos"))
	press(t, m, "esc")
	if m.current() != scrList || m.list().search != nil {
		t.Fatalf("the first esc did not end the search (screen %v)", m.current())
	}
	press(t, m, "esc")
	if m.current() != scrLibrary {
		t.Fatalf("the second esc did not leave the list")
	}
	press(t, m, "f")
	m.prompt.input.SetValue("dataset:processbench/gsm8k")
	press(t, m, "enter")
	if m.list().search != nil || m.list().total < 100 {
		t.Fatalf("a new filter is narrowed by an old search: %d traces, search %v", m.list().total, m.list().search)
	}
}

// TestPRMStripInList: with PRM scores in the store the trace list has a
// PRM column, and a trace's strip marks the step a PRM scores low; a
// trace no PRM scored has an empty strip.
func TestPRMStripInList(t *testing.T) {
	m := newTestModel(t, 200, 40, "dark")
	settle(t, m, m.list().openWith(store.Filter{Dataset: "processbench/gsm8k"}))
	if v := ansi.Strip(viewOf(m)); strings.Contains(v, " PRM ") {
		t.Fatalf("a PRM column without PRM scores:\n%s", v)
	}
	id := "processbench/gsm8k:gsm8k-0"
	tr, err := m.db.Get(id)
	if err != nil {
		t.Fatal(err)
	}
	steps := make([]float64, len(tr.Steps))
	for i := range steps {
		steps[i] = 0.9
	}
	steps[2] = 0.1
	if _, err := m.db.PutPRMScores([]store.TracePRM{{TraceID: id, Scores: store.PRMScores{Model: "qwen-prm", Steps: steps}}}); err != nil {
		t.Fatal(err)
	}
	settle(t, m, m.list().openWith(store.Filter{Dataset: "processbench/gsm8k"}))
	v := ansi.Strip(viewOf(m))
	lines := strings.Split(v, "\n")
	var header, row string
	for _, l := range lines {
		if strings.Contains(l, "PROOFS") {
			header = l
		}
		if strings.Contains(l, "gsm8k-0 ") {
			row = l
		}
	}
	if !strings.Contains(header, " PRM ") || row == "" {
		t.Fatalf("no PRM column or no gsm8k-0 row:\n%s", v)
	}
	col := len([]rune(header[:strings.Index(header, " PRM ")])) + 1
	got := []rune(row)
	want := "··▼" + strings.Repeat("·", len(steps)-3)
	if col+len([]rune(want)) > len(got) || string(got[col:col+len([]rune(want))]) != want {
		t.Fatalf("PRM strip of gsm8k-0 at column %d: %q, want %q\n%s", col, string(got[min(col, len(got)):]), want, v)
	}
}
