package answer

import "math/big"

// relations compares equations and inequalities. Two equations are the same
// when their sides' differences are proportional (2x + 4y - 3 = 0 and
// y = -x/2 + 3/4); two inequalities when they point the same way, are
// equally strict, and their differences are positively proportional
// (x ≤ 5 and 5 ≥ x). A chain of equalities states its first and last sides.
func (c *comparer) relations(a, b *node) result {
	if allOps(a.ops, "=") && allOps(b.ops, "=") {
		la, lb := a.kids[0], b.kids[0]
		va, vb := a.kids[len(a.kids)-1], b.kids[len(b.kids)-1]
		if !va.isScalar() || !vb.isScalar() {
			// D = (0, 1) against D = (0, 1.5): the same name, compare values.
			if la.isName() && lb.isName() && la.String() == lb.String() {
				return c.equal(va, vb, 1)
			}
			return different(MethodEquation)
		}
		return c.proportional(diff(a.kids[0], a.kids[len(a.kids)-1]), diff(b.kids[0], b.kids[len(b.kids)-1]), false)
	}
	if len(a.ops) == 1 && len(b.ops) == 1 {
		la, opa, ra := orient(a)
		lb, opb, rb := orient(b)
		if opa != opb {
			return different(MethodEquation)
		}
		return c.proportional(diff(la, ra), diff(lb, rb), opa != "!=")
	}
	if ia, ib := asInterval(a), asInterval(b); ia != nil && ib != nil {
		return c.lists(ia, ib, 1)
	}
	return different(MethodEquation)
}

func diff(a, b *node) *node {
	return &node{k: kAdd, kids: []*node{a, {k: kNeg, kids: []*node{b}}}}
}

// orient writes a > b as b < a, so that both sides point one way.
func orient(n *node) (lhs *node, op string, rhs *node) {
	l, op, r := n.kids[0], n.ops[0], n.kids[1]
	switch op {
	case ">":
		return r, "<", l
	case ">=":
		return r, "<=", l
	}
	return l, op, r
}

// proportional reports whether d1 = k·d2 for one constant k ≠ 0 (k > 0
// when positive), by evaluation at the sample points.
func (c *comparer) proportional(d1, d2 *node, positive bool) result {
	vars := map[string]bool{}
	d1.free(vars)
	d2.free(vars)
	names := sortedKeys(vars)
	var ratio *val
	good := 0
	for k := range samplesTried {
		e := &env{vars: map[string]val{}, sign: 1}
		for i, name := range names {
			e.vars[name] = exact(samplePoints[(k+5*i)%len(samplePoints)])
		}
		x, ok1 := eval(d1, e)
		y, ok2 := eval(d2, e)
		if ok1 != ok2 {
			return different(MethodEquation)
		}
		if !ok1 {
			continue
		}
		xz, yz := isZero(x), isZero(y)
		if xz != yz {
			return different(MethodEquation)
		}
		good++
		if yz {
			continue
		}
		r := quotient(x, y)
		if ratio == nil {
			if positive && r.f <= 0 {
				return different(MethodEquation)
			}
			ratio = &r
			continue
		}
		if !c.sameValue(*ratio, r, false) {
			return different(MethodEquation)
		}
	}
	if good < samplesNeeded {
		return unknown
	}
	return same(MethodEquation)
}

func isZero(v val) bool {
	if v.r != nil {
		return v.r.Sign() == 0
	}
	return close(v.f, 0)
}

func quotient(x, y val) val {
	if x.r != nil && y.r != nil {
		return exact(new(big.Rat).Quo(x.r, y.r))
	}
	return approx(x.f / y.f)
}

// asInterval reads an interval, a union of intervals, or an inequality on
// one named quantity (0 < f(x) < 1 is (0, 1); x ≥ 5 is [5, ∞)) as a set of
// reals. It returns nil for anything else.
func asInterval(n *node) *node {
	switch n.k {
	case kList:
		if len(n.kids) == 2 && (n.name == "()" || n.name == "[]" || n.name == "[)" || n.name == "(]") {
			return n
		}
	case kSetOp:
		return n
	case kRel:
		return inequalityInterval(n)
	}
	return nil
}

func inequalityInterval(n *node) *node {
	for _, op := range n.ops {
		if op != "<" && op != "<=" && op != ">" && op != ">=" {
			return nil
		}
	}
	inf := &node{k: kConst, name: "inf"}
	negInf := &node{k: kNeg, kids: []*node{inf}}
	switch len(n.kids) {
	case 2:
		l, op, r := orient(n)
		switch {
		case l.isName() && !r.hasFree():
			return interval(negInf, "<", op, r)
		case r.isName() && !l.hasFree():
			return interval(l, op, "<", inf)
		}
	case 3:
		if !n.kids[1].isName() || n.kids[0].hasFree() || n.kids[2].hasFree() {
			return nil
		}
		lo, op1, hi, op2 := n.kids[0], n.ops[0], n.kids[2], n.ops[1]
		if (op1 == ">" || op1 == ">=") && (op2 == ">" || op2 == ">=") {
			lo, hi, op1, op2 = hi, lo, flip(op2), flip(op1)
		}
		if (op1 == "<" || op1 == "<=") && (op2 == "<" || op2 == "<=") {
			return interval(lo, op1, op2, hi)
		}
	}
	return nil
}

func flip(op string) string {
	return map[string]string{">": "<", ">=": "<=", "<": ">", "<=": ">="}[op]
}

func interval(lo *node, opLo, opHi string, hi *node) *node {
	name := "("
	if opLo == "<=" {
		name = "["
	}
	if opHi == "<=" {
		name += "]"
	} else {
		name += ")"
	}
	return &node{k: kList, name: name, kids: []*node{lo, hi}}
}
