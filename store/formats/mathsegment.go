package formats

import (
	"strings"

	"github.com/stepwise-dev/stepwise"
)

// mathSegmenter describes segmentMathSolution in Trace.Segmenter.
const mathSegmenter = "math-sentences: paragraphs and sentences, never inside $..$, $$..$$, \\(..\\), \\[..\\], \\begin..\\end or [asy]..[/asy]"

// segmentMathSolution cuts a written (human) solution into steps: one step
// per paragraph, and within a paragraph one per sentence. Reference
// solutions (MATH, MATH-500) are mostly a single paragraph, so paragraphs
// alone would give one step. LaTeX math and Asymptote blocks are never cut,
// since a period or a blank line inside them ends nothing.
//
// Spans leave out the white space between steps but never trim inside a
// step, so Raw[span] is exactly the step text.
func segmentMathSolution(s string) []stepwise.Span {
	sc := mathScanner{s: s, missing: map[string]bool{}}
	return sc.segment()
}

// mathScanner holds one segmentation. missing caches closers that do not
// occur after some position (and so after no later position either): it keeps
// a text full of unclosed openers linear instead of quadratic.
type mathScanner struct {
	s       string
	missing map[string]bool
	spans   []stepwise.Span
}

func (sc *mathScanner) segment() []stepwise.Span {
	s := sc.s
	start := -1
	for i := 0; i < len(s); {
		c := s[i]
		if start < 0 {
			if isMathSpace(c) {
				i++
				continue
			}
			start = i
		}
		if end, endsSentence, display, ok := sc.block(i); ok {
			i = end
			if endsSentence {
				if j, ok := sentenceEndAfterMath(s, end, display); ok {
					sc.emit(start, j)
					start, i = -1, j
				}
			}
			continue
		}
		switch c {
		case '\\':
			// An escaped character (\$, \%) is literal; a line break after a
			// backslash is left to the paragraph rule.
			if i+1 < len(s) && !isMathSpace(s[i+1]) {
				i += 2
				continue
			}
		case '\n':
			if j, ok := paragraphBreak(s, i); ok {
				sc.emit(start, i)
				start, i = -1, j
				continue
			}
		case '.', '!', '?':
			if c == '.' && initialBefore(s, i) {
				break
			}
			if j, ok := sentenceEnd(s, i+1); ok {
				sc.emit(start, j)
				start, i = -1, j
				continue
			}
		}
		i++
	}
	if start >= 0 {
		sc.emit(start, len(s))
	}
	return sc.spans
}

// emit records the step [start, end) without its trailing white space.
func (sc *mathScanner) emit(start, end int) {
	for end > start && isMathSpace(sc.s[end-1]) {
		end--
	}
	if end > start {
		sc.spans = append(sc.spans, stepwise.Span{Start: start, End: end})
	}
}

// block recognizes a protected block opening at i and returns where it ends,
// whether its content ends with sentence punctuation ("$x = 3.$  Also") and
// whether it is display math. An opener that is never closed is not a block:
// one stray $ must not glue the rest of the solution into one step.
func (sc *mathScanner) block(i int) (end int, endsSentence, display, ok bool) {
	s := sc.s
	var open, close string
	switch {
	case strings.HasPrefix(s[i:], "$$"):
		open, close = "$$", "$$"
	case s[i] == '$':
		open, close = "$", "$"
	case strings.HasPrefix(s[i:], `\[`):
		open, close = `\[`, `\]`
	case strings.HasPrefix(s[i:], `\(`):
		open, close = `\(`, `\)`
	case strings.HasPrefix(s[i:], `\begin{`):
		name, n := envName(s[i+len(`\begin{`):])
		if n == 0 {
			return 0, false, false, false
		}
		open, close = `\begin{`+name+"}", `\end{`+name+"}"
	case strings.HasPrefix(s[i:], "[asy]"):
		open, close = "[asy]", "[/asy]"
	default:
		return 0, false, false, false
	}
	from := i + len(open)
	at := sc.find(from, close)
	if at < 0 {
		return 0, false, false, false
	}
	inner := trimEnvEnds(s[from:at])
	ends := open != "[asy]" && inner != "" && strings.ContainsRune(".!?", rune(inner[len(inner)-1]))
	return at + len(close), ends, open != "$", true
}

