package verify

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/stepwise-dev/stepwise"
)

// mathTok is a token of arithmetic in prose.
type mathTok struct {
	kind       byte   // 'n' number, 'o' operator, '(' ')' '=' , 'w' word or other
	lean       string // Lean text of the token
	start, end int    // in the source text
	percent    bool
}

// FormalizeText finds equations such as `48/2 = 24`, `3 × 4 = 12`,
// `20% of 50 = 10`, `$2 * 9 = $18` and simple LaTeX (`\frac{3}{4} \cdot 8 = 6`)
// in prose, and states each `lhs = rhs` pair of a chain `a = b = c` as a
// claim. Only claims with an operator are kept: "5 = 5" says nothing.
func FormalizeText(text string) []Claim {
	src, latex := delatex(text)
	toks := tokenizeMath(src.s)
	var out []Claim
	for i := 0; i < len(toks); {
		j := i
		for j < len(toks) && toks[j].kind != 'w' {
			j++
		}
		// A word glued into arithmetic ("9 hours * 2/3 = 6", "240g/5")
		// cuts an expression: the sides next to the cut are fragments. So
		// does a symbol or a one-letter name beside the run: "4 g(1/2) = 4
		// |1/2 - 1/4|" must not become the claim 1/2 = 4.
		cutBefore := i > 0 && i < len(toks) && cuts(src.s, toks[i-1], toks[i-1].end == toks[i].start)
		cutAfter := j+1 < len(toks) && toks[j+1].kind == 'o' ||
			j < len(toks) && j > i && cuts(src.s, toks[j], toks[j-1].end == toks[j].start)
		out = append(out, runClaims(toks[i:j], src, latex, cutBefore, cutAfter)...)
		i = j + 1
	}
	return out
}

// runClaims splits a run of math tokens at '=' and makes claims of
// neighbouring sides.
func runClaims(run []mathTok, src mapped, latex, cutBefore, cutAfter bool) []Claim {
	var sides [][]mathTok
	last := 0
	for k, t := range run {
		if t.kind == '=' {
			sides = append(sides, run[last:k])
			last = k + 1
		}
	}
	if len(sides) == 0 {
		return nil
	}
	sides = append(sides, run[last:])
	var out []Claim
	first, last := 0, len(sides)-1
	if s := sides[0]; cutBefore || (len(s) > 0 && s[0].kind == 'o') {
		first = 1 // "* 40% = 80" after "200 GB": the left side is a fragment
	}
	if s := sides[last]; cutAfter || (len(s) > 0 && s[len(s)-1].kind == 'o') {
		last-- // the right side runs on past a word
	}
	for k := first; k+1 <= last; k++ {
		l, r := trimSide(sides[k], true), trimSide(sides[k+1], false)
		if len(l) == 0 || len(r) == 0 || !(hasOp(l) || hasOp(r)) {
			continue
		}
		r = percentAsNumber(l, r)
		source := "equation"
		if latex {
			source = "latex"
		}
		if hasPercent(l) || hasPercent(r) {
			source = "percent"
		}
		span := stepwise.Span{Start: src.orig(l[0].start), End: src.origEnd(r[len(r)-1].end)}
		if rem, whole := wholeDivision(src.s[r[len(r)-1].end:]); whole && k+1 == last {
			if cs, ok := naturalClaims(l, r, rem, source); ok {
				for _, c := range cs {
					c.Span = span
					out = append(out, c)
				}
				continue
			}
		}
		c, err := makeClaim(leanOf(l), leanOf(r), source)
		if err != nil {
			continue
		}
		c.Span = span
		out = append(out, c)
	}
	return out
}

// trimSide drops dangling operators and unbalanced parentheses at the
// outer edge of an equation side ("… so (3 + 4" → "3 + 4").
func trimSide(s []mathTok, left bool) []mathTok {
	for len(s) > 0 {
		switch {
		case left && (s[0].kind == 'o' && s[0].lean != "-" || s[0].kind == ')'):
			s = s[1:]
		case !left && (s[len(s)-1].kind == 'o' || s[len(s)-1].kind == '('):
			s = s[:len(s)-1]
		default:
			return balance(s, left)
		}
	}
	return s
}

// balance removes unmatched parentheses from the far end of a side.
func balance(s []mathTok, left bool) []mathTok {
	depth := 0
	for _, t := range s {
		switch t.kind {
		case '(':
			depth++
		case ')':
			depth--
		}
	}
	for depth > 0 && len(s) > 0 && left && s[0].kind == '(' {
		s, depth = s[1:], depth-1
	}
	for depth < 0 && len(s) > 0 && !left && s[len(s)-1].kind == ')' {
		s, depth = s[:len(s)-1], depth+1
	}
	if depth != 0 {
		return nil
	}
	return s
}

