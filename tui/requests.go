package tui

import "github.com/stepwise-dev/stepwise/store"

// Requests are what a screen asks of another (or of the root): it posts
// one (programContext.post) and the root hands it to every screen before
// the Update ends; the one it names acts on it, showing itself if it has
// to. No screen calls another.

// backReq asks the root to go back one screen.
type backReq struct{}

// openListReq shows the trace list for a filter, or opens the list with
// its filter or search prompt.
type openListReq struct {
	filter store.Filter
	prompt listPrompt
}

// listPrompt is the prompt an openListReq opens, if any.
type listPrompt int

const (
	listNoPrompt listPrompt = iota
	listFilterPrompt
	listSearchPrompt
)

// openTraceReq shows a trace. The trace view keeps its search text for a
// jump or a next trace (keepQuery) and takes query otherwise.
type openTraceReq struct {
	ref       traceRef
	query     string
	keepQuery bool
}

// siblingReq opens the next or previous trace of the list, queue or
// samples view ref was opened from: the screen that owns that order acts.
type siblingReq struct {
	ref  traceRef
	next bool
}

// openStepReq shows step detail for step index of the open trace.
type openStepReq struct {
	doc   *traceDoc
	index int
}

// selectStepReq moves the trace view's cursor to a step (step detail
// moves through the trace's steps).
type selectStepReq struct {
	doc   *traceDoc
	index int
}

// openSamplesReq lists every trace of a problem; origin is the trace the
// view is opened from.
type openSamplesReq struct{ origin, problem string }

// openCheckpointsReq shows the checkpoint grid of a problem (SRCA).
type openCheckpointsReq struct{ problem string }

// openRoundsReq shows the tool-call refinement rounds of the open trace.
type openRoundsReq struct{ doc *traceDoc }

// openCompareReq shows two traces side by side.
type openCompareReq struct{ left, right string }

// Scoped views: the traces of the library's dataset or the list's filter.
type (
	openQueueReq     struct{ filter store.Filter }
	openConflictsReq struct{ dataset string }
	openStatsReq     struct{ dataset string }
	openScorecardReq struct{ filter store.Filter }
	// openErrorTypesReq shows SEI's error types of a dataset's bad cases.
	openErrorTypesReq struct{ dataset string }
	// openFreqReq counts a field's values over the list's filter; openChartsReq
	// charts the traces in scope.
	openFreqReq   struct{ filter store.Filter }
	openChartsReq struct{ filter store.Filter }
)

// judgeReq estimates a judge run on one trace or a pair and asks before
// sending anything.
type judgeReq struct{ ids []string }

// judgePairReq finds a partner for a trace (another of its problem) and
// then asks as judgeReq does.
type judgePairReq struct{ id string }

// judgeRunsReq lists the judge runs saved for a trace.
type judgeRunsReq struct{ id string }
