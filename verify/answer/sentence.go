package answer

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// candidate is a number or math span in a sentence.
type candidate struct {
	text       string
	start, end int
}

// mathSpans returns the math spans of s: $$…$$, $…$ (on one line), \(…\)
// (on one line), \[…\].
func mathSpans(s string) []candidate {
	var out []candidate
	for i := 0; i < len(s); i++ {
		var open, close string
		switch {
		case strings.HasPrefix(s[i:], "$$"):
			open, close = "$$", "$$"
		case s[i] == '$' && (i == 0 || s[i-1] != '\\') && !currencyDollar(s, i):
			open, close = "$", "$"
		case strings.HasPrefix(s[i:], `\(`):
			open, close = `\(`, `\)`
		case strings.HasPrefix(s[i:], `\[`):
			open, close = `\[`, `\]`
		case s[i] == '\\':
			i++
			continue
		default:
			continue
		}
		body := i + len(open)
		j := closing(s, body, close)
		if j < 0 {
			break
		}
		inner := s[body:j]
		if (open == "$" || open == `\(`) && strings.Contains(inner, "\n") {
			// Inline math does not span lines: a lone $ was a dollar sign.
			continue
		}
		if strings.TrimSpace(inner) != "" {
			out = append(out, candidate{text: strings.TrimSpace(inner), start: i, end: j + len(close)})
		}
		i = j + len(close) - 1
	}
	return out
}

// currencyDollar reports a dollar sign in prose ("spends $225.00 on dry
// cleaning"): followed by a digit, with no closing dollar on its line or
// with prose (two words in a row) before it.
func currencyDollar(s string, i int) bool {
	if i+1 >= len(s) || !isDigit(s[i+1]) {
		return false
	}
	line := s[i+1:]
	if len(line) > 400 {
		line = line[:400] // a math span is shorter; this bounds the work per dollar
	}
	if k := strings.IndexByte(line, '\n'); k >= 0 {
		line = line[:k]
	}
	k := strings.IndexByte(line, '$')
	if k < 0 {
		return true
	}
	return proseRe.MatchString(line[:k])
}

// proseRe finds two words in a row: text, not math.
var proseRe = regexp.MustCompile(`[A-Za-z]{2,}[,;]?\s+[A-Za-z]{2,}`)

// closing finds the closing delimiter from i, skipping escaped dollars.
func closing(s string, i int, close string) int {
	for j := i; j < len(s); j++ {
		if s[j] == '\\' && close == "$" || s[j] == '\\' && close == "$$" {
			j++
			continue
		}
		if strings.HasPrefix(s[j:], close) {
			return j
		}
	}
	return -1
}

// leadingMath returns the math span that s starts with.
func leadingMath(s string) (string, bool) {
	m := mathSpans(s)
	if len(m) > 0 && m[0].start == 0 {
		return m[0].text, true
	}
	return "", false
}

// plainNumbers returns the numbers of prose outside math spans: not glued
// to a preceding letter or digit (AZYUK2A holds none), with thousands
// separators (1,000,000), a decimal point or comma (1,22), a leading point
// (.4), a fraction (10/9), a sign and a dollar before them. A hand-written
// scanner: the expression it replaced cost most of an import's grading.
func plainNumbers(s string) []candidate {
	var out []candidate
	for i := 0; i < len(s); {
		if !isDigit(s[i]) && !(s[i] == '.' && i+1 < len(s) && isDigit(s[i+1])) {
			i++
			continue
		}
		start := numberStart(s, i)
		end := numberEnd(s, i)
		if start < 0 {
			i = end
			continue
		}
		t := strings.ReplaceAll(strings.ReplaceAll(s[start:end], "$", ""), " ", "")
		if !strings.Contains(t, ".") && strings.Count(t, ",") == 1 {
			t = decimalComma(t)
		}
		out = append(out, candidate{text: t, start: start, end: end})
		i = end
	}
	return out
}

// numberStart returns where the number whose digits start at i begins
// (with a sign, a dollar and a space before them), or -1 when it is glued
// to what precedes it.
func numberStart(s string, i int) int {
	start := i
	if start >= 2 && s[start-1] == ' ' && s[start-2] == '$' {
		start -= 2
	} else if start >= 1 && s[start-1] == '$' {
		start--
	}
	if start >= 1 && s[start-1] == '-' {
		start--
	}
	if start == 0 {
		return start
	}
	r, _ := utf8.DecodeLastRuneInString(s[:start])
	if unicode.IsLetter(r) || unicode.IsDigit(r) || strings.ContainsRune(".,_^\\", r) {
		return -1
	}
	return start
}