// cuts reports whether the word w beside a run of arithmetic makes the
// adjacent side a fragment: sentence punctuation never does; a word glued
// to the run ("2x", "g(") or one holding a symbol ("|", "\\sqrt", "π") does;
// an ordinary word set off by spaces ("sells", "a", "clips.") does not.
func cuts(s string, w mathTok, glued bool) bool {
	word := strings.Trim(s[w.start:w.end], ".,;:!?\"'’”“$")
	switch word {
	case "", `\`, `\(`, `\)`, `\[`, `\]`: // sentence punctuation, math delimiters
		return false
	}
	if glued {
		return true // "g(", "f'(", "2x": a name applied to or multiplying the side
	}
	for _, r := range word {
		if !unicode.IsLetter(r) && r != '\'' && r != '’' && r != '-' {
			return true
		}
	}
	return false
}

// percentAsNumber reads "× 100 = 70%" as the idiom it is: the percentage
// is the number 70, written with its sign, not 70/100. Only a lone
// percentage after a side that ends in multiplying by 100 is changed.
func percentAsNumber(l, r []mathTok) []mathTok {
	n := len(l)
	if len(r) != 1 || !r[0].percent || n < 2 || l[n-2].lean != "*" || l[n-1].lean != "100" {
		return r
	}
	t := r[0]
	t.lean, t.percent = strings.TrimSuffix(strings.TrimPrefix(t.lean, "("), " / 100)"), false
	return []mathTok{t}
}

func hasOp(s []mathTok) bool {
	for _, t := range s {
		if t.kind == 'o' || t.percent {
			return true
		}
	}
	return false
}

func hasPercent(s []mathTok) bool {
	for _, t := range s {
		if t.percent {
			return true
		}
	}
	return false
}

func leanOf(s []mathTok) string {
	parts := make([]string, len(s))
	for i, t := range s {
		parts[i] = t.lean
	}
	return strings.NewReplacer("( ", "(", " )", ")").Replace(strings.Join(parts, " "))
}

// tokenizeMath cuts prose into numbers, operators, parentheses, '=' and
// words. "x" between numbers is ×; "of" after a percentage is ×.
func tokenizeMath(s string) []mathTok {
	var toks []mathTok
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
			continue
		case c == '$' && i+1 < len(s) && isDigitByte(s[i+1]):
			i++ // currency
			continue
		case isDigitByte(c) || (c == '.' && i+1 < len(s) && isDigitByte(s[i+1])):
			t, n := numberTok(s, i)
			toks = append(toks, t)
			i += n
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		t := mathTok{start: i, end: i + n}
		switch r {
		case '+', '-', '*', '/', '^', '×', '·', '⋅', '÷', '−', '–':
			t.kind, t.lean = 'o', map[rune]string{'+': "+", '-': "-", '*': "*", '/': "/", '^': "^", '×': "*",
				'·': "*", '⋅': "*", '÷': "/", '−': "-", '–': "-"}[r]
		case '(', '[':
			t.kind, t.lean = '(', "("
		case ')', ']':
			t.kind, t.lean = ')', ")"
		case '=':
			t.kind, t.lean = '=', "="
		case ',', ':', ';', '!', '?':
			t.kind = 'w'
			if r == ',' && len(toks) > 0 && toks[len(toks)-1].kind == '=' {
				t.kind = 'w'
			}
		default:
			t, n = wordTok(s, i, toks)
		}
		toks = append(toks, t)
		i += n
	}
	return toks
}

// numberTok reads 1,234.5 or 20% (a percentage becomes (20 / 100)).
func numberTok(s string, i int) (mathTok, int) {
	j := i
	var digits strings.Builder
	for j < len(s) {
		c := s[j]
		switch {
		case isDigitByte(c):
			digits.WriteByte(c)
		case c == ',' && thousands(s, j):
			// thousands separator
		case c == '.' && j+1 < len(s) && isDigitByte(s[j+1]):
			digits.WriteByte(c)
		default:
			goto done
		}
		j++
	}
done:
	t := mathTok{kind: 'n', lean: digits.String(), start: i, end: j}
	if strings.HasPrefix(t.lean, ".") {
		t.lean = "0" + t.lean
	}
	if j < len(s) && s[j] == '%' {
		t.lean, t.percent, t.end = "("+t.lean+" / 100)", true, j+1
		j++
	}
	return t, j - i
}

// wordTok reads a word; "x" between numbers and "of" after a percentage
// act as multiplication.
func wordTok(s string, i int, prev []mathTok) (mathTok, int) {
	j := i
	for j < len(s) {
		r, n := utf8.DecodeRuneInString(s[j:])
		if r == ' ' || r == '\n' || r == '\t' || r == '=' || r == '(' || r == ')' || r == '+' || r == '*' || r == '/' || (r >= '0' && r <= '9') {
			break
		}
		j += n
	}
	if j == i {
		_, n := utf8.DecodeRuneInString(s[i:])
		j = i + n
	}
	w := s[i:j]
	t := mathTok{kind: 'w', start: i, end: j}
	last := len(prev) - 1
	switch {
	case (w == "x" || w == "X") && last >= 0 && (prev[last].kind == 'n' || prev[last].kind == ')'):
		t.kind, t.lean = 'o', "*"
	case w == "of" && last >= 0 && prev[last].percent:
		t.kind, t.lean = 'o', "*"
	}
	return t, j - i
}

func isDigitByte(c byte) bool { return c >= '0' && c <= '9' }

// thousands reports a thousands separator at s[j]: a comma followed by
// exactly three digits.
func thousands(s string, j int) bool {
	if j+3 >= len(s) {
		return false
	}
	three := isDigitByte(s[j+1]) && isDigitByte(s[j+2]) && isDigitByte(s[j+3])
	return three && (j+4 >= len(s) || !isDigitByte(s[j+4]))
}
