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

// appendNormalized appends NormalizeText(s) to b. Runs of printable ASCII
// words with single spaces between them, which is most text, are copied
// whole: byte by byte, this was most of ProblemID's cost, paid for every
// imported trace.
func appendNormalized(b []byte, s string) []byte {
	space := false
	for i := 0; i < len(s); {
		j := i
		for j < len(s) {
			if c := s[j]; c > ' ' && c < utf8.RuneSelf {
				j++
			} else if c == ' ' && j > i && j+1 < len(s) && s[j+1] > ' ' && s[j+1] < utf8.RuneSelf {
				j++ // one space between words stays as it is
			} else {
				break
			}
		}
		if j > i {
			if space {
				b = append(b, ' ')
				space = false
			}
			b = append(b, s[i:j]...)
			i = j
			continue
		}
		r, n := rune(s[i]), 1
		if r >= utf8.RuneSelf {
			r, n = utf8.DecodeRuneInString(s[i:])
		}
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
