package answer

import (
	"regexp"
	"strings"
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

// plainNumberRe finds numbers in prose: not glued to a preceding letter or
// digit (AZYUK2A holds none), with thousands separators, a decimal comma,
// a fraction.
var plainNumberRe = regexp.MustCompile(`(?:^|[^\p{L}\p{N}.,_^\\])(-?\$?\s?(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:[.,]\d+)?|\.\d+)(?:/\d+)?)`)

// plainNumbers returns the numbers of prose outside math spans.
func plainNumbers(s string) []candidate {
	var out []candidate
	for _, m := range plainNumberRe.FindAllStringSubmatchIndex(s, -1) {
		t := s[m[2]:m[3]]
		t = strings.ReplaceAll(strings.ReplaceAll(t, "$", ""), " ", "")
		if !strings.Contains(t, ".") && strings.Count(t, ",") == 1 {
			t = decimalComma(t)
		}
		out = append(out, candidate{text: t, start: m[2], end: m[3]})
	}
	return out
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

// copulaRe ends the text before a stated answer: "... is", "... =", "...
// equals", "... are", "... to be".
var copulaRe = regexp.MustCompile(`(?i)(?:\bis|\bare|\bwas|\bwere|\bequals?|\bbe|=|:|\bit's|\bgives?|\bget|\bhas|\bhave|\bhad)\s*$`)

// trailerRe is what may follow an answer at the end of its sentence: units,
// a few words of prose without numbers, punctuation.
var trailerRe = regexp.MustCompile(`^[\p{L}\s²³€£%.,!)]*$`)

// finalSentence returns the answer of the text's final sentence (skipping
// trailing sentences that hold no candidate, such as "I hope it helps").
func finalSentence(text string) (Answer, bool) {
	sents := sentences(text)
	for k, tried := len(sents)-1, 0; k >= 0 && tried < 3; k-- {
		sn := sents[k]
		if len(sentenceCandidates(text[sn[0]:sn[1]])) == 0 {
			tried++
			continue
		}
		return sentenceAnswer(text, sn[0], sn[1])
	}
	return Answer{}, false
}

// sentenceAnswer applies the final-sentence rule to text[start:end]: its only
// candidate, or its last one when stated after "is", "=", ... at its end.
func sentenceAnswer(text string, start, end int) (Answer, bool) {
	body := text[start:end]
	if m := whereRe.FindStringIndex(body); m != nil && len(sentenceCandidates(body[:m[0]])) > 0 {
		// "… is \(\phi + 1\), where \(\phi\) is the golden ratio": what
		// follows "where" defines symbols; the statement ends before it.
		body = body[:m[0]]
	}
	cs := sentenceCandidates(body)
	if len(cs) == 0 {
		return Answer{}, false
	}
	if b, ok := emphasized(body, cs); ok {
		return Answer{Text: b.text, How: "sentence", Offset: start + b.start}, true
	}
	last := cs[len(cs)-1]
	if len(cs) == 1 || distinct(cs) == 1 ||
		copulaRe.MatchString(body[:last.start]) && trailerRe.MatchString(body[last.end:]) {
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
func sentences(text string) [][2]int {
	var out [][2]int
	start := 0
	inMath := ""
	for i := 0; i < len(text); i++ {
		c := text[i]
		switch {
		case inMath == "" && strings.HasPrefix(text[i:], "$$"):
			inMath = "$$"
			i++
		case inMath == "$$" && strings.HasPrefix(text[i:], "$$"):
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
		case strings.HasPrefix(text[i:], "。"):
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

// whereRe starts a clause that defines the symbols of the statement before it.
var whereRe = regexp.MustCompile(`,?\s+where\s`)

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
