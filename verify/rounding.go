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
	v, err := claim.Decide(src)
	return d, err == nil && v == claim.True
}

func decimals(side string) int {
	m := decimalLiteral.FindStringSubmatch(strings.Trim(side, "()"))
	if m == nil {
		return 0
	}
	return len(m[1])
}
