package answer

import (
	"math/big"
	"strings"
)

// parser reads tokens into a node. Anything it does not understand fails
// the parse: the caller then compares text, never a half-read expression.
type parser struct {
	toks  []token
	pos   int
	depth int
	fail  bool
}

// maxDepth bounds recursion on hostile input such as ((((((...
const maxDepth = 200

// parse reads an answer. ok is false when any part of it is not understood.
func parse(s string) (*node, bool) {
	toks, ok := lex(s)
	if !ok || len(toks) == 0 {
		return nil, false
	}
	p := &parser{toks: toks}
	n := p.top()
	if p.fail || n == nil || p.pos != len(p.toks) {
		return nil, false
	}
	return n, true
}

func (p *parser) peek() token {
	if p.pos < len(p.toks) {
		return p.toks[p.pos]
	}
	return token{}
}

func (p *parser) peekAt(k int) token {
	if p.pos+k < len(p.toks) {
		return p.toks[p.pos+k]
	}
	return token{}
}

func (p *parser) isOp(s string) bool {
	t := p.peek()
	return t.kind == tOp && t.text == s
}

func (p *parser) eat(s string) bool {
	if p.isOp(s) {
		p.pos++
		return true
	}
	return false
}

func (p *parser) bad() *node {
	p.fail = true
	return nil
}

func (p *parser) enter() bool {
	p.depth++
	if p.depth > maxDepth {
		p.fail = true
		return false
	}
	return true
}

func (p *parser) leave() { p.depth-- }

func (p *parser) top() *node {
	items := p.seq(nil)
	if p.fail {
		return nil
	}
	switch len(items) {
	case 0:
		return nil
	case 1:
		return items[0]
	}
	return &node{k: kList, name: "", kids: items}
}

// isSeparator reports a token that separates list items: a comma, a
// semicolon, "and", "or".
func (p *parser) isSeparator() (string, bool) {
	t := p.peek()
	switch t.kind {
	case tOp:
		if t.text == "," || t.text == ";" || t.text == "\\\\" {
			return t.text, true
		}
	case tWord, tText:
		switch strings.ToLower(strings.TrimSpace(t.text)) {
		case "and", "or", ",", "&", ";":
			return ",", true
		}
	}
	return "", false
}

// atCloser reports whether the next token ends the current sequence.
func (p *parser) atCloser(closers []string) bool {
	t := p.peek()
	if t.kind == tEOF {
		return true
	}
	if t.kind == tCmd && strings.HasPrefix(t.text, "end:") {
		return true
	}
	if t.kind != tOp {
		return false
	}
	for _, c := range closers {
		if t.text == c {
			return true
		}
	}
	return false
}

// seq reads items separated by commas, "and", "or", and groups separated by
// semicolons ("p=5,q=2; p=7,q=2" is two pairs).
func (p *parser) seq(closers []string) []*node {
	if !p.enter() {
		return nil
	}
	defer p.leave()
	var groups [][]*node
	var cur []*node
	var words [][]*node // cur split at word separators ("and", "or")
	start := 0
	for !p.fail && !p.atCloser(closers) {
		if sep, ok := p.isSeparator(); ok {
			if p.peek().kind != tOp {
				words = append(words, cur[start:])
				start = len(cur)
			}
			p.pos++
			if sep == ";" {
				groups = append(groups, cur)
				cur, words, start = nil, nil, 0
			}
			continue
		}
		it := p.rel()
		if it == nil {
			p.fail = true
			return nil
		}
		cur = append(cur, it)
	}
	if groups == nil {
		if g := assignmentGroups(append(words, cur[start:])); g != nil {
			return g
		}
		return cur
	}
	groups = append(groups, cur)
	var out []*node
	for _, g := range groups {
		switch len(g) {
		case 0:
		case 1:
			out = append(out, g[0])
		default:
			out = append(out, &node{k: kList, name: "()", kids: g})
		}
	}
	return out
}

var relOps = map[string]bool{"=": true, "<": true, ">": true, "<=": true, ">=": true, "!=": true, "≈": true, "∈": true, "≡": true}

