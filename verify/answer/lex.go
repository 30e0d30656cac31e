package answer

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// tokKind classifies a token of an answer written in LaTeX or plain text.
type tokKind uint8

const (
	tEOF   tokKind = iota
	tNum           // a number literal, separators removed
	tIdent         // one letter or a Greek letter's name
	tWord          // a run of two or more letters outside a command
	tText          // the content of \text{...} and its kin
	tFunc          // sin, cos, log, ln, exp, ...
	tConst         // pi, infinity
	tOp            // an operator, bracket or separator, in a canonical spelling
	tCmd           // a command this package does not know
)

type token struct {
	kind tokKind
	text string
}

// commandOps maps LaTeX commands to canonical operator spellings.
var commandOps = map[string]string{
	"leq": "<=", "le": "<=", "leqslant": "<=", "geq": ">=", "ge": ">=", "geqslant": ">=",
	"neq": "!=", "ne": "!=", "lt": "<", "gt": ">", "approx": "≈", "simeq": "≈", "sim": "≈",
	"pm": "±", "mp": "∓", "cup": "∪", "cap": "∩", "in": "∈", "cdot": "*", "times": "*", "ast": "*",
	"div": "/", "circ": "°", "%": "%", "{": "\\{", "}": "\\}", "lbrace": "\\{", "rbrace": "\\}",
	"colon": ":", "mid": "|", "vert": "|", "lvert": "|", "rvert": "|", "langle": "(", "rangle": ")",
	"lfloor": "⌊", "rfloor": "⌋", "lceil": "⌈", "rceil": "⌉", "to": "→", "rightarrow": "→",
	"Rightarrow": "⇒", "implies": "⇒", "iff": "⇔", "Leftrightarrow": "⇔", "land": ",", "wedge": ",",
	"lor": ",", "vee": ",", "setminus": "\\", "backslash": "\\", "equiv": "≡", "dots": "…",
	"ldots": "…", "cdots": "…", "dotsc": "…", "dotsb": "…", "degree": "°",
	"infty": "∞", "emptyset": "∅", "varnothing": "∅", "parallel": "∥", "perp": "⊥",
	"subset": "⊂", "subseteq": "⊆", "notin": "∉",
}

// ignoredCommands are spacing and sizing commands that carry no meaning.
var ignoredCommands = map[string]bool{
	"left": true, "right": true, "big": true, "Big": true, "bigg": true, "Bigg": true, "bigl": true,
	"bigr": true, "Bigl": true, "Bigr": true, "biggl": true, "biggr": true, "Biggl": true, "Biggr": true,
	"displaystyle": true, "textstyle": true, "scriptstyle": true, ",": true, "!": true, ";": true,
	":": true, " ": true, "quad": true, "qquad": true, "limits": true, "nolimits": true, "enspace": true,
	"thinspace": true, "medspace": true, "thickspace": true, "negthinspace": true, "relax": true,
	"middle": true, "nonumber": true, "notag": true, "\n": true, "\t": true, "$": true,
}

// transparentCommands wrap content that reads as math: \mathrm{e} is e.
var transparentCommands = map[string]bool{
	"mathrm": true, "mathbf": true, "mathit": true, "boldsymbol": true, "mathsf": true, "bm": true,
	"operatorname": true, "mathnormal": true, "pmb": true, "underline": true, "overline": false,
	"boxed": true, "fbox": true, "mathbb": true, "mathcal": true, "displaystyle": true, "color": false,
}

// textCommands wrap prose.
var textCommands = map[string]bool{
	"text": true, "textbf": true, "textit": true, "textrm": true, "textnormal": true, "mbox": true,
	"hbox": true, "textsf": true, "texttt": true, "textup": true, "emph": true,
}

// droppedWithArg take an argument that carries no meaning.
var droppedWithArg = map[string]bool{
	"hspace": true, "vspace": true, "phantom": true, "label": true, "tag": true, "color": true,
	"hphantom": true, "vphantom": true,
}

var functionNames = map[string]bool{
	"sin": true, "cos": true, "tan": true, "cot": true, "sec": true, "csc": true, "arcsin": true,
	"arccos": true, "arctan": true, "sinh": true, "cosh": true, "tanh": true, "log": true, "ln": true,
	"lg": true, "exp": true, "sqrt": true,
}

var greek = map[string]bool{
	"alpha": true, "beta": true, "gamma": true, "delta": true, "epsilon": true, "varepsilon": true,
	"zeta": true, "eta": true, "theta": true, "vartheta": true, "iota": true, "kappa": true,
	"lambda": true, "mu": true, "nu": true, "xi": true, "rho": true, "sigma": true, "tau": true,
	"upsilon": true, "phi": true, "varphi": true, "chi": true, "psi": true, "omega": true,
	"Gamma": true, "Delta": true, "Theta": true, "Lambda": true, "Xi": true, "Pi": true,
	"Sigma": true, "Phi": true, "Psi": true, "Omega": true,
}

