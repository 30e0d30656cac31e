package claim

import (
	"fmt"
	"strconv"
	"strings"
)

// SMT is a claim translated to SMT-LIB 2. Variables are renamed v0, v1, …
// (Lean names are not valid SMT symbols); Vars gives the Lean names in order.
type SMT struct {
	Vars []Var
	// Decls declares the variables; Types asserts ℕ variables are ≥ 0.
	Decls, Types []string
	// Hyps are the hypotheses, Goal the conclusion, as SMT-LIB terms.
	Hyps []string
	Goal string
}

// maxSMTPow bounds exponents expanded into products.
const maxSMTPow = 64

// SMT translates the statement. Closed sub-terms are evaluated exactly and
// emitted as literals, so factorials and binomials of constants work; a
// construct SMT cannot express faithfully gives *Unsupported.
func (st *Statement) SMT() (*SMT, error) {
	t := smtWriter{st: st}
	out := &SMT{Vars: st.Vars}
	for k, v := range st.Vars {
		sort := "Int"
		if !v.Type.integral() {
			sort = "Real"
		}
		out.Decls = append(out.Decls, fmt.Sprintf("(declare-const v%d %s) ; %s : %s", k, sort, v.Name, v.Type))
		if v.Type == Nat {
			out.Types = append(out.Types, fmt.Sprintf("(>= v%d 0)", k))
		}
	}
	for _, h := range st.Hyps {
		s, err := t.prop(h.expr)
		if err != nil {
			return nil, err
		}
		out.Hyps = append(out.Hyps, s)
	}
	g, err := t.prop(st.goal)
	if err != nil {
		return nil, err
	}
	out.Goal = g
	return out, nil
}

// Script is the query run by the SMT backends: first whether the
// hypotheses are satisfiable (unsat ⇒ vacuous), then whether they are with
// the goal negated (unsat ⇒ proved, sat ⇒ the model is a counterexample).
func (q *SMT) Script() string {
	var b strings.Builder
	b.WriteString("(set-option :produce-models true)\n(set-logic ALL)\n")
	for _, d := range q.Decls {
		b.WriteString(d + "\n")
	}
	for _, t := range q.Types {
		b.WriteString("(assert " + t + ")\n")
	}
	for _, h := range q.Hyps {
		b.WriteString("(assert " + h + ")\n")
	}
	b.WriteString("(check-sat)\n(assert (not " + q.Goal + "))\n(check-sat)\n(get-model)\n")
	return b.String()
}

type smtWriter struct {
	st   *Statement
	lets int
}

func (w *smtWriter) fresh() string {
	w.lets++
	return "t" + strconv.Itoa(w.lets-1)
}

func (w *smtWriter) prop(i int32) (string, error) {
	n := &w.st.nodes[i]
	switch n.op {
	case opTrue:
		return "true", nil
	case opFalse:
		return "false", nil
	case opNot:
		a, err := w.prop(n.a)
		return "(not " + a + ")", err
	case opAnd, opOr, opImp, opIff:
		a, err := w.prop(n.a)
		if err != nil {
			return "", err
		}
		b, err := w.prop(n.b)
		name := map[op]string{opAnd: "and", opOr: "or", opImp: "=>", opIff: "="}[n.op]
		return "(" + name + " " + a + " " + b + ")", err
	}
	return w.rel(n)
}

func (w *smtWriter) rel(n *node) (string, error) {
	a, err := w.term(n.a, n.opnd)
	if err != nil {
		return "", err
	}
	b, err := w.term(n.b, n.opnd)
	if err != nil {
		return "", err
	}
	switch n.op {
	case opEq:
		return "(= " + a + " " + b + ")", nil
	case opNe:
		return "(not (= " + a + " " + b + "))", nil
	case opLt, opGt, opLe, opGe:
		return "(" + map[op]string{opLt: "<", opGt: ">", opLe: "<=", opGe: ">="}[n.op] + " " + a + " " + b + ")", nil
	case opDvd:
		x, y := w.fresh(), w.fresh()
		return fmt.Sprintf("(let ((%s %s) (%s %s)) (ite (= %s 0) (= %s 0) (= (mod %s %s) 0)))", x, a, y, b, x, y, y, x), nil
	}
	m, err := w.term(n.c, n.opnd)
	if err != nil {
		return "", err
	}
	x, y, z := w.fresh(), w.fresh(), w.fresh()
	return fmt.Sprintf("(let ((%s %s) (%s %s) (%s %s)) (ite (= %s 0) (= %s %s) (= (mod %s %s) (mod %s %s))))",
		x, a, y, b, z, m, z, x, y, x, z, y, z), nil
}

// term emits node i as a term of type want, coercing up when its own type
// is integral and want is not.
func (w *smtWriter) term(i int32, want Type) (string, error) {
	s, err := w.own(i)
	if err != nil {
		return "", err
	}
	if w.st.nodes[i].typ.integral() && !want.integral() {
		return "(to_real " + s + ")", nil
	}
	return s, nil
}

func (w *smtWriter) hasVar(i int32) bool { return w.st.nodes[i].vars }

