package render

import (
	"strings"
)

// inline scans text outside fenced code for math spans, skipping code spans
// and backslash escapes, and neutralizes numeric character references.
func (pr *protector) inline(t string) {
	pr.memo = nil // memos hold positions in t
	last := 0
	for i := 0; i < len(t); {
		c := t[i]
		switch {
		case c == '\\' && i+1 < len(t):
			if a, b, env, ok := pr.backslashMath(t, i); ok {
				pr.emitMath(t, last, a, b, env)
				last, i = b, b
				continue
			}
			i += 2 // an escape: "\$" is a literal dollar, "\\" a backslash
		case c == '`':
			i = skipCodeSpan(t, i)
		case c == '<' && pr.currency && i+1 < len(t) && t[i+1] == '<':
			// GSM8K's calculator annotations hold `*` and `<<`, which
			// markdown would turn into emphasis and HTML.
			if j := pr.findCloser(t, i+2, ">>", 256); j >= 0 && !strings.Contains(t[i:j], "\n") {
				pr.out.WriteString(t[last:i])
				raw := t[i : j+2]
				pr.emit(pr.add(span{kind: spanCalc, raw: raw, body: raw, src: raw}, len(raw)))
				last, i = j+2, j+2
				continue
			}
			i++
		case c == '$' && !pr.currency:
			if b, ok := pr.dollarMath(t, i); ok {
				pr.emitMath(t, last, i, b, "")
				last, i = b, b
				continue
			}
			i++
		case c == '&' && i+1 < len(t) && t[i+1] == '#':
			// "&#27;" would become a raw ESC inside glamour; show the
			// reference as written instead.
			pr.out.WriteString(t[last:i])
			pr.out.WriteString("&amp;")
			last, i = i+1, i+1
		default:
			i++
		}
		if len(pr.p.spans) >= maxSpans {
			break
		}
	}
	pr.out.WriteString(t[last:])
}

// backslashMath recognizes \( \), \[ \] and \begin{env} \end{env} at t[i].
func (pr *protector) backslashMath(t string, i int) (a, b int, env string, ok bool) {
	switch t[i+1] {
	case '(':
		if j := pr.findCloser(t, i+2, `\)`, maxInlineMath); j >= 0 {
			return i, j + 2, "", true
		}
	case '[':
		if j := pr.findCloser(t, i+2, `\]`, maxDisplayMath); j >= 0 {
			return i, j + 2, "", true
		}
	case 'b':
		if !strings.HasPrefix(t[i:], `\begin{`) {
			break
		}
		close := strings.IndexByte(t[i+7:min(len(t), i+7+64)], '}')
		if close <= 0 {
			break
		}
		env = t[i+7 : i+7+close]
		if strings.ContainsAny(env, "{}\\\n ") {
			break
		}
		if j := pr.matchEnv(t, i+7+close+1, env); j >= 0 {
			return i, j, env, true
		}
	}
	return 0, 0, "", false
}

// matchEnv finds the end of \end{env} matching an opened env, counting
// nested environments of the same name.
func (pr *protector) matchEnv(t string, from int, env string) int {
	open, close := `\begin{`+env+`}`, `\end{`+env+`}`
	limit := min(len(t), from+maxEnvMath)
	// The common failure — no \end at all ahead — is found once per
	// environment name, not once per \begin.
	if next := pr.nextIndex(t, from, close); next < 0 || next >= limit {
		return -1
	}
	depth := 1
	for k := from; k < limit; {
		j := strings.IndexByte(t[k:limit], '\\')
		if j < 0 {
			return -1
		}
		k += j
		switch {
		case strings.HasPrefix(t[k:], close):
			depth--
			if depth == 0 {
				return k + len(close)
			}
			k += len(close)
		case strings.HasPrefix(t[k:], open):
			depth++
			k += len(open)
		default:
			k += 2
		}
	}
	return -1
}

// nextIndex is strings.Index(t[from:], s)+from, memoized per s.
func (pr *protector) nextIndex(t string, from int, s string) int {
	if pr.memo == nil {
		pr.memo = map[string]*scanMemo{}
	}
	key := "index:" + s
	if m := pr.memo[key]; m != nil && from >= m.from && (m.hit < 0 || from <= m.hit) {
		return m.hit
	}
	hit := strings.Index(t[from:], s)
	if hit >= 0 {
		hit += from
	}
	pr.memo[key] = &scanMemo{from: from, hit: hit}
	return hit
}

