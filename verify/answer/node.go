package answer

import (
	"math/big"
	"strings"
)

// kind classifies a parsed answer's node.
type kind uint8

const (
	kNum    kind = iota // num
	kSym                // a variable: name
	kConst              // pi, e, inf
	kAdd                // sum of kids
	kMul                // product of kids
	kNeg                // -kids[0]
	kDiv                // kids[0] / kids[1]
	kPow                // kids[0] ^ kids[1]
	kFunc               // name(kids...)
	kFact               // kids[0]!
	kAbs                // |kids[0]|
	kFloor              // ⌊kids[0]⌋
	kCeil               // ⌈kids[0]⌉
	kPM                 // kids[0] ± kids[1]
	kRel                // kids[0] ops[0] kids[1] ops[1] ... (a chain)
	kIn                 // kids[0] ∈ kids[1]
	kList               // bracketed or bare list: name holds the brackets ("()", "[)", "{}", "" bare, ":" ratio)
	kMatrix             // rows
	kSetOp              // kids joined by name (∪ or ∩)
	kText               // prose: name
)

// node is a parsed answer.
type node struct {
	k    kind
	num  *big.Rat
	dec  bool // a number written with a decimal point or exponent
	name string
	kids []*node
	ops  []string
	rows [][]*node
}

func (n *node) kid(i int) *node { return n.kids[i] }

// isName reports a node that names a quantity rather than computing one:
// x, x_1, f(x), (p, q), V_1:V_2, AB. "x = 11" compares as 11 when its left
// side is a name; "a + 3z = 0" does not.
func (n *node) isName() bool {
	switch n.k {
	case kSym:
		return true
	case kMul:
		// AB (implicit product of letters) or f(x): letters and calls only.
		for _, c := range n.kids {
			if c.k != kSym && !(c.k == kList && c.isName()) {
				return false
			}
		}
		return true
	case kList:
		if len(n.kids) == 0 {
			return false
		}
		for _, c := range n.kids {
			if !c.isName() {
				return false
			}
		}
		return true
	case kFunc:
		return len(n.kids) == 1 && n.kids[0].isName()
	case kDiv:
		// NO/BO, a ratio of named lengths.
		return n.kids[0].isName() && n.kids[1].isName()
	}
	return false
}

// isScalar reports a node that evaluates to one number (or fails to): no
// list, matrix, relation or prose inside.
func (n *node) isScalar() bool {
	switch n.k {
	case kList, kMatrix, kRel, kIn, kSetOp, kText:
		return false
	}
	for _, c := range n.kids {
		if c != nil && !c.isScalar() {
			return false
		}
	}
	return true
}

// hasFree reports whether n mentions a variable.
func (n *node) hasFree() bool {
	if n.k == kSym {
		return true
	}
	for _, c := range n.kids {
		if c != nil && c.hasFree() {
			return true
		}
	}
	for _, r := range n.rows {
		for _, c := range r {
			if c.hasFree() {
				return true
			}
		}
	}
	return false
}

// free collects the variables n mentions.
func (n *node) free(into map[string]bool) {
	if n == nil {
		return
	}
	if n.k == kSym {
		into[n.name] = true
	}
	for _, c := range n.kids {
		c.free(into)
	}
	for _, r := range n.rows {
		for _, c := range r {
			c.free(into)
		}
	}
}

// hasDecimal reports a decimal literal anywhere in n: such an answer was
// rounded by whoever wrote it, so it compares to a precision.
func (n *node) hasDecimal() bool {
	if n == nil {
		return false
	}
	if n.k == kNum && n.dec {
		return true
	}
	for _, c := range n.kids {
		if c.hasDecimal() {
			return true
		}
	}
	return false
}

// String renders n for debugging and tests.
func (n *node) String() string {
	if n == nil {
		return "<nil>"
	}
	var b strings.Builder
	n.write(&b)
	return b.String()
}

func (n *node) write(b *strings.Builder) {
	names := map[kind]string{kAdd: "add", kMul: "mul", kNeg: "neg", kDiv: "div", kPow: "pow",
		kFact: "fact", kAbs: "abs", kFloor: "floor", kCeil: "ceil", kPM: "pm", kIn: "in", kSetOp: "setop"}
	switch n.k {
	case kNum:
		b.WriteString(n.num.RatString())
		return
	case kSym, kConst:
		b.WriteString(n.name)
		return
	case kText:
		b.WriteString("text(" + n.name + ")")
		return
	case kFunc:
		b.WriteString(n.name)
	case kRel:
		b.WriteString("rel" + strings.Join(n.ops, ""))
	case kList:
		b.WriteString("list" + n.name)
	case kMatrix:
		b.WriteString("matrix[")
		for i, r := range n.rows {
			if i > 0 {
				b.WriteString("; ")
			}
			for j, c := range r {
				if j > 0 {
					b.WriteString(" ")
				}
				c.write(b)
			}
		}
		b.WriteString("]")
		return
	default:
		b.WriteString(names[n.k])
	}
	b.WriteString("(")
	for i, c := range n.kids {
		if i > 0 {
			b.WriteString(", ")
		}
		if c == nil {
			b.WriteString("_")
			continue
		}
		c.write(b)
	}
	b.WriteString(")")
}