// own emits node i in its own type.
func (w *smtWriter) own(i int32) (string, error) {
	n := &w.st.nodes[i]
	if n.op == opVar {
		return "v" + strconv.FormatInt(n.val.n, 10), nil
	}
	if !w.hasVar(i) {
		v, err := w.st.evalTerm(i)
		if err != nil {
			return "", err
		}
		return literal(v, n.typ), nil
	}
	t := n.typ
	switch n.op {
	case opAscribe, opCoe:
		return w.term(n.a, t)
	case opNeg:
		a, err := w.term(n.a, t)
		return "(- " + a + ")", err
	case opAbs:
		a, err := w.term(n.a, t)
		x := w.fresh()
		return fmt.Sprintf("(let ((%s %s)) (ite (>= %s %s) %s (- %s)))", x, a, x, zero(t), x, x), err
	case opFloor, opCeil:
		a, err := w.term(n.a, w.st.nodes[n.a].typ)
		if n.op == opFloor {
			return "(to_int " + a + ")", err
		}
		return "(- (to_int (- " + a + ")))", err
	case opPow:
		return w.pow(n)
	case opCall:
		return w.call(n)
	case opFact:
		return "", unsupported(int(n.start), "factorial of a variable")
	}
	return w.binary(n)
}

func (w *smtWriter) binary(n *node) (string, error) {
	t := n.typ
	a, err := w.term(n.a, t)
	if err != nil {
		return "", err
	}
	b, err := w.term(n.b, t)
	if err != nil {
		return "", err
	}
	switch n.op {
	case opAdd:
		return "(+ " + a + " " + b + ")", nil
	case opMul:
		return "(* " + a + " " + b + ")", nil
	case opSub:
		if t != Nat {
			return "(- " + a + " " + b + ")", nil
		}
	}
	x, y := w.fresh(), w.fresh()
	bind := fmt.Sprintf("(let ((%s %s) (%s %s)) ", x, a, y, b)
	switch {
	case n.op == opSub && t == Nat:
		return bind + fmt.Sprintf("(ite (>= %s %s) (- %s %s) 0))", x, y, x, y), nil
	case n.op == opDiv && t.integral():
		return bind + fmt.Sprintf("(ite (= %s 0) 0 (div %s %s)))", y, x, y), nil
	case n.op == opDiv:
		return bind + fmt.Sprintf("(ite (= %s 0.0) 0.0 (/ %s %s)))", y, x, y), nil
	case n.op == opMod:
		return bind + fmt.Sprintf("(ite (= %s 0) %s (mod %s %s)))", y, x, x, y), nil
	}
	return "", unsupported(int(n.start), "operator in SMT")
}

func (w *smtWriter) pow(n *node) (string, error) {
	if w.hasVar(n.b) {
		return "", unsupported(int(n.start), "variable exponent")
	}
	e, err := w.st.evalTerm(n.b)
	if err != nil {
		return "", err
	}
	k, ok := e.int64Val()
	if !ok || k > maxSMTPow || k < -maxSMTPow {
		return "", unsupported(int(n.start), "exponent %s too large to expand", e)
	}
	if k == 0 {
		return literal(qInt(1), n.typ), nil
	}
	a, err := w.term(n.a, n.typ)
	if err != nil {
		return "", err
	}
	x := w.fresh()
	prod := x
	if k > 1 || k < -1 {
		prod = "(*" + strings.Repeat(" "+x, int(max(k, -k))) + ")"
	}
	if k < 0 {
		return fmt.Sprintf("(let ((%s %s)) (ite (= %s 0.0) 0.0 (/ 1.0 %s)))", x, a, x, prod), nil
	}
	return fmt.Sprintf("(let ((%s %s)) %s)", x, a, prod), nil
}

func (w *smtWriter) call(n *node) (string, error) {
	switch n.fn {
	case fnMin, fnMax:
		a, err := w.term(n.a, n.typ)
		if err != nil {
			return "", err
		}
		b, err := w.term(n.b, n.typ)
		x, y := w.fresh(), w.fresh()
		cmp := "<="
		if n.fn == fnMax {
			cmp = ">="
		}
		return fmt.Sprintf("(let ((%s %s) (%s %s)) (ite (%s %s %s) %s %s))", x, a, y, b, cmp, x, y, x, y), err
	case fnNatAbs:
		a, err := w.term(n.a, Int)
		x := w.fresh()
		return fmt.Sprintf("(let ((%s %s)) (ite (>= %s 0) %s (- %s)))", x, a, x, x, x), err
	}
	return "", unsupported(int(n.start), "%s of a variable", w.st.text(int32(n.a)))
}

func zero(t Type) string {
	if t.integral() {
		return "0"
	}
	return "0.0"
}

// literal prints an exact value as an SMT-LIB constant of t's sort.
func literal(v Q, t Type) string {
	r := v.Rat()
	neg := r.Sign() < 0
	r.Abs(r)
	var s string
	switch {
	case t.integral():
		s = r.Num().String()
	case r.IsInt():
		s = r.Num().String() + ".0"
	default:
		s = "(/ " + r.Num().String() + ".0 " + r.Denom().String() + ".0)"
	}
	if neg {
		return "(- " + s + ")"
	}
	return s
}