// unicodeOps maps symbols typed as Unicode to canonical spellings.
var unicodeOps = map[rune]string{
	'≤': "<=", '≥': ">=", '≠': "!=", '±': "±", '∓': "∓", '×': "*", '÷': "/", '·': "*", '⋅': "*",
	'−': "-", '–': "-", '∪': "∪", '∩': "∩", '∈': "∈", '°': "°", '≈': "≈", '∞': "∞", '→': "→",
	'…': "…", '⌊': "⌊", '⌋': "⌋", '⌈': "⌈", '⌉': "⌉", '∅': "∅", '％': "%",
}

// maxTokens bounds the work on one answer: a final answer is short, and a
// hostile one must not cost more than a moment.
const maxTokens = 4096

// lexer turns an answer into tokens. It tracks bracket depth so that a comma
// between digit groups reads as a thousands separator only outside brackets.
type lexer struct {
	s     string
	i     int
	depth int
	toks  []token
	err   bool
}

func lex(s string) ([]token, bool) {
	l := &lexer{s: s}
	for l.i < len(l.s) && !l.err {
		if len(l.toks) > maxTokens {
			return nil, false
		}
		l.next()
	}
	return l.toks, !l.err
}

func (l *lexer) emit(k tokKind, text string) {
	if k == tOp {
		switch text {
		case "(", "[", "{", "\\{":
			l.depth++
		case ")", "]", "}", "\\}":
			l.depth--
		}
	}
	l.toks = append(l.toks, token{k, text})
}

func (l *lexer) next() {
	c := l.s[l.i]
	switch {
	case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '~' || c == '$':
		l.i++
	case c >= '0' && c <= '9' || c == '.' && l.i+1 < len(l.s) && isDigit(l.s[l.i+1]):
		l.number()
	case c == '\\':
		l.command()
	case isLetter(c):
		j := l.i
		for j < len(l.s) && isLetter(l.s[j]) {
			j++
		}
		w := l.s[l.i:j]
		l.i = j
		switch {
		case len(w) == 1:
			l.emit(tIdent, w)
		case functionNames[w]:
			l.emit(tFunc, w)
		case w == "pi":
			l.emit(tConst, "pi")
		default:
			l.emit(tWord, w)
		}
	case c < utf8.RuneSelf:
		l.i++
		l.asciiOp(c)
	default:
		r, n := utf8.DecodeRuneInString(l.s[l.i:])
		l.i += n
		l.unicode(r)
	}
}

func (l *lexer) asciiOp(c byte) {
	two := ""
	if l.i < len(l.s) {
		two = string(c) + string(l.s[l.i])
	}
	switch two {
	case "<=", ">=", "!=", "=<", "=>":
		l.i++
		l.emit(tOp, map[string]string{"<=": "<=", ">=": ">=", "!=": "!=", "=<": "<=", "=>": ">="}[two])
		return
	case "**":
		l.i++
		l.emit(tOp, "^")
		return
	}
	switch c {
	case '+', '-', '*', '/', '^', '_', '!', ',', ';', ':', '&', '=', '<', '>', '(', ')', '[', ']',
		'{', '}', '|', '%', '\'':
		l.emit(tOp, string(c))
	case '?', '#', '"', '`', '@':
		l.err = true
	}
}

func (l *lexer) unicode(r rune) {
	switch {
	case r == 'π':
		l.emit(tConst, "pi")
	case r == '√':
		l.emit(tFunc, "sqrt")
	case r == '²' || r == '³':
		l.emit(tOp, "^")
		l.emit(tNum, map[rune]string{'²': "2", '³': "3"}[r])
	case r == '€' || r == '£' || r == '¥' || r == '₹' || r == '\u00a0' || r == '\u2009' || r == '\u202f':
	case unicodeOps[r] != "":
		l.emit(tOp, unicodeOps[r])
	case unicode.IsLetter(r):
		l.emit(tWord, string(r))
	case unicode.IsSpace(r):
	default:
		l.err = true
	}
}

func isDigit(c byte) bool  { return c >= '0' && c <= '9' }
func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

func (l *lexer) digits(j int) int {
	for j < len(l.s) && isDigit(l.s[j]) {
		j++
	}
	return j
}

// number reads 12, 1.5, .4, 1,000,000 (outside brackets), 1 000 (a group of
// three after a group of at most three), 1.5e-3.
func (l *lexer) number() {
	var b strings.Builder
	start := l.i
	j := l.digits(l.i)
	b.WriteString(l.s[l.i:j])
	if l.depth == 0 && j-start <= 3 && j > start {
		for {
			if k, ok := l.group(j); ok {
				b.WriteString(l.s[k-3 : k])
				j = k
				continue
			}
			break
		}
	}
	if j < len(l.s)-1 && l.s[j] == '.' && isDigit(l.s[j+1]) {
		k := l.digits(j + 1)
		b.WriteString(l.s[j:k])
		j = k
	}
	if j < len(l.s)-1 && (l.s[j] == 'e' || l.s[j] == 'E') {
		k := j + 1
		if k < len(l.s) && (l.s[k] == '-' || l.s[k] == '+') {
			k++
		}
		if k < len(l.s) && isDigit(l.s[k]) {
			if e := l.digits(k); e == len(l.s) || !isLetter(l.s[e]) {
				b.WriteString(l.s[j:e])
				j = e
			}
		}
	}
	l.i = j
	l.emit(tNum, b.String())
}

