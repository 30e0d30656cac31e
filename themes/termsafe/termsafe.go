// Package termsafe neutralizes untrusted text before it reaches a terminal.
//
// Trace content, model output and file names are hostile: an escape sequence
// inside a step could retitle the window, write the clipboard (OSC 52),
// rewrite lines (CR, cursor moves) or reorder text (bidi overrides). Every
// string from a trace passes through Clean before it is drawn or printed.
package termsafe

import (
	"strings"
	"unicode/utf8"
)

// Clean returns s with every control character, escape sequence introducer,
// bidi control and invisible character replaced by a visible symbol. Newlines and tabs survive;
// invalid UTF-8 becomes U+FFFD. The result has no byte that a terminal
// interprets as a command.
func Clean(s string) string {
	if isPlain(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		i += n
		switch {
		case r == utf8.RuneError && n == 1:
			b.WriteRune('\uFFFD')
		case r == '\n' || r == '\t':
			b.WriteRune(r)
		case r < 0x20:
			b.WriteRune(0x2400 + r) // control pictures: ␛ for ESC, ␍ for CR
		case r == 0x7f:
			b.WriteRune('\u2421') // ␡
		case r >= 0x80 && r <= 0x9f:
			b.WriteRune('\uFFFD') // C1 controls (8-bit CSI, OSC, DCS...)
		case isBidiControl(r), isInvisible(r):
			b.WriteRune('\uFFFD')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// Line is Clean for single-line fields (ids, names): newlines and tabs
// become spaces so they cannot break a table row.
func Line(s string) string {
	s = Clean(s)
	if strings.ContainsAny(s, "\n\t") {
		s = strings.NewReplacer("\n", " ", "\t", " ").Replace(s)
	}
	return s
}

// isPlain reports whether s is printable ASCII plus newline and tab: the
// common case, returned as is without allocating.
func isPlain(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x80 || (c < 0x20 && c != '\n' && c != '\t') || c == 0x7f {
			return false
		}
	}
	return true
}

// isBidiControl reports the explicit directional formatting characters that
// can make displayed text differ from its logical order (Trojan Source).
func isBidiControl(r rune) bool {
	switch {
	case r >= 0x202A && r <= 0x202E: // LRE RLE PDF LRO RLO
		return true
	case r >= 0x2066 && r <= 0x2069: // LRI RLI FSI PDI
		return true
	case r == 0x200E || r == 0x200F || r == 0x061C: // LRM RLM ALM
		return true
	}
	return false
}

// isInvisible reports characters that take no visible space: zero-width
// spaces and joiners, the byte order mark, word joiners and invisible
// operators, fillers, soft hyphens and tag characters. Left in, they shift
// table columns (a terminal may give them a cell the layout did not count)
// and make different ids look the same.
func isInvisible(r rune) bool {
	switch {
	case r >= 0x200B && r <= 0x200D: // ZWSP, ZWNJ, ZWJ
		return true
	case r >= 0x2060 && r <= 0x2064: // word joiner, invisible operators
		return true
	case r == 0xFEFF || r == 0x00AD || r == 0x034F || r == 0x180E: // BOM, soft hyphen, CGJ, MVS
		return true
	case r == 0x115F || r == 0x1160 || r == 0x3164 || r == 0xFFA0: // Hangul fillers
		return true
	case r >= 0xE0000 && r <= 0xE007F: // tag characters
		return true
	}
	return false
}
