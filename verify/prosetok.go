package verify

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Token kinds of arithmetic in prose.
const (
	kNum    = 'n' // 12, 1,200, 0.5, 20%, 11.82...
	kOp     = 'o' // + - * / ^ (and × · ÷ − –, and "x" between numbers)
	kOpen   = '('
	kClose  = ')'
	kEq     = '='
	kApprox = '~' // ≈
	kRel    = 'r' // < > ≤ ≥ ≠: a relation this formalizer does not state
	kBang   = '!' // a factorial mark glued to a number or ')'
	kWord   = 'w' // a word or a symbol
	kBreak  = 'p' // sentence punctuation, a line break, a list bullet
)

// mathTok is a token of arithmetic in prose.
type mathTok struct {
	kind       byte
	lean       string // Lean text of a number or operator
	start, end int    // in the (de-LaTeXed) source text
	percent    bool   // a number written with %
	ellipsis   bool   // a number followed by ... or …: cut, not exact
	places     int    // decimal places written
	group      bool   // a parenthesis made from LaTeX (\frac, braces), not written
}

// tokenizeMath cuts prose into numbers, operators, parentheses, relations,
// words and breaks. Nothing is dropped but white space and currency signs:
// every other byte belongs to a token, so that a claim can be checked to
// account for every token around it.
func tokenizeMath(s string) []mathTok {
	var toks []mathTok
	lineStart := true
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '\n':
			toks = append(toks, mathTok{kind: kBreak, start: i, end: i + 1})
			i++
			lineStart = true
			continue
		case c == ' ' || c == '\t' || c == '\r':
			i++
			continue
		}
		if lineStart {
			lineStart = false
			if n := bullet(s[i:]); n > 0 {
				toks = append(toks, mathTok{kind: kBreak, start: i, end: i + n})
				i += n
				continue
			}
		}
		if n := currency(s[i:]); n > 0 {
			i += n
			continue
		}
		if isDigitByte(c) || (c == '.' && i+1 < len(s) && isDigitByte(s[i+1])) {
			t := numberTok(s, i)
			toks = append(toks, t)
			i = t.end
			continue
		}
		t := symbolTok(s, i, toks)
		toks = append(toks, t)
		i = t.end
	}
	return toks
}

// bullet is the length of a list bullet ("- ", "* ", "• ") at the start of
// a line, else 0: "- 12 = 2^2 * 3" is a list item, not a subtraction.
func bullet(s string) int {
	for _, b := range []string{"- ", "* ", "• ", "+ ", "– "} {
		if strings.HasPrefix(s, b) {
			return len(b)
		}
	}
	return 0
}

// currency is the length of a currency sign before a digit, else 0.
func currency(s string) int {
	for _, c := range []string{"$", "€", "£", "¥"} {
		if strings.HasPrefix(s, c) && len(s) > len(c) && (isDigitByte(s[len(c)]) || s[len(c)] == '.') {
			return len(c)
		}
	}
	return 0
}

// numberTok reads 1,234.5, 20% (a percentage becomes (20 / 100)) or a
// decimal cut short with an ellipsis (11.82...).
func numberTok(s string, i int) mathTok {
	j := i
	var digits strings.Builder
	places, frac := 0, false
	for j < len(s) {
		c := s[j]
		switch {
		case isDigitByte(c):
			digits.WriteByte(c)
			if frac {
				places++
			}
		case c == ',' && !frac && thousands(s, j):
			// thousands separator
		case c == '.' && !frac && j+1 < len(s) && isDigitByte(s[j+1]):
			digits.WriteByte(c)
			frac = true
		default:
			goto done
		}
		j++
	}
done:
	t := mathTok{kind: kNum, lean: digits.String(), start: i, end: j, places: places}
	if strings.HasPrefix(t.lean, ".") {
		t.lean = "0" + t.lean
	}
	switch {
	case strings.HasPrefix(s[j:], "%"):
		t.lean, t.percent, t.end = "("+t.lean+" / 100)", true, j+1
	case strings.HasPrefix(s[j:], "..."):
		t.ellipsis, t.end = true, j+3
	case strings.HasPrefix(s[j:], "…"):
		t.ellipsis, t.end = true, j+len("…")
	}
	return t
}

