package analyze

import (
	"math/big"
	"strings"
)

// maxExponent bounds powers so that a hostile "10^999999999" cannot eat
// memory; larger exponents are not evaluated (the answer is compared as text).
const maxExponent = 64

// evalRat evaluates a canonical answer that is a plain rational expression:
// integers, decimals, \frac{}{}, braces, parentheses, + - * / and integer
// powers. Anything else (\sqrt, \pi, variables, lists) is not a number here.
func evalRat(s string) (*big.Rat, bool) {
	if s == "" || len(s) > 256 {
		return nil, false
	}
	p := ratParser{s: s}
	v, ok := p.expr(0)
	if !ok || p.i != len(p.s) {
		return nil, false
	}
	return v, true
}

type ratParser struct {
	s string
	i int
}

const maxDepth = 32

func (p *ratParser) peek() byte {
	if p.i < len(p.s) {
		return p.s[p.i]
	}
	return 0
}

func (p *ratParser) expr(d int) (*big.Rat, bool) {
	if d > maxDepth {
		return nil, false
	}
	v, ok := p.term(d)
	if !ok {
		return nil, false
	}
	for {
		switch p.peek() {
		case '+', '-':
			op := p.s[p.i]
			p.i++
			w, ok := p.term(d)
			if !ok {
				return nil, false
			}
			if op == '+' {
				v.Add(v, w)
			} else {
				v.Sub(v, w)
			}
		default:
			return v, true
		}
	}
}

func (p *ratParser) term(d int) (*big.Rat, bool) {
	v, ok := p.unary(d)
	if !ok {
		return nil, false
	}
	for {
		switch p.peek() {
		case '*', '/':
			op := p.s[p.i]
			p.i++
			w, ok := p.unary(d)
			if !ok {
				return nil, false
			}
			if op == '*' {
				v.Mul(v, w)
			} else {
				if w.Sign() == 0 {
					return nil, false
				}
				v.Quo(v, w)
			}
		default:
			return v, true
		}
	}
}

func (p *ratParser) unary(d int) (*big.Rat, bool) {
	switch p.peek() {
	case '-':
		p.i++
		v, ok := p.unary(d + 1)
		if !ok {
			return nil, false
		}
		return v.Neg(v), true
	case '+':
		p.i++
		return p.unary(d + 1)
	}
	return p.power(d)
}

func (p *ratParser) power(d int) (*big.Rat, bool) {
	v, ok := p.primary(d)
	if !ok {
		return nil, false
	}
	if p.peek() != '^' {
		return v, true
	}
	p.i++
	e, ok := p.primary(d + 1)
	if !ok || !e.IsInt() || e.Num().CmpAbs(big.NewInt(maxExponent)) > 0 {
		return nil, false
	}
	n := e.Num().Int64()
	if n < 0 && v.Sign() == 0 {
		return nil, false
	}
	r := new(big.Rat).SetInt64(1)
	for range abs(n) {
		r.Mul(r, v)
	}
	if n < 0 {
		r.Inv(r)
	}
	return r, true
}

func abs(n int64) int64 {
	if n < 0 {
		return -n
	}
	return n
}

func (p *ratParser) primary(d int) (*big.Rat, bool) {
	switch c := p.peek(); {
	case c == '{' || c == '(':
		closer := byte('}')
		if c == '(' {
			closer = ')'
		}
		p.i++
		v, ok := p.expr(d + 1)
		if !ok || p.peek() != closer {
			return nil, false
		}
		p.i++
		return v, true
	case c >= '0' && c <= '9' || c == '.':
		return p.number()
	case strings.HasPrefix(p.s[p.i:], `\frac`):
		p.i += len(`\frac`)
		if p.peek() != '{' {
			return nil, false
		}
		num, ok := p.primary(d + 1)
		if !ok || p.peek() != '{' {
			return nil, false
		}
		den, ok := p.primary(d + 1)
		if !ok || den.Sign() == 0 {
			return nil, false
		}
		return num.Quo(num, den), true
	}
	return nil, false
}

func (p *ratParser) number() (*big.Rat, bool) {
	start := p.i
	dot := false
	for p.i < len(p.s) {
		c := p.s[p.i]
		if c == '.' && !dot {
			dot = true
		} else if c < '0' || c > '9' {
			break
		}
		p.i++
	}
	lit := p.s[start:p.i]
	if lit == "." {
		return nil, false
	}
	r, ok := new(big.Rat).SetString(lit)
	return r, ok
}
