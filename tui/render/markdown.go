package render

import (
	"errors"
	"fmt"
	"strings"

	"charm.land/glamour/v2"

	"github.com/stepwise-dev/stepwise/themes"
)

// markdown renders cleaned text. Glamour renderers are not safe for
// concurrent use, so each call builds its own (about 27 µs, 2% of a
// render): no renderer is shared between goroutines and a renderer left in
// a bad state by a failure is never reused. Any failure — an error, a
// panic, a token glamour split — falls back to plain wrapped text.
func (r *Renderer) markdown(th *themes.Theme, bits *themeBits, text string, o Options) (res Result) {
	width := o.width()
	defer func() {
		if recover() != nil {
			res = finish(wrapText(text, bits.text, width))
			res.Fallback = true
		}
	}()
	// First try: inline tokens as wide as their math (up to half the width)
	// so glamour wraps around them correctly. If a token got split anyway
	// (deep nesting at a narrow width), retry with the shortest tokens.
	for _, maxTok := range []int{width / 2, 0} {
		p := protect(text, o.Currency, o.MathUnicode, maxTok)
		out, err := glamourRender(th, p.text, width, o.Reflow)
		if err != nil {
			break
		}
		ls, err := r.restore(th, bits, p, out, o)
		if err != nil {
			continue
		}
		return finish(fitLines(trimBlank(ls), width))
	}
	res = finish(wrapText(text, bits.text, width))
	res.Fallback = true
	return res
}

func glamourRender(th *themes.Theme, md string, width int, reflow bool) (string, error) {
	opts := []glamour.TermRendererOption{
		glamour.WithStyles(th.Glamour()),
		glamour.WithWordWrap(width),
	}
	if !reflow {
		opts = append(opts, glamour.WithPreservedNewLines())
	}
	tr, err := glamour.NewTermRenderer(opts...)
	if err != nil {
		return "", fmt.Errorf("glamour: %w", err)
	}
	return tr.Render(md)
}

var errTokenLost = errors.New("render: a protected span did not survive markdown")

// restore normalizes glamour's output and puts the protected spans back:
// inline math within its line, display math and code blocks as lines of
// their own under the same prefix (list indent, quote bar) as the token.
func (r *Renderer) restore(th *themes.Theme, bits *themeBits, p protected, out string, o Options) ([]line, error) {
	if len(p.spans) == 0 {
		return normalize(out, nil), nil
	}
	found := 0
	hook := func(l line, sgr, text string) line {
		for {
			i := strings.Index(text, p.prefix)
			if i < 0 {
				return l.appendText(sgr, text)
			}
			l = l.appendText(sgr, text[:i])
			text = text[i:]
			k, ok := tokenIndex(p, text)
			if !ok {
				l = l.appendText(sgr, p.prefix)
				text = text[len(p.prefix):]
				continue
			}
			sp := p.spans[k]
			switch sp.kind {
			case spanInline:
				found++
				l = l.appendText(sgr+bits.math, inlineMathText(sp.raw, sp.body, o.MathUnicode))
			case spanCalc:
				found++
				l = l.appendText(sgr+bits.dim, sp.raw)
			default:
				l = l.appendText(sgr, sp.token) // replaced line by line below
			}
			text = text[len(sp.token):]
		}
	}
	lines := normalize(out, hook)
	var res []line
	for _, l := range lines {
		pl := l.plain()
		if !strings.Contains(pl, p.prefix) {
			res = append(res, l)
			continue
		}
		block, n := r.expandBlock(th, bits, p, l, o)
		found += n
		res = append(res, block...)
	}
	if found != len(p.spans) {
		return nil, errTokenLost
	}
	return res, nil
}

// tokenIndex parses the span index of the token text starts with and checks
// that the whole token is there.
func tokenIndex(p protected, text string) (int, bool) {
	d := text[len(p.prefix):]
	if len(d) < tokenDigits {
		return 0, false
	}
	k := 0
	for i := range tokenDigits {
		c := d[i]
		if c < 'a' || c > 'z' {
			return 0, false
		}
		k = k*26 + int(c-'a')
	}
	if k >= len(p.spans) || !strings.HasPrefix(text, p.spans[k].token) {
		return 0, false
	}
	return k, true
}

// expandBlock replaces block tokens in l. A token alone on its line becomes
// the block's lines, each behind the text that preceded the token (margin,
// list indent, quote bar); a block token sharing its line with other text
// (glamour put it in a table cell, say) is flattened in place.
func (r *Renderer) expandBlock(th *themes.Theme, bits *themeBits, p protected, l line, o Options) ([]line, int) {
	var prefix line
	for si, s := range l {
		i := strings.Index(s.text, p.prefix)
		if i < 0 {
			prefix = append(prefix, s)
			continue
		}
		k, ok := tokenIndex(p, s.text[i:])
		if !ok {
			return []line{l}, 0
		}
		sp := p.spans[k]
		prefix = prefix.appendText(s.sgr, s.text[:i])
		rest := append(line{{sgr: s.sgr, text: s.text[i+len(sp.token):]}}, l[si+1:]...)
		if strings.TrimSpace(prefix.plain()) == "" && strings.TrimSpace(rest.plain()) == "" ||
			sp.kind != spanInline && strings.TrimSpace(rest.plain()) == "" && isDecoration(prefix.plain()) {
			return r.blockLines(th, bits, sp, prefix, o), 1
		}
		flat := line(append(append(line{}, prefix...), segment{sgr: s.sgr + bits.math, text: flatten(sp, o)}))
		more, n := r.expandBlock(th, bits, p, rest, o)
		if len(more) == 1 {
			return []line{append(flat, more[0]...)}, n + 1
		}
		return append([]line{flat}, more...), n + 1
	}
	return []line{l}, 0
}

// isDecoration reports text that is only indentation and quote bars.
func isDecoration(s string) bool {
	return strings.Trim(s, " │>") == ""
}

// flatten is a block span on one line.
func flatten(sp span, o Options) string {
	if sp.kind == spanCode {
		return strings.Join(strings.Fields(sp.body), " ")
	}
	return inlineMathText(sp.raw, sp.body, o.MathUnicode)
}

// blockLines renders a display-math or code span as lines under prefix.
func (r *Renderer) blockLines(th *themes.Theme, bits *themeBits, sp span, prefix line, o Options) []line {
	var body []line
	switch sp.kind {
	case spanCode:
		body, _ = r.hl.highlight(th, sp.body, sp.lang, bits.text)
		for i := range body {
			body[i] = append(line{{sgr: "", text: "  "}}, body[i]...)
		}
	default:
		for _, s := range displayMathLines(sp, o.MathUnicode) {
			body = append(body, line{{sgr: bits.math, text: s}})
		}
	}
	out := make([]line, 0, len(body))
	for _, b := range body {
		l := append(append(line{}, prefix...), b...)
		out = append(out, l.trimRight())
	}
	return out
}

// displayMathLines is display math as lines: raw (byte-exact, delimiters
// included) or in Unicode, indented, one line per source line or \\ row.
func displayMathLines(sp span, unicode bool) []string {
	if !unicode {
		return strings.Split(sp.raw, "\n")
	}
	var out []string
	for _, row := range strings.Split(strings.ReplaceAll(sp.body, `\\`, "\n"), "\n") {
		if s := TeXToUnicode(row); s != "" {
			out = append(out, "  "+s)
		}
	}
	if len(out) == 0 {
		out = []string{"  " + strings.TrimSpace(sp.body)}
	}
	return out
}
