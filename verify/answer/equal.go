package answer

import (
	"math"
	"math/big"
	"strings"
)

type result struct {
	outcome Outcome
	method  Method
}

var (
	unknown   = result{outcome: Unknown}
	different = func(m Method) result { return result{Different, m} }
	same      = func(m Method) result { return result{Equal, m} }
)

func yes(ok bool, m Method) result {
	if ok {
		return same(m)
	}
	return different(m)
}

type comparer struct {
	precision int
	// steps counts comparisons, so that nested sets cannot make one
	// verdict cost more than maxSteps of them.
	steps int
}

const maxSteps = 20000

// maxCompareDepth and maxListLen bound the work on nested or long answers.
const (
	maxCompareDepth = 12
	maxListLen      = 64
)

// equal compares two parsed answers, a predicted and a gold one.
func (c *comparer) equal(a, b *node, depth int) result {
	c.steps++
	if depth > maxCompareDepth || c.steps > maxSteps {
		return unknown
	}
	a, b = expandPM(matrixProduct(a)), expandPM(matrixProduct(b))
	a, b = align(a, b), align(b, a) // both from the originals: a tuple assignment
	switch {
	case a.k == kRel && b.k == kRel:
		return c.relations(a, b)
	case a.k == kRel || b.k == kRel:
		ia, ib := asInterval(a), asInterval(b)
		if ia != nil && ib != nil {
			return c.equal(ia, ib, depth+1)
		}
		return different(MethodEquation)
	case a.k == kText || b.k == kText:
		return yes(a.k == b.k && textEqual(a.name, b.name), MethodText)
	case a.k == kList || b.k == kList:
		return c.lists(a, b, depth)
	case a.k == kMatrix || b.k == kMatrix:
		return c.matrices(a, b, depth)
	case a.k == kSetOp || b.k == kSetOp:
		if a.k != b.k || a.name != b.name {
			return different(MethodInterval)
		}
		return c.set(a.kids, b.kids, depth, MethodInterval)
	case a.k == kIn || b.k == kIn:
		return different(MethodEquation)
	}
	return c.scalars(a, b)
}

// expandPM turns a ± b into the list a + b, a - b.
func expandPM(n *node) *node {
	if !hasPM(n) || n.k == kList || n.k == kRel {
		return n
	}
	return &node{k: kList, name: "", kids: []*node{withSign(n, 1), withSign(n, -1)}}
}

func hasPM(n *node) bool {
	if n == nil {
		return false
	}
	if n.k == kPM {
		return true
	}
	for _, k := range n.kids {
		if hasPM(k) {
			return true
		}
	}
	return false
}

// withSign copies n with every ± resolved to sign.
func withSign(n *node, sign int) *node {
	if n == nil {
		return nil
	}
	if n.k == kPM {
		b := withSign(n.kids[1], sign)
		if sign < 0 {
			b = &node{k: kNeg, kids: []*node{b}}
		}
		return sum(&node{k: kAdd, kids: []*node{withSign(n.kids[0], sign)}}, b)
	}
	m := *n
	m.kids = make([]*node, len(n.kids))
	for i, k := range n.kids {
		m.kids[i] = withSign(k, sign)
	}
	return &m
}

// align strips what names an answer when the other side does not state a
// relation: "x = 11" against 11 compares 11, "x ∈ [1, 2]" compares [1, 2],
// "AB = 4, CD = 5" against "4, 5" compares the values.
func align(n, other *node) *node {
	if other.k == kRel && other.ops[0] == "=" {
		return n
	}
	switch n.k {
	case kRel:
		if statesValue(n) {
			return n.kids[len(n.kids)-1]
		}
	case kIn:
		if n.kids[0].isName() {
			return n.kids[1]
		}
	case kList:
		var kids []*node
		changed := false
		for _, k := range n.kids {
			s := align(k, other)
			changed = changed || s != k
			kids = append(kids, s)
		}
		if changed {
			m := *n
			m.kids = kids
			return &m
		}
	}
	return n
}

