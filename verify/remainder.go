package verify

import (
	"regexp"
	"strings"
)

// Division with a remainder. Models often write "36/5 = 7 (with a
// remainder of 1)" or "20 ÷ 6 = 3 R 2": false over ℝ, but a true statement
// about whole numbers, and Lean's ℕ division floors. When the words right
// after a claim say so, the claim is stated over ℕ instead, and a stated
// remainder becomes a second claim with %.

// remainderRE finds the remainder a sentence states after a claim.
var remainderRE = regexp.MustCompile(`(?i)\b(?:remainder(?:\s+of|\s+is|:)?|r)\s*(\d+)\b|\b(\d+)\s+(?:left\s*over|leftover|remaining)\b`)

// quotientR is the "3 R 2" notation right after a quotient.
var quotientR = regexp.MustCompile(`^\s*[Rr]\s*(\d+)\b`)

// floorWords say the division was meant as whole-number division.
var floorWords = []string{"remainder", "left over", "leftover", "rounded down", "round down", "rounding down"}

// wholeDivision looks at the rest of the sentence after a claim (up to its
// end or 100 bytes) and reports whether it describes whole-number division,
// with the stated remainder ("" when none is given).
func wholeDivision(rest string) (rem string, ok bool) {
	if m := quotientR.FindStringSubmatch(rest); m != nil {
		return m[1], true
	}
	if len(rest) > 100 {
		rest = rest[:100]
	}
	if k := strings.IndexAny(rest, "\n"); k >= 0 {
		rest = rest[:k]
	}
	if k := strings.Index(rest, ". "); k >= 0 {
		rest = rest[:k]
	}
	lower := strings.ToLower(rest)
	found := false
	for _, w := range floorWords {
		if strings.Contains(lower, w) {
			found = true
			break
		}
	}
	if !found {
		return "", false
	}
	if m := remainderRE.FindStringSubmatch(rest); m != nil {
		return m[1] + m[2], true
	}
	return "", true
}

// naturalClaims restates `lhs = rhs` over ℕ when both sides are whole
// numbers joined by + * / (no subtraction: ℕ truncates it, which would
// hide errors), and, when lhs is a single division a / b and a remainder
// was stated, adds `a % b = rem`. ok is false when the claim is not of
// that shape: it then stays over ℝ.
func naturalClaims(l, r *expr, rem, source string) ([]Claim, bool) {
	dl, okl := l.wholeNumbers()
	dr, okr := r.wholeNumbers()
	if !okl || !okr || dl+dr == 0 {
		return nil, false
	}
	ls, err1 := l.leanText()
	rs, err2 := r.leanText()
	if err1 != nil || err2 != nil {
		return nil, false
	}
	c, err := makeTypedClaim(ls, rs, source, "ℕ")
	if err != nil {
		return nil, false
	}
	out := []Claim{c}
	if rem != "" && l.op == '/' && l.a.op == 'n' && l.b.op == 'n' {
		if m, err := makeTypedClaim(l.a.lean+" % "+l.b.lean, rem, source, "ℕ"); err == nil {
			out = append(out, m)
		}
	}
	return out, true
}
