// Package analyze holds the offline analyzers: checks that need no model.
// Final answer against gold with math-aware equivalence, arithmetic claims
// through the verifier, truncation and repetition loops, and tool-call
// statistics. Each returns structured findings per trace and step that feed
// the triage queue.
package analyze

import (
	"regexp"
	"strings"
)

// Answer is a final answer found in a response.
type Answer struct {
	Text string `json:"text"`
	// Method says how it was found: boxed, gsm8k (#### x), answer-line
	// (A: x, Answer: x, # Answer), answer-is ("the answer is x").
	Method string `json:"method"`
	// Offset is the byte offset of the marker in the response.
	Offset int `json:"offset"`
}

// boxedCommands open a boxed answer; the longest names come first.
var boxedCommands = []string{`\boxed`, `\fbox`}

// LastBoxed returns the content of the last \boxed{…} (or \fbox{…}) with
// nested braces balanced, and its offset. "\boxed 5" (no braces) gives "5".
// An unclosed last box is skipped in favour of the one before it.
func LastBoxed(s string) (content string, offset int, ok bool) {
	end := len(s)
	for end > 0 {
		i, cmd := lastCommand(s[:end])
		if i < 0 {
			return "", -1, false
		}
		if c, ok := boxArg(s[i+len(cmd):]); ok {
			return strings.TrimSpace(c), i, true
		}
		end = i
	}
	return "", -1, false
}

func lastCommand(s string) (int, string) {
	best, name := -1, ""
	for _, c := range boxedCommands {
		// A command name must not run on into letters: \boxedx is not \boxed.
		for from := len(s); from > 0; {
			i := strings.LastIndex(s[:from], c)
			if i < 0 {
				break
			}
			next := i + len(c)
			if next >= len(s) || !isLetter(s[next]) {
				if i > best {
					best, name = i, c
				}
				break
			}
			from = i
		}
	}
	return best, name
}

func isLetter(b byte) bool { return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' }

// boxArg reads the argument after a box command: a braced group (escaped
// braces \{ \} do not count) or, after a space, one token.
func boxArg(s string) (string, bool) {
	t := strings.TrimLeft(s, " \t")
	if strings.HasPrefix(t, "{") {
		return group(t)
	}
	if len(t) == len(s) || t == "" {
		return "", false
	}
	tok := t
	if i := strings.IndexAny(tok, " \t\n$\\"); i >= 0 {
		tok = tok[:i]
	}
	return tok, tok != ""
}

// group returns the content of the braced group that s starts with.
func group(s string) (string, bool) {
	depth := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++ // skip the escaped character
		case '{':
			depth++
		case '}':
			depth--
			if depth == 0 {
				return s[1:i], true
			}
		}
	}
	return "", false
}

var (
	gsm8kMark   = regexp.MustCompile(`(?m)^####\s*(.+?)\s*$`)
	answerLine  = regexp.MustCompile(`(?m)^[ \t]*(?:A|Answer|Final Answer)[ \t]*:[ \t]*(\S.*?)\s*$`)
	answerHead  = regexp.MustCompile(`(?m)^#[ \t]*Answer[ \t]*\n+[ \t]*(\S.*?)\s*$`)
	answerIsRe  = regexp.MustCompile(`(?i)(?:final answer|the answer)\s*(?:is|=|:)\s*:?\s*(.+?)(?:\.\s*$|\.\s+|\n|$)`)
	answerStrip = strings.NewReplacer("**", "")
)

// FinalAnswer finds a response's final answer: the last \boxed{} first,
// then a GSM8K "#### x" line, then an answer line (A: x, Answer: x, a PRM800K
// "# Answer" heading), then the last "the answer is x".
func FinalAnswer(text string) (Answer, bool) {
	if c, off, ok := LastBoxed(text); ok {
		return Answer{Text: c, Method: "boxed", Offset: off}, true
	}
	if m := lastMatch(gsm8kMark, text); m != nil {
		return Answer{Text: text[m[2]:m[3]], Method: "gsm8k", Offset: m[0]}, true
	}
	m := lastMatch(answerLine, text)
	if h := lastMatch(answerHead, text); h != nil && (m == nil || h[0] > m[0]) {
		m = h
	}
	if m != nil {
		return Answer{Text: strings.TrimSpace(answerStrip.Replace(text[m[2]:m[3]])), Method: "answer-line", Offset: m[0]}, true
	}
	if m := lastMatch(answerIsRe, text); m != nil {
		a := strings.TrimSpace(answerStrip.Replace(text[m[2]:m[3]]))
		if a != "" {
			return Answer{Text: a, Method: "answer-is", Offset: m[0]}, true
		}
	}
	return Answer{}, false
}

func lastMatch(re *regexp.Regexp, s string) []int {
	all := re.FindAllStringSubmatchIndex(s, -1)
	if len(all) == 0 {
		return nil
	}
	return all[len(all)-1]
}
