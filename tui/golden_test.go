package tui

import (
	"bytes"
	"fmt"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/stepwise-dev/stepwise/themes"
)

// TestGoldenViews drives the real program with teatest to each screen, at
// 80×24 and 120×40, in the dark and light themes, and compares the final
// view with testdata/TestGoldenViews/... (go test ./tui -run Golden -update
// rewrites them after a deliberate change).
func TestGoldenViews(t *testing.T) {
	screens := []struct {
		name  string
		keys  []string
		until string
	}{
		{"library", nil, ""},
		{"list", []string{"enter"}, "traces"},
		{"trace", []string{"enter", "enter", "j"}, "first error"},
		{"step", []string{"enter", "enter", "j", "enter"}, "step 1 of"},
		// gsm8k-0 and GSM8K's reference solution share a problem.
		{"samples", []string{"enter", "enter", "o"}, "Samples of problem"},
		{"compare", []string{"enter", "enter", "o", "g", "j", "c"}, "reference · 4 steps"},
	}
	for _, theme := range []string{"dark", "light"} {
		for _, size := range [][2]int{{80, 24}, {120, 40}} {
			for _, sc := range screens {
				name := fmt.Sprintf("%s/%dx%d/%s", theme, size[0], size[1], sc.name)
				t.Run(name, func(t *testing.T) {
					view := driveTo(t, theme, size[0], size[1], sc.keys, sc.until)
					golden.RequireEqual(t, view)
				})
			}
		}
	}
}

// driveTo runs the program, types keys (waiting for the screen to show
// until after the last one), quits, and returns the final view with every
// pending render finished.
func driveTo(t *testing.T, theme string, w, h int, keys []string, until string) string {
	th, _ := themes.Builtin(theme)
	m, err := New(Options{DB: openTestStore(t), Theme: th, ThemeFixed: true})
	if err != nil {
		t.Fatal(err)
	}
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(w, h),
		teatest.WithProgramOptions(tea.WithColorProfile(colorprofile.TrueColor)))
	wait := func(text string) {
		teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte(text)) },
			teatest.WithDuration(10*time.Second), teatest.WithCheckInterval(10*time.Millisecond))
	}
	// WaitFor consumes what it reads: wait once per frame of interest.
	wait("processbench/gsm8k")
	for _, k := range keys {
		tm.Send(keyMsg(k))
		time.Sleep(30 * time.Millisecond)
	}
	if until != "" {
		wait(until)
	}
	if err := tm.Quit(); err != nil {
		t.Fatal(err)
	}
	fm := tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second)).(*Model)
	finishRenders(t, fm)
	return fm.View().Content
}

// finishRenders completes the markdown renders the program had not
// delivered when it quit, so a golden never depends on their timing.
func finishRenders(t *testing.T, m *Model) {
	if m.step.t != nil {
		settle(t, m, m.step.rebuild(m))
	}
	if m.trace.t == nil {
		return
	}
	m.trace.inflight = map[int]bool{}
	m.trace.blocks = newBlockCache()
	m.trace.layout(m)
	settle(t, m, m.trace.renderCmd(m))
}