// symbolTok reads one operator, parenthesis, relation, punctuation mark or
// word at s[i].
func symbolTok(s string, i int, prev []mathTok) mathTok {
	r, n := utf8.DecodeRuneInString(s[i:])
	t := mathTok{start: i, end: i + n}
	switch r {
	case '+', '-', '*', '/', '^', '×', '·', '⋅', '÷', '−', '–':
		if r == '*' && strings.HasPrefix(s[i:], "**") {
			t.kind, t.end = kBreak, i+2 // markdown emphasis
			return t
		}
		t.kind, t.lean = kOp, opLean[r]
	case '(', '[':
		t.kind, t.lean = kOpen, "("
	case ')', ']':
		t.kind, t.lean = kClose, ")"
	case '=':
		t.kind = kEq
	case '≈':
		t.kind = kApprox
	case '<', '>', '≤', '≥', '≠':
		t.kind = kRel
	case '!':
		t.kind = bangKind(s, i, prev)
	case ',', ';', ':', '?', '.', '#', '"', '“', '”':
		t.kind = kBreak
		if strings.HasPrefix(s[i:], "...") {
			t.kind, t.end = kWord, i+3 // an ellipsis: a list goes on
		}
	default:
		return wordTok(s, i, prev)
	}
	return t
}

var opLean = map[rune]string{'+': "+", '-': "-", '*': "*", '/': "/", '^': "^", '×': "*", '·': "*", '⋅': "*",
	'÷': "/", '−': "-", '–': "-"}

// bangKind reads a '!': glued to a number or ')' and followed by more
// arithmetic it is a factorial; before a number it is a subfactorial
// (which this formalizer does not state: a word, so the claim is cut);
// glued at the end of a side ("= 24!") it is ambiguous with an
// exclamation mark (a word again); anywhere else it ends a sentence.
func bangKind(s string, i int, prev []mathTok) byte {
	glued := len(prev) > 0 && prev[len(prev)-1].end == i &&
		(prev[len(prev)-1].kind == kNum || prev[len(prev)-1].kind == kClose)
	rest := strings.TrimLeft(s[i+1:], " ")
	if rest != "" && isDigitByte(rest[0]) && (i+1 < len(s) && isDigitByte(s[i+1])) {
		return kWord // !5: subfactorial
	}
	if !glued {
		return kBreak
	}
	if rest != "" && strings.ContainsRune("=+-*/^)×·÷−≈", []rune(rest)[0]) && !strings.HasPrefix(rest, "!") {
		return kBang
	}
	return kWord
}

// wordTok reads a word (letters, inner hyphens and apostrophes), a LaTeX
// command left over by delatex, or one other symbol. "x" between numbers
// is multiplication ("60 x 40/100", "3x4"), but not beside an operator or
// a letter: "3x - 10" and "4x" are a coefficient and its variable.
func wordTok(s string, i int, prev []mathTok) mathTok {
	j := i
	if s[i] == '\\' {
		j++
		for j < len(s) && isLetterByte(s[j]) {
			j++
		}
		return mathTok{kind: kWord, start: i, end: j}
	}
	for j < len(s) {
		r, n := utf8.DecodeRuneInString(s[j:])
		inner := (r == '-' || r == '\'' || r == '’') && j > i && j+n < len(s) && isLetterRune(s[j+n:])
		if !unicode.IsLetter(r) && !inner {
			break
		}
		j += n
	}
	if j == i {
		_, n := utf8.DecodeRuneInString(s[i:])
		return mathTok{kind: kWord, start: i, end: i + n}
	}
	t := mathTok{kind: kWord, start: i, end: j}
	switch w := s[i:j]; {
	case (w == "x" || w == "X") && timesX(s, i, j, prev):
		t.kind, t.lean = kOp, "*"
	case w == "of" && len(prev) > 0 && prev[len(prev)-1].percent && operandNext(s[j:]):
		t.kind, t.lean = kOp, "*" // 20% of 50
	}
	return t
}

// timesX reports whether an "x" at s[i:j] multiplies: after a number or
// ')' and before a number, '(' or a currency sign.
func timesX(s string, i, j int, prev []mathTok) bool {
	if len(prev) == 0 {
		return false
	}
	p := prev[len(prev)-1]
	if p.kind != kNum && p.kind != kClose {
		return false
	}
	return operandNext(s[j:])
}

// operandNext reports a number, '(' or a currency sign next in s.
func operandNext(s string) bool {
	rest := strings.TrimLeft(s, " ")
	if rest == "" {
		return false
	}
	return isDigitByte(rest[0]) || rest[0] == '(' || rest[0] == '.' || currency(rest) > 0
}

func isLetterRune(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsLetter(r)
}

func isDigitByte(c byte) bool  { return c >= '0' && c <= '9' }
func isLetterByte(c byte) bool { return c|0x20 >= 'a' && c|0x20 <= 'z' }

// thousands reports a thousands separator at s[j]: a comma followed by
// exactly three digits.
func thousands(s string, j int) bool {
	if j+3 >= len(s) {
		return false
	}
	three := isDigitByte(s[j+1]) && isDigitByte(s[j+2]) && isDigitByte(s[j+3])
	return three && (j+4 >= len(s) || !isDigitByte(s[j+4]))
}
