package offline

import (
	"strings"
	"unicode"
)

// Loop is a run of one unit repeated back to back.
type Loop struct {
	// Start and End are the loop's byte span in the text: [Start, End).
	Start, End int
	// Period is the unit's length in bytes; Repeats the whole copies.
	Period, Repeats int
	// Unit is the repeated text, cut to 200 bytes.
	Unit string
}

// tailWindow bounds the work per trace: loops are looked for in the last
// 32 KiB only, which covers a paragraph repeated a dozen times.
const tailWindow = 32 << 10

// TailLoop finds a repetition loop at the end of a text, the mark of a model
// that looped until its token limit: the longest periodic suffix with at
// least minRepeats copies covering at least minSpan bytes. Trailing white
// space is ignored, and a unit must hold a letter or digit.
func TailLoop(text string, minRepeats, minSpan int) (Loop, bool) {
	end := len(strings.TrimRightFunc(text, unicode.IsSpace))
	startWin := max(0, end-tailWindow)
	w := text[startWin:end]
	n := len(w)
	if n == 0 || minRepeats < 2 {
		return Loop{}, false
	}
	r := make([]byte, n)
	for i := range n {
		r[i] = w[n-1-i]
	}
	z := zArray(r)
	// firstWord is the length of the shortest suffix of w holding a letter
	// or digit (any non-ASCII byte counts, for CJK text).
	firstWord := n + 1
	for i, b := range r {
		if b >= 0x80 || b >= '0' && b <= '9' || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' {
			firstWord = i + 1
			break
		}
	}
	best := Loop{}
	for p := 1; p*minRepeats <= n; p++ {
		covered := p + z[p]
		if covered > n {
			covered = n
		}
		reps := covered / p
		if reps < minRepeats || covered < minSpan || covered <= best.End-best.Start {
			continue
		}
		if p < firstWord {
			continue
		}
		best = Loop{Start: startWin + n - covered, End: startWin + n, Period: p, Repeats: reps, Unit: strings.ToValidUTF8(clip(w[n-p:], 200), "")}
	}
	return best, best.Repeats > 0
}

// zArray: z[i] is the length of the longest common prefix of s and s[i:].
func zArray(s []byte) []int {
	n := len(s)
	z := make([]int, n+1)
	if n == 0 {
		return z
	}
	z[0] = n
	l, r := 0, 0
	for i := 1; i < n; i++ {
		if i < r {
			z[i] = min(r-i, z[i-l])
		}
		for i+z[i] < n && s[z[i]] == s[i+z[i]] {
			z[i]++
		}
		if i+z[i] > r {
			l, r = i, i+z[i]
		}
	}
	return z
}

// StepRun is consecutive steps with the same text.
type StepRun struct {
	First, Count int
}

// RepeatedSteps finds runs of at least min consecutive steps whose texts are
// equal after white space is collapsed.
func RepeatedSteps(steps []string, minRun int) []StepRun {
	var out []StepRun
	for i := 0; i < len(steps); {
		j := i + 1
		key := collapse(steps[i])
		for j < len(steps) && key != "" && collapse(steps[j]) == key {
			j++
		}
		if j-i >= minRun && key != "" {
			out = append(out, StepRun{First: i, Count: j - i})
		}
		i = j
	}
	return out
}

// RepeatedLine is a line that recurs through a text.
type RepeatedLine struct {
	Line  string
	Count int
	// First is the byte offset of its first occurrence.
	First int
}

// RepeatedLines finds lines of at least minLen bytes (trimmed) that occur at
// least minCount times, most frequent first; at most max of them.
func RepeatedLines(text string, minLen, minCount, limit int) []RepeatedLine {
	counts := map[string]*RepeatedLine{}
	var order []string
	off := 0
	for line := range strings.SplitSeq(text, "\n") {
		t := strings.TrimSpace(line)
		if len(t) >= minLen {
			if c, ok := counts[t]; ok {
				c.Count++
			} else {
				counts[t] = &RepeatedLine{Line: clip(t, 200), Count: 1, First: off}
				order = append(order, t)
			}
		}
		off += len(line) + 1
	}
	var out []RepeatedLine
	for _, k := range order {
		if c := counts[k]; c.Count >= minCount {
			out = append(out, *c)
		}
	}
	// Stable: most frequent first, then by first occurrence.
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j].Count > out[j-1].Count; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	if len(out) > limit {
		out = out[:limit]
	}
	return out
}

func collapse(s string) string { return strings.Join(strings.Fields(s), " ") }

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && cut < len(s) && s[cut]&0xC0 == 0x80 {
		cut--
	}
	return s[:cut] + "…"
}
