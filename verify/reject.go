package verify

import (
	"strings"
	"unicode"
)

// A trial equation is not a claim when the text around it rejects it:
// "60 = 5^2+6^2 = 61 … does not work", "2 + 1 = 1 (False)", "= 41/42,
// which does not equal 1", "3 + 4 ≠ 8", or a question ("is 3 + 4 = 8?").
// The whole sentence around the equation is read: a rejection anywhere in
// it makes the claim unsupported. That loses some true claims in
// sentences that negate something else; it never states a claim the
// author disowned.

// rejectWords are words that deny or question what is next to them.
var rejectWords = map[string]bool{
	"not": true, "false": true, "incorrect": true, "wrong": true, "invalid": true, "impossible": true,
	"contradiction": true, "contradicts": true, "mistake": true, "error": true, "cannot": true,
	"untrue": true, "fails": true, "never": true,
}

// rejectSymbols deny an equation.
var rejectSymbols = []string{"≠", "✗", "✘", "❌", "!="}

// rejected looks at the sentence of s around [start, end) and returns the
// word that rejects the claim there.
func rejected(s string, start, end int) (string, bool) {
	from, to := sentence(s, start, end)
	sent := s[from:to]
	for _, sym := range rejectSymbols {
		if strings.Contains(sent, sym) {
			return sym, true
		}
	}
	if strings.HasSuffix(strings.TrimSpace(sent), "?") {
		return "a question", true
	}
	for _, w := range strings.FieldsFunc(strings.ToLower(sent), func(r rune) bool {
		return !unicode.IsLetter(r) && r != '\'' && r != '’'
	}) {
		if rejectWords[w] || strings.HasSuffix(w, "n't") || strings.HasSuffix(w, "n’t") {
			return w, true
		}
	}
	return "", false
}

// sentence is the sentence holding s[start:end]: from the previous
// sentence end (". ", "! ", "? " or a line break) to the next one; a
// question mark ends it inclusively.
func sentence(s string, start, end int) (int, int) {
	from := 0
	for k := start - 1; k >= 0; k-- {
		if s[k] == '\n' || (k+1 < len(s) && (s[k] == '.' || s[k] == '!' || s[k] == '?') && s[k+1] == ' ') {
			from = k + 1
			break
		}
	}
	to := len(s)
	for k := end; k < len(s); k++ {
		if s[k] == '\n' {
			to = k
			break
		}
		if s[k] == '?' {
			to = k + 1
			break
		}
		if (s[k] == '.' || s[k] == '!') && (k+1 == len(s) || s[k+1] == ' ') {
			to = k
			break
		}
	}
	return from, to
}
