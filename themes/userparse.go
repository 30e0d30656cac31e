package themes

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/pelletier/go-toml/v2"
	"github.com/pelletier/go-toml/v2/unstable"
)

// parseThemeFile checks syntax with the full decoder (which reports line and
// column), then walks the document with go-toml's position-aware parser to
// check each key and colour against what a theme may say.
func parseThemeFile(path string, data []byte) (*userTheme, error) {
	if !utf8.Valid(data) {
		return nil, &FileError{File: path, Reason: "not valid UTF-8"}
	}
	var syntax map[string]any
	if err := toml.Unmarshal(data, &syntax); err != nil {
		return nil, syntaxError(path, err)
	}
	w := themeWalker{path: path, ut: &userTheme{}}
	w.walk(data)
	if w.ut.base == "" && w.ut.baseLine == 0 {
		w.errs = append(w.errs, &FileError{File: path, Key: "base",
			Reason: fmt.Sprintf("missing: name the built-in theme to start from (%s)", strings.Join(Names(), ", "))})
	}
	if len(w.errs) > 0 {
		return nil, errors.Join(w.errs...)
	}
	return w.ut, nil
}

func syntaxError(path string, err error) error {
	var de *toml.DecodeError
	if errors.As(err, &de) {
		line, col := de.Position()
		return &FileError{File: path, Line: line, Column: col, Key: strings.Join(de.Key(), "."), Reason: de.Error()}
	}
	return &FileError{File: path, Reason: err.Error()}
}

// themeWalker collects every problem of one file rather than stopping at
// the first, so a user fixes a file in one pass.
type themeWalker struct {
	path string
	ut   *userTheme
	errs []error
	p    unstable.Parser
}

func (w *themeWalker) walk(data []byte) {
	w.p.Reset(data)
	var table []string
	for w.p.NextExpression() {
		e := w.p.Expression()
		switch e.Kind {
		case unstable.Table:
			table = w.keyParts(e.Key())
			if len(table) != 1 || table[0] != "palette" {
				w.fail(firstKey(e), strings.Join(table, "."), "unknown table: a theme has only [palette]")
			}
		case unstable.ArrayTable:
			table = w.keyParts(e.Key())
			w.fail(firstKey(e), strings.Join(table, "."), "unknown array table: a theme has only [palette]")
		case unstable.KeyValue:
			w.keyValue(table, e)
		}
	}
	if err := w.p.Error(); err != nil { // unreachable: Unmarshal accepted the file
		w.errs = append(w.errs, &FileError{File: w.path, Reason: err.Error()})
	}
}

func (w *themeWalker) keyValue(table []string, e *unstable.Node) {
	full := append(append([]string{}, table...), w.keyParts(e.Key())...)
	v := e.Value()
	name := strings.Join(full, ".")
	switch {
	case len(full) == 1 && full[0] == "base":
		if s, ok := w.str(v, name); ok {
			w.ut.base, w.ut.baseLine = s, w.line(v)
		}
	case len(full) == 1 && full[0] == "dark":
		if b, ok := w.boolean(v, name); ok {
			w.ut.dark = &b
		}
	case len(full) == 1 && full[0] == "paint_background":
		if b, ok := w.boolean(v, name); ok {
			w.ut.paintBackground = &b
		}
	case len(full) == 1 && full[0] == "description":
		w.str(v, name)
	case len(full) == 1 && full[0] == "palette":
		w.fail(v, name, "write the palette as a [palette] table, one key per line")
	case len(full) == 2 && full[0] == "palette":
		w.paletteEntry(full[1], v)
	default:
		w.fail(v, name, "unknown key: a theme has base, dark, paint_background, description and a [palette] table")
	}
}

func (w *themeWalker) paletteEntry(key string, v *unstable.Node) {
	name := "palette." + key
	var scratch Palette
	if scratch.field(key) == nil {
		w.fail(v, name, fmt.Sprintf("unknown palette key (known: %s)", strings.Join(PaletteKeys(), ", ")))
		return
	}
	s, ok := w.str(v, name)
	if !ok {
		return
	}
	if _, err := normalizeColour(s); err != nil {
		w.fail(v, name, err.Error())
		return
	}
	w.ut.overrides = append(w.ut.overrides, override{key: key, colour: s})
}

func (w *themeWalker) keyParts(it unstable.Iterator) []string {
	var parts []string
	for it.Next() {
		parts = append(parts, string(it.Node().Data))
	}
	return parts
}

// firstKey returns a table header's first key node: table nodes carry no
// source range of their own, their keys do.
func firstKey(e *unstable.Node) *unstable.Node {
	it := e.Key()
	if it.Next() {
		return it.Node()
	}
	return nil
}

func (w *themeWalker) str(v *unstable.Node, name string) (string, bool) {
	if v.Kind != unstable.String {
		w.fail(v, name, fmt.Sprintf("want a string, got %s", kindName(v.Kind)))
		return "", false
	}
	return string(v.Data), true
}

func (w *themeWalker) boolean(v *unstable.Node, name string) (bool, bool) {
	if v.Kind != unstable.Bool {
		w.fail(v, name, fmt.Sprintf("want true or false, got %s", kindName(v.Kind)))
		return false, false
	}
	return string(v.Data) == "true", true
}

func (w *themeWalker) fail(n *unstable.Node, key, reason string) {
	line, col := w.pos(n)
	w.errs = append(w.errs, &FileError{File: w.path, Line: line, Column: col, Key: key, Reason: reason})
}

func (w *themeWalker) line(n *unstable.Node) int {
	l, _ := w.pos(n)
	return l
}

// pos returns the node's position; nodes without a source range (inline
// containers can lack one) report line 0 rather than panicking.
func (w *themeWalker) pos(n *unstable.Node) (line, col int) {
	if n == nil || n.Raw.Length == 0 && n.Raw.Offset == 0 {
		return 0, 0
	}
	if int(n.Raw.Offset)+int(n.Raw.Length) > len(w.p.Data()) {
		return 0, 0
	}
	sh := w.p.Shape(n.Raw)
	return sh.Start.Line, sh.Start.Column
}

func kindName(k unstable.Kind) string {
	switch k {
	case unstable.InlineTable:
		return "an inline table"
	case unstable.Array:
		return "an array"
	case unstable.String:
		return "a string"
	case unstable.Bool:
		return "a boolean"
	case unstable.Integer, unstable.Float:
		return "a number"
	default:
		return "a date or time"
	}
}
