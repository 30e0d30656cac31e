package main

import (
	"runtime/debug"
	"testing"
)

// batchGC sets the batch settings and puts back exactly what it found.
func TestBatchGCRestores(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(77))
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(5 << 30))
	restore := batchGC()
	if p := debug.SetGCPercent(400); p != 400 {
		t.Errorf("GC percent %d during a batch import, want 400", p)
	}
	if l := debug.SetMemoryLimit(-1); l != batchMemoryLimit {
		t.Errorf("memory limit %d during a batch import, want %d", l, batchMemoryLimit)
	}
	restore()
	if p := debug.SetGCPercent(77); p != 77 {
		t.Errorf("GC percent %d after, want 77", p)
	}
	if l := debug.SetMemoryLimit(-1); l != 5<<30 {
		t.Errorf("memory limit %d after, want %d", l, int64(5<<30))
	}
}
