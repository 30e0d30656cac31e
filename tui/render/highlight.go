package render

import (
	"fmt"
	"strings"
	"sync"

	"github.com/alecthomas/chroma/v2"
	"github.com/alecthomas/chroma/v2/lexers"

	"github.com/stepwise-dev/stepwise/themes"
)

// highlighter memoizes lexer lookups and per-theme token styles: chroma's
// lexer lookup and style resolution are too slow for a render path.
// Safe for concurrent use (chroma lexers tokenize concurrently).
type highlighter struct {
	lexers sync.Map // language → chroma.Lexer (nil entry: no lexer)
	tables sync.Map // theme key → *sgrTable
}

// sgrTable maps token types to SGR prefixes for one chroma style.
type sgrTable struct {
	mu    sync.Mutex
	style *chroma.Style
	m     map[chroma.TokenType]string
}

func (h *highlighter) lexer(lang string) chroma.Lexer {
	lang = strings.ToLower(strings.TrimSpace(lang))
	if v, ok := h.lexers.Load(lang); ok {
		l, _ := v.(chroma.Lexer)
		return l
	}
	var l chroma.Lexer
	if lang != "" {
		if found := lexers.Get(lang); found != nil {
			l = chroma.Coalesce(found)
		}
	}
	h.lexers.Store(lang, l)
	return l
}

func (h *highlighter) table(th *themes.Theme) *sgrTable {
	if v, ok := h.tables.Load(th.Key()); ok {
		return v.(*sgrTable)
	}
	t := &sgrTable{style: th.Chroma(), m: map[chroma.TokenType]string{}}
	v, _ := h.tables.LoadOrStore(th.Key(), t)
	return v.(*sgrTable)
}

func (t *sgrTable) get(tt chroma.TokenType) string {
	t.mu.Lock()
	defer t.mu.Unlock()
	if s, ok := t.m[tt]; ok {
		return s
	}
	s := entrySGR(t.style.Get(tt))
	t.m[tt] = s
	return s
}

// entrySGR is the SGR prefix for a chroma style entry (truecolour; the
// terminal layer downsamples as it does for lipgloss output).
func entrySGR(e chroma.StyleEntry) string {
	var ps []string
	if e.Bold == chroma.Yes {
		ps = append(ps, "1")
	}
	if e.Italic == chroma.Yes {
		ps = append(ps, "3")
	}
	if e.Underline == chroma.Yes {
		ps = append(ps, "4")
	}
	if e.Colour.IsSet() {
		ps = append(ps, fmt.Sprintf("38;2;%d;%d;%d", e.Colour.Red(), e.Colour.Green(), e.Colour.Blue()))
	}
	if e.Background.IsSet() {
		ps = append(ps, fmt.Sprintf("48;2;%d;%d;%d", e.Background.Red(), e.Background.Green(), e.Background.Blue()))
	}
	if len(ps) == 0 {
		return ""
	}
	return "\x1b[" + strings.Join(ps, ";") + "m"
}

// highlight tokenizes cleaned code and returns one line per source line,
// unwrapped. Unknown languages and lexer failures give unstyled lines in
// the theme's text style; ok reports whether a lexer ran.
func (h *highlighter) highlight(th *themes.Theme, code, lang, textSGR string) (ls []line, ok bool) {
	lx := h.lexer(lang)
	if lx == nil {
		return wrapText(code, textSGR, 1<<30), false
	}
	defer func() {
		if recover() != nil { // a lexer bug must not take the UI down
			ls, ok = wrapText(code, textSGR, 1<<30), false
		}
	}()
	it, err := lx.Tokenise(nil, code)
	if err != nil {
		return wrapText(code, textSGR, 1<<30), false
	}
	tbl := h.table(th)
	var cur line
	for tok := it(); tok != chroma.EOF; tok = it() {
		sgr := tbl.get(tok.Type)
		if sgr == "" {
			sgr = textSGR
		}
		v := tok.Value
		for {
			i := strings.IndexByte(v, '\n')
			if i < 0 {
				cur = cur.appendText(sgr, v)
				break
			}
			cur = cur.appendText(sgr, v[:i])
			ls = append(ls, cur.trimRight())
			cur = nil
			v = v[i+1:]
		}
	}
	if len(cur) > 0 {
		ls = append(ls, cur.trimRight())
	}
	// Lexers may add a final newline: keep exactly the source's lines.
	want := strings.Count(code, "\n") + 1
	for len(ls) < want {
		ls = append(ls, nil)
	}
	return ls[:want], true
}
