package answer

import (
	"math"
	"math/big"
)

// val is a scalar: exact when r is set, else the float f.
type val struct {
	r *big.Rat
	f float64
}

func exact(r *big.Rat) val { return val{r: r, f: ratFloat(r)} }
func approx(f float64) val { return val{f: f} }

func ratFloat(r *big.Rat) float64 {
	f, _ := r.Float64()
	return f
}

// maxRatBits bounds exact arithmetic: past it a value is carried as a float,
// so that 9^9^9 costs nothing.
const maxRatBits = 4096

func bounded(r *big.Rat) val {
	if r.Num().BitLen() > maxRatBits || r.Denom().BitLen() > maxRatBits {
		return approx(ratFloat(r))
	}
	return exact(r)
}

func finite(f float64) bool { return !math.IsNaN(f) && !math.IsInf(f, 0) }

// env assigns values to variables; sign chooses the branch of every ± (all
// of them together: "x = 1 ± √2" has two values, not four).
type env struct {
	vars map[string]val
	sign int
}

// eval computes a scalar node. ok is false for anything that is not a finite
// real number here: a list, a relation, a division by zero, √-1.
func eval(n *node, e *env) (val, bool) {
	if n == nil {
		return val{}, false
	}
	switch n.k {
	case kNum:
		return exact(n.num), true
	case kConst:
		switch n.name {
		case "pi":
			return approx(math.Pi), true
		case "e":
			return approx(math.E), true
		}
		return val{}, false
	case kSym:
		if e == nil {
			return val{}, false
		}
		v, ok := e.vars[n.name]
		return v, ok
	case kAdd:
		return fold(n.kids, e, new(big.Rat), 0, func(a, b *big.Rat) *big.Rat { return a.Add(a, b) }, func(a, b float64) float64 { return a + b })
	case kMul:
		return fold(n.kids, e, big.NewRat(1, 1), 1, func(a, b *big.Rat) *big.Rat { return a.Mul(a, b) }, func(a, b float64) float64 { return a * b })
	case kNeg:
		v, ok := eval(n.kids[0], e)
		if !ok {
			return v, false
		}
		if v.r != nil {
			return exact(new(big.Rat).Neg(v.r)), true
		}
		return approx(-v.f), true
	case kDiv:
		return divide(n, e)
	case kPow:
		return power(n, e)
	case kPM:
		a, ok1 := eval(n.kids[0], e)
		b, ok2 := eval(n.kids[1], e)
		if !ok1 || !ok2 {
			return val{}, false
		}
		s := 1
		if e != nil && e.sign < 0 {
			s = -1
		}
		if a.r != nil && b.r != nil {
			r := new(big.Rat).Mul(b.r, big.NewRat(int64(s), 1))
			return exact(r.Add(r, a.r)), true
		}
		return approx(a.f + float64(s)*b.f), true
	case kFunc:
		return function(n, e)
	case kFact:
		v, ok := eval(n.kids[0], e)
		if !ok || v.r == nil || !v.r.IsInt() || v.r.Sign() < 0 || v.r.Num().Cmp(big.NewInt(500)) > 0 {
			return val{}, false
		}
		return bounded(new(big.Rat).SetInt(new(big.Int).MulRange(1, v.r.Num().Int64()))), true
	case kAbs:
		v, ok := eval(n.kids[0], e)
		if !ok {
			return v, false
		}
		if v.r != nil {
			return exact(new(big.Rat).Abs(v.r)), true
		}
		return approx(math.Abs(v.f)), true
	case kFloor, kCeil:
		v, ok := eval(n.kids[0], e)
		if !ok {
			return v, false
		}
		if v.r != nil {
			q, m := new(big.Int).DivMod(v.r.Num(), v.r.Denom(), new(big.Int))
			if n.k == kCeil && m.Sign() != 0 {
				q.Add(q, big.NewInt(1))
			}
			return exact(new(big.Rat).SetInt(q)), true
		}
		if n.k == kFloor {
			return approx(math.Floor(v.f)), true
		}
		return approx(math.Ceil(v.f)), true
	}
	return val{}, false
}

func fold(kids []*node, e *env, r *big.Rat, f float64, er func(a, b *big.Rat) *big.Rat, ef func(a, b float64) float64) (val, bool) {
	isExact := true
	for _, k := range kids {
		v, ok := eval(k, e)
		if !ok {
			return val{}, false
		}
		if isExact && v.r != nil {
			r = er(r, v.r)
			if r.Num().BitLen() > maxRatBits || r.Denom().BitLen() > maxRatBits {
				isExact, f = false, ratFloat(r)
			}
			continue
		}
		if isExact {
			isExact, f = false, ratFloat(r)
		}
		f = ef(f, v.f)
	}
	if isExact {
		return exact(r), true
	}
	return approx(f), finite(f)
}

func divide(n *node, e *env) (val, bool) {
	a, ok1 := eval(n.kids[0], e)
	b, ok2 := eval(n.kids[1], e)
	if !ok1 || !ok2 {
		return val{}, false
	}
	if a.r != nil && b.r != nil {
		if b.r.Sign() == 0 {
			return val{}, false
		}
		return bounded(new(big.Rat).Quo(a.r, b.r)), true
	}
	if b.f == 0 {
		return val{}, false
	}
	f := a.f / b.f
	return approx(f), finite(f)
}