// numberEnd returns the end of the number whose digits start at i.
func numberEnd(s string, i int) int {
	digits := func(j int) int {
		for j < len(s) && isDigit(s[j]) {
			j++
		}
		return j
	}
	j := digits(i)
	if s[i] == '.' {
		j = digits(i + 1)
	} else if n := j - i; n <= 3 && thousandsGroup(s, j) {
		for thousandsGroup(s, j) {
			j += 4
		}
		if j+1 < len(s) && s[j] == '.' && isDigit(s[j+1]) {
			j = digits(j + 1)
		}
	} else if j+1 < len(s) && (s[j] == '.' || s[j] == ',') && isDigit(s[j+1]) {
		j = digits(j + 1)
	}
	if j+1 < len(s) && s[j] == '/' && isDigit(s[j+1]) {
		j = digits(j + 1)
	}
	return j
}

// thousandsGroup reports ",ddd" at j, not followed by another digit.
func thousandsGroup(s string, j int) bool {
	return j+3 < len(s) && s[j] == ',' && isDigit(s[j+1]) && isDigit(s[j+2]) && isDigit(s[j+3]) &&
		(j+4 == len(s) || !isDigit(s[j+4]))
}

// sentenceCandidates lists a sentence's math spans and the numbers of its
// prose, in order.
func sentenceCandidates(s string) []candidate {
	spans := mathSpans(s)
	var out []candidate
	prose := 0
	for _, sp := range spans {
		for _, n := range plainNumbers(s[prose:sp.start]) {
			n.start, n.end = n.start+prose, n.end+prose
			out = append(out, n)
		}
		out = append(out, sp)
		prose = sp.end
	}
	for _, n := range plainNumbers(s[prose:]) {
		n.start, n.end = n.start+prose, n.end+prose
		out = append(out, n)
	}
	return out
}

// copulas end the text before a stated answer: "... is", "... =", "...
// equals", "... are", "... to be", "... has".
var copulas = []string{" is", " are", " was", " were", " equal", " equals", " be", "=", ":", " it's",
	" give", " gives", " get", " has", " have", " had"}

// statedAfterCopula reports whether before (the text just before an answer)
// ends with a copula, as a whole word.
func statedAfterCopula(before string) bool {
	b := " " + strings.ToLower(strings.TrimRight(before, " \t\n"))
	for _, c := range copulas {
		if strings.HasSuffix(b, c) {
			return true
		}
	}
	return false
}

// trailerOnly reports what may follow an answer at the end of its
// sentence: units, a few words of prose without numbers, punctuation.
func trailerOnly(s string) bool {
	for _, r := range s {
		if !unicode.IsLetter(r) && !unicode.IsSpace(r) && !strings.ContainsRune("²³€£%.,!)", r) {
			return false
		}
	}
	return true
}

// finalSentence returns the answer of the text's final sentence (skipping
// trailing sentences that hold no candidate, such as "I hope it helps").
func finalSentence(text string) (Answer, bool) {
	// The last few KB hold the final sentences; scanning from a line start
	// there keeps the math state right in all but pathological texts.
	base := 0
	if len(text) > finalTail {
		// Start at a line, else a word: never inside a number.
		base = len(text) - finalTail
		if nl := strings.IndexByte(text[base:], '\n'); nl >= 0 {
			base += nl + 1
		} else if sp := strings.IndexByte(text[base:], ' '); sp >= 0 {
			base += sp + 1
		} else {
			return Answer{}, false
		}
	}
	sents := sentences(text[base:])
	for k, tried := len(sents)-1, 0; k >= 0 && tried < 3; k-- {
		sn := sents[k]
		start, end := base+sn[0], base+sn[1]
		if !hasCandidate(text[start:end]) {
			tried++
			continue
		}
		return sentenceAnswer(text, start, end)
	}
	return Answer{}, false
}

// finalTail is how much of the text's end finalSentence reads.
const finalTail = 1 << 10

// hasCandidate reports a digit or a math span: what sentenceCandidates
// needs to find anything, checked without building them.
func hasCandidate(s string) bool {
	return strings.IndexAny(s, "0123456789$") >= 0 || strings.Contains(s, `\(`) || strings.Contains(s, `\[`)
}

