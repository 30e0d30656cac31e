package tui

// errMsg reports a failed background action.
type errMsg struct{ err error }