// trimEnvEnds drops trailing white space and closing \end{...} commands, so
// that "\[\begin{aligned} x = 2. \end{aligned}\]" is seen to end with a period.
func trimEnvEnds(inner string) string {
	for {
		inner = strings.TrimRight(inner, " \t\r\n")
		k := strings.LastIndex(inner, `\end{`)
		if k < 0 || !strings.HasSuffix(inner, "}") {
			return inner
		}
		if _, n := envName(inner[k+len(`\end{`):]); n == 0 || k+len(`\end{`)+n != len(inner) {
			return inner
		}
		inner = inner[:k]
	}
}

// sentenceEndAfterMath is sentenceEnd after math whose content ends with a
// period. MATH writes display math glued to the next sentence
// ("...= 2.\]Then"), so after display math a capital letter also starts a
// new sentence.
func sentenceEndAfterMath(s string, j int, display bool) (int, bool) {
	if display && j < len(s) && s[j] >= 'A' && s[j] <= 'Z' {
		return j, true
	}
	return sentenceEnd(s, j)
}

// initialBefore reports whether the period at s[i] follows a lone capital
// letter ("A. $14.5$", "J. Smith"): an enumerator or an initial, not the end
// of a sentence.
func initialBefore(s string, i int) bool {
	if i < 1 || s[i-1] < 'A' || s[i-1] > 'Z' {
		return false
	}
	return i < 2 || !isASCIILetter(s[i-2])
}

func isASCIILetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// find returns the first unescaped occurrence of close at or after from, or -1.
func (sc *mathScanner) find(from int, close string) int {
	if sc.missing[close] {
		return -1
	}
	s := sc.s
	for pos := from; pos <= len(s); {
		k := strings.Index(s[pos:], close)
		if k < 0 {
			break
		}
		at := pos + k
		if close[0] != '\\' && escaped(s, at) {
			pos = at + 1
			continue
		}
		return at
	}
	sc.missing[close] = true
	return -1
}

// escaped reports whether s[at] follows an odd number of backslashes.
func escaped(s string, at int) bool {
	n := 0
	for j := at - 1; j >= 0 && s[j] == '\\'; j-- {
		n++
	}
	return n%2 == 1
}

// envName reads a LaTeX environment name up to '}' and returns it with the
// bytes consumed (0 when it is not a plausible name).
func envName(s string) (string, int) {
	for j := 0; j < len(s) && j < 32; j++ {
		c := s[j]
		switch {
		case c == '}':
			if j == 0 {
				return "", 0
			}
			return s[:j], j + 1
		case c == '*' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
		default:
			return "", 0
		}
	}
	return "", 0
}

// sentenceEnd reports whether a sentence ends just before s[j] (after
// optional closing brackets or quotes): the text ends, or white space follows
// and the next word does not start in lower case ("e.g. the" goes on).
func sentenceEnd(s string, j int) (int, bool) {
	for j < len(s) && strings.IndexByte(`)"'`, s[j]) >= 0 {
		j++
	}
	if j == len(s) {
		return j, true
	}
	if !isMathSpace(s[j]) {
		return 0, false
	}
	k := j
	for k < len(s) && isMathSpace(s[k]) {
		k++
	}
	if k < len(s) && s[k] >= 'a' && s[k] <= 'z' {
		return 0, false
	}
	return j, true
}

// paragraphBreak reports whether the newline at s[i] starts a blank line,
// and returns the position after the white space run.
func paragraphBreak(s string, i int) (int, bool) {
	j := i + 1
	for j < len(s) && (s[j] == ' ' || s[j] == '\t' || s[j] == '\r') {
		j++
	}
	if j >= len(s) || s[j] != '\n' {
		return 0, false
	}
	for j < len(s) && isMathSpace(s[j]) {
		j++
	}
	return j, true
}

func isMathSpace(c byte) bool { return c == ' ' || c == '\n' || c == '\t' || c == '\r' }