// statesValue reports a chain of equalities that ends in the value it
// states: some side before the last names a quantity (x = 5+5+1 = 11,
// 1 = \\zzz = x = 0), or every side is closed, a computation whose result
// comes last (3 × 4 = 12). "a + 3z = 0" and "7 = 11a + c" state no value.
func statesValue(n *node) bool {
	if !allOps(n.ops, "=") {
		return false
	}
	last := n.kids[len(n.kids)-1]
	if last.isName() && len(n.kids) == 2 {
		return false
	}
	closed := true
	for _, k := range n.kids[:len(n.kids)-1] {
		if k.isName() {
			return true
		}
		closed = closed && !k.hasFree()
	}
	return closed && !last.hasFree()
}

func allOps(ops []string, op string) bool {
	for _, o := range ops {
		if o != op {
			return false
		}
	}
	return true
}

func textEqual(a, b string) bool {
	a, b = normText(a), normText(b)
	return a != "" && strings.EqualFold(a, b)
}

// lists compares tuples, intervals, sets and ratios.
func (c *comparer) lists(a, b *node, depth int) result {
	if a.k != kList {
		a, b = b, a
	}
	if b.k != kList {
		// A one-element set, or a set that repeats one value ({840, 840}).
		if !setLike(a.name) || len(a.kids) == 0 {
			return different(MethodSet)
		}
		return c.set(a.kids, []*node{b}, depth, MethodSet)
	}
	if len(a.kids) > maxListLen || len(b.kids) > maxListLen {
		return unknown
	}
	switch {
	case a.name == ":" || b.name == ":":
		if a.name != b.name {
			return different(MethodTuple)
		}
		return c.ordered(a.kids, b.kids, depth, MethodTuple)
	case setLike(a.name) && setLike(b.name),
		setLike(a.name) && b.name == "()", setLike(b.name) && a.name == "()":
		// Math-Verify reads {1,3} and (1,3) as the same answer; so does
		// this grader, as sets.
		return c.set(a.kids, b.kids, depth, MethodSet)
	case a.name == b.name:
		m := MethodTuple
		if a.name != "()" || len(a.kids) == 2 && (isInf(a.kids[1]) || isInf(b.kids[1]) || isInf(a.kids[0]) || isInf(b.kids[0])) {
			m = MethodInterval
		}
		return c.ordered(a.kids, b.kids, depth, m)
	}
	return different(MethodInterval)
}

func setLike(name string) bool { return name == "" || name == "{}" }

func isInf(n *node) bool {
	return n.k == kConst && n.name == "inf" || n.k == kNeg && isInf(n.kids[0])
}

func (c *comparer) ordered(a, b []*node, depth int, m Method) result {
	if len(a) != len(b) {
		return different(m)
	}
	for i := range a {
		r := c.equal(a[i], b[i], depth+1)
		if r.outcome != Equal {
			return result{r.outcome, m}
		}
	}
	return same(m)
}

// set reports whether every element of a equals one of b and back.
func (c *comparer) set(a, b []*node, depth int, m Method) result {
	if len(a) > maxListLen || len(b) > maxListLen {
		return unknown
	}
	covers := func(x, y []*node) Outcome {
		out := Equal
		for _, e := range x {
			found, unsure := false, false
			for _, f := range y {
				switch c.equal(e, f, depth+1).outcome {
				case Equal:
					found = true
				case Unknown:
					unsure = true
				}
				if found {
					break
				}
			}
			if !found {
				if !unsure {
					return Different
				}
				out = Unknown
			}
		}
		return out
	}
	o1 := covers(a, b)
	if o1 == Different {
		return different(m)
	}
	o2 := covers(b, a)
	if o2 == Different {
		return different(m)
	}
	if o1 == Unknown || o2 == Unknown {
		return unknown
	}
	return same(m)
}

