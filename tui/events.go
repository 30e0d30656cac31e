package tui

import (
	"github.com/stepwise-dev/stepwise"
	"github.com/stepwise-dev/stepwise/verify/verifyrun"
)

// Events say what happened; the root hands each to every screen, and each
// does what it means for what it shows. A screen that changes what others
// show (the trace view, whose open trace step detail shows a step of)
// posts an event for them instead of changing them.

// startMsg: the program started.
type startMsg struct{}

// themeChangedMsg: the styles changed (the terminal's background became
// known); cached renders are stale.
type themeChangedMsg struct{}

// storeChangedMsg: another process committed to the store.
type storeChangedMsg struct{}

// importFinishedMsg: the workbench's import ended.
type importFinishedMsg struct{}

// labelSavedMsg: a label event is in the store (synced). ref is the trace
// it was made on, as it was opened.
type labelSavedMsg struct {
	ev   stepwise.Annotation
	ref  traceRef
	what string
}

// checkArrivedMsg: the verifier checked a formalization of a step.
type checkArrivedMsg struct{ result *verifyrun.StepResult }

// proofStripMsg: a verified trace's proof strip is saved.
type proofStripMsg struct {
	seq   uint64
	strip string
}

// judgeFinishedMsg: a judge run ended (saved, failed or cancelled).
type judgeFinishedMsg struct{}

// docChangedMsg: the trace view's open trace changed: labels folded in, a
// check applied to a step, or the trace read again after the store
// changed (doc is then a new document).
type docChangedMsg struct {
	doc  *traceDoc
	why  docChange
	step int
}

type docChange int

const (
	docLabels docChange = iota
	docChecks
	docReloaded
)
