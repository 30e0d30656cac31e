package tui

import tea "charm.land/bubbletea/v2"

// screenID names a screen on the navigation stack.
type screenID int

// The screens. This block and newScreens below are the registration: a new
// screen is its own file plus one line in each.
const (
	scrLibrary screenID = iota
	scrList
	scrTrace
	scrStep
	scrQueue
	scrConflicts
	scrStats
	scrJudge
	scrSamples
	scrCompare
	scrScorecard
	scrCheckpoints
	scrRounds
	scrSide
	scrErrorTypes
	scrFreq
	scrCharts
)

// newScreens builds every screen once, in screenID order.
func newScreens(c *programContext) []screen {
	return []screen{
		scrLibrary:     newLibraryScreen(c),
		scrList:        newListScreen(c),
		scrTrace:       newTraceScreen(c),
		scrStep:        newStepScreen(c),
		scrQueue:       newQueueScreen(c),
		scrConflicts:   newConflictsScreen(c),
		scrStats:       newStatsScreen(c),
		scrJudge:       newJudgeScreen(c),
		scrSamples:     newSamplesScreen(c),
		scrCompare:     newCompareScreen(c),
		scrScorecard:   newScorecardScreen(c),
		scrCheckpoints: newCheckpointsScreen(c),
		scrRounds:      newRoundsScreen(c),
		scrSide:        newSideScreen(c),
		scrErrorTypes:  newErrorTypesScreen(c),
		scrFreq:        newFreqScreen(c),
		scrCharts:      newChartsScreen(c),
	}
}

// screen is what the root needs of a screen. A screen owns its state and
// its caches; it reads what it shares with the others through its
// *programContext, and it learns what happened elsewhere from the
// messages the root hands to update.
type screen interface {
	// where names the screen in key messages ("works in the trace view
	// and step detail, not in the library") and in help.
	where() string
	// title is the screen's part of the breadcrumb (untrusted text is
	// neutralized by the root).
	title() string
	// handlers are the actions the screen takes and what each does: a
	// key works on a screen exactly when the screen has a handler for
	// its action (or the action works everywhere, see binding.universal).
	handlers() []handler
	// hints are the actions the status bar shows when it has nothing to say.
	hints() []action
	// view draws the body from what the screen has ready: no I/O, no
	// rendering that is not cached.
	view() string
	// resize lays the screen out again for the body's new size.
	resize() tea.Cmd
	// wheel scrolls by delta rows; click acts on body row row.
	wheel(delta int) tea.Cmd
	click(row int) tea.Cmd
	// update takes every message the root does not keep: the screen's
	// own answers (compared by request id), the requests addressed to it
	// (requests.go) and the events it cares about (events.go).
	update(msg tea.Msg) tea.Cmd
}

// flusher is a screen with work to finish at the end of an Update, once
// all its messages are in: the trace view starts the markdown renders its
// layout found missing, the judge view lays out the text streamed in. The
// root calls flush on the current screen only.
type flusher interface {
	flush() tea.Cmd
}

// handler is what one action does on one screen (lazygit's binding): the
// key handler sits beside the action it serves, with the reason it cannot
// run now, if there is one.
type handler struct {
	action action
	// run does the action; key is the key pressed (the number keys pick
	// an error type by it).
	run func(key string) tea.Cmd
	// disabled, when set and non-empty, says why the action does nothing
	// now; the root shows it instead of running the action.
	disabled func() string
}

// on makes a handler that does not need the key.
func on(a action, run func() tea.Cmd) handler {
	return handler{action: a, run: func(string) tea.Cmd { return run() }}
}

// unless adds a reason the handler cannot run now.
func (h handler) unless(why func() string) handler {
	h.disabled = why
	return h
}

// moveHandlers binds the movement actions (down, up, pages, top, bottom)
// to one function.
func moveHandlers(move func(a action) tea.Cmd) []handler {
	var hs []handler
	for _, a := range []action{actDown, actUp, actPageDown, actPageUp, actHalfDown, actHalfUp, actTop, actBottom} {
		hs = append(hs, on(a, func() tea.Cmd { return move(a) }))
	}
	return hs
}

// noMouse is embedded by screens the mouse does nothing on.
type noMouse struct{}

func (noMouse) wheel(int) tea.Cmd { return nil }
func (noMouse) click(int) tea.Cmd { return nil }

// noMouseClick is embedded by screens a click does nothing on.
type noMouseClick struct{}

func (noMouseClick) click(int) tea.Cmd { return nil }

// fixedSize is embedded by screens laid out as they draw.
type fixedSize struct{}

func (fixedSize) resize() tea.Cmd { return nil }