func power(n *node, e *env) (val, bool) {
	b, ok1 := eval(n.kids[0], e)
	x, ok2 := eval(n.kids[1], e)
	if !ok1 || !ok2 {
		return val{}, false
	}
	if b.r != nil && x.r != nil && x.r.IsInt() && x.r.Num().IsInt64() {
		k := x.r.Num().Int64()
		if k < 0 && b.r.Sign() == 0 {
			return val{}, false
		}
		if bits := int64(b.r.Num().BitLen() + b.r.Denom().BitLen()); k >= -256 && k <= 256 && bits*abs64(k) <= 8*maxRatBits {
			num := new(big.Int).Exp(b.r.Num(), big.NewInt(abs64(k)), nil)
			den := new(big.Int).Exp(b.r.Denom(), big.NewInt(abs64(k)), nil)
			if k < 0 {
				num, den = den, num
			}
			return bounded(new(big.Rat).SetFrac(num, den)), true
		}
	}
	if b.r != nil && x.r != nil && b.r.Sign() > 0 {
		// An exact root: 8^{1/3} = 2, (4/9)^{3/2} = 8/27.
		if r, ok := exactRoot(b.r, x.r); ok {
			return r, true
		}
	}
	if b.f < 0 && x.r != nil && !x.r.IsInt() {
		// A real odd root of a negative number: (-8)^{1/3} = -2.
		if x.r.Denom().Bit(0) == 1 {
			f := -math.Pow(-b.f, x.f)
			if x.r.Num().Bit(0) == 0 {
				f = -f
			}
			return approx(f), finite(f)
		}
		return val{}, false
	}
	f := math.Pow(b.f, x.f)
	return approx(f), finite(f)
}

func abs64(k int64) int64 {
	if k < 0 {
		return -k
	}
	return k
}

// exactRoot computes b^(p/q) exactly when b is a perfect q-th power.
func exactRoot(b, x *big.Rat) (val, bool) {
	if !x.Denom().IsInt64() || x.Denom().Int64() > 16 || !x.Num().IsInt64() || abs64(x.Num().Int64()) > 64 {
		return val{}, false
	}
	q := x.Denom().Int64()
	num, ok1 := intRoot(b.Num(), q)
	den, ok2 := intRoot(b.Denom(), q)
	if !ok1 || !ok2 {
		return val{}, false
	}
	root := &node{k: kPow, kids: []*node{{k: kNum, num: new(big.Rat).SetFrac(num, den)}, {k: kNum, num: new(big.Rat).SetInt(x.Num())}}}
	return power(root, nil)
}

// intRoot returns the q-th root of a non-negative integer when it is exact.
func intRoot(a *big.Int, q int64) (*big.Int, bool) {
	if a.Sign() < 0 || a.BitLen() > maxRatBits {
		return nil, false
	}
	if q == 2 {
		r := new(big.Int).Sqrt(a)
		return r, new(big.Int).Mul(r, r).Cmp(a) == 0
	}
	f, _ := new(big.Float).SetInt(a).Float64()
	g := math.Round(math.Pow(f, 1/float64(q)))
	for _, c := range []float64{g - 1, g, g + 1} {
		if c < 0 || c > 1<<53 {
			continue
		}
		r := big.NewInt(int64(c))
		if new(big.Int).Exp(r, big.NewInt(q), nil).Cmp(a) == 0 {
			return r, true
		}
	}
	return nil, false
}

func function(n *node, e *env) (val, bool) {
	if n.name == "binom" {
		a, ok1 := eval(n.kids[0], e)
		b, ok2 := eval(n.kids[1], e)
		if !ok1 || !ok2 || a.r == nil || b.r == nil || !a.r.IsInt() || !b.r.IsInt() ||
			!a.r.Num().IsInt64() || !b.r.Num().IsInt64() || a.r.Num().Int64() > 10000 || b.r.Sign() < 0 {
			return val{}, false
		}
		return exact(new(big.Rat).SetInt(new(big.Int).Binomial(a.r.Num().Int64(), b.r.Num().Int64()))), true
	}
	v, ok := eval(n.kids[0], e)
	if !ok {
		return v, false
	}
	if n.name == "sqrt" {
		if v.r != nil {
			if v.r.Sign() < 0 {
				return val{}, false
			}
			if r, ok := exactRoot(v.r, big.NewRat(1, 2)); ok {
				return r, true
			}
		}
		if v.f < 0 {
			return val{}, false
		}
		return approx(math.Sqrt(v.f)), true
	}
	x := v.f
	var f float64
	switch n.name {
	case "sin":
		f = math.Sin(x)
	case "cos":
		f = math.Cos(x)
	case "tan":
		f = math.Tan(x)
	case "cot":
		f = 1 / math.Tan(x)
	case "sec":
		f = 1 / math.Cos(x)
	case "csc":
		f = 1 / math.Sin(x)
	case "arcsin":
		f = math.Asin(x)
	case "arccos":
		f = math.Acos(x)
	case "arctan":
		f = math.Atan(x)
	case "sinh":
		f = math.Sinh(x)
	case "cosh":
		f = math.Cosh(x)
	case "tanh":
		f = math.Tanh(x)
	case "exp":
		f = math.Exp(x)
	case "ln":
		f = math.Log(x)
	case "lg":
		f = math.Log10(x)
	case "log":
		f = math.Log(x)
		if len(n.kids) > 1 {
			b, ok := eval(n.kids[1], e)
			if !ok {
				return val{}, false
			}
			f /= math.Log(b.f)
		}
	default:
		return val{}, false
	}
	if x <= 0 && (n.name == "ln" || n.name == "log" || n.name == "lg") {
		return val{}, false
	}
	return approx(f), finite(f)
}