// thousandsSeps separate groups of three digits: 1,000, 14{,}916, 32,\! 349,
// 1\,000, 1 000.
var thousandsSeps = []string{",\\!", "{,}", ",", "\\,", "\\ ", " "}

// group reports a thousands separator at j followed by exactly three digits,
// and returns the end of the digits. A space-separated group must not be
// followed by another space and digit ("4 5 6" is not a number).
func (l *lexer) group(j int) (int, bool) {
	for _, sep := range thousandsSeps {
		if !strings.HasPrefix(l.s[j:], sep) {
			continue
		}
		k := j + len(sep)
		if sep != " " {
			for k < len(l.s) && l.s[k] == ' ' {
				k++
			}
		}
		if k+3 > len(l.s) || !isDigit(l.s[k]) || !isDigit(l.s[k+1]) || !isDigit(l.s[k+2]) {
			return 0, false
		}
		if k+3 < len(l.s) && isDigit(l.s[k+3]) {
			return 0, false
		}
		if sep == " " && k+4 < len(l.s) && l.s[k+3] == ' ' && isDigit(l.s[k+4]) {
			return 0, false
		}
		return k + 3, true
	}
	return 0, false
}

// command reads a backslash command.
func (l *lexer) command() {
	j := l.i + 1
	if j >= len(l.s) {
		l.i = j
		return
	}
	if !isLetter(l.s[j]) {
		name := l.s[j : j+1]
		l.i = j + 1
		switch {
		case name == "\\" && l.i < len(l.s) && isLetter(l.s[l.i]) && knownCommand(l.word(l.i)):
			// \\frac, \\left: LaTeX escaped twice on its way through JSON.
			// A row break followed by letters means nothing in math.
			l.i--
			l.command()
		case name == "\\":
			l.emit(tOp, "\\\\")
		case ignoredCommands[name]:
		case commandOps[name] != "":
			l.emit(tOp, commandOps[name])
		case name == "#" || name == "&" || name == "_":
			l.emit(tOp, name)
		}
		return
	}
	k := j
	for k < len(l.s) && isLetter(l.s[k]) {
		k++
	}
	name := l.s[j:k]
	l.i = k
	switch {
	case ignoredCommands[name]:
	case commandOps[name] == "∞":
		l.emit(tConst, "inf")
	case commandOps[name] != "":
		l.emit(tOp, commandOps[name])
	case name == "pi":
		l.emit(tConst, "pi")
	case functionNames[name]:
		l.emit(tFunc, name)
	case greek[name]:
		l.emit(tIdent, name)
	case textCommands[name]:
		arg, ok := l.braced()
		if !ok {
			return
		}
		l.emit(tText, arg)
	case droppedWithArg[name]:
		l.braced()
	case transparentCommands[name]:
		// The braces stay: \mathrm{e} lexes as { e }.
	case name == "frac" || name == "dfrac" || name == "tfrac" || name == "cfrac" || name == "over":
		l.emit(tCmd, "frac")
	case name == "begin" || name == "end":
		arg, _ := l.braced()
		l.emit(tCmd, name+":"+strings.TrimSuffix(arg, "*"))
	case name == "binom" || name == "dbinom" || name == "tbinom" || name == "choose":
		l.emit(tCmd, "binom")
	case strings.HasPrefix(name, "qquad") || strings.HasPrefix(name, "quad"):
		// \quadx_2: a spacing command run into the next letters, as some
		// datasets' gold answers have it.
		rest := strings.TrimPrefix(name, "qquad")
		if rest == name {
			rest = strings.TrimPrefix(name, "quad")
		}
		l.i = k - len(rest)
	default:
		l.emit(tCmd, name)
	}
}

// word returns the run of letters at i.
func (l *lexer) word(i int) string {
	j := i
	for j < len(l.s) && isLetter(l.s[j]) {
		j++
	}
	return l.s[i:j]
}

// knownCommand reports a command this lexer reads.
func knownCommand(name string) bool {
	return ignoredCommands[name] || commandOps[name] != "" || functionNames[name] || greek[name] ||
		textCommands[name] || transparentCommands[name] || name == "pi" || name == "frac" ||
		name == "dfrac" || name == "tfrac" || name == "sqrt" || name == "begin" || name == "end" || name == "boxed"
}

// braced reads a {...} argument after optional spaces, matching nested braces.
func (l *lexer) braced() (string, bool) {
	j := l.i
	for j < len(l.s) && l.s[j] == ' ' {
		j++
	}
	if j >= len(l.s) || l.s[j] != '{' {
		return "", false
	}
	depth := 0
	for k := j; k < len(l.s); k++ {
		switch l.s[k] {
		case '\\':
			k++
		case '{':
			depth++
		case '}':
			depth--
			if depth == 0 {
				l.i = k + 1
				return l.s[j+1 : k], true
			}
		}
	}
	l.err = true
	return "", false
}
