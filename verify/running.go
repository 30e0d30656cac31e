package verify

// A running computation written as a chain: "$3/2 = $1.50+$3.00=$4.50"
// means 3/2 = 1.50, then 1.50 + 3.00 = 4.50. Read as a chain, its first
// link (3/2 = 1.50 + 3.00) is false though the author wrote nothing false.
// The link is recognized, not restated: the left side equals a leading
// operand of the right side, and the right side equals the side after it.
// Each condition alone is common; together they are the running reading,
// and the link is then unsupported rather than disproved (a wrong verdict
// costs more than none). The next link is stated as usual.

// runningLink reports whether sides[k] = sides[k+1] of a chain reads as a
// running computation: sides[k] differs from sides[k+1] but equals one of
// its leading operands, and sides[k+1] equals sides[k+2].
func (f *proseFormalizer) runningLink(sides []side, k int, l, r *expr) bool {
	if k+2 >= len(sides) || sides[k+1].rel != kEq || sides[k].rel != kEq {
		return false
	}
	next := sides[k+2]
	if next.start >= next.end {
		return false
	}
	n, err := parseSide(f.toks[next.start:next.end])
	if err != nil {
		return false
	}
	lv, err1 := l.value()
	rv, err2 := r.value()
	nv, err3 := n.value()
	if err1 != nil || err2 != nil || err3 != nil || lv.Cmp(rv) == 0 || rv.Cmp(nv) != 0 {
		return false
	}
	for e := r; isBinary(e.op); e = e.a {
		if v, err := e.a.value(); err == nil && v.Cmp(lv) == 0 {
			return true
		}
	}
	return false
}

func isBinary(op byte) bool {
	switch op {
	case '+', '-', '*', '/', '^':
		return true
	}
	return false
}
