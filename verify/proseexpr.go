package verify

import (
	"errors"
	"fmt"
	"math/big"
	"strings"
)

// expr is one side of an equation in prose, parsed: the formalizer reads
// the arithmetic itself, so that it knows every token it states and the
// exact value of every exponent.
type expr struct {
	op       byte // 'n' number, '+' '-' '*' '/' '^', 'u' negation, '!' factorial
	lean     string
	percent  bool
	ellipsis bool
	places   int
	a, b     *expr
}

// Limits on what is evaluated exactly while formalizing.
const (
	maxExponent  = 4096
	maxFactorial = 1000
	maxValueBits = 1 << 16
)

// errUnread is a side that is not plain arithmetic.
var errUnread = errors.New("not plain arithmetic")

// parseSide reads a whole side; every token must be part of the
// expression.
func parseSide(toks []mathTok) (*expr, error) {
	p := exprParser{toks: toks}
	e, err := p.sum()
	if err != nil {
		return nil, err
	}
	if p.i != len(p.toks) {
		return nil, fmt.Errorf("%w: %q is left over", errUnread, p.toks[p.i].lean)
	}
	return e, nil
}

type exprParser struct {
	toks  []mathTok
	i     int
	depth int
}

func (p *exprParser) peek() (mathTok, bool) {
	if p.i < len(p.toks) {
		return p.toks[p.i], true
	}
	return mathTok{}, false
}

func (p *exprParser) sum() (*expr, error) {
	a, err := p.product()
	if err != nil {
		return nil, err
	}
	for {
		t, ok := p.peek()
		if !ok || t.kind != kOp || (t.lean != "+" && t.lean != "-") {
			return a, nil
		}
		p.i++
		b, err := p.product()
		if err != nil {
			return nil, err
		}
		a = &expr{op: t.lean[0], a: a, b: b}
	}
}

func (p *exprParser) product() (*expr, error) {
	a, err := p.unary()
	if err != nil {
		return nil, err
	}
	for {
		t, ok := p.peek()
		switch {
		case ok && t.kind == kOp && (t.lean == "*" || t.lean == "/"):
			p.i++
			b, err := p.unary()
			if err != nil {
				return nil, err
			}
			a = &expr{op: t.lean[0], a: a, b: b}
		case ok && t.kind == kOpen && !t.group:
			// 4(40), (2)(3): juxtaposition multiplies. Not before a LaTeX
			// group: 2\frac{6}{7} is a mixed number, or 2·6/7.
			b, err := p.power()
			if err != nil {
				return nil, err
			}
			a = &expr{op: '*', a: a, b: b}
		default:
			return a, nil
		}
	}
}

func (p *exprParser) unary() (*expr, error) {
	t, ok := p.peek()
	if ok && t.kind == kOp && (t.lean == "-" || t.lean == "+") {
		p.i++
		p.depth++
		defer func() { p.depth-- }()
		if p.depth > 100 {
			return nil, fmt.Errorf("%w: nested too deeply", errUnread)
		}
		a, err := p.unary()
		if err != nil || t.lean == "+" {
			return a, err
		}
		return &expr{op: 'u', a: a}, nil
	}
	return p.power()
}

func (p *exprParser) power() (*expr, error) {
	base, err := p.postfix()
	if err != nil {
		return nil, err
	}
	t, ok := p.peek()
	if !ok || t.kind != kOp || t.lean != "^" {
		return base, nil
	}
	p.i++
	exp, err := p.unary() // right-associative: 2^3^2 = 2^(3^2)
	if err != nil {
		return nil, err
	}
	return &expr{op: '^', a: base, b: exp}, nil
}

func (p *exprParser) postfix() (*expr, error) {
	e, err := p.primary()
	if err != nil {
		return nil, err
	}
	for {
		t, ok := p.peek()
		if !ok || t.kind != kBang {
			return e, nil
		}
		p.i++
		e = &expr{op: '!', a: e}
	}
}

