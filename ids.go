package stepwise

import (
	"crypto/sha256"
	"encoding/hex"
	"unicode"
	"unicode/utf8"
)

// NormalizeText collapses runs of white space to one space and trims the
// ends, so that re-wrapped copies of one problem hash alike.
func NormalizeText(s string) string { return string(appendNormalized(make([]byte, 0, len(s)), s)) }

// appendNormalized appends NormalizeText(s) to b; ASCII takes a fast path.
func appendNormalized(b []byte, s string) []byte {
	space := false
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			i++
			if c == ' ' || ('\t' <= c && c <= '\r') {
				space = len(b) > 0
				continue
			}
			if space {
				b = append(b, ' ')
				space = false
			}
			b = append(b, c)
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if unicode.IsSpace(r) {
			space = len(b) > 0
		} else {
			if space {
				b = append(b, ' ')
				space = false
			}
			b = append(b, s[i:i+n]...)
		}
		i += n
	}
	return b
}

// ProblemID is the stable id of a problem text: "p" and 16 hex digits of the
// SHA-256 of the normalized text. Every trace of the same question, from any
// dataset, shares it.
func ProblemID(text string) string {
	sum := sha256.Sum256(appendNormalized(make([]byte, 0, len(text)), text))
	return "p" + hex.EncodeToString(sum[:8])
}
