package answer

import (
	"regexp"
	"slices"
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
	if !mayHaveMarker(text[from:]) {
		return Answer{}, false
	}
	lower := asciiLower(text[from:])
	// Every marker contains one of markerWords: the expression runs only in
	// a window around each of their occurrences, from the last one back.
	var at []int
	for _, w := range markerWords {
		if w != "answer" && !strings.Contains(lower, w) {
			continue // one quick search for the rare words; "answer" is likely there
		}
		for i := 0; ; {
			k := strings.Index(lower[i:], w)
			if k < 0 {
				break
			}
			at = append(at, i+k)
			i += k + len(w)
		}
	}
	if len(at) == 0 {
		return Answer{}, false
	}
	slices.Sort(at)
	tried, last := 0, len(lower)+1
	for i := len(at) - 1; i >= 0 && tried < 4; i-- {
		lo := max(0, at[i]-markerBefore)
		if nl := strings.LastIndexByte(lower[lo:at[i]], '\n'); nl >= 0 {
			lo += nl + 1 // a window starts on its own line, as ^ expects
		}
		hi := min(len(lower), at[i]+markerAfter)
		if !plausibleMarker(lower, lo, at[i]) {
			continue
		}
		m := lastMatchBefore(lower[lo:hi], last-lo)
		if m == nil {
			continue
		}
		tried++
		start, end := lo+m[0], lo+m[1]
		last = start
		rest := text[from+end:]
		if c, off, ok := lastBoxes(rest); ok && strings.TrimSpace(strings.Trim(rest[:off], "$*: \\([")) == "" {
			return Answer{Text: c, How: "boxed", Offset: from + end + off}, true
		}
		if s, ok := spanAfter(rest); ok {
			return Answer{Text: s, How: "marker", Offset: from + start}, true
		}
	}
	return Answer{}, false
}

// markerBefore and markerAfter bound the window around a marker word: the
// longest marker's text before its word ("final ") and after it.
const (
	markerBefore = 24
	markerAfter  = 32
)

// plausibleMarker is a quick test that the word "answer" at p can be part
// of a marker ("final answer", "answer is", "answer:", "answer =", an
// "Answer" heading or line), so that the expression is not run around
// every "to answer this question". Other marker words always are.
func plausibleMarker(lower string, lineStart, p int) bool {
	if !strings.HasPrefix(lower[p:], "answer") {
		return true
	}
	before := strings.TrimRight(lower[lineStart:p], " *")
	if before == "" || strings.HasSuffix(before, "#") || strings.HasSuffix(before, "final") {
		return true
	}
	after := strings.TrimLeft(lower[p+len("answer"):], " *")
	return strings.HasPrefix(after, "is") || strings.HasPrefix(after, ":") || strings.HasPrefix(after, "=")
}

// lastMatchBefore returns the last marker match in s that starts before
// limit.
func lastMatchBefore(s string, limit int) []int {
	var best []int
	for _, m := range markerRe.FindAllStringIndex(s, -1) {
		if m[0] < limit {
			best = m
		}
	}
	return best
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

// markerHints are parts of every marker word in any letter case this
// grader reads (answer, Answer, ANSWER, ...): a text with none of them has
// no marker, found without lowering a copy of it.
var markerHints = []string{"swer", "SWER", "####", "spuesta", "SPUESTA", "ntwort", "NTWORT", "答", "éponse", "ÉPONSE", "твет", "ТВЕТ"}

func mayHaveMarker(s string) bool {
	for _, h := range markerHints {
		if strings.Contains(s, h) {
			return true
		}
	}
	return false
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
