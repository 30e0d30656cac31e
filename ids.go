package stepwise

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"unicode"
	"unicode/utf8"
)

// NormalizeText collapses runs of white space to one space and trims the
// ends, so that re-wrapped copies of one problem hash alike.
func NormalizeText(s string) string { return string(appendNormalized(make([]byte, 0, len(s)), s)) }

// appendNormalized appends NormalizeText(s) to b. It runs for every
// imported trace, so it works a stretch at a time: it finds the next byte
// that is not printable ASCII or a space eight bytes at a time, and copies
// what lies between whole (see appendSpaced); only control bytes and
// non-ASCII runes are looked at one by one.
func appendNormalized(b []byte, s string) []byte {
	space := false // white space met since the last word
	for i := 0; i < len(s); {
		if j := printableEnd(s, i); j > i {
			b, space = appendSpaced(b, s[i:j], space)
			i = j
			continue
		}
		r, n := rune(s[i]), 1
		if r >= utf8.RuneSelf {
			r, n = utf8.DecodeRuneInString(s[i:])
		}
		if unicode.IsSpace(r) {
			space = true
		} else {
			b = appendWord(b, s[i:i+n], space)
			space = false
		}
		i += n
	}
	return b
}

// printableEnd returns the first index from i of a control byte or a byte
// of a non-ASCII rune, or len(s). (DEL counts as printable: like any other
// byte that is not white space, it is copied.)
func printableEnd(s string, i int) int {
	for ; i+8 <= len(s); i += 8 {
		x := uint64(s[i]) | uint64(s[i+1])<<8 | uint64(s[i+2])<<16 | uint64(s[i+3])<<24 |
			uint64(s[i+4])<<32 | uint64(s[i+5])<<40 | uint64(s[i+6])<<48 | uint64(s[i+7])<<56
		// A byte below 0x20 borrows into its high bit; one from 0x80 has it.
		if ((x-0x2020202020202020)|x)&0x8080808080808080 != 0 {
			break
		}
	}
	for i < len(s) && s[i] >= ' ' && s[i] < utf8.RuneSelf {
		i++
	}
	return i
}

// appendSpaced appends t, printable ASCII and spaces, collapsing its runs
// of spaces; space says white space came before t, and the result whether
// t ended in some.
func appendSpaced(b []byte, t string, space bool) ([]byte, bool) {
	for len(t) > 0 {
		if t[0] == ' ' {
			space = true
			t = t[1:]
			continue
		}
		// Up to the next double space, or the end, single spaces stay.
		end := strings.Index(t, "  ")
		if end < 0 {
			end = len(t)
		}
		word, rest := t[:end], t[end:]
		trailing := strings.HasSuffix(word, " ")
		if trailing {
			word = word[:len(word)-1]
		}
		b = appendWord(b, word, space)
		space, t = trailing, rest
	}
	return b, space
}

// appendWord appends w after one space if space is set and b is not empty.
func appendWord(b []byte, w string, space bool) []byte {
	if space && len(b) > 0 {
		b = append(b, ' ')
	}
	return append(b, w...)
}

// ProblemID is the stable id of a problem text: "p" and 16 hex digits of the
// SHA-256 of the normalized text. Every trace of the same question, from any
// dataset, shares it.
func ProblemID(text string) string {
	// Most problems normalize within a stack buffer; longer ones grow it.
	var buf [2048]byte
	sum := sha256.Sum256(appendNormalized(buf[:0], text))
	var id [17]byte
	id[0] = 'p'
	hex.Encode(id[1:], sum[:8])
	return string(id[:])
}
