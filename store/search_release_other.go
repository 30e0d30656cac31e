//go:build !linux

package store

// pageRuns gives scanned pages back to the system on Linux only (see
// search_release_linux.go); elsewhere the kernel's own reclaim applies.
type pageRuns struct{ keep bool }

func (r *pageRuns) add([]byte) {}
func (r *pageRuns) done()      {}

// ReleasePages drops the store file's pages from the process's memory where
// that is implemented (Linux); here it does nothing.
func (db *DB) ReleasePages() error { return nil }
