package tui

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/stepwise-dev/stepwise/store"
	"github.com/stepwise-dev/stepwise/themes"
	"github.com/stepwise-dev/stepwise/verify/answer"
)

var samples = filepath.Join("..", "testdata", "samples")

// testStore is a store of real samples (plus the hostile fixture), built
// once per test binary.
var testStorePath string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "stepwise-tui-test-")
	if err != nil {
		panic(err)
	}
	testStorePath = filepath.Join(dir, "t.db")
	db, err := store.Open(testStorePath, store.Options{})
	if err != nil {
		panic(err)
	}
	_, err = db.Import(context.Background(), []string{
		filepath.Join(samples, "processbench", "gsm8k_0-99_and_200-299.json"),
		filepath.Join(samples, "gsm8k", "test_first200.jsonl"),
		filepath.Join(samples, "longcot_skyt1", "aime24_sky-t1-32b-ckpt140.jsonl"),
		filepath.Join(samples, "toolcall", "reason_tool_use_demo_first30.jsonl"),
		filepath.Join("testdata", "hostile.jsonl"),
	}, store.ImportOptions{Grader: answer.Grader{}})
	db.Close()
	if err != nil {
		panic(err)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// openTestStore opens a copy of the test store, so tests can write.
func openTestStore(t testing.TB) *store.DB {
	t.Helper()
	b, err := os.ReadFile(testStorePath)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "t.db")
	if err := os.WriteFile(p, b, 0o600); err != nil {
		t.Fatal(err)
	}
	db, err := store.Open(p, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// newTestModel builds a model of the given size and theme and runs its
// initial commands to completion.
func newTestModel(t testing.TB, w, h int, theme string) *Model {
	t.Helper()
	th, ok := themes.Builtin(theme)
	if !ok {
		t.Fatalf("no theme %s", theme)
	}
	m, err := New(Options{StorePoll: -1, DB: openTestStore(t), Theme: th, ThemeFixed: true, Annotator: "tester"})
	if err != nil {
		t.Fatal(err)
	}
	settle(t, m, m.Init())
	send(t, m, tea.WindowSizeMsg{Width: w, Height: h})
	return m
}

// settle runs commands and feeds their messages back until none are left,
// the way the Bubble Tea runtime would, but synchronously.
func settle(t testing.TB, m *Model, cmd tea.Cmd) {
	t.Helper()
	queue := []tea.Cmd{cmd}
	for n := 0; len(queue) > 0; n++ {
		if n > 100000 {
			t.Fatal("commands did not settle")
		}
		c := queue[0]
		queue = queue[1:]
		if c == nil {
			continue
		}
		switch msg := c().(type) {
		case nil, tea.QuitMsg:
		case tea.BatchMsg:
			queue = append(queue, msg...)
		default:
			_, next := m.Update(msg)
			queue = append(queue, next)
		}
	}
}

// send delivers one message and settles what it starts.
func send(t testing.TB, m *Model, msg tea.Msg) {
	t.Helper()
	_, cmd := m.Update(msg)
	settle(t, m, cmd)
}

// press types keys: single characters, or names like "enter", "esc", "down".
func press(t testing.TB, m *Model, keys ...string) {
	t.Helper()
	for _, k := range keys {
		send(t, m, keyMsg(k))
	}
}

func keyMsg(k string) tea.KeyPressMsg {
	special := map[string]rune{"enter": tea.KeyEnter, "esc": tea.KeyEscape, "down": tea.KeyDown, "up": tea.KeyUp,
		"pgdown": tea.KeyPgDown, "pgup": tea.KeyPgUp, "home": tea.KeyHome, "end": tea.KeyEnd, "tab": tea.KeyTab,
		"backspace": tea.KeyBackspace, "space": tea.KeySpace}
	if r, ok := special[k]; ok {
		return tea.KeyPressMsg{Code: r}
	}
	if len(k) > 5 && k[:5] == "ctrl+" {
		return tea.KeyPressMsg{Code: rune(k[5]), Mod: tea.ModCtrl}
	}
	r := []rune(k)[0]
	msg := tea.KeyPressMsg{Code: r, Text: k}
	if r >= 'A' && r <= 'Z' {
		msg.ShiftedCode = r
		msg.Code = r + 32
		msg.Mod = tea.ModShift
	}
	return msg
}

func viewOf(m *Model) string { return m.View().Content }

func tea_WindowSize(w, h int) tea.WindowSizeMsg { return tea.WindowSizeMsg{Width: w, Height: h} }

// The screens, for tests to look into.
func (m *Model) library() *libraryScreen     { return m.screens[scrLibrary].(*libraryScreen) }
func (m *Model) list() *listScreen           { return m.screens[scrList].(*listScreen) }
func (m *Model) trace() *traceScreen         { return m.screens[scrTrace].(*traceScreen) }
func (m *Model) step() *stepScreen           { return m.screens[scrStep].(*stepScreen) }
func (m *Model) queue() *queueScreen         { return m.screens[scrQueue].(*queueScreen) }
func (m *Model) conflicts() *conflictsScreen { return m.screens[scrConflicts].(*conflictsScreen) }
func (m *Model) stats() *statsScreen         { return m.screens[scrStats].(*statsScreen) }
func (m *Model) judge() *judgeScreen         { return m.screens[scrJudge].(*judgeScreen) }
func (m *Model) samples() *samplesScreen     { return m.screens[scrSamples].(*samplesScreen) }
func (m *Model) compare() *compareScreen     { return m.screens[scrCompare].(*compareScreen) }
func (m *Model) scorecard() *scorecardScreen { return m.screens[scrScorecard].(*scorecardScreen) }
func (m *Model) checkpoints() *checkpointsScreen {
	return m.screens[scrCheckpoints].(*checkpointsScreen)
}
func (m *Model) rounds() *roundsScreen { return m.screens[scrRounds].(*roundsScreen) }
