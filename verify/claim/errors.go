package claim

import "fmt"

// Unsupported reports a claim this package cannot decide faithfully: a
// construct outside the subset, a type mismatch Lean would reject, or a value
// too large to compute. Pos is a byte offset in the source, -1 if unknown.
type Unsupported struct {
	Pos    int
	Reason string
}

func (e *Unsupported) Error() string {
	if e.Pos < 0 {
		return "unsupported: " + e.Reason
	}
	return fmt.Sprintf("unsupported at byte %d: %s", e.Pos, e.Reason)
}

func unsupported(pos int, format string, args ...any) *Unsupported {
	return &Unsupported{Pos: pos, Reason: fmt.Sprintf(format, args...)}
}
