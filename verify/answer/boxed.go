package answer

import "strings"

// box is one \boxed{...} or \fbox{...} in a text.
type box struct {
	start, end int // the command's start, the argument's end
	content    string
}

// boxes returns every box in s with a closed argument, in order. A box
// command must not run on into letters (\boxedx is not \boxed); "\boxed 5"
// takes one token.
func boxes(s string) []box {
	var out []box
	for i := 0; i < len(s); {
		j := strings.Index(s[i:], `\boxed`)
		k := strings.Index(s[i:], `\fbox`)
		cmd := `\boxed`
		if j < 0 || k >= 0 && k < j {
			j, cmd = k, `\fbox`
		}
		if j < 0 {
			break
		}
		at := i + j
		after := at + len(cmd)
		i = after
		if after < len(s) && isLetter(s[after]) {
			continue
		}
		content, end, ok := boxArg(s, after)
		if !ok {
			continue
		}
		out = append(out, box{start: at, end: end, content: strings.TrimSpace(content)})
		i = end
	}
	return out
}

// boxArg reads the argument at s[i:]: a braced group (escaped braces do not
// count) or, after spaces, one token.
func boxArg(s string, i int) (string, int, bool) {
	j := i
	for j < len(s) && (s[j] == ' ' || s[j] == '\t') {
		j++
	}
	if j < len(s) && s[j] == '{' {
		depth := 0
		for k := j; k < len(s); k++ {
			switch s[k] {
			case '\\':
				k++
			case '{':
				depth++
			case '}':
				depth--
				if depth == 0 {
					return s[j+1 : k], k + 1, true
				}
			}
		}
		return "", 0, false
	}
	if j == i {
		return "", 0, false
	}
	k := j
	for k < len(s) && !strings.ContainsRune(" \t\n$\\.,;", rune(s[k])) {
		k++
	}
	return s[j:k], k, k > j
}

// maxBoxGap is how much text may stand between boxes that together state
// one answer ("\boxed{1} and \boxed{-2}", "\boxed{(98, 2)} \quad \text{and}
// \quad \boxed{(99, 503)}"). Boxes further apart, or with a number, a
// sentence break or the end of a display block ($$) between them, are
// separate statements; the last one counts.
const maxBoxGap = 48

// lastBoxes returns the last box's content, joined with the boxes just
// before it that belong to the same statement.
func lastBoxes(s string) (string, int, bool) {
	bs := boxes(s)
	if len(bs) == 0 {
		return "", -1, false
	}
	first := len(bs) - 1
	for first > 0 && joinable(s[bs[first-1].end:bs[first].start]) {
		first--
	}
	parts := make([]string, 0, len(bs)-first)
	for _, b := range bs[first:] {
		if b.content != "" {
			parts = append(parts, b.content)
		}
	}
	if len(parts) == 0 {
		return "", -1, false
	}
	return strings.Join(parts, ", "), bs[first].start, true
}

func joinable(gap string) bool {
	if len(gap) > maxBoxGap || strings.Contains(gap, "\n\n") || strings.Contains(gap, ". ") || strings.Contains(gap, "$$") {
		return false
	}
	for i := 0; i < len(gap); i++ {
		if isDigit(gap[i]) {
			return false
		}
	}
	return true
}
