package verify

import (
	"strings"
	"unicode"

	"github.com/stepwise-dev/stepwise"
)

// FormalizeText finds equations such as `48/2 = 24`, `3 × 4 = 12`,
// `20% of 50 = 10`, `$2 * 9 = $18`, `4(40) - 13 = 147` and simple LaTeX
// (`\frac{3}{4} \cdot 8 = 6`) in prose, and states each `lhs = rhs` pair of
// a chain `a = b = c` as a claim. Only pairs with an operator are claims:
// "5 = 5" and "x = 5" say nothing.
//
// A pair is stated only when every token of its text is accounted for:
// each belongs to the parsed arithmetic, and the text on either side is a
// break (punctuation, a line end, a list bullet) or a harmless word. A
// variable or unit glued to a number ("3x - 10", "240g"), an operator word
// ("60 questions x 40/100", "one-third of 27"), a symbol (√, π, |, °), a
// factorial that may be an exclamation mark, or a sentence that rejects
// the claim ("… = 61, which does not work", "(False)", "≠") makes it
// unsupported: the claim comes back with Err set, never cut down to
// something the author did not write.
//
// A decimal that is the exact value rounded or cut to the digits shown
// (`200 / 3 = 66.66666666666667`, `201 / 17 = 11.82...`, `280 ÷ 120 ≈
// 2.333`) is stated as that approximation, not as an equality.
func FormalizeText(text string) []Claim {
	src, latex := delatex(text)
	toks := tokenizeMath(src.s)
	for k, t := range toks {
		if t.kind == kOpen {
			o := src.orig(t.start)
			toks[k].group = o >= len(text) || (text[o] != '(' && text[o] != '[')
		}
	}
	f := proseFormalizer{text: text, src: src, toks: toks, latex: latex}
	for i := 0; i < len(toks); {
		if !inRun(toks[i].kind) {
			i++
			continue
		}
		j := i
		for j < len(toks) && inRun(toks[j].kind) {
			j++
		}
		f.run(i, j)
		i = j
	}
	return f.out
}

// inRun reports the token kinds that make up arithmetic.
func inRun(k byte) bool {
	switch k {
	case kNum, kOp, kOpen, kClose, kEq, kApprox, kRel, kBang:
		return true
	}
	return false
}

type proseFormalizer struct {
	text  string
	src   mapped
	toks  []mathTok
	latex bool
	out   []Claim
}

// side is one side of a chain: toks[start:end] after trimming outer
// parentheses, and the relation after it. cut is set when the side is
// part of a parenthesized group that starts before the run or ends after
// it while the chain goes on outside the group ("HM(5, 7) = 2 * …").
type side struct {
	start, end int
	rel        byte
	cut        bool
}

// run states the claims of the arithmetic toks[i:j].
func (f *proseFormalizer) run(i, j int) {
	var sides []side
	last := i
	for k := i; k < j; k++ {
		switch f.toks[k].kind {
		case kEq, kApprox, kRel:
			sides = append(sides, side{start: last, end: k, rel: f.toks[k].kind})
			last = k + 1
		}
	}
	if len(sides) == 0 {
		return
	}
	sides = append(sides, side{start: last, end: j})
	match := f.matchParens(i, j)
	for k := range sides {
		f.trimParens(&sides[k], match, k == 0, k == len(sides)-1)
	}
	for k := 0; k+1 < len(sides); k++ {
		if r := sides[k].rel; r == kEq || r == kApprox {
			f.pair(sides, k, i, j)
		}
	}
}

// matchParens maps each parenthesis of toks[i:j] to its partner's index,
// -1 when it has none within the run.
func (f *proseFormalizer) matchParens(i, j int) map[int]int {
	match := map[int]int{}
	var open []int
	for k := i; k < j; k++ {
		switch f.toks[k].kind {
		case kOpen:
			open = append(open, k)
			match[k] = -1
		case kClose:
			if len(open) == 0 {
				match[k] = -1
				continue
			}
			o := open[len(open)-1]
			open = open[:len(open)-1]
			match[k], match[o] = o, k
		}
	}
	return match
}