// rel reads a chain a op b op c, where op is a relation. What follows ≈ is
// dropped: "x = 1/3 ≈ 0.33" states 1/3.
func (p *parser) rel() *node {
	first := p.ratio()
	if first == nil {
		return nil
	}
	n := &node{k: kRel, kids: []*node{first}}
	var approxTo *node
	for {
		t := p.peek()
		if t.kind != tOp || !relOps[t.text] {
			break
		}
		p.pos++
		rhs := p.ratio()
		if rhs == nil {
			return p.bad()
		}
		if t.text == "≈" {
			if approxTo == nil {
				approxTo = rhs
			}
			continue
		}
		n.ops = append(n.ops, t.text)
		n.kids = append(n.kids, rhs)
	}
	switch {
	case len(n.ops) == 0 && approxTo != nil:
		return &node{k: kRel, kids: []*node{first, approxTo}, ops: []string{"="}}
	case len(n.ops) == 0:
		return first
	case len(n.ops) == 1 && n.ops[0] == "∈":
		return &node{k: kIn, kids: n.kids}
	}
	return n
}

// ratio reads a : b (: c): a ratio compares term by term, so 12:00 is not 1:00.
func (p *parser) ratio() *node {
	a := p.setOp()
	if a == nil || !p.isOp(":") {
		return a
	}
	n := &node{k: kList, name: ":", kids: []*node{a}}
	for p.eat(":") {
		b := p.setOp()
		if b == nil {
			return p.bad()
		}
		n.kids = append(n.kids, b)
	}
	return n
}

func (p *parser) setOp() *node {
	a := p.add()
	for a != nil && (p.isOp("∪") || p.isOp("∩")) {
		op := p.peek().text
		p.pos++
		b := p.add()
		if b == nil {
			return p.bad()
		}
		if a.k == kSetOp && a.name == op {
			a.kids = append(a.kids, b)
		} else {
			a = &node{k: kSetOp, name: op, kids: []*node{a, b}}
		}
	}
	return a
}

func (p *parser) add() *node {
	a := p.mul()
	if a == nil {
		return nil
	}
	for {
		switch {
		case p.eat("+"):
			b := p.mul()
			if b == nil {
				return p.bad()
			}
			a = sum(a, b)
		case p.eat("-"):
			b := p.mul()
			if b == nil {
				return p.bad()
			}
			a = sum(a, &node{k: kNeg, kids: []*node{b}})
		case p.eat("±"), p.eat("∓"):
			b := p.mul()
			if b == nil {
				return p.bad()
			}
			a = &node{k: kPM, kids: []*node{a, b}}
		default:
			return a
		}
	}
}

func sum(a, b *node) *node {
	if a.k == kAdd {
		a.kids = append(a.kids, b)
		return a
	}
	return &node{k: kAdd, kids: []*node{a, b}}
}

func product(a, b *node) *node {
	if a.k == kMul {
		a.kids = append(a.kids, b)
		return a
	}
	return &node{k: kMul, kids: []*node{a, b}}
}

// startsFactor reports a token that can begin an implicitly multiplied factor.
func (p *parser) startsFactor() bool {
	t := p.peek()
	switch t.kind {
	case tNum, tIdent, tConst, tFunc:
		return true
	case tWord:
		w := strings.ToLower(t.text)
		return w != "and" && w != "or" && !isUnitWord(t.text)
	case tCmd:
		return t.text == "frac" || t.text == "binom" || strings.HasPrefix(t.text, "begin:")
	case tOp:
		return t.text == "(" || t.text == "{" || t.text == "\\{" || t.text == "⌊" || t.text == "⌈"
	}
	return false
}

func (p *parser) mul() *node {
	a := p.unary()
	if a == nil {
		return nil
	}
	for {
		p.skipUnits()
		switch {
		case p.eat("*"):
			b := p.unary()
			if b == nil {
				return p.bad()
			}
			a = product(a, b)
		case p.eat("/"):
			b := p.unary()
			if b == nil {
				return p.bad()
			}
			a = &node{k: kDiv, kids: []*node{a, b}}
		case p.startsFactor():
			b := p.power()
			if b == nil {
				return p.bad()
			}
			a = product(a, b)
		default:
			return a
		}
	}
}