func (p *exprParser) primary() (*expr, error) {
	t, ok := p.peek()
	if !ok {
		return nil, fmt.Errorf("%w: a term is missing", errUnread)
	}
	switch t.kind {
	case kNum:
		p.i++
		return &expr{op: 'n', lean: t.lean, percent: t.percent, ellipsis: t.ellipsis, places: t.places}, nil
	case kOpen:
		p.i++
		p.depth++
		defer func() { p.depth-- }()
		if p.depth > 100 {
			return nil, fmt.Errorf("%w: nested too deeply", errUnread)
		}
		e, err := p.sum()
		if err != nil {
			return nil, err
		}
		if c, ok := p.peek(); !ok || c.kind != kClose {
			return nil, fmt.Errorf("%w: unbalanced parentheses", errUnread)
		}
		p.i++
		return e, nil
	}
	return nil, fmt.Errorf("%w: unexpected %q", errUnread, t.lean)
}

// value evaluates e exactly in ℚ. Division by zero, a fractional exponent
// (a real power) and values too large to hold are errors: the claim is
// then not stated.
func (e *expr) value() (*big.Rat, error) {
	switch e.op {
	case 'n':
		r, ok := new(big.Rat).SetString(numberText(e))
		if !ok {
			return nil, fmt.Errorf("%w: numeral %s", errUnread, e.lean)
		}
		return r, nil
	case 'u':
		a, err := e.a.value()
		if err != nil {
			return nil, err
		}
		return a.Neg(a), nil
	case '!':
		return e.factorial()
	}
	a, err := e.a.value()
	if err != nil {
		return nil, err
	}
	b, err := e.b.value()
	if err != nil {
		return nil, err
	}
	var r *big.Rat
	switch e.op {
	case '+':
		r = a.Add(a, b)
	case '-':
		r = a.Sub(a, b)
	case '*':
		r = a.Mul(a, b)
	case '/':
		if b.Sign() == 0 {
			return nil, errors.New("division by zero")
		}
		r = a.Quo(a, b)
	case '^':
		if r, err = ratPow(a, b); err != nil {
			return nil, err
		}
	}
	if r.Num().BitLen() > maxValueBits || r.Denom().BitLen() > maxValueBits {
		return nil, errors.New("value too large to evaluate")
	}
	return r, nil
}

// numberText is a numeral's exact decimal text (a percentage divided out).
func numberText(e *expr) string {
	if e.percent {
		return strings.TrimSuffix(strings.TrimPrefix(e.lean, "("), " / 100)") + "/100"
	}
	return e.lean
}

func (e *expr) factorial() (*big.Rat, error) {
	a, err := e.a.value()
	if err != nil {
		return nil, err
	}
	if !a.IsInt() || a.Sign() < 0 || a.Num().Cmp(big.NewInt(maxFactorial)) > 0 {
		return nil, errors.New("factorial of a non-natural or large number")
	}
	return new(big.Rat).SetInt(new(big.Int).MulRange(1, max(a.Num().Int64(), 1))), nil
}

// ratPow raises a to an integer power; a fractional exponent is a real
// power, which this formalizer does not state.
func ratPow(a, b *big.Rat) (*big.Rat, error) {
	if !b.IsInt() {
		return nil, errors.New("a fractional exponent (a real power) is not stated")
	}
	k := b.Num()
	if k.CmpAbs(big.NewInt(maxExponent)) > 0 {
		return nil, errors.New("exponent too large")
	}
	n := k.Int64()
	neg := n < 0
	if neg {
		n = -n
		if a.Sign() == 0 {
			return nil, errors.New("zero to a negative power")
		}
	}
	if bits := int64(max(a.Num().BitLen(), a.Denom().BitLen())) * n; bits > maxValueBits {
		return nil, errors.New("power too large to evaluate")
	}
	num := new(big.Int).Exp(a.Num(), big.NewInt(n), nil)
	den := new(big.Int).Exp(a.Denom(), big.NewInt(n), nil)
	if neg {
		num, den = den, num
	}
	return new(big.Rat).SetFrac(num, den), nil
}

// hasOp reports an operator or a percentage: "5 = 5" says nothing.
func (e *expr) hasOp() bool {
	return e.op != 'n' || e.percent
}

// hasPercent reports a percentage anywhere in e.
func (e *expr) hasPercent() bool {
	if e == nil {
		return false
	}
	return e.percent || e.a.hasPercent() || e.b.hasPercent()
}

