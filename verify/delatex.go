package verify

import "strings"

// mapped is rewritten text that remembers, for each byte, the span of the
// original text it came from.
type mapped struct {
	b            strings.Builder
	s            string
	starts, ends []int
}

func (m *mapped) emit(s string, start, end int) {
	m.b.WriteString(s)
	for range len(s) {
		m.starts = append(m.starts, start)
		m.ends = append(m.ends, end)
	}
}

func (m mapped) orig(i int) int {
	if i < len(m.starts) {
		return m.starts[i]
	}
	return 0
}

func (m mapped) origEnd(e int) int {
	if e > 0 && e-1 < len(m.ends) {
		return m.ends[e-1]
	}
	return 0
}

var latexWords = map[string]string{`\cdot`: " * ", `\times`: " * ", `\div`: " / ", `\left`: "", `\right`: "",
	`\%`: "%", `\$`: "$", `\,`: " ", `\;`: " ", `\:`: " ", `\!`: "", `\ `: " ", `\quad`: " ", `\qquad`: " ",
	`\(`: " ", `\)`: " ", `\[`: " ", `\]`: " ", `\approx`: " ≈ ", `\neq`: " ≠ ", `\ne`: " ≠ ", `\le`: " ≤ ",
	`\leq`: " ≤ ", `\ge`: " ≥ ", `\geq`: " ≥ ", `\lt`: " < ", `\gt`: " > ", `\ldots`: "…", `\dots`: "…",
	`\cdots`: "…", `\big`: "", `\Big`: "", `\bigg`: "", `\Bigg`: "", `\bigl`: "", `\bigr`: "", `\Bigl`: "",
	`\Bigr`: "", `\displaystyle`: " "}

// latexText are commands whose braced argument is text or a plain group:
// \text{ of } is the word "of", not a parenthesized term.
var latexText = map[string]bool{`\text`: true, `\textbf`: true, `\textit`: true, `\textrm`: true, `\mathrm`: true,
	`\mathbf`: true, `\mbox`: true, `\operatorname`: true, `\boxed`: true, `\mathit`: true}

// delatex rewrites the simple LaTeX of step text into plain arithmetic:
// \frac{a}{b} → ((a)/(b)), \cdot and \times → *, \div → /, braces →
// parentheses, math-mode $ → space (a $ before a digit stays: currency).
// latex reports whether any LaTeX was seen.
func delatex(text string) (mapped, bool) {
	var m mapped
	latex := false
	delatexInto(&m, text, 0, &latex, 0)
	m.s = m.b.String()
	return m, latex
}

func delatexInto(m *mapped, text string, base int, latex *bool, depth int) {
	for i := 0; i < len(text); {
		c := text[i]
		switch {
		case c == '\\':
			n := latexCommand(m, text, i, base, latex, depth)
			i += n
			continue
		case strings.HasPrefix(text[i:], "{,}"): // 1{,}000: a thousands separator
			m.emit(",", base+i, base+i+3)
			i += 3
			continue
		case c == '~': // a non-breaking space
			m.emit(" ", base+i, base+i+1)
		case c == '{' || c == '}':
			*latex = true
			m.emit(map[byte]string{'{': "(", '}': ")"}[c], base+i, base+i+1)
		case c == '$' && !(i+1 < len(text) && text[i+1] >= '0' && text[i+1] <= '9'):
			m.emit(" ", base+i, base+i+1)
		default:
			m.emit(text[i:i+1], base+i, base+i+1)
		}
		i++
	}
}

// latexCommand handles one backslash command at text[i] and returns the
// bytes consumed.
func latexCommand(m *mapped, text string, i, base int, latex *bool, depth int) int {
	j := i + 1
	for j < len(text) && (text[j] >= 'a' && text[j] <= 'z' || text[j] >= 'A' && text[j] <= 'Z') {
		j++
	}
	if j == i+1 && j < len(text) {
		j++ // \% \$ \, …
	}
	word := text[i:j]
	if rep, ok := latexWords[word]; ok {
		*latex = true
		m.emit(rep, base+i, base+j)
		return j - i
	}
	if latexText[word] && depth < 20 {
		if aStart, aEnd, ok := braced(text, j); ok {
			*latex = true
			m.emit(" ", base+i, base+aStart)
			delatexInto(m, text[aStart:aEnd-1], base+aStart, latex, depth+1)
			m.emit(" ", base+aEnd-1, base+aEnd)
			return aEnd - i
		}
	}
	if (word == `\frac` || word == `\dfrac` || word == `\tfrac`) && depth < 20 {
		if aStart, aEnd, ok := braced(text, j); ok {
			if bStart, bEnd, ok := braced(text, aEnd); ok {
				*latex = true
				m.emit("((", base+i, base+bEnd)
				delatexInto(m, text[aStart:aEnd-1], base+aStart, latex, depth+1)
				m.emit(")/(", base+i, base+bEnd)
				delatexInto(m, text[bStart:bEnd-1], base+bStart, latex, depth+1)
				m.emit("))", base+i, base+bEnd)
				return bEnd - i
			}
		}
	}
	m.emit(word, base+i, base+j) // unknown command: stays a word
	return j - i
}

// braced finds the {…} group starting at text[i] (after spaces): the
// offset where its content starts and the offset just past its '}'.
func braced(text string, i int) (int, int, bool) {
	for i < len(text) && text[i] == ' ' {
		i++
	}
	if i >= len(text) || text[i] != '{' {
		return 0, 0, false
	}
	depth := 0
	for j := i; j < len(text); j++ {
		switch text[j] {
		case '{':
			depth++
		case '}':
			depth--
			if depth == 0 {
				return i + 1, j + 1, true
			}
		}
	}
	return 0, 0, false
}
