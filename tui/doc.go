// Package tui is the interactive workbench, and only that: one root Bubble
// Tea model (app.go) that owns the program context, the navigation stack
// and the routing of messages, and eleven screens — library, trace list,
// trace view, step detail, triage queue, conflicts, stats, judge, samples,
// compare, scorecard — registered in screen.go, each in its own file with
// its state, its key handlers and its caches. Screens never call each
// other: they post requests the root routes, and learn what happened from
// events. Background work (imports, exports, verification, judge runs,
// searches, list scans) runs through one job mechanism (jobs.go). View
// only joins strings the screens keep ready; every read of the store and
// every expensive render runs in a tea.Cmd. ARCHITECTURE.md says how the
// parts fit.
//
// tui may import the domain package, store, verify, judge, themes and
// tui/render; only cmd/stepwise imports it (layers_test.go enforces both).
package tui
