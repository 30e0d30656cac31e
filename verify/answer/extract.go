package answer

import (
	"regexp"
	"strings"
)

// Answer is a final answer found in a text.
type Answer struct {
	Text string `json:"text"`
	// How says how it was found: boxed, marker (a phrase such as "the answer
	// is", "####", "答案是"), whole (the text is the answer), sentence (the
	// only candidate, or the one stated after "is"/"=", in the final
	// sentence).
	How string `json:"how"`
	// Offset is where the answer (or its marker) starts in the text.
	Offset int `json:"offset"`
}

// maxExtract bounds the text searched: answers come at the end, and a
// pathological trace must not cost more than its last part.
const maxExtract = 64 << 10

// Extract finds the final answer of a text. In order: the last \boxed{}
// (with the boxes just before it that state the same answer); the last
// answer marker ("final answer is", "the answer is", "Answer:", "####",
// "# Answer", "答案是", ...); the whole text when it is a bare answer; the
// final sentence's answer. The final sentence gives an answer only when it
// holds one candidate (a number or a math span), or when its last candidate
// follows "is", "=", "equals" and ends the sentence: "Thus, the total age of
// the four birds is 41 years." gives 41, "Add 3 to 5 and divide by 2." gives
// nothing. Nothing found is false: the answer is unknown, never guessed.
func Extract(text string) (Answer, bool) {
	base := 0
	if len(text) > maxExtract {
		base = len(text) - maxExtract
		text = text[base:]
	}
	a, ok := extract(text)
	if !ok {
		return Answer{}, false
	}
	a.Text = cleanAnswer(a.Text)
	if a.Text == "" {
		return Answer{}, false
	}
	a.Offset += base
	return a, true
}

func extract(text string) (Answer, bool) {
	// The answer stated last wins: a box, or a marker after every box
	// ("... = \boxed{255}. ... The final answer is $10,455$").
	c, off, boxed := lastBoxes(text)
	from := 0
	if boxed {
		from = off
	}
	if a, ok := afterMarker(text, from); ok {
		return a, true
	}
	if boxed {
		return Answer{Text: c, How: "boxed", Offset: off}, true
	}
	if a, ok := whole(text); ok {
		return a, true
	}
	return finalSentence(text)
}

// markerRe finds answer markers; the answer follows the match.
var markerRe = regexp.MustCompile(`(?m)(?:final answer(?: is)?|the answer is|answer is|answer\s*:|answer\s*=|^#+\s*answer\b|^####|(?:^|\n)\s*\**answer\**\s*(?:\n|\\\[|\\\(|\$)|答案是|答案为|答案：|最终答案|最後の答え|答えは|réponse finale\s*:?|la réponse est|la respuesta es|respuesta final\s*:?|die antwort ist|antwort\s*:|ответ\s*:)[\s:*]*`)

// markerWords are literal parts of every marker, lower case: a text without
// any of them has no marker, and the (slower) expression runs only from the
// first of them on.
var markerWords = []string{"answer", "####", "答案", "答え", "réponse", "respuesta", "antwort", "ответ"}

// afterMarker reads the answer after the last marker at or after from. The
// expression runs on an ASCII-lowered copy (the same byte offsets), which is
// several times faster than a case-insensitive one.
func afterMarker(text string, from int) (Answer, bool) {
	lower := asciiLower(text[from:])
	first := -1
	for _, w := range markerWords {
		if i := strings.Index(lower, w); i >= 0 && (first < 0 || i < first) {
			first = i
		}
	}
	if first < 0 {
		return Answer{}, false
	}
	// Back up over a "final " or "the " before the word, and to a line start.
	start := max(0, first-16)
	if nl := strings.LastIndexByte(lower[:first], '\n'); nl >= 0 && nl+1 > start {
		start = nl + 1
	}
	ms := markerRe.FindAllStringIndex(lower[start:], -1)
	for i := range ms {
		ms[i][0] += from + start
		ms[i][1] += from + start
	}
	// The last few markers only: a text that repeats "Answer:" a thousand
	// times must not be parsed a thousand times.
	for i := len(ms) - 1; i >= 0 && i >= len(ms)-4; i-- {
		rest := text[ms[i][1]:]
		if c, off, ok := lastBoxes(rest); ok && strings.TrimSpace(strings.Trim(rest[:off], "$*: \\([")) == "" {
			return Answer{Text: c, How: "boxed", Offset: ms[i][1] + off}, true
		}
		if s, ok := spanAfter(rest); ok {
			return Answer{Text: s, How: "marker", Offset: ms[i][0]}, true
		}
	}
	return Answer{}, false
}

