package formats

import "strings"

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
