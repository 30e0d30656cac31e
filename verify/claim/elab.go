package claim

// elaborate assigns a Lean type to every term, imitating the binop%
// elaborator: the operands of + - * / % and unary minus form one tree (with
// the base of ^), the tree takes the largest type among its typed leaves (or
// the expected type), numerals take the tree's type, and typed leaves of a
// smaller type are coerced. A relation elaborates both sides as one tree.
func (st *Statement) elaborate() error {
	for _, h := range st.Hyps {
		if err := st.elabProp(h.expr); err != nil {
			return err
		}
	}
	return st.elabProp(st.goal)
}

func (st *Statement) elabProp(i int32) error {
	n := &st.nodes[i]
	switch {
	case n.op == opTrue || n.op == opFalse:
		return nil
	case n.op == opNot:
		n.typ = Prop
		return st.elabProp(n.a)
	case n.op.isConnective():
		n.typ = Prop
		if err := st.elabProp(n.a); err != nil {
			return err
		}
		return st.elabProp(n.b)
	case n.op == opModEq || n.op == opZModEq:
		n.typ = Prop
		t := Nat
		if n.op == opZModEq {
			t = Int
		}
		n.opnd = t
		for _, c := range [3]int32{n.a, n.b, n.c} {
			if err := st.elabTerm(c, t); err != nil {
				return err
			}
		}
		return nil
	case n.op.isRel():
		return st.elabRel(i)
	}
	return unsupported(int(n.start), "%s is not a proposition", st.text(i))
}

func (st *Statement) elabRel(i int32) error {
	n := &st.nodes[i]
	n.typ = Prop
	ta, err := st.infer(n.a)
	if err != nil {
		return err
	}
	tb, err := st.infer(n.b)
	if err != nil {
		return err
	}
	if n.op == opDvd && ta != Unknown && tb != Unknown && ta != tb {
		return unsupported(int(n.start), "∣ between %s and %s", ta, tb)
	}
	t := unify(ta, tb)
	if t == Unknown {
		if st.hasDecimal(n.a) || st.hasDecimal(n.b) {
			return unsupported(int(n.start), "decimal numeral without a type (Lean would not default it to ℕ)")
		}
		t = st.defaultType(n.a, n.b)
	}
	n.opnd = t
	if n.op == opDvd && !t.integral() {
		return unsupported(int(n.start), "∣ in %s", t)
	}
	if err := st.assign(n.a, t); err != nil {
		return err
	}
	return st.assign(n.b, t)
}

func unify(a, b Type) Type {
	if a > b {
		return a
	}
	return b
}

// elabTerm elaborates a term against an expected type, as Lean does for an
// ascription or a function argument: the tree may be coerced up to t, never
// down.
func (st *Statement) elabTerm(i int32, t Type) error {
	own, err := st.infer(i)
	if err != nil {
		return err
	}
	if own > t {
		return unsupported(int(st.nodes[i].start), "%s has type %s, expected %s", st.text(i), own, t)
	}
	return st.assign(i, t)
}

// infer returns the type a term's leaves force (Unknown for numerals only),
// elaborating independent sub-terms (ascriptions, arguments) on the way. It
// runs once per node: later calls return the first answer.
func (st *Statement) infer(i int32) (Type, error) {
	n := &st.nodes[i]
	if n.inferred {
		return n.itype, nil
	}
	t, err := st.infer1(i)
	if err != nil {
		return Unknown, err
	}
	n = &st.nodes[i]
	n.inferred, n.itype = true, t
	return t, nil
}

func (st *Statement) infer1(i int32) (Type, error) {
	n := &st.nodes[i]
	switch n.op {
	case opNum, opCoe:
		if n.op == opCoe {
			if err := st.elabDefault(n.a); err != nil {
				return Unknown, err
			}
		}
		return Unknown, nil
	case opVar:
		return n.typ, nil
	case opAdd, opSub, opMul, opDiv, opMod:
		ta, err := st.infer(n.a)
		if err != nil {
			return Unknown, err
		}
		tb, err := st.infer(n.b)
		return unify(ta, tb), err
	case opNeg, opAbs:
		return st.infer(n.a)
	case opPow:
		if err := st.elabExponent(n.b); err != nil {
			return Unknown, err
		}
		return st.infer(n.a)
	case opAscribe:
		return n.typ, st.elabTerm(n.a, n.typ)
	case opFloor, opCeil:
		t, err := st.infer(n.a)
		if err != nil {
			return Unknown, err
		}
		if t != Rat && t != Real {
			return Unknown, unsupported(int(n.start), "floor or ceiling of a %s term", t)
		}
		n.typ = Int
		return Int, st.assign(n.a, t)
	case opFact:
		n.typ = Nat
		return Nat, st.elabTerm(n.a, Nat)
	case opCall:
		return st.inferCall(i)
	}
	return Unknown, unsupported(int(n.start), "proposition %s used as a number", st.text(i))
}

