package render

import (
	"strings"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
)

// TabWidth is the tab stop used when expanding tabs (CommonMark's 4, so
// markdown block structure is unchanged by the expansion).
const TabWidth = 4

// expandTabs replaces tabs with spaces up to the next tab stop, measuring
// columns in display width.
func expandTabs(s string) string {
	if strings.IndexByte(s, '\t') < 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 16)
	col := 0
	for _, r := range s {
		switch {
		case r == '\t':
			n := TabWidth - col%TabWidth
			b.WriteString("    "[:n])
			col += n
		case r == '\n':
			b.WriteByte('\n')
			col = 0
		case r < utf8.RuneSelf:
			b.WriteRune(r)
			col++
		default:
			b.WriteRune(r)
			col += ansi.StringWidth(string(r))
		}
	}
	return b.String()
}

// nextGrapheme returns the first grapheme cluster of s and its width, with
// a fast path for ASCII not followed by a combining sequence.
func nextGrapheme(s string) (string, int) {
	if s[0] < utf8.RuneSelf && (len(s) == 1 || s[1] < utf8.RuneSelf) {
		if s[0] < 0x20 || s[0] == 0x7f {
			return s[:1], 0
		}
		return s[:1], 1
	}
	seq, w, n, _ := ansi.DecodeSequence(s, ansi.NormalState, nil)
	if n <= 0 {
		_, n = utf8.DecodeRuneInString(s)
		return s[:n], 1
	}
	return seq, w
}

// piece is a byte range of one segment of the line being wrapped; lines are
// built from substrings of the input, never by repeated concatenation, so
// wrapping a 150k-character paragraph stays linear.
type piece struct{ seg, start, end int }

// wrapLine breaks l into lines of at most width columns: at the last space
// that fits, or anywhere inside a word longer than the line (URLs, long
// numbers). Continuation lines drop their leading spaces. width must be at
// least 2 so any grapheme fits.
func wrapLine(l line, width int) []line {
	if l.width() <= width {
		return []line{l}
	}
	w := wrapper{src: l, width: width}
	for si, s := range l {
		for off := 0; off < len(s.text); {
			g, gw := nextGrapheme(s.text[off:])
			w.add(si, off, off+len(g), g == " ", gw)
			off += len(g)
		}
	}
	if len(w.cur) > 0 {
		w.emit(w.cur)
	}
	return w.out
}

type wrapper struct {
	src   line
	width int
	out   []line
	cur   []piece
	curW  int
	// the last break opportunity: after a space, at cur[brkPiece] ending at
	// brkEnd, when the line was brkW wide.
	brkOK            bool
	brkPiece, brkEnd int
	brkW             int
}

func (w *wrapper) add(seg, start, end int, space bool, gw int) {
	// A loop: after breaking at the last space, the carried-over tail plus
	// a wide grapheme can still overflow.
	for w.curW+gw > w.width && w.curW > 0 {
		switch {
		case space:
			w.emit(w.cur)
			w.reset(nil)
			return // the space that caused the break is dropped
		case w.brkOK:
			head := append([]piece(nil), w.cur[:w.brkPiece+1]...)
			head[w.brkPiece].end = w.brkEnd
			var tail []piece
			if p := w.cur[w.brkPiece]; w.brkEnd < p.end {
				tail = append(tail, piece{p.seg, w.brkEnd, p.end})
			}
			tail = append(tail, w.cur[w.brkPiece+1:]...)
			tailW := w.curW - w.brkW
			w.emit(head)
			w.reset(tail)
			w.curW = tailW
		default:
			w.emit(w.cur)
			w.reset(nil)
		}
	}
	if space && w.curW == 0 && len(w.out) > 0 {
		return // no leading spaces on continuation lines
	}
	if n := len(w.cur); n > 0 && w.cur[n-1].seg == seg && w.cur[n-1].end == start {
		w.cur[n-1].end = end
	} else {
		w.cur = append(w.cur, piece{seg, start, end})
	}
	w.curW += gw
	if space {
		w.brkOK, w.brkPiece, w.brkEnd, w.brkW = true, len(w.cur)-1, end, w.curW
	}
}

func (w *wrapper) reset(cur []piece) {
	w.cur, w.curW, w.brkOK = cur, 0, false
}

func (w *wrapper) emit(ps []piece) {
	l := make(line, 0, len(ps))
	for _, p := range ps {
		s := w.src[p.seg]
		l = l.appendText(s.sgr, s.text[p.start:p.end])
	}
	w.out = append(w.out, l.trimRight())
}

// wrapText wraps plain text (already cleaned, tabs expanded) drawn in one
// style, keeping hard newlines.
func wrapText(text, sgr string, width int) []line {
	var out []line
	for {
		i := strings.IndexByte(text, '\n')
		para := text
		if i >= 0 {
			para = text[:i]
		}
		if para == "" {
			out = append(out, nil)
		} else {
			out = append(out, wrapLine(line{{sgr: sgr, text: para}}, width)...)
		}
		if i < 0 {
			break
		}
		text = text[i+1:]
	}
	return out
}

// fitLines makes every line at most width columns wide.
func fitLines(ls []line, width int) []line {
	for i, l := range ls {
		if l.width() > width {
			out := make([]line, 0, len(ls)+4)
			out = append(out, ls[:i]...)
			for _, l := range ls[i:] {
				out = append(out, wrapLine(l, width)...)
			}
			return out
		}
	}
	return ls
}
