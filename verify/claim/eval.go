package claim

import (
	"math/big"
)

// Verdict is the outcome of deciding a claim.
type Verdict uint8

// Verdicts.
const (
	// False: the goal is false (under hypotheses that hold).
	False Verdict = iota
	// True: the goal holds (and the hypotheses hold).
	True
	// Vacuous: some hypothesis is false, so the theorem asserts nothing.
	Vacuous
)

func (v Verdict) String() string {
	switch v {
	case True:
		return "true"
	case Vacuous:
		return "vacuous"
	}
	return "false"
}

// maxFactorial and maxChoose bound the arguments evaluated exactly.
const (
	maxFactorial = 2000
	maxChoose    = 1000
)

// Eval decides a closed statement. A statement with variables, or any term
// outside the subset, gives *Unsupported.
func (st *Statement) Eval() (Verdict, error) {
	if !st.Closed() {
		return False, unsupported(-1, "claim has variables; evaluation needs a closed claim")
	}
	for _, h := range st.Hyps {
		ok, err := st.evalProp(h.expr)
		if err != nil {
			return False, err
		}
		if !ok {
			return Vacuous, nil
		}
	}
	ok, err := st.evalProp(st.goal)
	if err != nil || !ok {
		return False, err
	}
	return True, nil
}

func (st *Statement) evalProp(i int32) (bool, error) {
	n := &st.nodes[i]
	switch n.op {
	case opTrue:
		return true, nil
	case opFalse:
		return false, nil
	case opNot:
		v, err := st.evalProp(n.a)
		return !v, err
	case opAnd, opOr, opImp, opIff:
		return st.evalConnective(n)
	case opModEq, opZModEq:
		return st.evalModEq(n)
	}
	a, err := st.evalTerm(n.a)
	if err != nil {
		return false, err
	}
	b, err := st.evalTerm(n.b)
	if err != nil {
		return false, err
	}
	return relHolds(n.op, a, b), nil
}

func relHolds(o op, a, b Q) bool {
	switch o {
	case opEq:
		return a.Cmp(b) == 0
	case opNe:
		return a.Cmp(b) != 0
	case opLt:
		return a.Cmp(b) < 0
	case opGt:
		return a.Cmp(b) > 0
	case opLe:
		return a.Cmp(b) <= 0
	case opGe:
		return a.Cmp(b) >= 0
	case opDvd:
		if a.Sign() == 0 {
			return b.Sign() == 0
		}
		_, r := ediv(b, a)
		return r.Sign() == 0
	}
	return false
}

// evalConnective short-circuits: the truth value is decided either way.
func (st *Statement) evalConnective(n *node) (bool, error) {
	a, err := st.evalProp(n.a)
	if err != nil {
		return false, err
	}
	switch {
	case n.op == opAnd && !a:
		return false, nil
	case n.op == opOr && a:
		return true, nil
	case n.op == opImp && !a:
		return true, nil
	}
	b, err := st.evalProp(n.b)
	if n.op == opIff {
		return a == b, err
	}
	return b, err
}

func (st *Statement) evalModEq(n *node) (bool, error) {
	var v [3]Q
	for k, c := range [3]int32{n.a, n.b, n.c} {
		x, err := st.evalTerm(c)
		if err != nil {
			return false, err
		}
		v[k] = x
	}
	if v[2].Sign() == 0 {
		return v[0].Cmp(v[1]) == 0, nil
	}
	_, ra := ediv(v[0], v[2])
	_, rb := ediv(v[1], v[2])
	return ra.Cmp(rb) == 0, nil
}

func (st *Statement) evalTerm(i int32) (Q, error) {
	n := &st.nodes[i]
	switch n.op {
	case opNum:
		return n.val, nil
	case opAscribe, opCoe:
		return st.evalTerm(n.a)
	case opNeg, opAbs, opFloor, opCeil, opFact:
		a, err := st.evalTerm(n.a)
		if err != nil {
			return Q{}, err
		}
		return st.unary(n, a)
	case opVar:
		return Q{}, unsupported(int(n.start), "variable %s in evaluation", st.text(i))
	}
	if n.op == opCall && n.b < 0 {
		a, err := st.evalTerm(n.a)
		if err != nil {
			return Q{}, err
		}
		return st.call1(n, a)
	}
	a, err := st.evalTerm(n.a)
	if err != nil {
		return Q{}, err
	}
	b, err := st.evalTerm(n.b)
	if err != nil {
		return Q{}, err
	}
	r, err := st.binary(n, a, b)
	if err == nil && r.tooBig() {
		return Q{}, unsupported(int(n.start), "value too large")
	}
	return r, err
}