// dollarMath recognizes $$...$$ and $...$ at t[i] (pandoc's rules for the
// single dollar: the opener is followed by a non-space, the closer preceded
// by a non-space and not followed by a digit — so "$18 ... $2" is not math).
func (pr *protector) dollarMath(t string, i int) (int, bool) {
	if i+1 < len(t) && t[i+1] == '$' {
		j := pr.findCloser(t, i+2, "$$", maxDisplayMath)
		if j > i+2 {
			return j + 2, true
		}
		return 0, false
	}
	if i+1 >= len(t) || isSpace(t[i+1]) {
		return 0, false
	}
	// The next unescaped '$' decides: it closes the span when the rules
	// allow, and otherwise no span starts here.
	j := pr.find("$", t, i+1, maxInlineMath, dollarAt)
	if j < 0 || isSpace(t[j-1]) || (j+1 < len(t) && isDigit(t[j+1])) {
		return 0, false
	}
	return j + 1, true
}

// findCloser returns the index of closer in t[from:], giving up at a blank
// line or after limit bytes.
func (pr *protector) findCloser(t string, from int, closer string, limit int) int {
	return pr.find(closer, t, from, limit, closerAt(closer))
}

// blankFollows reports whether the line after the newline at t[k] is blank.
func blankFollows(t string, k int) bool {
	for k++; k < len(t); k++ {
		switch t[k] {
		case ' ', '\t', '\r':
		case '\n':
			return true
		default:
			return false
		}
	}
	return true
}

// skipCodeSpan returns the index after the code span opening at t[i], or
// after the backtick run if it has no closer in the same paragraph.
func skipCodeSpan(t string, i int) int {
	n := 0
	for i+n < len(t) && t[i+n] == '`' {
		n++
	}
	for k := i + n; k < len(t); {
		switch {
		case t[k] == '\n' && blankFollows(t, k):
			return i + n
		case t[k] == '`':
			m := 0
			for k+m < len(t) && t[k+m] == '`' {
				m++
			}
			if m == n {
				return k + m
			}
			k += m
		default:
			k++
		}
	}
	return i + n
}

func isSpace(c byte) bool { return c == ' ' || c == '\n' || c == '\t' || c == '\r' }
func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// emitMath writes t[last:a] then a token for the math span t[a:b]. A span
// alone on its lines becomes display math: its lines are replaced by one
// token line set off by blank lines, so glamour makes it a paragraph.
func (pr *protector) emitMath(t string, last, a, b int, env string) {
	raw := t[a:b]
	body := mathBody(raw, env)
	display := (env != "" || strings.HasPrefix(raw, "$$") || strings.HasPrefix(raw, `\[`))
	ls := a
	if display {
		// Alone on its lines: only spaces between the previous newline and
		// the span, and between the span and the next newline. Scanning
		// only over spaces keeps this O(span), not O(text).
		for ls > 0 && t[ls-1] == ' ' {
			ls--
		}
		le := b
		for le < len(t) && t[le] == ' ' {
			le++
		}
		display = (ls == 0 || t[ls-1] == '\n') && (le == len(t) || t[le] == '\n')
	}
	if display {
		pr.out.WriteString(t[last:ls])
		tok := pr.add(span{kind: spanDisplay, raw: raw, body: body, env: env, src: t[ls:b]}, 0)
		pr.emit("\n" + t[ls:a] + tok + "\n")
		// The rest of the closing line is blank; the newline that ends it
		// is copied by the caller and makes the blank line after.
		return
	}
	pr.out.WriteString(t[last:a])
	w := textWidth(inlineMathText(raw, body, pr.unicode))
	pr.emit(pr.add(span{kind: spanInline, raw: raw, body: body, env: env, src: raw}, w))
}

// mathBody strips the delimiters of a math span.
func mathBody(raw, env string) string {
	switch {
	case env != "":
		open, close := `\begin{`+env+`}`, `\end{`+env+`}`
		return raw[len(open) : len(raw)-len(close)]
	case strings.HasPrefix(raw, "$$"):
		return raw[2 : len(raw)-2]
	case strings.HasPrefix(raw, "$"):
		return raw[1 : len(raw)-1]
	default: // \( \) and \[ \]
		return raw[2 : len(raw)-2]
	}
}

// inlineMathText is what an inline span shows: the raw text (delimiters
// and all) or its Unicode rendering, on one line.
func inlineMathText(raw, body string, unicode bool) string {
	s := raw
	if unicode {
		s = TeXToUnicode(body)
	}
	if strings.ContainsAny(s, "\n") {
		s = strings.Join(strings.Fields(s), " ")
	}
	return s
}
