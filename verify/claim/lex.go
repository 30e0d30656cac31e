package claim

import (
	"unicode"
	"unicode/utf8"
)

// tok is a token kind.
type tok uint8

const (
	tEOF   tok = iota
	tNum       // 12, 2.5
	tIdent     // x, h₀, Nat.choose
	tLParen
	tRParen
	tLBrack // [
	tRBrack
	tLBrace
	tRBrace
	tColon
	tAssign // :=
	tComma
	tEq
	tNe
	tLt
	tGt
	tLe
	tGe
	tPlus
	tMinus
	tStar
	tSlash
	tPercent
	tCaret
	tDvd   // ∣
	tEquiv // ≡
	tAnd
	tOr
	tNot
	tImp
	tIff
	tUp   // ↑
	tBar  // |
	tBang // !
	tLFloor
	tRFloor
	tLCeil
	tRCeil
	tMOD  // "[MOD"
	tZMOD // "[ZMOD"
	tOther
)

var tokNames = [...]string{tEOF: "end of input", tNum: "number", tIdent: "identifier", tLParen: "(", tRParen: ")",
	tLBrack: "[", tRBrack: "]", tLBrace: "{", tRBrace: "}", tColon: ":", tAssign: ":=", tComma: ",", tEq: "=",
	tNe: "≠", tLt: "<", tGt: ">", tLe: "≤", tGe: "≥", tPlus: "+", tMinus: "-", tStar: "*", tSlash: "/",
	tPercent: "%", tCaret: "^", tDvd: "∣", tEquiv: "≡", tAnd: "∧", tOr: "∨", tNot: "¬", tImp: "→", tIff: "↔",
	tUp: "↑", tBar: "|", tBang: "!", tLFloor: "⌊", tRFloor: "⌋", tLCeil: "⌈", tRCeil: "⌉", tMOD: "[MOD",
	tZMOD: "[ZMOD", tOther: "symbol"}

func (t tok) String() string { return tokNames[t] }

// lexer scans one token at a time; it allocates nothing.
type lexer struct {
	src        string
	pos        int // next unread byte
	kind       tok
	start, end int // current token
}

// runeToks maps single non-ASCII runes to tokens.
func runeTok(r rune) tok {
	switch r {
	case '≠':
		return tNe
	case '≤':
		return tLe
	case '≥':
		return tGe
	case '∣':
		return tDvd
	case '≡':
		return tEquiv
	case '∧':
		return tAnd
	case '∨':
		return tOr
	case '¬':
		return tNot
	case '→':
		return tImp
	case '↔':
		return tIff
	case '↑':
		return tUp
	case '⌊':
		return tLFloor
	case '⌋':
		return tRFloor
	case '⌈':
		return tLCeil
	case '⌉':
		return tRCeil
	}
	return tOther
}

var asciiToks = [128]tok{'(': tLParen, ')': tRParen, ']': tRBrack, '{': tLBrace, '}': tRBrace,
	',': tComma, '=': tEq, '+': tPlus, '*': tStar, '%': tPercent, '^': tCaret, '|': tBar, '!': tBang}

// next advances to the next token, skipping white space and `--` comments.
func (l *lexer) next() {
	l.skipSpace()
	l.start = l.pos
	if l.pos >= len(l.src) {
		l.kind, l.end = tEOF, l.pos
		return
	}
	c := l.src[l.pos]
	switch {
	case c >= '0' && c <= '9':
		l.number()
		return
	case c < utf8.RuneSelf:
		l.ascii(c)
		return
	}
	r, n := utf8.DecodeRuneInString(l.src[l.pos:])
	if isIdentStart(r) {
		l.ident()
		return
	}
	l.pos += n
	l.kind, l.end = runeTok(r), l.pos
}

func (l *lexer) skipSpace() {
	for l.pos < len(l.src) {
		c := l.src[l.pos]
		switch {
		case c == ' ' || c == '\n' || c == '\t' || c == '\r':
			l.pos++
		case c == '-' && l.pos+1 < len(l.src) && l.src[l.pos+1] == '-':
			for l.pos < len(l.src) && l.src[l.pos] != '\n' {
				l.pos++
			}
		default:
			return
		}
	}
}

func (l *lexer) number() {
	p := l.pos
	for p < len(l.src) && isDigit(l.src[p]) {
		p++
	}
	if p+1 < len(l.src) && l.src[p] == '.' && isDigit(l.src[p+1]) {
		p++
		for p < len(l.src) && isDigit(l.src[p]) {
			p++
		}
	}
	l.pos, l.kind, l.end = p, tNum, p
}

func (l *lexer) ascii(c byte) {
	rest := l.src[l.pos:]
	two := func(s string) bool { return len(rest) >= len(s) && rest[:len(s)] == s }
	k, n := tOther, 1
	switch {
	case two(":="):
		k, n = tAssign, 2
	case two("->"):
		k, n = tImp, 2
	case two("<->"):
		k, n = tIff, 3
	case two("<="):
		k, n = tLe, 2
	case two(">="):
		k, n = tGe, 2
	case two("/\\"):
		k, n = tAnd, 2
	case two("\\/"):
		k, n = tOr, 2
	case two("[MOD "):
		k, n = tMOD, 4
	case two("[ZMOD "):
		k, n = tZMOD, 5
	case c == ':':
		k = tColon
	case c == '<':
		k = tLt
	case c == '>':
		k = tGt
	case c == '-':
		k = tMinus
	case c == '/':
		k = tSlash
	case c == '[':
		k = tLBrack
	case c == '_' || isLetter(c):
		l.ident()
		return
	default:
		k = asciiToks[c]
		if k == tEOF {
			k = tOther
		}
	}
	l.pos += n
	l.kind, l.end = k, l.pos
}

// ident scans a dotted Lean identifier. Like Lean, it lets `!` and `?` end
// a name part, so `n!` is one (unknown) name, not a factorial.
func (l *lexer) ident() {
	p := l.pos
	for p < len(l.src) {
		r, n := utf8.DecodeRuneInString(l.src[p:])
		switch {
		case isIdentRest(r):
			p += n
		case (r == '!' || r == '?') && p > l.pos:
			p += n
		case r == '.' && p+1 < len(l.src) && p > l.pos:
			r2, _ := utf8.DecodeRuneInString(l.src[p+1:])
			if !isIdentStart(r2) {
				l.pos, l.kind, l.end = p, tIdent, p
				return
			}
			p++
		default:
			l.pos, l.kind, l.end = p, tIdent, p
			return
		}
	}
	l.pos, l.kind, l.end = p, tIdent, p
}

func (l *lexer) text() string { return l.src[l.start:l.end] }

func isDigit(c byte) bool  { return c >= '0' && c <= '9' }
func isLetter(c byte) bool { return c|0x20 >= 'a' && c|0x20 <= 'z' }

// isIdentStart follows Lean's letter-like classes closely enough for
// statements: Latin and Greek letters, letter-like symbols (ℝ ℕ) and `_`.
func isIdentStart(r rune) bool {
	if r < utf8.RuneSelf {
		return r == '_' || isLetter(byte(r))
	}
	if r == 'λ' || r == 'Π' || r == 'Σ' {
		return false
	}
	return unicode.IsLetter(r) || (r >= 0x2100 && r <= 0x214f)
}

func isIdentRest(r rune) bool {
	if r < utf8.RuneSelf {
		return r == '_' || r == '\'' || isLetter(byte(r)) || (r >= '0' && r <= '9')
	}
	return isIdentStart(r) || (r >= '₀' && r <= '₉') || r == 'ᵢ' || r == 'ⱼ' || r == '!' || r == '?'
}
