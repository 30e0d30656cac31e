package claim

import (
	"math"
	"math/big"
	"math/bits"
)

// Q is an exact rational. Small values live in n/d (d > 0, lowest terms);
// when an operation would overflow int64 the value moves to b. The zero
// value is 0.
type Q struct {
	n, d int64
	b    *big.Rat
}

// maxBits bounds intermediate results so hostile claims (9^9^9) cannot
// exhaust memory; beyond it evaluation is unsupported.
const maxBits = 1 << 16

func qInt(v int64) Q { return Q{n: v, d: 1} }

func (q Q) den() int64 {
	if q.d == 0 {
		return 1
	}
	return q.d
}

// Rat returns q as a new big.Rat.
func (q Q) Rat() *big.Rat {
	if q.b != nil {
		return new(big.Rat).Set(q.b)
	}
	return big.NewRat(q.n, q.den())
}

func fromRat(r *big.Rat) Q {
	if r.Num().IsInt64() && r.Denom().IsInt64() {
		return Q{n: r.Num().Int64(), d: r.Denom().Int64()}
	}
	return Q{b: r}
}

func (q Q) String() string {
	if q.b != nil {
		return q.b.RatString()
	}
	return q.Rat().RatString()
}

// IsInt reports an integral value.
func (q Q) IsInt() bool {
	if q.b != nil {
		return q.b.IsInt()
	}
	return q.den() == 1
}

// Sign is -1, 0 or 1.
func (q Q) Sign() int {
	if q.b != nil {
		return q.b.Sign()
	}
	switch {
	case q.n < 0:
		return -1
	case q.n > 0:
		return 1
	}
	return 0
}

func (q Q) tooBig() bool {
	return q.b != nil && q.b.Num().BitLen()+q.b.Denom().BitLen() > maxBits
}