func (st *Statement) inferCall(i int32) (Type, error) {
	n := &st.nodes[i]
	switch n.fn {
	case fnMin, fnMax:
		ta, err := st.infer(n.a)
		if err != nil {
			return Unknown, err
		}
		tb, err := st.infer(n.b)
		return unify(ta, tb), err
	case fnNatAbs:
		n.typ = Nat
		return Nat, st.elabTerm(n.a, Int)
	}
	n.typ = Nat
	if err := st.elabTerm(n.a, Nat); err != nil {
		return Unknown, err
	}
	if n.b >= 0 {
		return Nat, st.elabTerm(n.b, Nat)
	}
	return Nat, nil
}

// elabDefault elaborates a term with no expected type: numerals default to ℕ.
func (st *Statement) elabDefault(i int32) error {
	t, err := st.infer(i)
	if err != nil {
		return err
	}
	if t == Unknown {
		if st.hasDecimal(i) {
			return unsupported(int(st.nodes[i].start), "decimal numeral without a type")
		}
		t = st.defaultType(i, -1)
	}
	return st.assign(i, t)
}

// elabExponent elaborates the exponent of ^, which Lean elaborates apart
// from the base; only ℕ and ℤ exponents are supported (no rpow).
func (st *Statement) elabExponent(i int32) error {
	if err := st.elabDefault(i); err != nil {
		return err
	}
	if t := st.nodes[i].typ; t != Nat && t != Int {
		return unsupported(int(st.nodes[i].start), "exponent of type %s (real powers are not supported)", t)
	}
	return nil
}

// assign gives a tree and its numerals type t; typed leaves keep their own
// type and are coerced, which must go up (ℕ → ℤ → ℚ → ℝ).
func (st *Statement) assign(i int32, t Type) error {
	n := &st.nodes[i]
	switch n.op {
	case opNum:
		if n.decimal && t.integral() {
			return unsupported(int(n.start), "decimal numeral %s in %s", st.text(i), t)
		}
		n.typ = t
		return nil
	case opAdd, opSub, opMul, opDiv, opMod:
		n.typ = t
		if n.op == opMod && !t.integral() {
			return unsupported(int(n.start), "%% in %s", t)
		}
		if err := st.assign(n.a, t); err != nil {
			return err
		}
		return st.assign(n.b, t)
	case opNeg:
		if t == Nat {
			return unsupported(int(n.start), "negation in ℕ (Lean has no Neg ℕ)")
		}
		n.typ = t
		return st.assign(n.a, t)
	case opPow:
		n.typ = t
		if st.nodes[n.b].typ == Int && t.integral() {
			return unsupported(int(n.start), "integer exponent on a %s base", t)
		}
		return st.assign(n.a, t)
	case opCoe:
		if inner := st.nodes[n.a].typ; inner > t {
			return unsupported(int(n.start), "cannot coerce %s to %s", inner, t)
		}
		n.typ = t
		return nil
	case opAbs:
		return st.assignPoly(i, t)
	case opCall:
		if n.fn == fnMin || n.fn == fnMax {
			return st.assignPoly(i, t)
		}
	}
	if n.typ > t {
		return unsupported(int(n.start), "cannot coerce %s from %s to %s", st.text(i), n.typ, t)
	}
	return nil
}

// assignPoly types |x|, min and max: their own type if their arguments fix
// it, else the surrounding tree's.
func (st *Statement) assignPoly(i int32, t Type) error {
	n := &st.nodes[i]
	own, err := st.infer(i)
	if err != nil {
		return err
	}
	if own == Unknown {
		own = t
	}
	if own > t {
		return unsupported(int(n.start), "cannot coerce %s from %s to %s", st.text(i), own, t)
	}
	if n.op == opAbs && own == Nat {
		return unsupported(int(n.start), "|x| in ℕ")
	}
	n.typ = own
	if err := st.assign(n.a, own); err != nil {
		return err
	}
	if n.b >= 0 {
		return st.assign(n.b, own)
	}
	return nil
}

// defaultType is the type Lean's default instances give an untyped tree:
// ℕ for numerals (OfNat ℕ, priority low), but ℤ as soon as the tree negates
// (`@[default_instance mid] instance : Neg Int` in core).
func (st *Statement) defaultType(a, b int32) Type {
	if st.treeHas(a, func(n *node) bool { return n.op == opNeg }) ||
		(b >= 0 && st.treeHas(b, func(n *node) bool { return n.op == opNeg })) {
		return Int
	}
	return Nat
}

func (st *Statement) hasDecimal(i int32) bool {
	return st.treeHas(i, func(n *node) bool { return n.op == opNum && n.decimal })
}

// treeHas reports whether a node of i's binop% tree (numerals, operators and
// untyped polymorphic leaves) satisfies f.
func (st *Statement) treeHas(i int32, f func(*node) bool) bool {
	n := &st.nodes[i]
	if f(n) {
		return true
	}
	if !n.op.isTree() && n.op != opAbs && !(n.op == opCall && (n.fn == fnMin || n.fn == fnMax)) {
		return false
	}
	if n.op == opPow {
		return st.treeHas(n.a, f)
	}
	return st.treeHas(n.a, f) || (n.b >= 0 && st.treeHas(n.b, f))
}
