package render

import (
	"strings"
)

// Markdown mangles TeX: `$a*b*c$` loses its asterisks to emphasis and
// `\{` loses its backslash to escaping. So before glamour sees the text,
// every math span (and every top-level fenced code block, which we
// highlight ourselves) is swapped for a placeholder token made of letters
// only, which markdown leaves alone; after rendering the tokens are found
// and replaced by the spans, styled.

type spanKind uint8

const (
	spanInline  spanKind = iota // inline math: replaced within its line
	spanDisplay                 // display math on lines of its own
	spanCode                    // a fenced code block
	spanCalc                    // a GSM8K calculator annotation <<48/2=24>>
)

type span struct {
	kind  spanKind
	raw   string // the source text, delimiters included, byte-exact
	body  string // math without delimiters; code without fences
	env   string // \begin{env} name, "" otherwise
	lang  string // code block info string (first word)
	token string
	// src is the input replaced and emitted what replaced it (the token,
	// plus blank lines for blocks): protect is exactly reversible.
	src, emitted string
}

type protected struct {
	text   string // markdown with tokens in place of spans
	prefix string // every token starts with it; it occurs nowhere in the input
	spans  []span
}

// Limits on how far a closing delimiter is searched for, so text full of
// stray dollar signs stays linear.
const (
	maxInlineMath  = 4 << 10
	maxDisplayMath = 16 << 10
	maxEnvMath     = 64 << 10
	maxSpans       = 26 * 26 * 26
	tokenDigits    = 3
)

// protector holds the state of one protect call.
type protector struct {
	src      string
	currency bool
	minTok   int // the shortest token: prefix + digits
	maxTok   int // inline tokens are padded to the span's width, up to this
	unicode  bool
	out      strings.Builder
	p        protected
	memo     map[string]*scanMemo
}

// protect replaces math spans and top-level fenced code blocks in s (cleaned
// text) with tokens. With currency set, `$` is a dollar sign, never math
// (GSM8K). maxTok bounds inline token width (so glamour never has to split
// one); tokens are as wide as the rendered span when that fits, so glamour's
// wrapping accounts for the math.
func protect(s string, currency, unicode bool, maxTok int) protected {
	pr := protector{src: s, currency: currency, unicode: unicode}
	pr.p.prefix = pickPrefix(s)
	pr.minTok = len(pr.p.prefix) + tokenDigits
	pr.maxTok = max(maxTok, pr.minTok)
	pr.out.Grow(len(s) + 64)
	pr.blocks()
	pr.p.text = pr.out.String()
	return pr.p
}

// pickPrefix returns a letters-only prefix that does not occur in s, so no
// token can collide with the text.
func pickPrefix(s string) string {
	for n := 0; ; n++ {
		p := "Zq" + letters(n, 1+n/26) + "Q"
		if !strings.Contains(s, p) {
			return p
		}
	}
}

// letters writes n in base 26 with lower-case digits, zero-padded to width.
func letters(n, width int) string {
	b := make([]byte, width)
	for i := width - 1; i >= 0; i-- {
		b[i] = byte('a' + n%26)
		n /= 26
	}
	return string(b)
}

// token builds the placeholder for span i, at least width columns wide.
func (pr *protector) token(i, width int) string {
	t := pr.p.prefix + letters(i, tokenDigits)
	if width > pr.maxTok {
		width = pr.maxTok
	}
	if pad := width - len(t); pad > 0 {
		t += strings.Repeat("q", pad)
	}
	return t
}

func (pr *protector) add(sp span, width int) string {
	sp.token = pr.token(len(pr.p.spans), width)
	pr.p.spans = append(pr.p.spans, sp)
	return sp.token
}

// emit writes what replaces the last span added.
func (pr *protector) emit(s string) {
	pr.p.spans[len(pr.p.spans)-1].emitted = s
	pr.out.WriteString(s)
}

// blocks walks s line by line, pulling out top-level fenced code blocks and
// handing the text between them to the inline scanner.
func (pr *protector) blocks() {
	s := pr.src
	textStart := 0
	for pos := 0; pos < len(s); {
		end := lineEnd(s, pos)
		indent, ch, n, info, ok := fenceOpen(s[pos:end])
		if !ok || len(pr.p.spans) >= maxSpans {
			pos = nextLine(s, end)
			continue
		}
		// Find the closing fence; an unclosed fence runs to the end.
		bodyStart := nextLine(s, end)
		bodyEnd, after := len(s), len(s)
		for q := bodyStart; q < len(s); {
			qe := lineEnd(s, q)
			if fenceClose(s[q:qe], ch, n) {
				bodyEnd, after = q, qe
				break
			}
			q = nextLine(s, qe)
		}
		pr.inline(s[textStart:pos])
		body := dedent(s[min(bodyStart, bodyEnd):bodyEnd], indent)
		tok := pr.add(span{kind: spanCode, raw: s[pos:after], body: strings.TrimSuffix(body, "\n"),
			lang: firstWord(info), src: s[pos:after]}, 0)
		pr.emit("\n" + strings.Repeat(" ", indent) + tok + "\n")
		textStart, pos = after, nextLine(s, after)
	}
	pr.inline(s[textStart:])
}

func lineEnd(s string, pos int) int {
	if i := strings.IndexByte(s[pos:], '\n'); i >= 0 {
		return pos + i
	}
	return len(s)
}

func nextLine(s string, end int) int {
	if end < len(s) {
		return end + 1
	}
	return len(s)
}

// fenceOpen recognizes a CommonMark fence opener: up to 3 spaces, then 3 or
// more backticks or tildes, then an info string (no backticks for a
// backtick fence).
func fenceOpen(l string) (indent int, ch byte, n int, info string, ok bool) {
	for indent < len(l) && l[indent] == ' ' {
		indent++
	}
	if indent > 3 || indent >= len(l) || (l[indent] != '`' && l[indent] != '~') {
		return 0, 0, 0, "", false
	}
	ch = l[indent]
	for indent+n < len(l) && l[indent+n] == ch {
		n++
	}
	if n < 3 {
		return 0, 0, 0, "", false
	}
	info = strings.TrimSpace(l[indent+n:])
	if ch == '`' && strings.IndexByte(info, '`') >= 0 {
		return 0, 0, 0, "", false
	}
	return indent, ch, n, info, true
}

func fenceClose(l string, ch byte, n int) bool {
	t := strings.TrimLeft(l, " ")
	if len(l)-len(t) > 3 {
		return false
	}
	k := 0
	for k < len(t) && t[k] == ch {
		k++
	}
	return k >= n && strings.TrimSpace(t[k:]) == ""
}

// dedent removes up to n leading spaces from each line, as CommonMark does
// for the content of an indented fence.
func dedent(s string, n int) string {
	if n == 0 {
		return s
	}
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		k := 0
		for k < n && k < len(l) && l[k] == ' ' {
			k++
		}
		lines[i] = l[k:]
	}
	return strings.Join(lines, "\n")
}

func firstWord(s string) string {
	if i := strings.IndexAny(s, " {"); i >= 0 {
		s = s[:i]
	}
	return strings.ToLower(s)
}
