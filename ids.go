package stepwise

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"unicode"
)

// NormalizeText collapses runs of white space to one space and trims the
// ends, so that re-wrapped copies of one problem hash alike.
func NormalizeText(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		if unicode.IsSpace(r) {
			space = b.Len() > 0
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	return b.String()
}

// ProblemID is the stable id of a problem text: "p" and 16 hex digits of the
// SHA-256 of the normalized text. Every trace of the same question, from any
// dataset, shares it.
func ProblemID(text string) string {
	sum := sha256.Sum256([]byte(NormalizeText(text)))
	return "p" + hex.EncodeToString(sum[:8])
}