func (c *comparer) matrices(a, b *node, depth int) result {
	if a.k != b.k || len(a.rows) != len(b.rows) || len(a.rows[0]) != len(b.rows[0]) {
		return different(MethodMatrix)
	}
	for i := range a.rows {
		if r := c.ordered(a.rows[i], b.rows[i], depth, MethodMatrix); r.outcome != Equal {
			return r
		}
	}
	return same(MethodMatrix)
}

// scalars compares two expressions: exactly when both are closed, by
// evaluation at sample points when they have variables.
func (c *comparer) scalars(a, b *node) result {
	if !a.isScalar() || !b.isScalar() {
		// -[0,1) against 1: a set is not a number.
		return different(MethodNumeric)
	}
	if isInf(a) || isInf(b) {
		return yes(isInf(a) && isInf(b) && infSign(a) == infSign(b), MethodNumeric)
	}
	fa, fb := map[string]bool{}, map[string]bool{}
	a.free(fa)
	b.free(fb)
	if len(fa) == 0 && len(fb) == 0 {
		x, ok1 := eval(a, nil)
		y, ok2 := eval(b, nil)
		if !ok1 || !ok2 {
			return unknown
		}
		return yes(c.sameValue(x, y, a.hasDecimal() || b.hasDecimal()), MethodNumeric)
	}
	if !sameKeys(fa, fb) {
		// Strict, as Math-Verify's default: f(x) is not f(y).
		return different(MethodSymbolic)
	}
	return c.samples(a, b, fa, func(x, y val) bool { return c.sameValue(x, y, false) }, MethodSymbolic)
}

func infSign(n *node) int {
	if n.k == kNeg {
		return -infSign(n.kids[0])
	}
	return 1
}

func sameKeys(a, b map[string]bool) bool {
	if len(a) != len(b) {
		return false
	}
	for k := range a {
		if !b[k] {
			return false
		}
	}
	return true
}

// sameValue compares two numbers: exactly when both are exact; to the
// grader's precision when either was written as a decimal (a rounded
// value); else to a relative tolerance of 1e-9, which only floating-point
// error in evaluating √2·√8 and the like can reach.
func (c *comparer) sameValue(x, y val, decimal bool) bool {
	if x.r != nil && y.r != nil && x.r.Cmp(y.r) == 0 {
		return true
	}
	if decimal && roundTo(x, c.precision).Cmp(roundTo(y, c.precision)) == 0 {
		return true
	}
	if x.r != nil && y.r != nil {
		return false
	}
	return close(x.f, y.f)
}

func close(a, b float64) bool {
	if !finite(a) || !finite(b) {
		return false
	}
	return math.Abs(a-b) <= 1e-9*math.Max(1, math.Max(math.Abs(a), math.Abs(b)))
}

// roundTo rounds v to d decimals, half away from zero.
func roundTo(v val, d int) *big.Rat {
	r := v.r
	if r == nil {
		r = new(big.Rat)
		if _, ok := r.SetString(big.NewFloat(v.f).Text('g', 17)); !ok {
			return new(big.Rat)
		}
	}
	scale := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(d)), nil)
	x := new(big.Rat).Mul(r, new(big.Rat).SetInt(scale))
	num, den := new(big.Int).Set(x.Num()), x.Denom()
	neg := num.Sign() < 0
	num.Abs(num)
	q, m := new(big.Int).QuoRem(num, den, new(big.Int))
	if new(big.Int).Mul(m, big.NewInt(2)).Cmp(den) >= 0 {
		q.Add(q, big.NewInt(1))
	}
	if neg {
		q.Neg(q)
	}
	return new(big.Rat).SetFrac(q, scale)
}

