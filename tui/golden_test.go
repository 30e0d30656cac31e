package tui

import (
	"fmt"
	"strings"
	"sync/atomic"
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
	// A key string starting with "@" waits until that screen has loaded: a
	// key sent before the screen it acts on has its data would be lost.
	// until is the screen whose load the final view must include.
	screens := []struct {
		name  string
		keys  []string
		until string
	}{
		{"library", nil, "library"},
		{"list", []string{"enter"}, "list"},
		{"trace", []string{"enter", "@list", "enter", "@trace", "j"}, "trace"},
		{"step", []string{"enter", "@list", "enter", "@trace", "j", "enter"}, "step"},
		// gsm8k-0 and GSM8K's reference solution share a problem.
		{"samples", []string{"enter", "@list", "enter", "@trace", "o"}, "samples"},
		{"compare", []string{"enter", "@list", "enter", "@trace", "o", "@samples", "g", "j", "c"}, "compare"},
		{"checkpoints", []string{"enter", "@list", "enter", "@trace", "o", "@samples", "i"}, "checkpoints"},
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

// probe wraps the model so that a test can wait on its state instead of
// on text in the output (the renderer writes only the cells that changed,
// so a text may never appear whole): after every Update it publishes which
// screen is shown and whether that screen's data has arrived.
type probe struct {
	*Model
	ready atomic.Value // string: the screen name once its data has loaded
}

func (p *probe) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	_, cmd := p.Model.Update(msg)
	p.ready.Store(readyScreen(p.Model))
	return p, cmd
}

// readyScreen names the current screen when its data has loaded, else "".
func readyScreen(m *Model) string {
	switch m.current() {
	case scrLibrary:
		if len(m.library().rows) > 0 {
			return "library"
		}
	case scrList:
		if seq, ok := m.list().seqAt(m.list().top); ok && m.list().has(seq) {
			return "list"
		}
	case scrTrace:
		if m.trace().doc.t != nil && !m.trace().loading {
			return "trace"
		}
	case scrStep:
		if m.step().doc != nil {
			return "step"
		}
	case scrSamples:
		if m.samples().problem != nil {
			return "samples"
		}
	case scrCompare:
		if m.compare().a != nil {
			return "compare"
		}
	case scrCheckpoints:
		if m.checkpoints().grid != nil && !m.checkpoints().loading {
			return "checkpoints"
		}
	}
	return ""
}

// driveTo runs the program, types keys (waiting where they say), waits
// for the last screen to load, quits, and returns the final view with
// every pending render finished.
func driveTo(t *testing.T, theme string, w, h int, keys []string, until string) string {
	th, _ := themes.Builtin(theme)
	m, err := New(Options{StorePoll: -1, DB: openTestStore(t), Theme: th, ThemeFixed: true})
	if err != nil {
		t.Fatal(err)
	}
	p := &probe{Model: m}
	tm := teatest.NewTestModel(t, p, teatest.WithInitialTermSize(w, h),
		teatest.WithProgramOptions(tea.WithColorProfile(colorprofile.TrueColor)))
	wait := func(screen string) {
		deadline := time.Now().Add(10 * time.Second)
		for p.ready.Load() != screen {
			if time.Now().After(deadline) {
				t.Fatalf("the %s screen did not load in 10 s (now: %q)", screen, p.ready.Load())
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	wait("library")
	for _, k := range keys {
		if screen, ok := strings.CutPrefix(k, "@"); ok {
			wait(screen)
			continue
		}
		tm.Send(keyMsg(k))
	}
	wait(until)
	if err := tm.Quit(); err != nil {
		t.Fatal(err)
	}
	fm := tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second)).(*probe).Model
	finishRenders(t, fm)
	return fm.View().Content
}

// finishRenders completes the markdown renders the program had not
// delivered when it quit, so a golden never depends on their timing.
func finishRenders(t *testing.T, m *Model) {
	if m.step().doc != nil {
		settle(t, m, m.step().rebuild())
	}
	if m.trace().doc.t == nil {
		return
	}
	m.trace().inflight = map[int]bool{}
	m.trace().blocks = newBlockCache()
	m.trace().layout()
	settle(t, m, m.trace().flush())
}
