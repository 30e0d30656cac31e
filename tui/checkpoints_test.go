package tui

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/stepwise-dev/stepwise/judge/analytics"
	"github.com/stepwise-dev/stepwise/store"
	"github.com/stepwise-dev/stepwise/store/formats"
	"github.com/stepwise-dev/stepwise/themes"
	"github.com/stepwise-dev/stepwise/themes/termsafe"
	"github.com/stepwise-dev/stepwise/verify/answer"
)

// checkpointsModel is a workbench over the test store plus
// testdata/checkpoints.jsonl: four samples of one problem (gold 42), one
// reaching it late, one leaving it, one holding it, one with a hostile
// model name and answer; the grid is open on them.
func checkpointsModel(t *testing.T, w, h int) *Model {
	t.Helper()
	db := openTestStore(t)
	_, err := db.Import(context.Background(), []string{filepath.Join("testdata", "checkpoints.jsonl")}, store.ImportOptions{
		Grader: answer.Grader{}, Format: "generic",
		Decode: formats.Options{Mapping: map[string]string{"id": "id", "problem": "problem", "steps": "steps", "gold": "gold", "model": "model"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	th, _ := themes.Builtin("dark")
	m, err := New(Options{StorePoll: -1, DB: db, Theme: th, ThemeFixed: true, Annotator: "tester"})
	if err != nil {
		t.Fatal(err)
	}
	settle(t, m, m.Init())
	send(t, m, tea_WindowSize(w, h))
	jumpTo(t, m, "cp-late")
	press(t, m, "o", "i")
	if m.current() != scrCheckpoints || m.checkpoints().grid == nil || len(m.checkpoints().grid.Samples) != 4 {
		t.Fatalf("screen %v, status %q", m.current(), m.status)
	}
	return m
}

// TestCheckpointGridCells: every cell shows the checkpoint answer
// analytics.Checkpoints returns for that sample and index (walked with
// tab across the whole width, so the grid scrolls sideways), marked where
// the sample reaches the gold and where it leaves it; the clusters and
// the heading count what the fixture holds.
func TestCheckpointGridCells(t *testing.T) {
	m := checkpointsModel(t, 80, 24)
	s := m.checkpoints()
	want, err := analytics.Checkpoints(context.Background(), m.db, s.problem)
	if err != nil {
		t.Fatal(err)
	}
	most := 0
	for _, sm := range want.Samples {
		most = max(most, len(sm.Checkpoints))
	}
	if most != 14 || s.cols != most {
		t.Fatalf("%d columns, analytics has %d checkpoints at most (the fixture 14)", s.cols, most)
	}
	for k := 0; k < most; k++ {
		if s.col != k {
			t.Fatalf("cursor at column %d, want %d", s.col, k)
		}
		if v := ansi.Strip(viewOf(m)); !strings.Contains(v, fmt.Sprintf("#%d", k+1)) {
			t.Fatalf("column #%d not on screen:\n%s", k+1, v)
		}
		for i, sm := range want.Samples {
			line := ansi.Strip(s.lines[2+i-s.top])
			if !strings.Contains(line, localID(sm.TraceID)) {
				t.Fatalf("row %d is %q, not %s's", i, line, sm.TraceID)
			}
			if k < len(sm.Checkpoints) {
				cell := padRight(termsafe.Line(sm.Checkpoints[k].Answer), cpCell-2)
				if !strings.Contains(line, cell) {
					t.Fatalf("%s checkpoint #%d: row %q lacks %q", sm.TraceID, k+1, line, cell)
				}
			}
			if i == s.row && k < len(sm.Checkpoints) &&
				!strings.Contains(ansi.Strip(viewOf(m)), fmt.Sprintf("#%d at step %d: ", k+1, sm.Checkpoints[k].Step)) {
				t.Fatalf("the cursor line does not name checkpoint #%d's step", k+1)
			}
		}
		press(t, m, "tab")
	}
	if s.left == 0 {
		t.Fatal("the grid never scrolled sideways")
	}
	press(t, m, "g")
	for k := 0; k < most; k++ {
		press(t, m, "shift+tab")
	}
	v := ansi.Strip(viewOf(m))
	for _, w := range []string{"»42", "«43", "=42", "42 ✓ ×2", "36 ×1"} {
		if !strings.Contains(v, w) {
			t.Errorf("grid lacks %q:\n%s", w, v)
		}
	}
	if h := s.heading(); !strings.Contains(h, "gold 42 · reached it 4 · left it 1 · held it and ended wrong 1") {
		t.Errorf("heading %q", h)
	}
	if line := gridRow(t, strings.Split(v, "\n"), " cp-late "); !strings.Contains(line, "·36") || !strings.Contains(line, "·41") {
		t.Errorf("cp-late row %q", line)
	}
}

// gridRow finds the grid row of a trace id.
func gridRow(t *testing.T, rows []string, id string) string {
	t.Helper()
	for _, r := range rows {
		if strings.Contains(r, id) {
			return r
		}
	}
	t.Fatalf("no row for %s in\n%s", id, strings.Join(rows, "\n"))
	return ""
}

// TestCheckpointGridOpensTheStep: enter opens the sample at the cursor's
// checkpoint step; a cell past a sample's last checkpoint says why enter
// does nothing.
func TestCheckpointGridOpensTheStep(t *testing.T) {
	m := checkpointsModel(t, 120, 30)
	s := m.checkpoints()
	long := -1
	for i, sm := range s.grid.Samples {
		if len(sm.Checkpoints) == 14 {
			long = i
		}
	}
	s.row = long
	press(t, m, "tab", "tab", "tab")
	sm := s.grid.Samples[long]
	press(t, m, "enter")
	if m.current() != scrTrace || m.trace().doc.t.ID != sm.TraceID || m.trace().cursor != sm.Checkpoints[3].Step {
		t.Fatalf("screen %v, trace %s at step %d; want %s at step %d", m.current(), m.trace().doc.t.ID, m.trace().cursor,
			sm.TraceID, sm.Checkpoints[3].Step)
	}
	press(t, m, "esc")
	if m.current() != scrCheckpoints {
		t.Fatalf("back lands on %v", m.current())
	}
	for i, x := range s.grid.Samples {
		if len(x.Checkpoints) == 3 {
			s.row = i
		}
	}
	press(t, m, "enter")
	if m.current() != scrCheckpoints || !strings.Contains(m.status, "has 3 checkpoints") {
		t.Fatalf("enter past the last checkpoint: screen %v, status %q", m.current(), m.status)
	}
}

// TestCheckpointGridSafeAndFits: the hostile sample's model and answer
// reach the grid neutralized, at every size, and the grid fits.
func TestCheckpointGridSafeAndFits(t *testing.T) {
	for _, size := range [][2]int{{40, 12}, {80, 24}, {250, 70}} {
		m := checkpointsModel(t, size[0], size[1])
		assertTerminalSafe(t, "checkpoint grid", viewOf(m))
		checkFits(t, m, size, "checkpoints")
		for range 14 {
			press(t, m, "tab")
		}
		press(t, m, "G")
		assertTerminalSafe(t, "checkpoint grid scrolled", viewOf(m))
		checkFits(t, m, size, "checkpoints scrolled")
	}
}

// TestStatsShowFaultTolerance: of the fixture's four graded samples (gold
// 42) one ends wrong (cp-left, at 54) after holding 42: the stats view of
// its dataset says 4, 1, 1 (100%).
// The count has a read of its own (it reads every trace): the rest of the
// stats shows first, and either may arrive first.
func TestStatsShowFaultTolerance(t *testing.T) {
	const want = "4 graded traces with a gold answer, 1 ended wrong, 1 of those held the right answer at a checkpoint (100.0%)"
	for _, ftFirst := range []bool{false, true} {
		m := checkpointsModel(t, 160, 50)
		batch, ok := m.stats().load("generic/checkpoints")().(tea.BatchMsg)
		if !ok || len(batch) != 2 {
			t.Fatalf("the stats view's load is not two reads: %T", batch)
		}
		if ftFirst {
			batch[0], batch[1] = batch[1], batch[0]
		}
		send(t, m, batch[0]())
		if rows := strings.Join(m.stats().rows, "\n"); !ftFirst && !strings.Contains(rows, "counting the traces that held the gold answer") {
			t.Fatalf("before the count arrives:\n%s", rows)
		}
		send(t, m, batch[1]())
		rows := strings.Join(m.stats().rows, "\n")
		if !strings.Contains(rows, want) || strings.Count(rows, "CHECKPOINTS (SRCA)") != 1 || !strings.Contains(rows, "AGREEMENT") {
			t.Fatalf("count first %v, stats rows:\n%s", ftFirst, rows)
		}
	}
}