// skipUnits drops units, percent signs and degree marks after a quantity:
// "15 \text{ cm}^2", "28 percent", "90^\circ".
func (p *parser) skipUnits() {
	for {
		t := p.peek()
		switch {
		case t.kind == tOp && (t.text == "%" || t.text == "°"):
			p.pos++
		case (t.kind == tWord || t.kind == tText) && isUnitText(t.text):
			p.pos++
			if p.isOp("^") && (p.peekAt(1).kind == tNum || p.peekAt(1).kind == tOp && p.peekAt(1).text == "{") {
				p.pos++
				p.arg()
			}
		default:
			return
		}
	}
}

func (p *parser) unary() *node {
	if !p.enter() {
		return nil
	}
	defer p.leave()
	switch {
	case p.eat("-"):
		a := p.unary()
		if a == nil {
			return p.bad()
		}
		if a.k == kNum {
			a.num.Neg(a.num)
			return a
		}
		return &node{k: kNeg, kids: []*node{a}}
	case p.eat("+"):
		return p.unary()
	case p.eat("±"), p.eat("∓"):
		a := p.unary()
		if a == nil {
			return p.bad()
		}
		return &node{k: kPM, kids: []*node{{k: kNum, num: new(big.Rat)}, a}}
	}
	return p.power()
}

func (p *parser) power() *node {
	base := p.postfix()
	if base == nil {
		return nil
	}
	for p.isOp("^") {
		p.pos++
		if p.eat("°") {
			continue
		}
		if p.isOp("{") && p.peekAt(1).kind == tOp && p.peekAt(1).text == "°" && p.peekAt(2).text == "}" {
			p.pos += 3
			continue
		}
		var e *node
		if p.isOp("-") || p.isOp("+") {
			e = p.unary()
		} else {
			e = p.arg()
		}
		if e == nil {
			return p.bad()
		}
		base = &node{k: kPow, kids: []*node{base, e}}
		base = p.postfixOps(base)
	}
	return base
}

func (p *parser) postfix() *node {
	a := p.primary()
	if a == nil {
		return nil
	}
	return p.postfixOps(a)
}

func (p *parser) postfixOps(a *node) *node {
	for {
		switch {
		case p.eat("!"):
			a = &node{k: kFact, kids: []*node{a}}
		case p.eat("'"):
			if a.k == kSym {
				a.name += "'"
			}
		case p.isOp("_"):
			p.pos++
			sub := p.arg()
			if sub == nil {
				return p.bad()
			}
			if a.k != kSym {
				return p.bad()
			}
			a.name += "_" + sub.String()
		default:
			return a
		}
	}
}

// arg reads a command's argument: a braced group, or a single token, where a
// number gives its first digit only (\frac13 is 1/3, x^23 is x²·3).
func (p *parser) arg() *node {
	if p.isOp("{") {
		p.pos++
		items := p.seq([]string{"}"})
		if !p.eat("}") || len(items) == 0 {
			return p.bad()
		}
		if len(items) == 1 {
			return items[0]
		}
		return &node{k: kList, name: "{}", kids: items}
	}
	t := p.peek()
	switch t.kind {
	case tNum:
		if len(t.text) > 1 && isDigit(t.text[0]) && isDigit(t.text[1]) {
			p.toks[p.pos].text = t.text[1:]
			return numNode(t.text[:1])
		}
		p.pos++
		return numNode(t.text)
	case tIdent, tConst:
		p.pos++
		return p.atom(t)
	case tWord:
		// \frac ab: the first letter only.
		p.toks[p.pos].text = t.text[1:]
		if len(t.text) == 2 {
			p.toks[p.pos].kind = tIdent
		}
		return &node{k: kSym, name: t.text[:1]}
	}
	return p.primary()
}

