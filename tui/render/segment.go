package render

import (
	"strings"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
)

// A segment is a run of text drawn with one SGR prefix ("" = unstyled).
// Lines are built from segments and serialized once; this keeps every line
// self-contained (it starts its own styles and ends with a reset), which a
// viewport needs because it shows any window of lines.
type segment struct {
	sgr  string
	text string
}

type line []segment

// width is the display width of the line.
func (l line) width() int {
	w := 0
	for _, s := range l {
		w += textWidth(s.text)
	}
	return w
}

// plain is the line's text without styling.
func (l line) plain() string {
	switch len(l) {
	case 0:
		return ""
	case 1:
		return l[0].text
	}
	var b strings.Builder
	for _, s := range l {
		b.WriteString(s.text)
	}
	return b.String()
}

// styled serializes the line: an SGR prefix whenever the style changes, one
// reset at the end.
func (l line) styled() string {
	var b strings.Builder
	cur := ""
	for _, s := range l {
		if s.text == "" {
			continue
		}
		if s.sgr != cur {
			if cur != "" {
				b.WriteString(sgrReset)
			}
			b.WriteString(s.sgr)
			cur = s.sgr
		}
		b.WriteString(s.text)
	}
	if cur != "" {
		b.WriteString(sgrReset)
	}
	return b.String()
}

const sgrReset = "\x1b[m"

// appendText adds text in style sgr, merging with the previous segment when
// the style is the same.
func (l line) appendText(sgr, text string) line {
	if text == "" {
		return l
	}
	if n := len(l); n > 0 && l[n-1].sgr == sgr {
		l[n-1].text += text
		return l
	}
	return append(l, segment{sgr: sgr, text: text})
}

// trimRight drops trailing spaces that draw nothing: glamour pads every
// line to the wrap width with styled spaces, which would cost bytes and
// make the plain text useless for search. Spaces with a background or in
// reverse video are kept, since they are visible.
func (l line) trimRight() line {
	for len(l) > 0 {
		s := &l[len(l)-1]
		if sgrPaintsSpace(s.sgr) {
			return l
		}
		s.text = strings.TrimRight(s.text, " ")
		if s.text != "" {
			return l
		}
		l = l[:len(l)-1]
	}
	return l
}

// sgrPaintsSpace reports whether spaces drawn with this SGR state are
// visible: a background colour, reverse video or underline/strikethrough.
func sgrPaintsSpace(sgr string) bool {
	for seq := range strings.SplitSeq(sgr, "\x1b[") {
		params := strings.Split(strings.TrimSuffix(seq, "m"), ";")
		for i := 0; i < len(params); i++ {
			p, _, sub := strings.Cut(params[i], ":")
			switch p {
			case "48", "7", "4", "9", "21":
				return true
			case "38", "58": // skip the colour's arguments: 5;n or 2;r;g;b
				if !sub && i+1 < len(params) {
					switch params[i+1] {
					case "5":
						i += 2
					case "2":
						i += 4
					}
				}
				continue
			}
			if len(p) == 2 && p[0] == '4' && p[1] >= '0' && p[1] <= '7' {
				return true
			}
			if len(p) == 3 && p[0] == '1' && p[1] == '0' && p[2] >= '0' && p[2] <= '7' {
				return true
			}
		}
	}
	return false
}

// textWidth is the display width of unstyled text, with an ASCII fast path.
func textWidth(s string) int {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf || s[i] < 0x20 {
			return ansi.StringWidth(s)
		}
	}
	return len(s)
}

// isSGR reports whether seq is a Select Graphic Rendition sequence: CSI,
// parameters made of digits, ';' and ':', final 'm'. Nothing else from
// rendered output is allowed to reach the terminal.
func isSGR(seq string) bool {
	if len(seq) < 3 || seq[0] != 0x1b || seq[1] != '[' || seq[len(seq)-1] != 'm' {
		return false
	}
	for i := 2; i < len(seq)-1; i++ {
		c := seq[i]
		if (c < '0' || c > '9') && c != ';' && c != ':' {
			return false
		}
	}
	return true
}

// isReset reports an SGR that clears every attribute: "\x1b[m" or "\x1b[0m".
func isReset(seq string) bool {
	p := seq[2 : len(seq)-1]
	return p == "" || p == "0"
}
