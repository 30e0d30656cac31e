package render

import (
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/stepwise-dev/stepwise/themes/termsafe"
)

// textHook rewrites a run of text drawn in style sgr, appending the result
// to l. The markdown path uses it to put protected math back.
type textHook func(l line, sgr, text string) line

// normalize turns renderer output (glamour, chroma) into lines of segments.
// It is also the output filter: only SGR sequences survive (OSC 8
// hyperlinks, cursor moves, anything else is dropped), and control
// characters in text — which markdown can produce from entities even after
// the input was cleaned — become visible symbols or spaces.
func normalize(out string, hook textHook) []line {
	var (
		lines []line
		cur   line
		state string // every SGR since the last reset, concatenated
		run   strings.Builder
		pst   byte
	)
	flush := func() {
		if run.Len() == 0 {
			return
		}
		// Belt and braces: the input was cleaned, but markdown entities
		// (&rlm;) can bring format characters back.
		text := termsafe.Clean(run.String())
		if hook != nil {
			cur = hook(cur, state, text)
		} else {
			cur = cur.appendText(state, text)
		}
		run.Reset()
	}
	for len(out) > 0 {
		// ASCII printable fast path: the bulk of rendered text.
		if c := out[0]; c >= 0x20 && c < 0x7f && pst == ansi.NormalState {
			i := 1
			for i < len(out) && out[i] >= 0x20 && out[i] < 0x7f {
				i++
			}
			run.WriteString(out[:i])
			out = out[i:]
			continue
		}
		seq, width, n, st := ansi.DecodeSequence(out, pst, nil)
		if n <= 0 {
			n = 1
			seq = out[:1]
		}
		pst = st
		out = out[n:]
		switch {
		case width > 0:
			run.WriteString(seq)
		case seq == "\n":
			flush()
			lines = append(lines, cur.trimRight())
			cur = nil
		case isSGR(seq):
			flush()
			if isReset(seq) {
				state = ""
			} else if strings.HasPrefix(seq, "\x1b[0;") {
				state = "\x1b[" + seq[4:]
			} else {
				state += seq
			}
		case seq == "\t":
			run.WriteByte(' ')
		case len(seq) == 1 && (seq[0] < 0x20 || seq[0] == 0x7f):
			run.WriteRune(controlPicture(seq[0]))
		default:
			// Zero-width text (combining marks, ZWJ) stays; escape
			// sequences and C1-introduced sequences are dropped.
			if seq[0] != 0x1b && !startsC1(seq) {
				run.WriteString(seq)
			}
		}
	}
	flush()
	if len(cur) > 0 {
		lines = append(lines, cur.trimRight())
	}
	return lines
}

func controlPicture(c byte) rune {
	if c == 0x7f {
		return '\u2421'
	}
	return 0x2400 + rune(c)
}

// startsC1 reports text that starts with an 8-bit control (U+0080-U+009F),
// raw or encoded in UTF-8.
func startsC1(seq string) bool {
	if seq[0] >= 0x80 && seq[0] <= 0x9f {
		return true
	}
	return len(seq) >= 2 && seq[0] == 0xc2 && seq[1] >= 0x80 && seq[1] <= 0x9f
}

// trimBlank drops leading and trailing empty lines.
func trimBlank(ls []line) []line {
	for len(ls) > 0 && ls[0].width() == 0 {
		ls = ls[1:]
	}
	for len(ls) > 0 && ls[len(ls)-1].width() == 0 {
		ls = ls[:len(ls)-1]
	}
	return ls
}
