package verify

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/stepwise-dev/stepwise/verify/claim"
)

// ruleStatement matches the statements the rule-based formalizer writes.
var ruleStatement = regexp.MustCompile(`^theorem test : \((.+) : ℝ\) = (.+) := by sorry$`)

// decimalLiteral is a plain decimal number with a fractional part.
var decimalLiteral = regexp.MustCompile(`^-?\d+\.(\d+)$`)

// RoundingOnly reports, for a rule-based claim `lhs = rhs` that came out
// disproved, whether one side is a decimal written to d places that is the
// other side rounded (|lhs − rhs| ≤ ½·10^−d) or truncated (0 ≤ exact −
// decimal < 10^−d) to d places: the claim is false as written — checks are
// exact — but only by rounding, as in a calculator's "800/3 =
// 266.6666666666667". It returns d.
//
// Such claims stay disproved; callers that rank errors (the triage queue,
// the offline analyzers) use this to tell rounding from a wrong result.
func RoundingOnly(statement string) (int, bool) {
	m := ruleStatement.FindStringSubmatch(strings.TrimSpace(statement))
	if m == nil {
		return 0, false
	}
	exact, dec := strings.TrimSpace(m[1]), strings.TrimSpace(m[2])
	d := decimals(dec)
	if d == 0 {
		exact, dec = dec, exact
		d = decimals(dec)
	}
	if d == 0 {
		return 0, false
	}
	diff := fmt.Sprintf("((%s : ℝ) - (%s))", exact, dec)
	src := fmt.Sprintf("theorem t : |%s| ≤ 1 / (2 * 10 ^ %d) ∨ (0 ≤ %s ∧ %s < 1 / 10 ^ %d) := by sorry", diff, d, diff, diff, d)
	if significantDigits(dec) >= 15 {
		// A binary float printed in full ("1/3*5 = 1.6666666666666665"):
		// off in the last place by float error, within 10^−15 relative.
		src = strings.TrimSuffix(src, " := by sorry") + fmt.Sprintf(" ∨ |%s| * 10 ^ 15 ≤ |(%s : ℝ)| := by sorry", diff, dec)
	}
	v, err := claim.Decide(src)
	return d, err == nil && v == claim.True
}

// decimals is the number of decimal places of a side that is a plain
// decimal ("- 9.38" counts: the formalizer spaces a leading minus), else 0.
func decimals(side string) int {
	m := decimalLiteral.FindStringSubmatch(strings.ReplaceAll(strings.Trim(side, "()"), " ", ""))
	if m == nil {
		return 0
	}
	return len(m[1])
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
