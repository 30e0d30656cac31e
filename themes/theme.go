// Package themes turns one palette of semantic colours into everything the
// TUI draws with: lipgloss styles (Styles), a glamour style (Glamour) and a
// chroma style (Chroma). Built-in themes are "dark", "light" and
// "high-contrast"; user themes are TOML files that name a built-in base and
// override palette entries. A no-colour variant (NO_COLOR) keeps bold,
// underline and reverse so selection and emphasis stay visible.
//
// Themes are immutable once built and safe for concurrent use.
package themes

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"charm.land/glamour/v2/ansi"
	"github.com/alecthomas/chroma/v2"
	chromastyles "github.com/alecthomas/chroma/v2/styles"
)

// Theme is a named palette with the styles derived from it.
type Theme struct {
	Name string
	// Dark says the palette is meant for a dark terminal background.
	Dark bool
	// NoColor says the theme carries no colours (NO_COLOR).
	NoColor bool
	// PaintBackground asks the app to paint Palette.Background itself
	// (tea.View.BackgroundColor) rather than use the terminal's.
	PaintBackground bool
	// Source is "built-in" or the file the theme was loaded from.
	Source  string
	Palette Palette
	Styles  Styles

	key string

	glamourOnce sync.Once
	glamour     ansi.StyleConfig

	chromaOnce sync.Once
	chroma     *chroma.Style
}

// newTheme builds a theme; the palette must already be valid.
func newTheme(name, source string, p Palette, dark, paint, noColor bool) *Theme {
	if noColor {
		p = Palette{}
		paint = false
	}
	return &Theme{
		Name: name, Dark: dark, NoColor: noColor, PaintBackground: paint,
		Source: source, Palette: p,
		Styles: buildStyles(p, noColor),
		key:    themeKey(name, p, noColor),
	}
}

// themeKey identifies a theme's look for render caches: the name alone is
// not enough, because a user may edit a theme file while the app runs.
func themeKey(name string, p Palette, noColor bool) string {
	h := sha256.New()
	for _, k := range PaletteKeys() {
		v, _ := p.Get(k)
		fmt.Fprintf(h, "%s=%s;", k, v)
	}
	suffix := ""
	if noColor {
		suffix = "+nocolor"
	}
	return name + suffix + "#" + hex.EncodeToString(h.Sum(nil)[:6])
}

// Key identifies the theme's look: equal keys render identically. Use it in
// render-cache keys.
func (t *Theme) Key() string { return t.key }

// Glamour returns the glamour style for this theme, built once.
func (t *Theme) Glamour() ansi.StyleConfig {
	t.glamourOnce.Do(func() { t.glamour = buildGlamour(t.Palette, t.NoColor) })
	return t.glamour
}

// Chroma returns the syntax-highlighting style for this theme, built once
// (building a chroma style is expensive; never do it on a render path). It
// is not registered in chroma's global registry.
func (t *Theme) Chroma() *chroma.Style {
	t.chromaOnce.Do(func() {
		st, err := buildChroma(t.key, t.Palette, t.NoColor)
		if err != nil {
			st = chromastyles.Fallback // unreachable with a validated palette
		}
		t.chroma = st
	})
	return t.chroma
}

// WithoutColor returns the no-colour variant of t: no foreground or
// background colours anywhere, with bold, underline and reverse kept.
func (t *Theme) WithoutColor() *Theme {
	if t.NoColor {
		return t
	}
	return newTheme(t.Name, t.Source, t.Palette, t.Dark, false, true)
}

// NoColorRequested reports whether the NO_COLOR convention asks for no
// colour: the variable is set to a non-empty value (no-color.org). Pass
// os.Getenv; taking the lookup as a parameter keeps this package free of
// hidden environment reads.
func NoColorRequested(getenv func(string) string) bool {
	return getenv("NO_COLOR") != ""
}

// Builtin returns a built-in theme by name.
func Builtin(name string) (*Theme, bool) {
	b, ok := builtins()[name]
	if !ok {
		return nil, false
	}
	return newTheme(name, "built-in", b.palette, b.dark, b.paintBackground, false), true
}

// Get returns the theme called name: a built-in, or the user theme
// <userDir>/<name>.toml. userDir may be "" (built-ins only); the app passes
// $XDG_CONFIG_HOME/stepwise/themes.
func Get(name, userDir string) (*Theme, error) {
	if t, ok := Builtin(name); ok {
		return t, nil
	}
	if userDir == "" || !validName(name) {
		return nil, fmt.Errorf("theme %q not found (built-in themes: %s)", name, strings.Join(Names(), ", "))
	}
	path := filepath.Join(userDir, name+".toml")
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("theme %q not found (built-in themes: %s; no %s)",
			name, strings.Join(Names(), ", "), path)
	}
	return LoadFile(path)
}

// validName rejects names that would escape the theme directory.
func validName(name string) bool {
	return name != "" && !strings.ContainsAny(name, `/\`) && name != "." && name != ".."
}

// Available lists every theme name: built-ins first, then the user themes in
// userDir that load without error, sorted. Files that fail to load are
// returned as errors (each naming the file, line and reason) so the app can
// show them; a missing directory is not an error.
func Available(userDir string) ([]string, []error) {
	names := Names()
	if userDir == "" {
		return names, nil
	}
	paths, err := filepath.Glob(filepath.Join(userDir, "*.toml"))
	if err != nil {
		return names, []error{fmt.Errorf("theme directory %s: %w", userDir, err)}
	}
	sort.Strings(paths)
	var errs []error
	for _, p := range paths {
		t, err := LoadFile(p)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		names = append(names, t.Name)
	}
	return names, errs
}