func gcd(a, b int64) int64 {
	if a < 0 {
		a = -a
	}
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

func mul64(a, b int64) (int64, bool) {
	if a == math.MinInt64 || b == math.MinInt64 {
		return 0, false
	}
	neg := (a < 0) != (b < 0)
	ua, ub := uint64(abs64(a)), uint64(abs64(b))
	hi, lo := bits.Mul64(ua, ub)
	if hi != 0 || lo > math.MaxInt64 {
		return 0, false
	}
	if neg {
		return -int64(lo), true
	}
	return int64(lo), true
}

func add64(a, b int64) (int64, bool) {
	s := a + b
	if (a > 0 && b > 0 && s < 0) || (a < 0 && b < 0 && s >= 0) {
		return 0, false
	}
	return s, true
}

func abs64(a int64) int64 {
	if a < 0 {
		return -a
	}
	return a
}

func norm(n, d int64) Q {
	if d < 0 {
		n, d = -n, -d
	}
	if d != 1 {
		if g := gcd(n, d); g > 1 {
			n, d = n/g, d/g
		}
	}
	return Q{n: n, d: d}
}

// Add returns q + r.
func (q Q) Add(r Q) Q {
	if q.b == nil && r.b == nil {
		qd, rd := q.den(), r.den()
		if qd == 1 && rd == 1 {
			if s, ok := add64(q.n, r.n); ok {
				return Q{n: s, d: 1}
			}
		} else if a, ok1 := mul64(q.n, rd); ok1 {
			if b, ok2 := mul64(r.n, qd); ok2 {
				if d, ok3 := mul64(qd, rd); ok3 {
					if n, ok4 := add64(a, b); ok4 && n != math.MinInt64 {
						return norm(n, d)
					}
				}
			}
		}
	}
	return fromRat(new(big.Rat).Add(q.Rat(), r.Rat()))
}

// Neg returns -q.
func (q Q) Neg() Q {
	if q.b == nil && q.n != math.MinInt64 {
		return Q{n: -q.n, d: q.den()}
	}
	return fromRat(new(big.Rat).Neg(q.Rat()))
}

// Sub returns q - r.
func (q Q) Sub(r Q) Q { return q.Add(r.Neg()) }

// Mul returns q * r.
func (q Q) Mul(r Q) Q {
	if q.b == nil && r.b == nil {
		qd, rd := q.den(), r.den()
		if n, ok := mul64(q.n, r.n); ok {
			if d, ok := mul64(qd, rd); ok {
				if qd == 1 && rd == 1 {
					return Q{n: n, d: 1}
				}
				return norm(n, d)
			}
		}
	}
	return fromRat(new(big.Rat).Mul(q.Rat(), r.Rat()))
}

// Div returns q / r, with Lean's convention q / 0 = 0.
func (q Q) Div(r Q) Q {
	if r.Sign() == 0 {
		return Q{}
	}
	if q.b == nil && r.b == nil && r.n != math.MinInt64 {
		return q.Mul(norm(r.den(), r.n))
	}
	return fromRat(new(big.Rat).Quo(q.Rat(), r.Rat()))
}

// Cmp compares q and r.
func (q Q) Cmp(r Q) int {
	if q.b == nil && r.b == nil {
		qd, rd := q.den(), r.den()
		if qd == 1 && rd == 1 {
			switch {
			case q.n < r.n:
				return -1
			case q.n > r.n:
				return 1
			}
			return 0
		}
		if a, ok := mul64(q.n, rd); ok {
			if b, ok := mul64(r.n, qd); ok {
				switch {
				case a < b:
					return -1
				case a > b:
					return 1
				}
				return 0
			}
		}
	}
	return q.Rat().Cmp(r.Rat())
}

// Floor returns ⌊q⌋.
func (q Q) Floor() Q {
	if q.b == nil {
		d := q.den()
		f := q.n / d
		if q.n%d != 0 && q.n < 0 {
			f--
		}
		return qInt(f)
	}
	z := new(big.Int)
	m := new(big.Int)
	z.DivMod(q.b.Num(), q.b.Denom(), m) // Euclidean with positive divisor = floor
	return fromRat(new(big.Rat).SetInt(z))
}

// Ceil returns ⌈q⌉.
func (q Q) Ceil() Q { return q.Neg().Floor().Neg() }

// ediv returns the Euclidean quotient and remainder of integers a and b
// (b ≠ 0): a = b*q + r with 0 ≤ r < |b|, as Lean's Int.ediv/emod.
func ediv(a, b Q) (Q, Q) {
	if a.b == nil && b.b == nil && a.n != math.MinInt64 && b.n != math.MinInt64 {
		q, r := a.n/b.n, a.n%b.n
		if r < 0 {
			if b.n > 0 {
				q--
				r += b.n
			} else {
				q++
				r -= b.n
			}
		}
		return qInt(q), qInt(r)
	}
	x, y := a.Rat().Num(), b.Rat().Num()
	q, r := new(big.Int).DivMod(x, y, new(big.Int))
	return fromRat(new(big.Rat).SetInt(q)), fromRat(new(big.Rat).SetInt(r))
}

// powInt returns q^k for k ≥ 0, or false when the result would exceed maxBits.
func (q Q) powInt(k int64) (Q, bool) {
	if k == 0 {
		return qInt(1), true
	}
	if s := q.Sign(); s == 0 || q.Cmp(qInt(1)) == 0 {
		return q, true
	}
	if q.Cmp(qInt(-1)) == 0 {
		if k%2 == 0 {
			return qInt(1), true
		}
		return q, true
	}
	r := q.Rat()
	size := int64(r.Num().BitLen() + r.Denom().BitLen())
	if k > maxBits || size*k > maxBits {
		return Q{}, false
	}
	num := new(big.Int).Exp(r.Num(), big.NewInt(k), nil)
	den := new(big.Int).Exp(r.Denom(), big.NewInt(k), nil)
	return fromRat(new(big.Rat).SetFrac(num, den)), true
}

// int64Val returns an integral q as int64 when it fits.
func (q Q) int64Val() (int64, bool) {
	if q.b == nil && q.den() == 1 {
		return q.n, true
	}
	if q.b != nil && q.b.IsInt() && q.b.Num().IsInt64() {
		return q.b.Num().Int64(), true
	}
	return 0, false
}

// parseDecimal reads "123" or "12.5" exactly.
func parseDecimal(s string) (Q, bool) {
	var n int64
	d := int64(1)
	frac := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '.' {
			frac = true
			continue
		}
		v, ok := mul64(n, 10)
		if !ok {
			return parseDecimalBig(s)
		}
		if n, ok = add64(v, int64(c-'0')); !ok {
			return parseDecimalBig(s)
		}
		if frac {
			if d, ok = mul64(d, 10); !ok {
				return parseDecimalBig(s)
			}
		}
	}
	return norm(n, d), true
}

func parseDecimalBig(s string) (Q, bool) {
	if len(s) > maxBits/4 {
		return Q{}, false
	}
	r, ok := new(big.Rat).SetString(s)
	if !ok {
		return Q{}, false
	}
	return fromRat(r), true
}
