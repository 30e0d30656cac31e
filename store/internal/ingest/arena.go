package ingest

import "unsafe"

// arena hands out small byte slices and strings carved from larger blocks.
// The import writer makes several small keys and values per trace, which
// bbolt only references until the transaction commits: one allocation per
// block instead of one per key saves the single writer time it cannot
// share. Workers copy the strings a queued trace keeps into one.
type arena struct{ block []byte }

const arenaBlock = 64 << 10

// make returns a slice of length n and capacity c, which appends to it
// cannot grow past into another slice's bytes.
func (a *arena) make(n, c int) []byte {
	if cap(a.block)-len(a.block) < c {
		a.block = make([]byte, 0, max(arenaBlock, c))
	}
	start := len(a.block)
	a.block = a.block[:start+c]
	return a.block[start : start+n : start+c]
}

// clone copies s into the arena. The arena's blocks are never written where
// a slice was handed out, so the string stays immutable.
func (a *arena) clone(s string) string {
	return a.text(unsafe.Slice(unsafe.StringData(s), len(s)))
}

// text returns a string of b's bytes, copied into the arena.
func (a *arena) text(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	c := append(a.make(0, len(b)), b...)
	return unsafe.String(unsafe.SliceData(c), len(c))
}
