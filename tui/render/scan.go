package render

// Delimiter searches are memoized so that text full of unmatched openers
// ("$5 $6 $7 ...", "\( \( \(") stays linear: the first position after an
// opener where the search decides does not depend on where the search
// started, so a later opener inside an earlier search's range reuses its
// answer instead of rescanning.

// scanMemo remembers one search over [from, to).
type scanMemo struct {
	from, to int
	hit      int  // the deciding position, or -1
	final    bool // hit == -1 because of a blank line or the end, not the limit
}

// decider reports whether position k decides the search, and how many
// bytes to advance otherwise (to step over escapes).
type decider func(t string, k int) (hit bool, advance int)

// find returns the first deciding position in t[from:from+limit], -1 if a
// blank line or the limit comes first.
func (pr *protector) find(key, t string, from, limit int, decide decider) int {
	if pr.memo == nil {
		pr.memo = map[string]*scanMemo{}
	}
	end := min(len(t), from+limit)
	start := from
	if m := pr.memo[key]; m != nil && from >= m.from {
		switch {
		case m.hit >= 0 && from <= m.hit:
			if m.hit < end {
				return m.hit
			}
			return -1
		case m.hit < 0 && from < m.to:
			if m.final {
				return -1
			}
			start = m.to // nothing decided in [from, m.to)
		}
	}
	res := scanMemo{from: from, hit: -1, to: end, final: end == len(t)}
	for k := start; k < end; {
		if t[k] == '\n' && blankFollows(t, k) {
			res.to, res.final = k, true
			break
		}
		hit, adv := decide(t, k)
		if hit {
			res.hit = k
			break
		}
		k += max(adv, 1)
	}
	pr.memo[key] = &res
	return res.hit
}

// closerAt decides at the closer; inside \( \[ spans a backslash escapes
// the next character.
func closerAt(closer string) decider {
	return func(t string, k int) (bool, int) {
		if t[k] != closer[0] {
			return false, 1
		}
		if len(t)-k >= len(closer) && t[k:k+len(closer)] == closer {
			return true, 0
		}
		if closer[0] == '\\' {
			return false, 2
		}
		return false, 1
	}
}

// dollarAt decides at any unescaped '$': the caller checks whether it
// closes the span or aborts it.
func dollarAt(t string, k int) (bool, int) {
	switch t[k] {
	case '\\':
		return false, 2
	case '$':
		return true, 0
	}
	return false, 1
}