// spanAfter takes what follows a marker: a math span that opens it, else the
// rest of its line up to the end of the sentence, reduced to its leading
// number when it is prose ("189 ways" is 189, "Evelyn" stays).
func spanAfter(rest string) (string, bool) {
	rest = strings.TrimLeft(rest, " \t\n*:")
	if rest == "" {
		return "", false
	}
	if m, ok := leadingMath(rest); ok {
		return m, true
	}
	line := rest
	if i := strings.IndexByte(line, '\n'); i >= 0 {
		line = line[:i]
	}
	line = cutSentence(line)
	line = strings.TrimSpace(strings.Trim(line, "*"))
	if line == "" {
		return "", false
	}
	if n, ok := parse(line); ok && readable(n) {
		return line, true
	}
	if cs := plainNumbers(line); len(cs) > 0 && cs[0].start <= 2 {
		return cs[0].text, true
	}
	// A sentence after the marker ("Final Answer: The volume of $ABCD$ is
	// 120"): the final-sentence rule picks its answer, or none.
	if a, ok := sentenceAnswer(line, 0, len(line)); ok {
		return a.Text, true
	}
	return "", false
}

// readable reports an answer that reads as math, or as one piece of prose
// (a name, a choice), rather than a sentence.
func readable(n *node) bool {
	if n.k == kText {
		return len(strings.Fields(n.name)) <= 3
	}
	return !hasText(n)
}

func hasText(n *node) bool {
	if n == nil {
		return false
	}
	if n.k == kText {
		return true
	}
	for _, k := range n.kids {
		if hasText(k) {
			return true
		}
	}
	for _, r := range n.rows {
		for _, k := range r {
			if hasText(k) {
				return true
			}
		}
	}
	return false
}

// cutSentence ends s at the first sentence break outside math.
func cutSentence(s string) string {
	inMath := false
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] == '$':
			inMath = !inMath
		case s[i] == '\\' && i+1 < len(s) && (s[i+1] == '(' || s[i+1] == '['):
			inMath = true
			i++
		case s[i] == '\\' && i+1 < len(s) && (s[i+1] == ')' || s[i+1] == ']'):
			inMath = false
			i++
		case s[i] == '\\':
			i++
		case !inMath && (s[i] == '.' || s[i] == '!' || s[i] == '?') && (i+1 == len(s) || s[i+1] == ' ' || s[i+1] == '\n'):
			return s[:i]
		case !inMath && strings.HasPrefix(s[i:], "。"):
			return s[:i]
		}
	}
	return s
}

// whole returns the text itself when it is a bare answer: short, one line,
// and readable as math ("1,000.99$", "28 pct", "$x = 11$", "\text{Even}"),
// or one token ("AZYUK2A").
func whole(text string) (Answer, bool) {
	t := strings.TrimSpace(text)
	if t == "" || len(t) > 200 || strings.Contains(t, "\n\n") {
		return Answer{}, false
	}
	if m := mathSpans(t); len(m) == 1 && m[0].start == 0 && m[0].end == len(t) {
		return Answer{Text: m[0].text, How: "whole"}, true
	}
	if !strings.ContainsAny(t, " \t\n") {
		return Answer{Text: decimalComma(t), How: "whole"}, true
	}
	if n, ok := parse(t); ok && !hasText(n) {
		return Answer{Text: decimalComma(t), How: "whole"}, true
	}
	return Answer{}, false
}

var decimalCommaRe = regexp.MustCompile(`^-?(?:0,\d+|\d+,(?:\d{1,2}|\d{4,}))$`)

// decimalComma reads 1,22 and 0,111 as decimals: a comma before other than
// three digits, or after a zero, is not a thousands separator. Only bare
// numbers: inside LaTeX "1,2" is a list.
func decimalComma(s string) string {
	if decimalCommaRe.MatchString(s) {
		return strings.Replace(s, ",", ".", 1)
	}
	return s
}

// cleanAnswer trims what surrounds an answer: math delimiters, spaces,
// sentence punctuation, emphasis.
func cleanAnswer(s string) string {
	s = strings.TrimSpace(s)
	for {
		t := strings.TrimSpace(strings.Trim(s, "*"))
		t = strings.TrimRight(t, ".,;:")
		for _, d := range [][2]string{{"$$", "$$"}, {"$", "$"}, {`\(`, `\)`}, {`\[`, `\]`}} {
			if strings.HasPrefix(t, d[0]) && strings.HasSuffix(t, d[1]) && len(t) >= len(d[0])+len(d[1]) {
				t = t[len(d[0]) : len(t)-len(d[1])]
			}
		}
		t = strings.TrimSpace(t)
		if t == s {
			return t
		}
		s = t
	}
}

// asciiLower lowers ASCII letters only, so that byte offsets stay valid.
func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}
