// Package record is the store's compact binary encoding of its per-trace
// records: the summary a list row needs (Summary), the body that holds a
// trace's text, steps and labels, and a checked formalization. JSON was too
// slow and too large for them: a ProcessBench trace's per-step labels alone
// take more bytes as JSON than its text.
//
// Every value starts with a version byte, and decoders read every version
// this program ever wrote; a decoder never panics and never allocates more
// than its input can hold (the first error sticks, lengths are bounded by
// the bytes left). A step's text is not stored: it is Raw[span], and a span
// outside Raw is refused. Encodings are deterministic (maps in key order):
// the import's content hash depends on it.
//
// It imports the domain package and store/internal/damage only.
package record
