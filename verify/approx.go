package verify

import (
	"errors"
	"fmt"
	"strings"

	"github.com/stepwise-dev/stepwise/verify/claim"
)

// pairClaim states l = r (or l ≈ r). A side that is one decimal number
// written to d places (or cut with "...", or after ≈) is read as what the
// author wrote: the other side's exact value rounded or cut to d places.
// "200 / 3 = 66.66666666666667" is true in that reading and false as an
// equality; the checks are exact, so the reading is part of the statement.
func pairClaim(l, r *expr, approx bool, source string) (Claim, error) {
	if _, err := l.value(); err != nil {
		return Claim{}, err
	}
	if _, err := r.value(); err != nil {
		return Claim{}, err
	}
	ls, err := l.leanText()
	if err != nil {
		return Claim{}, err
	}
	rs, err := r.leanText()
	if err != nil {
		return Claim{}, err
	}
	if p, other, ok := lonePercent(l, r, ls, rs); ok && !approx {
		return percentClaim(other, p, source)
	}
	exact, dec, places, ok := approxSides(l, r, ls, rs, approx)
	if !ok {
		if approx {
			return Claim{}, errors.New("an approximation between two expressions is not stated")
		}
		return makeClaim(ls, rs, source)
	}
	return approxClaim(exact, dec, places, source)
}

// lonePercent finds a pair where one side is a lone percentage and the
// other has none: "7 / 10 = 70%" reads the percentage as 70/100, "0.7 × 100
// = 70%" and "20 - 4 = 16%" (percentage points) as the number 70 or 16.
// The sign does not say which; p is the percentage's number.
func lonePercent(l, r *expr, ls, rs string) (p, other string, ok bool) {
	if r.op == 'n' && r.percent && !l.hasPercent() {
		return strings.TrimSuffix(strings.TrimPrefix(r.lean, "("), " / 100)"), ls, true
	}
	if l.op == 'n' && l.percent && !r.hasPercent() {
		return strings.TrimSuffix(strings.TrimPrefix(l.lean, "("), " / 100)"), rs, true
	}
	return "", "", false
}

// percentClaim states that other is p% read either way: p / 100 or p.
// A claim false in both readings is false whatever the author meant.
func percentClaim(other, p, source string) (Claim, error) {
	body := fmt.Sprintf("(%s : ℝ) = %s / 100 ∨ (%s : ℝ) = %s", other, p, other, p)
	stmt := "theorem test : " + body + " := by sorry"
	if _, err := claim.Parse(stmt); err != nil {
		return Claim{}, err
	}
	return Claim{Source: source, Text: other + " = " + p + "% (as " + p + "/100 or " + p + ")", Statement: stmt,
		Proof: "theorem test : " + body + " := by\n  norm_num"}, nil
}

// approxSides picks the exact side and the decimal side of a pair read as
// an approximation; ok is false for an exact equality.
func approxSides(l, r *expr, ls, rs string, approx bool) (exact, dec string, places int, ok bool) {
	if d, cut, lit := r.literal(); lit && (approx || cut || d > 0) && !(l.op == 'n' && !l.percent) {
		return ls, rs, d, true
	}
	if d, cut, lit := l.literal(); lit && (approx || cut || d > 0) {
		return rs, ls, d, true
	}
	return "", "", 0, false
}

// approxClaim states that exact, rounded or cut toward zero to places
// decimals, is dec. A decimal of 15 or more significant digits is a
// binary float printed in full ("1/3*5 = 1.6666666666666665", "-9.38 + 10 =
// 0.6199999999999992"), off by the float error of the operations behind it,
// which is relative to the operands, not to the result: within 10^−12 of
// the value (relative to it when it is above 1) holds.
func approxClaim(exact, dec string, places int, source string) (Claim, error) {
	diff := fmt.Sprintf("((%s : ℝ) - %s)", exact, dec)
	cut := fmt.Sprintf("(0 ≤ %s ∧ %s < 1 / 10 ^ %d)", diff, diff, places)
	if strings.HasPrefix(dec, "(-") {
		back := fmt.Sprintf("(%s - (%s : ℝ))", dec, exact)
		cut = fmt.Sprintf("(0 ≤ %s ∧ %s < 1 / 10 ^ %d)", back, back, places)
	}
	body := fmt.Sprintf("|%s| ≤ 1 / (2 * 10 ^ %d) ∨ %s", diff, places, cut)
	if significantDigits(dec) >= 15 {
		body += fmt.Sprintf(" ∨ |%s| * 10 ^ 12 ≤ max |(%s : ℝ)| 1", diff, dec)
	}
	stmt := "theorem test : " + body + " := by sorry"
	st, err := claim.Parse(stmt)
	if err != nil {
		return Claim{}, err
	}
	if !st.Closed() {
		return Claim{}, errors.New("not a closed claim")
	}
	return Claim{Source: source, Text: exact + " ≈ " + dec, Statement: stmt, Approx: places,
		Proof: "theorem test : " + body + " := by\n  norm_num [abs_le]"}, nil
}

// significantDigits counts a decimal's digits from its first non-zero one.
func significantDigits(dec string) int {
	n, started := 0, false
	for _, r := range dec {
		if r >= '1' && r <= '9' {
			started = true
		}
		if started && r >= '0' && r <= '9' {
			n++
		}
	}
	return n
}