// trimParens drops the parentheses at the edges of a side whose partner
// lies outside it: a group around an equation ("(3 + 4 = 7)"), or an
// aside opened before the first side or closed after the last. A side
// closing a group opened before the run, with the chain going on after it,
// is cut.
func (f *proseFormalizer) trimParens(s *side, match map[int]int, first, last bool) {
	for s.start < s.end && f.toks[s.start].kind == kOpen {
		m := match[s.start]
		if m >= 0 && m < s.end {
			break // a group inside the side
		}
		if m < 0 && !first {
			s.cut = true
		}
		s.start++
	}
	for s.end > s.start && f.toks[s.end-1].kind == kClose {
		m := match[s.end-1]
		if m >= s.start {
			break
		}
		if m < 0 && !last {
			s.cut = true
		}
		s.end--
	}
}

// pair states sides[k] = sides[k+1] (or ≈) of the run toks[i:j].
func (f *proseFormalizer) pair(sides []side, k, i, j int) {
	l, r := sides[k], sides[k+1]
	if l.start >= l.end || r.start >= r.end {
		return // "x = 5": a side is a word, the pair names a value
	}
	span := stepwise.Span{Start: f.src.orig(f.toks[l.start].start), End: f.src.origEnd(f.toks[r.end-1].end)}
	source := "equation"
	if f.latex {
		source = "latex"
	}
	le, lerr := parseSide(f.toks[l.start:l.end])
	re, rerr := parseSide(f.toks[r.start:r.end])
	if lerr == nil && rerr == nil && !le.hasOp() && !re.hasOp() {
		return
	}
	if f.hasPercent(l) || f.hasPercent(r) {
		source = "percent"
	}
	fail := func(why string) {
		f.out = append(f.out, Claim{Source: source, Text: f.spanText(span), Span: span, Err: why})
	}
	switch {
	case lerr != nil:
		fail("the left side is not plain arithmetic (" + lerr.Error() + ")")
		return
	case rerr != nil:
		fail("the right side is not plain arithmetic (" + rerr.Error() + ")")
		return
	case l.cut || r.cut:
		fail("a side is part of a parenthesized group the equation is not")
		return
	case k == 0 && f.cutsBefore(i, l):
		fail("the left side continues into the text before it (" + f.neighbour(i-1) + ")")
		return
	case k+2 == len(sides) && f.cutsAfter(j):
		fail("the right side continues into the text after it (" + f.neighbour(j) + ")")
		return
	}
	if k == 0 && f.inList(i-1, -1) || k+2 == len(sides) && f.inList(j, +1) {
		fail("a side is an item of a list with an ellipsis (a sequence, not a number)")
		return
	}
	if f.runningLink(sides, k, le, re) {
		fail("a running computation written as a chain: the left side is the right side's first term, which the next side completes")
		return
	}
	if why, ok := rejected(f.src.s, f.toks[l.start].start, f.toks[r.end-1].end); ok {
		fail("the text does not assert it (" + why + ")")
		return
	}
	if k+2 == len(sides) {
		rest := f.src.s[f.toks[r.end-1].end:]
		if rem, whole := wholeDivision(rest); whole {
			if cs, ok := naturalClaims(le, re, rem, source); ok {
				for _, c := range cs {
					c.Span = span
					f.out = append(f.out, c)
				}
				return
			}
		}
	}
	c, err := pairClaim(le, re, sides[k].rel == kApprox, source)
	if err != nil {
		fail(err.Error())
		return
	}
	c.Span = span
	f.out = append(f.out, c)
}

func (f *proseFormalizer) hasPercent(s side) bool {
	for _, t := range f.toks[s.start:s.end] {
		if t.percent {
			return true
		}
	}
	return false
}

func (f *proseFormalizer) spanText(sp stepwise.Span) string {
	if sp.Start >= 0 && sp.End <= len(f.text) && sp.Start <= sp.End {
		return f.text[sp.Start:sp.End]
	}
	return ""
}

// neighbour names token k for a message.
func (f *proseFormalizer) neighbour(k int) string {
	if k < 0 || k >= len(f.toks) {
		return "nothing"
	}
	t := f.toks[k]
	return "'" + clipText(f.src.s[t.start:t.end], 20) + "'"
}