// literal reports a side that is one plain number (perhaps negated), with
// its decimal places and whether it was cut with an ellipsis.
func (e *expr) literal() (places int, ellipsis, ok bool) {
	n := e
	if n.op == 'u' {
		n = n.a
	}
	if n.op != 'n' || n.percent {
		return 0, false, false
	}
	return n.places, n.ellipsis, true
}

// Lean precedences of the operators the formalizer writes.
const (
	precSum  = 65
	precProd = 70
	precPow  = 75
	precAtom = 1024
)

// lean writes e as Lean source over ℝ. Exponents are elaborated by Lean
// apart from their base, in ℕ by default, where 1/2 = 0 and 3 - 21 = 0:
// an exponent whose ℕ reading differs from its value in ℚ is written as
// its value (an integer; a negative one as an ℤ literal), and a
// fractional one is an error.
func (e *expr) leanText() (string, error) {
	s, _, err := e.emit()
	return s, err
}

func (e *expr) emit() (string, int, error) {
	switch e.op {
	case 'n':
		return e.lean, precAtom, nil
	case 'u':
		a, _, err := e.a.emit()
		return "(-" + wrapAtom(a, e.a) + ")", precAtom, err
	case '!':
		a, p, err := e.a.emit()
		if p < precAtom {
			a = "(" + a + ")"
		}
		return a + " !", precPow, err // parenthesized as the base of a power
	case '^':
		return e.emitPow()
	}
	prec := precSum
	if e.op == '*' || e.op == '/' {
		prec = precProd
	}
	a, pa, err := e.a.emit()
	if err != nil {
		return "", 0, err
	}
	b, pb, err := e.b.emit()
	if err != nil {
		return "", 0, err
	}
	if pa < prec {
		a = "(" + a + ")"
	}
	if pb <= prec {
		b = "(" + b + ")"
	}
	return a + " " + string(e.op) + " " + b, prec, nil
}

// wrapAtom parenthesizes a negated operand unless it is a number.
func wrapAtom(s string, e *expr) string {
	if e.op == 'n' {
		return s
	}
	return "(" + s + ")"
}

func (e *expr) emitPow() (string, int, error) {
	base, pb, err := e.a.emit()
	if err != nil {
		return "", 0, err
	}
	if pb <= precPow {
		base = "(" + base + ")"
	}
	v, err := e.b.value()
	if err != nil {
		return "", 0, err
	}
	if !v.IsInt() {
		return "", 0, errors.New("a fractional exponent (a real power) is not stated")
	}
	var exp string
	switch {
	case e.b.natFaithful():
		s, p, err := e.b.emit()
		if err != nil {
			return "", 0, err
		}
		exp = s
		if p < precAtom {
			exp = "(" + s + ")"
		}
	case v.Sign() >= 0:
		exp = v.Num().String()
	default:
		exp = "(" + v.Num().String() + " : ℤ)"
	}
	return base + " ^ " + exp, precPow, nil
}

// natFaithful reports whether Lean's ℕ reading of e (truncated
// subtraction, floor division, no decimals) gives its value in ℚ.
func (e *expr) natFaithful() bool {
	switch e.op {
	case 'n':
		return !e.percent && e.places == 0 && !strings.Contains(e.lean, ".")
	case '!':
		return e.a.natFaithful()
	case 'u':
		return false
	}
	if !e.a.natFaithful() || !e.b.natFaithful() {
		return false
	}
	a, err1 := e.a.value()
	b, err2 := e.b.value()
	if err1 != nil || err2 != nil {
		return false
	}
	switch e.op {
	case '-':
		return a.Cmp(b) >= 0
	case '/':
		return b.Sign() != 0 && new(big.Rat).Quo(a, b).IsInt()
	}
	return true
}

// wholeNumbers reports a side of whole numbers joined by + * / only (what
// may be restated over ℕ for a division with a remainder).
func (e *expr) wholeNumbers() (divs int, ok bool) {
	switch e.op {
	case 'n':
		return 0, !e.percent && e.places == 0 && !strings.Contains(e.lean, ".")
	case '+', '*', '/':
		da, oka := e.a.wholeNumbers()
		db, okb := e.b.wholeNumbers()
		d := da + db
		if e.op == '/' {
			d++
		}
		return d, oka && okb
	}
	return 0, false
}
