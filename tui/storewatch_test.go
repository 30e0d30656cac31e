package tui

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/stepwise-dev/stepwise"
	"github.com/stepwise-dev/stepwise/store"
)

// TestOtherWritersShow: what another stepwise (here a second handle on the
// same file, which the store treats like another process) writes while the
// workbench is open — another annotator's labels, new traces — shows at the
// next look for changes, and the list keeps its cursor.
func TestOtherWritersShow(t *testing.T) {
	m := newTestModel(t, 120, 40, "dark")
	other, err := store.Open(m.db.Path(), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()

	press(t, m, "enter", "j", "j", "j") // the list of all traces, row 3
	before := m.list().total
	if m.current() != scrList || m.list().cursor != 3 || before == 0 {
		t.Fatalf("list: screen %v cursor %d total %d", m.current(), m.list().cursor, before)
	}
	libraryBefore := len(m.library().rows)

	rep, err := other.Import(context.Background(), []string{filepath.Join(samples, "prmbench")}, store.ImportOptions{})
	if err != nil || rep.Imported == 0 {
		t.Fatalf("other import: %+v %v", rep, err)
	}
	send(t, m, storePollMsg{})
	if m.list().total != before+rep.Imported {
		t.Errorf("list shows %d traces after another import of %d, want %d", m.list().total, rep.Imported, before+rep.Imported)
	}
	if m.list().cursor != 3 {
		t.Errorf("cursor moved to %d on a refresh", m.list().cursor)
	}
	if len(m.library().rows) <= libraryBefore {
		t.Errorf("library has %d rows, had %d: the new dataset is missing", len(m.library().rows), libraryBefore)
	}

	openGSM8K0(t, m)
	if _, err := other.Annotate(stepwise.Annotation{Annotator: "ana", TraceID: m.trace().doc.t.ID, Step: 1, Rating: stepwise.Bad}); err != nil {
		t.Fatal(err)
	}
	press(t, m, "j", "j")
	send(t, m, storePollMsg{})
	if mk := m.trace().doc.ann.marks["ana"]; mk == nil || mk.Rating(1) != stepwise.Bad {
		t.Fatalf("another annotator's label does not show: %+v", m.trace().doc.ann.marks)
	}
	if m.trace().cursor != 2 {
		t.Errorf("trace cursor moved to %d on a refresh", m.trace().cursor)
	}
	// Our own labels go on working and are not doubled by the refresh.
	press(t, m, "-")
	send(t, m, storePollMsg{})
	n := 0
	for _, ev := range m.trace().doc.ann.events {
		if ev.Annotator == "tester" {
			n++
		}
	}
	if n != 1 {
		t.Errorf("%d events of ours after a label and a refresh, want 1", n)
	}
}