func clipText(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// cutsBefore reports whether the first side of the run starting at toks[i]
// continues into the text before it: the run starts with an operator (the
// operand is before it), or the token before is glued to it, a symbol, a
// one-letter name or an operator word.
func (f *proseFormalizer) cutsBefore(i int, l side) bool {
	if l.start > i {
		// The run starts with parentheses matched after this side.
		for _, t := range f.toks[i:l.start] {
			if t.kind != kOpen {
				return true
			}
		}
	}
	first := f.toks[i]
	if first.kind == kOp && !(first.lean == "-" && i+1 < len(f.toks) && f.toks[i+1].start == first.end) {
		return true // "* 2/3 = 6" after "9 hours"; a spaced "- 3" after a word
	}
	if first.kind == kClose || first.kind == kBang {
		return true
	}
	if i == 0 {
		return false
	}
	w := f.toks[i-1]
	switch w.kind {
	case kBreak:
		return false
	case kWord:
		if w.end == first.start {
			return true // "g(", "x2"
		}
		return !harmlessWord(f.src.s[w.start:w.end], false)
	}
	return true
}

// cutsAfter reports whether the last side of the run ending before
// toks[j] continues into the text after it.
func (f *proseFormalizer) cutsAfter(j int) bool {
	last := f.toks[j-1]
	if last.kind == kOp || last.kind == kOpen {
		return true
	}
	if j >= len(f.toks) {
		return false
	}
	w := f.toks[j]
	if w.kind == kBreak {
		return false
	}
	word := f.src.s[w.start:w.end]
	if w.end > 0 && w.start == last.end {
		return true // "240g", "2x", "90°", "5th"
	}
	if (word == "R" || word == "r") && j+1 < len(f.toks) && f.toks[j+1].kind == kNum {
		return false // "20 ÷ 6 = 3 R 2": a quotient and its remainder (wholeDivision)
	}
	if strings.EqualFold(word, "of") {
		// "= 1/4 of 80": the side multiplies what follows; "= 60% of the
		// students" names what it is a share of.
		return operandNext(f.src.s[w.end:])
	}
	if !harmlessWord(word, true) {
		return true
	}
	// "= 6 apples × 2": a unit, then more arithmetic on the same quantity.
	if j+2 < len(f.toks) {
		next, after := f.toks[j+1], f.toks[j+2]
		if next.kind == kOp && (after.kind == kNum || after.kind == kOpen) {
			return true
		}
	}
	return false
}

// inList reports whether the comma at toks[k] (walking in direction dir)
// joins the side to a list with an ellipsis: "45, 90, …, 990 = 1·45,
// 2·45, …" equates two sequences item by item, not 990 with 1·45.
func (f *proseFormalizer) inList(k, dir int) bool {
	if k < 0 || k >= len(f.toks) || f.src.s[f.toks[k].start:f.toks[k].end] != "," {
		return false
	}
	for n := 0; n < 12; n++ {
		k += dir
		if k < 0 || k >= len(f.toks) {
			return false
		}
		t := f.toks[k]
		switch w := f.src.s[t.start:t.end]; {
		case w == "…" || w == "..." || t.ellipsis:
			return true
		case t.kind == kBreak && w != ",", t.kind == kWord:
			return false
		}
	}
	return false
}

// operatorWords name an operation on the number beside them.
var operatorWords = map[string]bool{
	"x": true, "times": true, "of": true, "by": true, "plus": true, "minus": true, "over": true,
	"divided": true, "multiplied": true, "squared": true, "cubed": true, "percent": true,
	"sqrt": true, "root": true, "log": true, "ln": true, "sin": true, "cos": true, "tan": true,
	"twice": true, "double": true, "triple": true, "thrice": true, "half": true, "third": true,
	"thirds": true, "quarter": true, "quarters": true, "average": true, "mean": true,
	"factorial": true, "mod": true, "modulo": true, "choose": true, "power": true, "per": true,
}

// harmlessWord reports a word that may stand next to a claim without
// being part of it: letters only, two or more of them (or the articles "a"
// and "I"), and no operator word. After a claim "per" is a unit ("60 per
// hour"), before one it divides.
func harmlessWord(w string, after bool) bool {
	lw := strings.ToLower(strings.Trim(w, "'’"))
	if after && lw == "per" {
		return true
	}
	if operatorWords[lw] || strings.Contains(lw, "-third") || strings.Contains(lw, "-half") ||
		strings.Contains(lw, "-quarter") {
		return false
	}
	n := 0
	for _, r := range lw {
		if !unicode.IsLetter(r) && r != '-' && r != '\'' && r != '’' {
			return false
		}
		n++
	}
	return n >= 2 || lw == "a" || lw == "i"
}
