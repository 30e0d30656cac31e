package claim

import (
	"strings"
)

// maxNodes bounds the size of a claim (and the parser's recursion).
const maxNodes = 4096

const maxDepth = 200

// parser is a precedence-climbing parser over the lexer.
type parser struct {
	lex   lexer
	st    *Statement
	depth int
}

// Parse reads a theorem (`theorem test (x : ℝ) (h₀ : …) : goal := …`, or
// `lemma`/`example`) or a bare proposition, and elaborates its types. Every
// failure is an *Unsupported: the text may be perfectly good Lean outside
// this package's subset.
func Parse(src string) (*Statement, error) {
	st := &Statement{}
	if err := st.parse(src); err != nil {
		return nil, err
	}
	return st, nil
}

func (st *Statement) parse(src string) error {
	st.reset(src)
	p := parser{lex: lexer{src: src}, st: st}
	p.lex.next()
	if err := p.statement(); err != nil {
		return err
	}
	return st.elaborate()
}

func (p *parser) statement() error {
	if p.lex.kind == tIdent {
		switch p.lex.text() {
		case "theorem", "lemma":
			p.lex.next()
			if p.lex.kind != tIdent {
				return p.expected("a theorem name")
			}
			p.st.Name = p.lex.text()
			p.lex.next()
			return p.declaration()
		case "example":
			p.st.Example = true
			p.lex.next()
			return p.declaration()
		}
	}
	g, err := p.expr(0)
	if err != nil {
		return err
	}
	p.st.goal = g
	return p.finish()
}

func (p *parser) declaration() error {
	for p.lex.kind == tLParen || p.lex.kind == tLBrace {
		if err := p.binder(); err != nil {
			return err
		}
	}
	if p.lex.kind != tColon {
		return p.expected("':' before the goal")
	}
	p.lex.next()
	g, err := p.expr(0)
	if err != nil {
		return err
	}
	p.st.goal = g
	return p.finish()
}

// finish accepts the end of input or `:=` followed by the proof text.
func (p *parser) finish() error {
	switch p.lex.kind {
	case tEOF:
		return nil
	case tAssign:
		p.st.ProofText = strings.TrimSpace(p.lex.src[p.lex.end:])
		return nil
	}
	return p.expected("':=' or the end of the statement")
}

// binder reads `(a b : T)` (variables) or `(h : P)` (a hypothesis).
func (p *parser) binder() error {
	closeTok := tRParen
	if p.lex.kind == tLBrace {
		closeTok = tRBrace
	}
	p.lex.next()
	var names []string
	for p.lex.kind == tIdent {
		names = append(names, p.lex.text())
		p.lex.next()
	}
	if len(names) == 0 || p.lex.kind != tColon {
		return p.expected("names and ':' in a binder")
	}
	p.lex.next()
	if p.lex.kind == tIdent {
		if t, ok := typeByName(p.lex.text()); ok && t != Prop {
			save := p.lex
			p.lex.next()
			if p.lex.kind == closeTok {
				p.lex.next()
				for _, n := range names {
					if err := p.bindVar(n, t, save.start); err != nil {
						return err
					}
				}
				return nil
			}
			p.lex = save
		}
	}
	e, err := p.expr(0)
	if err != nil {
		return err
	}
	if p.lex.kind != closeTok {
		return p.expected(closeTok.String())
	}
	p.lex.next()
	for _, n := range names {
		p.st.Hyps = append(p.st.Hyps, Hyp{Name: n, expr: e})
	}
	return nil
}

func (p *parser) bindVar(name string, t Type, pos int) error {
	if _, ok := typeByName(name); ok || name == "_" {
		return unsupported(pos, "binder name %q", name)
	}
	for i := range p.st.Vars {
		if p.st.Vars[i].Name == name {
			return unsupported(pos, "variable %s bound twice", name)
		}
	}
	if len(p.st.Vars) >= 64 {
		return unsupported(pos, "more than 64 variables")
	}
	p.st.Vars = append(p.st.Vars, Var{Name: name, Type: t})
	return nil
}

func (p *parser) expected(what string) error {
	got := p.lex.kind.String()
	if p.lex.kind == tIdent || p.lex.kind == tNum || p.lex.kind == tOther {
		got = "'" + p.lex.text() + "'"
	}
	return unsupported(p.lex.start, "expected %s, found %s", what, got)
}

func (p *parser) node(n node) (int32, error) {
	if len(p.st.nodes) >= maxNodes {
		return -1, unsupported(int(n.start), "claim too large")
	}
	n.vars = n.op == opVar
	for _, c := range [3]int32{n.a, n.b, n.c} {
		n.vars = n.vars || (c >= 0 && p.st.nodes[c].vars)
	}
	return p.st.add(n), nil
}

