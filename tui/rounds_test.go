package tui

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/stepwise-dev/stepwise/judge/analytics"
	"github.com/stepwise-dev/stepwise/store"
)

// refinedTrace finds a trace of the store with a refinement of tool.
func refinedTrace(t *testing.T, db *store.DB, tool string) (string, analytics.Refinement) {
	t.Helper()
	var id string
	var found analytics.Refinement
	err := db.EachEvidence(context.Background(), store.Filter{}, func(ev *store.TraceEvidence) error {
		for _, r := range analytics.Rounds(ev.Trace).Refinements {
			if r.Tool == tool {
				id, found = ev.Trace.ID, r
			}
		}
		return nil
	})
	if err != nil || id == "" {
		t.Fatalf("no %s refinement (%v)", tool, err)
	}
	return id, found
}

// TestRoundsView: T in the trace view of glaive's tip record shows the
// calculate_tip rounds with the change 15 → 20 the user asked for, and a
// flip-flop it cannot know; enter on the second round goes back to the
// trace view at that call. A trace without tool calls says why T does
// nothing.
func TestRoundsView(t *testing.T) {
	m := newTestModelWith(t, 120, 40, filepath.Join(samples, "toolcall", "glaive_toolcall_en_demo_first100.json"))
	id, ref := refinedTrace(t, m.db, "calculate_tip")
	jumpTo(t, m, id)
	press(t, m, "T")
	if m.current() != scrRounds {
		t.Fatalf("screen %v, status %q", m.current(), m.status)
	}
	v := ansi.Strip(viewOf(m))
	for _, w := range []string{"calculate_tip — 2 rounds", "~ tip_percentage: 15 → 20", "flip-flop unknown", "the user asked for it",
		"correct unknown"} {
		if !strings.Contains(v, w) {
			t.Fatalf("rounds view lacks %q:\n%s", w, v)
		}
	}
	// The cursor starts on the refinement's line: enter says where to go.
	press(t, m, "enter")
	if m.current() != scrRounds || !strings.Contains(m.status, "move to a round") {
		t.Fatalf("enter on a heading: screen %v, status %q", m.current(), m.status)
	}
	second := -1
	for i, st := range m.rounds().rowStep {
		if st == ref.Rounds[1].Step {
			second = i
		}
	}
	m.rounds().cursor = second
	press(t, m, "enter")
	if m.current() != scrTrace || m.trace().cursor != ref.Rounds[1].Step {
		t.Fatalf("screen %v, step %d, want the trace view at step %d", m.current(), m.trace().cursor, ref.Rounds[1].Step)
	}
	jumpTo(t, m, "processbench/gsm8k:gsm8k-93")
	press(t, m, "T")
	if m.current() != scrTrace || !strings.Contains(m.status, "makes no tool call") {
		t.Fatalf("T on a trace without tool calls: screen %v, status %q", m.current(), m.status)
	}
}

// TestRoundsViewHostile: tool names, arguments and the diff of a hostile
// agent trace reach the rounds view neutralized, and it fits.
func TestRoundsViewHostile(t *testing.T) {
	for _, size := range [][2]int{{40, 12}, {120, 40}} {
		m := newTestModelWith(t, size[0], size[1], filepath.Join("testdata", "hostile_agent.json"))
		id, ref := refinedTrace(t, m.db, "search\x1b]2;pwned\x07")
		if len(ref.Rounds[1].Diff) != 3 {
			t.Fatalf("diff %+v: want q and n changed, lang added", ref.Rounds[1].Diff)
		}
		jumpTo(t, m, id)
		press(t, m, "T")
		if m.current() != scrRounds {
			t.Fatalf("screen %v, status %q", m.current(), m.status)
		}
		for range 20 {
			assertTerminalSafe(t, "rounds view", viewOf(m))
			checkFits(t, m, size, "rounds")
			press(t, m, "j")
		}
		if !strings.Contains(strings.Join(m.rounds().rows, "\n"), "+ lang:") {
			t.Fatalf("rows:\n%s", strings.Join(m.rounds().rows, "\n"))
		}
	}
}