func numNode(s string) *node {
	r, ok := new(big.Rat).SetString(s)
	if !ok {
		return nil
	}
	return &node{k: kNum, num: r, dec: strings.ContainsAny(s, ".eE")}
}

func (p *parser) atom(t token) *node {
	switch t.kind {
	case tIdent:
		if t.text == "e" {
			return &node{k: kConst, name: "e"}
		}
		return &node{k: kSym, name: t.text}
	case tConst:
		return &node{k: kConst, name: t.text}
	}
	return nil
}

func (p *parser) primary() *node {
	if !p.enter() {
		return nil
	}
	defer p.leave()
	t := p.peek()
	switch t.kind {
	case tNum:
		p.pos++
		n := numNode(t.text)
		if n == nil {
			return p.bad()
		}
		return n
	case tIdent, tConst:
		p.pos++
		return p.atom(t)
	case tFunc:
		p.pos++
		return p.function(t.text)
	case tWord:
		p.pos++
		return wordNode(t.text)
	case tText:
		p.pos++
		return &node{k: kText, name: strings.TrimSpace(t.text)}
	case tCmd:
		p.pos++
		return p.command(t.text)
	case tOp:
		return p.bracket(t.text)
	}
	return p.bad()
}

// wordNode reads a run of letters: "xy" is x·y, a longer word is prose.
func wordNode(w string) *node {
	if len(w) <= 2 && isASCIILetters(w) {
		var n *node
		for i := 0; i < len(w); i++ {
			s := &node{k: kSym, name: w[i : i+1]}
			if n == nil {
				n = s
			} else {
				n = product(n, s)
			}
		}
		return n
	}
	return &node{k: kText, name: w}
}

func isASCIILetters(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isLetter(s[i]) {
			return false
		}
	}
	return s != ""
}

func (p *parser) function(name string) *node {
	if name == "sqrt" {
		var index *node
		if p.eat("[") {
			items := p.seq([]string{"]"})
			if !p.eat("]") || len(items) != 1 {
				return p.bad()
			}
			index = items[0]
		}
		a := p.arg()
		if a == nil {
			return p.bad()
		}
		if index != nil {
			return &node{k: kPow, kids: []*node{a, {k: kDiv, kids: []*node{{k: kNum, num: big.NewRat(1, 1)}, index}}}}
		}
		return &node{k: kFunc, name: "sqrt", kids: []*node{a}}
	}
	var base *node
	if name == "log" && p.eat("_") {
		if base = p.arg(); base == nil {
			return p.bad()
		}
	}
	var power *node
	if p.eat("^") {
		if power = p.arg(); power == nil {
			return p.bad()
		}
	}
	var a *node
	if p.isOp("(") || p.isOp("{") {
		a = p.primary()
	} else {
		a = p.power()
	}
	if a == nil {
		return p.bad()
	}
	f := &node{k: kFunc, name: name, kids: []*node{a}}
	if base != nil {
		f.kids = append(f.kids, base)
	}
	if power != nil {
		return &node{k: kPow, kids: []*node{f, power}}
	}
	return f
}

func (p *parser) command(name string) *node {
	switch {
	case name == "frac":
		a := p.arg()
		b := p.arg()
		if a == nil || b == nil {
			return p.bad()
		}
		return &node{k: kDiv, kids: []*node{a, b}}
	case name == "binom":
		a := p.arg()
		b := p.arg()
		if a == nil || b == nil {
			return p.bad()
		}
		return &node{k: kFunc, name: "binom", kids: []*node{a, b}}
	case strings.HasPrefix(name, "begin:"):
		return p.matrix(strings.TrimPrefix(name, "begin:"))
	case strings.HasPrefix(name, "end:"):
		return p.bad()
	}
	// A command this grader does not know (\sum, \overline, a typo such as
	// \zzz) stands for itself: an opaque symbol, which compares equal only to
	// the same command in the same place.
	return &node{k: kSym, name: "\\" + name}
}

