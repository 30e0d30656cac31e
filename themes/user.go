package themes

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// User themes are TOML, not JSON: people write them by hand, TOML allows
// comments (to note where a colour came from) and needs no quoting of keys,
// and go-toml reports line and column for every error. A user theme:
//
//	# ~/.config/stepwise/themes/solarized.toml
//	base = "dark"          # required: a built-in theme to start from
//	dark = true            # optional: defaults to the base's
//	paint_background = false
//	[palette]
//	accent = "#268bd2"     # any palette key (see PaletteKeys); "#rgb", "#rrggbb" or "none"
//	bad    = "#dc322f"
//
// The theme's name is the file name without ".toml".

// maxThemeFile bounds what LoadFile reads: a theme is a few hundred bytes.
const maxThemeFile = 1 << 20

// FileError is a problem in a theme file, with its position.
type FileError struct {
	File   string
	Line   int // 1-based; 0 when the problem concerns the whole file
	Column int
	Key    string // the offending key, "" if none
	Reason string
}

func (e *FileError) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
		if e.Column > 0 {
			fmt.Fprintf(&b, ":%d", e.Column)
		}
	}
	b.WriteString(": ")
	if e.Key != "" {
		fmt.Fprintf(&b, "key %q: ", e.Key)
	}
	b.WriteString(e.Reason)
	return b.String()
}

// userTheme is what a theme file says, before it is applied to its base.
type userTheme struct {
	base            string
	baseLine        int
	dark            *bool
	paintBackground *bool
	overrides       []override
}

type override struct {
	key, colour string
}

// LoadFile reads a user theme file. Every problem (syntax, unknown key, bad
// colour, unknown base) is reported with the file, line and key; all
// problems of the file are returned together (errors.Join of *FileError).
func LoadFile(path string) (*Theme, error) {
	data, err := readLimited(path)
	if err != nil {
		return nil, &FileError{File: path, Reason: err.Error()}
	}
	name := strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
	if _, ok := builtins()[name]; ok {
		return nil, &FileError{File: path, Reason: fmt.Sprintf("a user theme may not shadow the built-in theme %q; rename the file", name)}
	}
	ut, err := parseThemeFile(path, data)
	if err != nil {
		return nil, err
	}
	b, ok := builtins()[ut.base]
	if !ok {
		return nil, &FileError{File: path, Line: ut.baseLine, Key: "base",
			Reason: fmt.Sprintf("unknown base theme %q (want one of %s)", ut.base, strings.Join(Names(), ", "))}
	}
	p, dark, paint := b.palette, b.dark, b.paintBackground
	for _, o := range ut.overrides {
		if err := p.Set(o.key, o.colour); err != nil { // validated while parsing
			return nil, &FileError{File: path, Key: o.key, Reason: err.Error()}
		}
	}
	if ut.dark != nil {
		dark = *ut.dark
	}
	if ut.paintBackground != nil {
		paint = *ut.paintBackground
	}
	return newTheme(name, path, p, dark, paint, false), nil
}

func readLimited(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxThemeFile+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxThemeFile {
		return nil, fmt.Errorf("file larger than %d bytes; not a theme", maxThemeFile)
	}
	return data, nil
}
