package main

import "runtime/debug"

// batchMemoryLimit is the soft heap limit while `stepwise import` imports.
const batchMemoryLimit = 384 << 20

// batchGC tunes the garbage collector for a batch import and returns what
// puts the settings back. An import allocates a great deal of short-lived
// garbage while its live heap stays bounded by its batches (store.Import
// bounds them by bytes): collecting less often is a large win, and the soft
// memory limit keeps the heap from growing past a fixed size regardless.
//
// The command decides this, not the store: a setting changed inside a
// library call applies to everything else the process runs meanwhile (the
// workbench's screens, while it imports in the background), and two calls
// that overlap put each other's values back out of order. So only `stepwise
// import`, a process that does nothing else, sets it; the workbench imports
// with the runtime's defaults.
func batchGC() (restore func()) {
	gc := debug.SetGCPercent(400)
	limit := debug.SetMemoryLimit(batchMemoryLimit)
	return func() {
		debug.SetMemoryLimit(limit)
		debug.SetGCPercent(gc)
	}
}