// sentenceAnswer applies the final-sentence rule to text[start:end]: its only
// candidate, or its last one when stated after "is", "=", ... at its end.
func sentenceAnswer(text string, start, end int) (Answer, bool) {
	body := text[start:end]
	if w := whereClause(body); w >= 0 && len(sentenceCandidates(body[:w])) > 0 {
		// "… is \(\phi + 1\), where \(\phi\) is the golden ratio": what
		// follows "where" defines symbols; the statement ends before it.
		body = body[:w]
	}
	cs := sentenceCandidates(body)
	if len(cs) == 0 {
		return Answer{}, false
	}
	if b, ok := emphasized(body, cs); ok {
		return Answer{Text: b.text, How: "sentence", Offset: start + b.start}, true
	}
	last := cs[len(cs)-1]
	// The copula is just before the answer: a short window suffices (and
	// keeps an end-anchored expression from scanning the whole sentence).
	before := body[max(0, last.start-12):last.start]
	if len(cs) == 1 || distinct(cs) == 1 ||
		statedAfterCopula(before) && trailerOnly(body[last.end:]) {
		return Answer{Text: last.text, How: "sentence", Offset: start + last.start}, true
	}
	return Answer{}, false
}

func distinct(cs []candidate) int {
	seen := map[string]bool{}
	for _, c := range cs {
		seen[c.text] = true
	}
	return len(seen)
}

// sentences cuts text into sentences at ". ", "! ", "? ", "。" and blank
// lines outside math, returning [start, end) pairs.
// sentenceByte marks the ASCII bytes sentences acts on.
var sentenceByte = func() (t [256]bool) {
	for _, c := range []byte("$\\.!?\n") {
		t[c] = true
	}
	return t
}()

func sentences(text string) [][2]int {
	var out [][2]int
	start := 0
	inMath := ""
	// Jump to the next byte that can matter (most are plain letters); a
	// text with "。" is scanned byte by byte.
	jump := !strings.Contains(text, "。")
	for i := 0; i < len(text); i++ {
		if jump {
			for i < len(text) && !sentenceByte[text[i]] {
				i++
			}
			if i == len(text) {
				break
			}
		}
		c := text[i]
		switch {
		case inMath == "" && c == '$' && i+1 < len(text) && text[i+1] == '$':
			inMath = "$$"
			i++
		case inMath == "$$" && c == '$' && i+1 < len(text) && text[i+1] == '$':
			// The end of a display ends a statement: "\[96 - 72 = 24\]
			// Therefore, 24 watermelons …" holds two.
			inMath = ""
			i++
			out, start = cut(out, text, start, i+1)
		case inMath == "" && c == '$' && !currencyDollar(text, i):
			inMath = "$"
		case inMath == "$" && c == '$':
			inMath = ""
		case c == '\\' && i+1 < len(text):
			switch text[i+1] {
			case '(', '[':
				if inMath == "" {
					inMath = `\` + string(text[i+1])
				}
			case ')', ']':
				wasDisplay := inMath == `\[`
				inMath = ""
				if wasDisplay && text[i+1] == ']' {
					i++
					out, start = cut(out, text, start, i+1)
					continue
				}
			}
			i++
		case inMath == "" && (c == '.' || c == '!' || c == '?') && (i+1 == len(text) || text[i+1] == ' ' || text[i+1] == '\n'),
			inMath == "" && c == '\n',
			inMath == "$" && c == '\n':
			if c == '\n' {
				inMath = ""
			}
			if strings.TrimSpace(text[start:i]) != "" {
				out = append(out, [2]int{start, i})
			}
			start = i + 1
		case c == 0xE3 && strings.HasPrefix(text[i:], "。"):
			if strings.TrimSpace(text[start:i]) != "" {
				out = append(out, [2]int{start, i})
			}
			start = i + len("。")
			i += len("。") - 1
		}
	}
	if strings.TrimSpace(text[start:]) != "" {
		out = append(out, [2]int{start, len(text)})
	}
	return out
}

// whereClause returns where a clause that defines the symbols of the
// statement before it starts (", where", " where "), or -1.
func whereClause(body string) int {
	for _, sep := range []string{" where ", " where\t", " where\n"} {
		if i := strings.Index(body, sep); i >= 0 {
			if i > 0 && body[i-1] == ',' {
				i--
			}
			return i
		}
	}
	return -1
}

// emphasized returns the one candidate set in bold (**1680 distinct**), which
// the writer marked as the result.
func emphasized(body string, cs []candidate) (candidate, bool) {
	var found []candidate
	for _, c := range cs {
		before := strings.LastIndex(body[:c.start], "**")
		if before < 0 || strings.Count(body[:c.start], "**")%2 == 0 {
			continue
		}
		if strings.Contains(body[c.end:], "**") {
			found = append(found, c)
		}
	}
	if len(found) != 1 {
		return candidate{}, false
	}
	return found[0], true
}

// cut ends a sentence at end (exclusive) when it holds more than spaces.
func cut(out [][2]int, text string, start, end int) ([][2]int, int) {
	if strings.TrimSpace(text[start:end]) != "" {
		out = append(out, [2]int{start, end})
	}
	return out, end
}
