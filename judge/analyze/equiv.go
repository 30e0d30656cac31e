package analyze

import (
	"math/big"
	"strings"
)

// Equivalence methods, from strictest to loosest.
const (
	EqExact      = "exact"      // the same text after trimming
	EqNormalized = "normalized" // the same after LaTeX/unit/format normalization
	EqNumeric    = "numeric"    // the same rational number (0.5 = \frac{1}{2} = 1/2)
	EqPercent    = "percent"    // equal once a percent is read as /100
	EqTuple      = "tuple"      // bracketed lists equal element by element
	EqSet        = "set"        // bare comma lists equal as multisets
)

// Equivalent reports whether a predicted final answer matches the gold one,
// and by which rule. It never evaluates anything but exact rationals, so
// "\sqrt{2}" matches "\sqrt2" (normalized) but not 1.4142.
func Equivalent(pred, gold string) (bool, string) {
	return equivalent(pred, gold, 0)
}

func equivalent(pred, gold string, depth int) (bool, string) {
	p, g := strings.TrimSpace(pred), strings.TrimSpace(gold)
	if p == "" || g == "" {
		return false, ""
	}
	if p == g {
		return true, EqExact
	}
	cp, cg := canonical(p), canonical(g)
	if cp.s == "" || cg.s == "" {
		return false, ""
	}
	if cp.s == cg.s || strings.EqualFold(cp.s, cg.s) && isWord(cp.s) {
		return true, EqNormalized
	}
	if ok, how := numericEqual(cp, cg); ok {
		return true, how
	}
	if depth > 2 {
		return false, ""
	}
	return listEqual(cp.s, cg.s, depth)
}

func isWord(s string) bool {
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			return false
		}
	}
	return true
}

func numericEqual(p, g canon) (bool, string) {
	rp, ok1 := evalRat(p.s)
	rg, ok2 := evalRat(g.s)
	if !ok1 || !ok2 {
		return false, ""
	}
	if rp.Cmp(rg) == 0 {
		return true, EqNumeric
	}
	hundred := big.NewRat(100, 1)
	if p.percent != g.percent {
		a, b := new(big.Rat).Set(rp), new(big.Rat).Set(rg)
		if p.percent {
			a.Quo(a, hundred)
		} else {
			b.Quo(b, hundred)
		}
		if a.Cmp(b) == 0 {
			return true, EqPercent
		}
	}
	return false, ""
}

// listEqual compares "(1,2)" with "(1, 2)" element-wise (same brackets) and
// "1,-2" with "-2,1" as multisets.
func listEqual(p, g string, depth int) (bool, string) {
	po, pc, pe := splitList(p)
	go_, gc, ge := splitList(g)
	if len(pe) < 2 || len(pe) != len(ge) || po != go_ || pc != gc {
		return false, ""
	}
	if po != 0 {
		for i := range pe {
			if ok, _ := equivalent(pe[i], ge[i], depth+1); !ok {
				return false, ""
			}
		}
		return true, EqTuple
	}
	used := make([]bool, len(ge))
	for _, a := range pe {
		found := false
		for j, b := range ge {
			if !used[j] {
				if ok, _ := equivalent(a, b, depth+1); ok {
					used[j], found = true, true
					break
				}
			}
		}
		if !found {
			return false, ""
		}
	}
	return true, EqSet
}

// splitList strips one enclosing bracket pair (when it encloses the whole
// string) and splits at top-level commas.
func splitList(s string) (open, close byte, elems []string) {
	if n := len(s); n >= 2 && strings.IndexByte("([{", s[0]) >= 0 && strings.IndexByte(")]}", s[n-1]) >= 0 && enclosesAll(s) {
		open, close, s = s[0], s[n-1], s[1:n-1]
	}
	depth, start := 0, 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '(', '[', '{':
			depth++
		case ')', ']', '}':
			depth--
		case ',':
			if depth == 0 {
				elems = append(elems, s[start:i])
				start = i + 1
			}
		}
	}
	return open, close, append(elems, s[start:])
}

// enclosesAll reports whether the first bracket closes at the last byte.
func enclosesAll(s string) bool {
	depth := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '(', '[', '{':
			depth++
		case ')', ']', '}':
			depth--
			if depth == 0 && i != len(s)-1 {
				return false
			}
		}
	}
	return depth == 0
}
