package verify

import (
	"regexp"
	"strings"
)

// Division with a remainder. Models often write "36/5 = 7 (with a
// remainder of 1)": false over ℝ, but a true statement about whole
// numbers, and Lean's ℕ division floors. When the words right after a
// claim say so, the claim is stated over ℕ instead, and a stated
// remainder becomes a second claim with %.

// remainderRE finds the remainder a sentence states after a claim.
var remainderRE = regexp.MustCompile(`(?i)\b(?:remainder(?:\s+of|\s+is|:)?|r)\s*(\d+)\b|\b(\d+)\s+(?:left\s*over|leftover|remaining)\b`)

// floorWords say the division was meant as whole-number division.
var floorWords = []string{"remainder", "left over", "leftover", "rounded down", "round down", "rounding down"}

// wholeDivision looks at the rest of the sentence after a claim (up to its
// end or 100 bytes) and reports whether it describes whole-number division,
// with the stated remainder ("" when none is given).
func wholeDivision(rest string) (rem string, ok bool) {
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
func naturalClaims(l, r []mathTok, rem, source string) ([]Claim, bool) {
	divs := 0
	for _, s := range [][]mathTok{l, r} {
		for _, t := range s {
			switch {
			case t.percent:
				return nil, false
			case t.kind == 'n' && strings.ContainsAny(t.lean, "./"):
				return nil, false
			case t.kind == 'o' && t.lean == "/":
				divs++
			case t.kind == 'o' && t.lean != "+" && t.lean != "*":
				return nil, false
			}
		}
	}
	if divs == 0 {
		return nil, false
	}
	c, err := makeTypedClaim(leanOf(l), leanOf(r), source, "ℕ")
	if err != nil {
		return nil, false
	}
	out := []Claim{c}
	var bare []mathTok // the left side without parentheses: "(36) / (5)" from \frac{36}{5}
	for _, t := range l {
		if t.kind != '(' && t.kind != ')' {
			bare = append(bare, t)
		}
	}
	if rem != "" && len(bare) == 3 && bare[0].kind == 'n' && bare[1].lean == "/" && bare[2].kind == 'n' {
		if m, err := makeTypedClaim(bare[0].lean+" % "+bare[2].lean, rem, source, "ℕ"); err == nil {
			out = append(out, m)
		}
	}
	return out, true
}