// samplePoints are the values variables take: irregular rationals, so that
// two different rational functions agree at all of them only by a
// coincidence that several points make negligible; exact where the
// expressions allow.
var samplePoints = []*big.Rat{
	big.NewRat(17, 7), big.NewRat(-9, 5), big.NewRat(23, 11), big.NewRat(5, 13), big.NewRat(-31, 9),
	big.NewRat(41, 17), big.NewRat(3, 19), big.NewRat(-7, 23), big.NewRat(29, 6), big.NewRat(13, 4),
	big.NewRat(-11, 3), big.NewRat(37, 10), big.NewRat(2, 29),
}

// Sample counts: the points tried and the evaluations needed on both sides
// before two expressions with variables are called equal. A point where
// either side cannot be evaluated (√ of a negative) is skipped; too few
// usable points give Unknown rather than a guess.
const (
	samplesTried  = 8
	samplesNeeded = 4
)

// samples evaluates a and b at the sample points and asks agree of each
// pair of values.
func (c *comparer) samples(a, b *node, vars map[string]bool, agree func(x, y val) bool, m Method) result {
	names := sortedKeys(vars)
	good := 0
	for k := range samplesTried {
		e := &env{vars: map[string]val{}, sign: 1}
		for i, name := range names {
			e.vars[name] = exact(samplePoints[(k+5*i)%len(samplePoints)])
		}
		x, ok1 := eval(a, e)
		y, ok2 := eval(b, e)
		if ok1 != ok2 {
			// Defined on one side only: not the same function.
			return different(m)
		}
		if !ok1 {
			continue
		}
		if !agree(x, y) {
			return different(m)
		}
		good++
	}
	if good < samplesNeeded {
		return unknown
	}
	return same(m)
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j] < out[j-1]; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

// matrixProduct multiplies out a product of matrices (and scalars), entry by
// entry as expressions; anything else is returned as it is.
func matrixProduct(n *node) *node {
	if n.k == kAdd {
		return matrixSum(n)
	}
	if n.k != kMul {
		return n
	}
	var acc *node
	var scalars []*node
	for _, k := range n.kids {
		if k.k != kMatrix {
			if k.k == kList || k.k == kRel || k.k == kText {
				return n
			}
			scalars = append(scalars, k)
			continue
		}
		if acc == nil {
			acc = k
			continue
		}
		if len(acc.rows[0]) != len(k.rows) || len(acc.rows)*len(k.rows[0]) > maxListLen {
			return n
		}
		m := &node{k: kMatrix}
		for i := range acc.rows {
			row := make([]*node, len(k.rows[0]))
			for j := range row {
				s := &node{k: kAdd}
				for l := range k.rows {
					s.kids = append(s.kids, &node{k: kMul, kids: []*node{acc.rows[i][l], k.rows[l][j]}})
				}
				row[j] = s
			}
			m.rows = append(m.rows, row)
		}
		acc = m
	}
	if acc == nil {
		return n
	}
	if len(scalars) > 0 {
		m := &node{k: kMatrix}
		for _, r := range acc.rows {
			row := make([]*node, len(r))
			for j, e := range r {
				row[j] = &node{k: kMul, kids: append(append([]*node{}, scalars...), e)}
			}
			m.rows = append(m.rows, row)
		}
		acc = m
	}
	return acc
}

// matrixSum adds matrices of one shape entry by entry.
func matrixSum(n *node) *node {
	var ms []*node
	for _, k := range n.kids {
		k = matrixProduct(k)
		if k.k != kMatrix {
			return n
		}
		ms = append(ms, k)
	}
	first := ms[0]
	out := &node{k: kMatrix}
	for i := range first.rows {
		row := make([]*node, len(first.rows[i]))
		for j := range row {
			s := &node{k: kAdd}
			for _, m := range ms {
				if len(m.rows) != len(first.rows) || len(m.rows[i]) != len(first.rows[i]) {
					return n
				}
				s.kids = append(s.kids, m.rows[i][j])
			}
			row[j] = s
		}
		out.rows = append(out.rows, row)
	}
	return out
}
