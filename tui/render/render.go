// Package render turns untrusted step text into terminal lines at a given
// width: markdown through glamour with TeX math protected, plain wrapped
// text, and chroma-highlighted code (Lean 4, Python, ...). Every input is
// cleaned with termsafe first and every output passes a filter that lets
// only SGR styling through; every output line is at most the requested
// width (measured with x/ansi, so CJK and emoji count two columns).
//
// Rendering is slow (a markdown step costs about a millisecond), so the app
// renders in tea.Cmd goroutines and View() only reads cached results:
// Render fills the cache, Lookup reads it without rendering. A Renderer is
// safe for concurrent use.
//
// It imports themes and themes/termsafe only: no store, no Bubble Tea model.
package render

import (
	"hash/maphash"
	"strings"
	"sync"

	"charm.land/lipgloss/v2"

	"github.com/stepwise-dev/stepwise/themes"
	"github.com/stepwise-dev/stepwise/themes/termsafe"
)

// Format says how text becomes lines.
type Format uint8

// Formats.
const (
	Markdown Format = iota + 1 // glamour, math protected
	Plain                      // wrapped text, hard newlines kept
	Code                       // syntax highlighted, Request.Lang names the language
)

// MinWidth is the narrowest width rendered; smaller widths are raised to it
// (a double-width character must fit on a line).
const MinWidth = 4

// DefaultWidth is used when Options.Width is not positive.
const DefaultWidth = 80

// Options change how text renders; each is part of the cache key.
type Options struct {
	Width int
	// Currency: `$` is a dollar sign, never math (GSM8K).
	Currency bool
	// MathUnicode shows math with common TeX macros turned into Unicode
	// (\le → ≤, \frac{a}{b} → a/b) and without delimiters; otherwise math
	// shows byte-exact as written, delimiters included.
	MathUnicode bool
	// Reflow joins single newlines inside a paragraph, as CommonMark does.
	// Off by default: model output often means its line breaks.
	Reflow bool
}

func (o Options) width() int {
	switch {
	case o.Width <= 0:
		return DefaultWidth
	case o.Width < MinWidth:
		return MinWidth
	}
	return o.Width
}

func (o Options) bits() uint8 {
	var b uint8
	if o.Currency {
		b |= 1
	}
	if o.MathUnicode {
		b |= 2
	}
	if o.Reflow {
		b |= 4
	}
	return b
}

// Request is one thing to render.
type Request struct {
	Format Format
	// ID identifies the content for the cache (a step id plus a version);
	// it must change when Text changes. Empty: the text is hashed.
	ID   string
	Text string
	Lang string // Code only: "lean4", "lean", "python", ...
	Options
}

// Result is rendered text: Lines for display (each self-contained: its
// styles start on the line and are reset at its end) and Plain, the same
// lines without styling (for search and copying).
type Result struct {
	Lines []string
	Plain []string
	// Fallback says markdown rendering failed and Lines are plain wrapped
	// text; it is never shown to the user as an error.
	Fallback bool
	// Highlighted says a lexer ran (Code): false for unknown languages.
	Highlighted bool
}

// Text returns the plain text, lines joined by newlines.
func (r Result) Text() string { return strings.Join(r.Plain, "\n") }

// Size is the result's approximate memory footprint, for the cache budget.
func (r Result) Size() int {
	n := 48 * (len(r.Lines) + len(r.Plain))
	for i := range r.Lines {
		n += len(r.Lines[i])
	}
	for i := range r.Plain {
		n += len(r.Plain[i])
	}
	return n
}

// Renderer renders requests and caches the results.
type Renderer struct {
	cache *Cache
	seed  maphash.Seed
	hl    highlighter
	bits  sync.Map // theme key → *themeBits
}

// themeBits are SGR prefixes taken from a theme's lipgloss styles.
type themeBits struct {
	text, math, dim string
}

// New returns a renderer that caches in c (nil: no caching).
func New(c *Cache) *Renderer {
	return &Renderer{cache: c, seed: maphash.MakeSeed()}
}

// Render renders req with theme th, from the cache when possible.
func (r *Renderer) Render(th *themes.Theme, req Request) Result {
	k := r.key(th, req)
	if r.cache != nil {
		if res, ok := r.cache.get(k); ok {
			return res
		}
	}
	res := r.render(th, req)
	if r.cache != nil {
		r.cache.put(k, res)
	}
	return res
}

// Lookup returns the cached result for req without rendering: what View()
// calls. ok is false when it must first be rendered (in a tea.Cmd).
func (r *Renderer) Lookup(th *themes.Theme, req Request) (Result, bool) {
	if r.cache == nil {
		return Result{}, false
	}
	return r.cache.get(r.key(th, req))
}

// Markdown, PlainText and Code are shorthands for Render.
func (r *Renderer) Markdown(th *themes.Theme, id, text string, o Options) Result {
	return r.Render(th, Request{Format: Markdown, ID: id, Text: text, Options: o})
}

// PlainText renders text wrapped, without markdown.
func (r *Renderer) PlainText(th *themes.Theme, id, text string, o Options) Result {
	return r.Render(th, Request{Format: Plain, ID: id, Text: text, Options: o})
}

// Code renders source code highlighted for lang.
func (r *Renderer) Code(th *themes.Theme, id, code, lang string, o Options) Result {
	return r.Render(th, Request{Format: Code, ID: id, Text: code, Lang: lang, Options: o})
}

func (r *Renderer) key(th *themes.Theme, req Request) cacheKey {
	k := cacheKey{format: req.Format, id: req.ID, width: req.width(), theme: th.Key(),
		opts: req.bits(), lang: req.Lang}
	if req.ID == "" {
		k.hash = maphash.String(r.seed, req.Text)
	}
	return k
}

func (r *Renderer) themeBits(th *themes.Theme) *themeBits {
	if v, ok := r.bits.Load(th.Key()); ok {
		return v.(*themeBits)
	}
	b := &themeBits{text: sgrPrefix(th.Styles.Base), math: sgrPrefix(th.Styles.Math), dim: sgrPrefix(th.Styles.Dim)}
	v, _ := r.bits.LoadOrStore(th.Key(), b)
	return v.(*themeBits)
}

// sgrPrefix extracts the opening SGR sequences a lipgloss style emits.
func sgrPrefix(st lipgloss.Style) string {
	out := st.Render("x")
	if i := strings.IndexByte(out, 'x'); i > 0 {
		return out[:i]
	}
	return ""
}

func (r *Renderer) render(th *themes.Theme, req Request) Result {
	text := expandTabs(termsafe.Clean(req.Text))
	width := req.width()
	bits := r.themeBits(th)
	switch req.Format {
	case Markdown:
		return r.markdown(th, bits, text, req.Options)
	case Code:
		ls, ok := r.hl.highlight(th, text, req.Lang, bits.text)
		res := finish(fitLines(ls, width))
		res.Highlighted = ok
		return res
	default:
		return finish(wrapText(text, bits.text, width))
	}
}

// finish serializes lines.
func finish(ls []line) Result {
	res := Result{Lines: make([]string, len(ls)), Plain: make([]string, len(ls))}
	for i, l := range ls {
		res.Lines[i] = l.styled()
		res.Plain[i] = l.plain()
	}
	return res
}