// infix describes a binary operator: its precedence, the precedence its
// right operand is parsed at, and the node it builds.
func infix(k tok) (prec, rhs int, o op, ok bool) {
	switch k {
	case tIff:
		return 20, 21, opIff, true
	case tImp:
		return 25, 25, opImp, true
	case tOr:
		return 30, 30, opOr, true
	case tAnd:
		return 35, 35, opAnd, true
	case tEq:
		return 50, 51, opEq, true
	case tNe:
		return 50, 51, opNe, true
	case tLt:
		return 50, 51, opLt, true
	case tGt:
		return 50, 51, opGt, true
	case tLe:
		return 50, 51, opLe, true
	case tGe:
		return 50, 51, opGe, true
	case tDvd:
		return 50, 51, opDvd, true
	case tEquiv:
		return 50, 51, opModEq, true
	case tPlus:
		return 65, 66, opAdd, true
	case tMinus:
		return 65, 66, opSub, true
	case tStar:
		return 70, 71, opMul, true
	case tSlash:
		return 70, 71, opDiv, true
	case tPercent:
		return 70, 71, opMod, true
	case tCaret:
		return 75, 75, opPow, true
	}
	return 0, 0, 0, false
}

// expr parses a term whose operators bind at least as tightly as minPrec.
func (p *parser) expr(minPrec int) (int32, error) {
	p.depth++
	defer func() { p.depth-- }()
	if p.depth > maxDepth {
		return -1, unsupported(p.lex.start, "claim nested too deeply")
	}
	start := p.lex.start
	lhs, err := p.prefix(minPrec)
	if err != nil {
		return -1, err
	}
	for {
		prec, rhsPrec, o, ok := infix(p.lex.kind)
		if !ok || prec < minPrec {
			return lhs, nil
		}
		if prec == 50 && p.st.nodes[lhs].op.isRel() && minPrec <= 50 {
			return -1, unsupported(p.lex.start, "chained relation (Lean does not parse a = b = c)")
		}
		p.lex.next()
		rhs, err := p.expr(rhsPrec)
		if err != nil {
			return -1, err
		}
		n := node{op: o, a: lhs, b: rhs, c: -1, start: int32(start), end: int32(p.lastEnd(rhs))}
		if o == opModEq {
			if n, err = p.modSuffix(n); err != nil {
				return -1, err
			}
		}
		if lhs, err = p.node(n); err != nil {
			return -1, err
		}
	}
}

func (p *parser) lastEnd(i int32) int { return int(p.st.nodes[i].end) }

// modSuffix reads the `[MOD n]` or `[ZMOD n]` after `a ≡ b`.
func (p *parser) modSuffix(n node) (node, error) {
	switch p.lex.kind {
	case tMOD:
	case tZMOD:
		n.op = opZModEq
	default:
		return n, p.expected("[MOD n] or [ZMOD n] after ≡")
	}
	p.lex.next()
	m, err := p.expr(0)
	if err != nil {
		return n, err
	}
	if p.lex.kind != tRBrack {
		return n, p.expected("]")
	}
	n.c, n.end = m, int32(p.lex.end)
	p.lex.next()
	return n, nil
}

// prefix parses a prefix operator application or an application/primary.
func (p *parser) prefix(minPrec int) (int32, error) {
	start := p.lex.start
	switch p.lex.kind {
	case tNot:
		if minPrec > 40 {
			return -1, p.expected("parentheses around ¬")
		}
		p.lex.next()
		a, err := p.expr(40)
		if err != nil {
			return -1, err
		}
		return p.node(node{op: opNot, a: a, b: -1, c: -1, start: int32(start), end: int32(p.lastEnd(a))})
	case tMinus:
		if minPrec > 75 {
			return -1, p.expected("parentheses around a negation")
		}
		p.lex.next()
		a, err := p.expr(75)
		if err != nil {
			return -1, err
		}
		return p.node(node{op: opNeg, a: a, b: -1, c: -1, start: int32(start), end: int32(p.lastEnd(a))})
	case tUp:
		p.lex.next()
		a, err := p.postfix()
		if err != nil {
			return -1, err
		}
		return p.node(node{op: opCoe, a: a, b: -1, c: -1, start: int32(start), end: int32(p.lastEnd(a))})
	}
	if p.lex.kind == tIdent {
		if p.lex.text() == "abs" {
			p.lex.next()
			a, err := p.postfix()
			if err != nil {
				return -1, err
			}
			return p.node(node{op: opAbs, a: a, b: -1, c: -1, start: int32(start), end: int32(p.lastEnd(a))})
		}
		if f, ok := fnByName(p.lex.text()); ok {
			return p.call(f)
		}
	}
	return p.postfix()
}