func (st *Statement) unary(n *node, a Q) (Q, error) {
	switch n.op {
	case opNeg:
		return a.Neg(), nil
	case opAbs:
		if a.Sign() < 0 {
			return a.Neg(), nil
		}
		return a, nil
	case opFloor:
		return a.Floor(), nil
	case opCeil:
		return a.Ceil(), nil
	}
	k, ok := a.int64Val()
	if !ok || k > maxFactorial {
		return Q{}, unsupported(int(n.start), "factorial argument too large")
	}
	return fromRat(new(big.Rat).SetInt(new(big.Int).MulRange(1, max(k, 1)))), nil
}

func (st *Statement) call1(n *node, a Q) (Q, error) {
	switch n.fn {
	case fnFactorial:
		return st.unary(&node{op: opFact, start: n.start}, a)
	case fnNatAbs:
		if a.Sign() < 0 {
			return a.Neg(), nil
		}
		return a, nil
	}
	return Q{}, unsupported(int(n.start), "function")
}

func (st *Statement) binary(n *node, a, b Q) (Q, error) {
	switch n.op {
	case opAdd:
		return a.Add(b), nil
	case opSub:
		r := a.Sub(b)
		if n.typ == Nat && r.Sign() < 0 {
			return Q{}, nil // truncated subtraction
		}
		return r, nil
	case opMul:
		return a.Mul(b), nil
	case opDiv:
		if !n.typ.integral() {
			return a.Div(b), nil
		}
		if b.Sign() == 0 {
			return Q{}, nil
		}
		q, _ := ediv(a, b)
		return q, nil
	case opMod:
		if b.Sign() == 0 {
			return a, nil
		}
		_, r := ediv(a, b)
		return r, nil
	case opPow:
		return st.pow(n, a, b)
	case opCall:
		return st.call2(n, a, b)
	}
	return Q{}, unsupported(int(n.start), "operator")
}

func (st *Statement) pow(n *node, a, b Q) (Q, error) {
	k, ok := b.int64Val()
	if !ok || k > maxBits || k < -maxBits {
		return Q{}, unsupported(int(n.start), "exponent too large")
	}
	neg := k < 0
	if neg {
		k = -k
	}
	r, ok := a.powInt(k)
	if !ok {
		return Q{}, unsupported(int(n.start), "power too large")
	}
	if neg {
		return qInt(1).Div(r), nil // Lean: 0⁻¹ = 0
	}
	return r, nil
}

func (st *Statement) call2(n *node, a, b Q) (Q, error) {
	switch n.fn {
	case fnMin:
		if a.Cmp(b) <= 0 {
			return a, nil
		}
		return b, nil
	case fnMax:
		if a.Cmp(b) >= 0 {
			return a, nil
		}
		return b, nil
	case fnChoose:
		nn, ok1 := a.int64Val()
		kk, ok2 := b.int64Val()
		if !ok1 || !ok2 || nn > maxChoose {
			return Q{}, unsupported(int(n.start), "choose arguments too large")
		}
		if kk > nn {
			return Q{}, nil
		}
		return fromRat(new(big.Rat).SetInt(new(big.Int).Binomial(nn, kk))), nil
	}
	x, y := a.Rat().Num(), b.Rat().Num()
	g := new(big.Int).GCD(nil, nil, x, y)
	if n.fn == fnGcd {
		return fromRat(new(big.Rat).SetInt(g)), nil
	}
	if g.Sign() == 0 {
		return Q{}, nil // lcm 0 0 = 0
	}
	l := new(big.Int).Mul(x, y)
	return fromRat(new(big.Rat).SetInt(l.Quo(l, g))), nil
}
