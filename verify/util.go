package verify

import (
	"strconv"
	"strings"
)

func itoa(i int) string { return strconv.Itoa(i) }

func joinLines(parts []string, sep string) string { return strings.Join(parts, sep) }

// truncate caps text kept as evidence (solver output, Lean messages) so a
// hostile or runaway process cannot fill the cache.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "\n… (truncated)"
}

const maxEvidence = 64 << 10
