package formats

import (
	"math/big"
	"strings"
)

// lastBox returns where the last \boxed or \fbox in s starts, or -1. It
// walks back over the backslashes once: the box is usually near the end,
// and a search for each command would scan the whole text for the one that
// is absent (this runs for every imported trace).
func lastBox(s string) int {
	i := len(s)
	for {
		if i = strings.LastIndexByte(s[:i], '\\'); i < 0 {
			return -1
		}
		if strings.HasPrefix(s[i:], `\boxed`) || strings.HasPrefix(s[i:], `\fbox`) {
			return i
		}
	}
}

// LastBoxed returns the content of the last \boxed{...} (or \fbox{...}) in s,
// matching nested braces, and false when there is none. "\boxed 5" (a bare
// token) is also understood.
func LastBoxed(s string) (string, bool) {
	i := lastBox(s)
	if i < 0 {
		return "", false
	}
	rest := s[i:]
	if strings.HasPrefix(rest, `\boxed`) {
		rest = rest[len(`\boxed`):]
	} else {
		rest = rest[len(`\fbox`):]
	}
	if strings.HasPrefix(rest, " ") {
		tok := strings.TrimLeft(rest, " ")
		if end := strings.IndexAny(tok, " $\n"); end >= 0 {
			tok = tok[:end]
		}
		return tok, tok != ""
	}
	if !strings.HasPrefix(rest, "{") {
		return "", false
	}
	depth := 0
	for j, r := range rest {
		switch r {
		case '{':
			depth++
		case '}':
			depth--
			if depth == 0 {
				return rest[1:j], true
			}
		}
	}
	return "", false
}

// NormalizeAnswer is a first, simple normalization for comparing final
// answers: it strips \boxed, dollar signs, \text{...} wrappers, spaces,
// thousands separators and a trailing period. The judge package does the
// math-aware comparison.
func NormalizeAnswer(s string) string {
	s = strings.TrimSpace(s)
	if b, ok := LastBoxed(s); ok {
		s = b
	}
	s = strings.TrimSuffix(strings.TrimSpace(s), ".")
	r := strings.NewReplacer("$", "", `\$`, "", `\!`, "", `\,`, "", " ", "", `\left`, "", `\right`, "",
		`\dfrac`, `\frac`, `\tfrac`, `\frac`, "^\\circ", "", "^{\\circ}", "", "\\%", "", "%", "")
	s = r.Replace(s)
	if strings.HasPrefix(s, `\text{`) && strings.HasSuffix(s, "}") {
		s = s[len(`\text{`) : len(s)-1]
	}
	if isGroupedNumber(s) {
		s = strings.ReplaceAll(s, ",", "")
	}
	return s
}

// isGroupedNumber reports whether s is a number written with thousands
// separators, like 1,080 or -12,345.5.
func isGroupedNumber(s string) bool {
	s = strings.TrimPrefix(s, "-")
	intPart, _, _ := strings.Cut(s, ".")
	groups := strings.Split(intPart, ",")
	if len(groups) < 2 || len(groups[0]) == 0 || len(groups[0]) > 3 {
		return false
	}
	for i, g := range groups {
		if i > 0 && len(g) != 3 {
			return false
		}
		for _, c := range g {
			if c < '0' || c > '9' {
				return false
			}
		}
	}
	return true
}

// AnswersMatch compares two final answers after NormalizeAnswer, and as exact
// rationals when both are numbers (so 0.5 matches 1/2 and 18.00 matches 18).
func AnswersMatch(a, b string) bool {
	na, nb := NormalizeAnswer(a), NormalizeAnswer(b)
	if na == nb {
		return na != ""
	}
	ra, ok1 := new(big.Rat).SetString(na)
	rb, ok2 := new(big.Rat).SetString(nb)
	return ok1 && ok2 && ra.Cmp(rb) == 0
}
