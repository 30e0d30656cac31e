//go:build !linux || stepwise_keeppages

package store

// pageRuns gives scanned pages back to the system on Linux only (see
// search_release_linux.go); elsewhere the kernel's own reclaim applies. The
// build tag stepwise_keeppages turns the release off on Linux too, to
// measure what it costs.
type pageRuns struct{}

func (r *pageRuns) add([]byte) {}
func (r *pageRuns) done()      {}