var matrixEnvs = map[string]bool{"pmatrix": true, "bmatrix": true, "matrix": true, "vmatrix": false,
	"Bmatrix": true, "smallmatrix": true, "array": true, "psmallmatrix": true, "bsmallmatrix": true}

// matrix reads rows (\\) of cells (&) up to \end.
func (p *parser) matrix(env string) *node {
	if !matrixEnvs[env] {
		return p.bad()
	}
	if env == "array" && p.isOp("{") {
		// The column specification.
		for p.pos < len(p.toks) && !p.eat("}") {
			p.pos++
		}
	}
	m := &node{k: kMatrix}
	var row []*node
	for !p.fail {
		t := p.peek()
		switch {
		case t.kind == tEOF:
			return p.bad()
		case t.kind == tCmd && strings.HasPrefix(t.text, "end:"):
			p.pos++
			if len(row) > 0 {
				m.rows = append(m.rows, row)
			}
			return m.checkRect(p)
		case t.kind == tOp && t.text == "&":
			p.pos++
		case t.kind == tOp && t.text == "\\\\":
			p.pos++
			if len(row) > 0 {
				m.rows = append(m.rows, row)
			}
			row = nil
		default:
			c := p.setOp()
			if c == nil {
				return p.bad()
			}
			row = append(row, c)
		}
	}
	return nil
}

func (m *node) checkRect(p *parser) *node {
	if len(m.rows) == 0 {
		return p.bad()
	}
	for _, r := range m.rows {
		if len(r) != len(m.rows[0]) {
			return p.bad()
		}
	}
	return m
}

var closerOf = map[string][]string{
	"(": {")", "]"}, "[": {"]", ")"}, "{": {"}"}, "\\{": {"\\}"}, "⌊": {"⌋"}, "⌈": {"⌉"},
}

// bracket reads (…), […], {…}, \{…\}, |…|, ⌊…⌋. One item in round or square
// brackets or braces is a group; more make a list whose name records the
// brackets, so [0,1) and (0,1) differ.
func (p *parser) bracket(open string) *node {
	if open == "|" {
		p.pos++
		a := p.add()
		if a == nil || !p.eat("|") {
			return p.bad()
		}
		return &node{k: kAbs, kids: []*node{a}}
	}
	if open == "∅" {
		p.pos++
		return &node{k: kList, name: "{}"}
	}
	if open == "…" {
		p.pos++
		return &node{k: kSym, name: "…"}
	}
	closers, ok := closerOf[open]
	if !ok {
		return p.bad()
	}
	p.pos++
	items := p.seq(closers)
	if p.fail {
		return nil
	}
	close := p.peek().text
	if !p.eat(close) {
		return p.bad()
	}
	switch open {
	case "⌊":
		if len(items) != 1 {
			return p.bad()
		}
		return &node{k: kFloor, kids: items}
	case "⌈":
		if len(items) != 1 {
			return p.bad()
		}
		return &node{k: kCeil, kids: items}
	case "\\{":
		return &node{k: kList, name: "{}", kids: items}
	}
	if len(items) == 1 && (open == "(" && close == ")" || open == "[" && close == "]" || open == "{") {
		return items[0]
	}
	if len(items) == 0 {
		return p.bad()
	}
	name := open + close
	if open == "{" {
		name = "{}"
	}
	return &node{k: kList, name: name, kids: items}
}

// assignmentGroups reads "p = 5, q = 2 and p = 7, q = 2" as two pairs: word
// separators between equally long runs of assignments (name = value) group
// them. Anything else is nil: "21, 16 or 11" stays a list of three.
func assignmentGroups(runs [][]*node) []*node {
	if len(runs) < 2 || len(runs[0]) < 2 {
		return nil
	}
	out := make([]*node, 0, len(runs))
	for _, r := range runs {
		if len(r) != len(runs[0]) {
			return nil
		}
		for _, n := range r {
			if n.k != kRel || len(n.ops) != 1 || n.ops[0] != "=" || !n.kids[0].isName() {
				return nil
			}
		}
		out = append(out, &node{k: kList, name: "()", kids: r})
	}
	return out
}