// call parses a known function applied to arguments.
func (p *parser) call(f fn) (int32, error) {
	start := p.lex.start
	p.lex.next()
	n := node{op: opCall, fn: f, a: -1, b: -1, c: -1, start: int32(start)}
	for i := 0; i < fnArity[f]; i++ {
		arg, err := p.postfix()
		if err != nil {
			return -1, err
		}
		if i == 0 {
			n.a = arg
		} else {
			n.b = arg
		}
		n.end = int32(p.lastEnd(arg))
	}
	return p.node(n)
}

// postfix parses a primary followed by any factorial marks.
func (p *parser) postfix() (int32, error) {
	start := p.lex.start
	a, err := p.primary()
	if err != nil {
		return -1, err
	}
	for p.lex.kind == tBang {
		end := p.lex.end
		p.lex.next()
		if a, err = p.node(node{op: opFact, a: a, b: -1, c: -1, start: int32(start), end: int32(end)}); err != nil {
			return -1, err
		}
	}
	return a, nil
}

func (p *parser) primary() (int32, error) {
	start, end := p.lex.start, p.lex.end
	switch p.lex.kind {
	case tNum:
		txt := p.lex.text()
		v, ok := parseDecimal(txt)
		if !ok {
			return -1, unsupported(start, "numeral %s too large", txt)
		}
		p.lex.next()
		return p.node(node{op: opNum, val: v, decimal: strings.IndexByte(txt, '.') >= 0, a: -1, b: -1, c: -1,
			start: int32(start), end: int32(end)})
	case tIdent:
		return p.ident()
	case tLParen:
		return p.paren()
	case tBar, tLFloor, tLCeil:
		return p.delimited()
	}
	return -1, p.expected("a term")
}

func (p *parser) ident() (int32, error) {
	start, end, name := p.lex.start, p.lex.end, p.lex.text()
	p.lex.next()
	switch name {
	case "True":
		return p.node(node{op: opTrue, typ: Prop, a: -1, b: -1, c: -1, start: int32(start), end: int32(end)})
	case "False":
		return p.node(node{op: opFalse, typ: Prop, a: -1, b: -1, c: -1, start: int32(start), end: int32(end)})
	}
	for i := range p.st.Vars {
		if p.st.Vars[i].Name == name {
			return p.node(node{op: opVar, val: qInt(int64(i)), typ: p.st.Vars[i].Type, a: -1, b: -1, c: -1,
				start: int32(start), end: int32(end)})
		}
	}
	return -1, unsupported(start, "unknown name %s", name)
}

// paren parses `(e)` or the type ascription `(e : T)`.
func (p *parser) paren() (int32, error) {
	start := p.lex.start
	p.lex.next()
	e, err := p.expr(0)
	if err != nil {
		return -1, err
	}
	if p.lex.kind == tColon {
		p.lex.next()
		t, ok := typeByName(p.lex.text())
		if p.lex.kind != tIdent || !ok || t == Prop {
			return -1, p.expected("ℕ, ℤ, ℚ or ℝ in a type ascription")
		}
		p.lex.next()
		if p.lex.kind != tRParen {
			return -1, p.expected(")")
		}
		end := p.lex.end
		p.lex.next()
		return p.node(node{op: opAscribe, typ: t, a: e, b: -1, c: -1, start: int32(start), end: int32(end)})
	}
	if p.lex.kind != tRParen {
		return -1, p.expected(")")
	}
	// Widen the span to include the parentheses, for readable working.
	p.st.nodes[e].start, p.st.nodes[e].end = int32(start), int32(p.lex.end)
	p.lex.next()
	return e, nil
}

// delimited parses |e|, ⌊e⌋ and ⌈e⌉.
func (p *parser) delimited() (int32, error) {
	start, open := p.lex.start, p.lex.kind
	closeTok, o := tBar, opAbs
	switch open {
	case tLFloor:
		closeTok, o = tRFloor, opFloor
	case tLCeil:
		closeTok, o = tRCeil, opCeil
	}
	p.lex.next()
	e, err := p.expr(0)
	if err != nil {
		return -1, err
	}
	if p.lex.kind != closeTok {
		return -1, p.expected(closeTok.String())
	}
	end := p.lex.end
	p.lex.next()
	return p.node(node{op: o, a: e, b: -1, c: -1, start: int32(start), end: int32(end)})
}
