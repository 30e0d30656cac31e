package themes

import (
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"charm.land/lipgloss/v2"
	"github.com/alecthomas/chroma/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/stepwise-dev/stepwise"
)

func mustGet(t *testing.T, name string) *Theme {
	t.Helper()
	th, err := Get(name, "")
	if err != nil {
		t.Fatalf("Get(%q): %v", name, err)
	}
	return th
}

func TestBuiltinsBuild(t *testing.T) {
	keys := map[string]string{}
	for _, name := range Names() {
		th := mustGet(t, name)
		if th.Name != name || th.Source != "built-in" {
			t.Errorf("%s: name %q source %q", name, th.Name, th.Source)
		}
		if err := th.Palette.Validate(); err != nil {
			t.Errorf("%s: %v", name, err)
		}
		if other, dup := keys[th.Key()]; dup {
			t.Errorf("%s and %s share key %q", name, other, th.Key())
		}
		keys[th.Key()] = name
		g := th.Glamour()
		if g.Document.Color == nil || *g.Document.Color != th.Palette.Text {
			t.Errorf("%s: glamour document colour %v, want %s", name, g.Document.Color, th.Palette.Text)
		}
		if g.CodeBlock.Chroma != nil || g.CodeBlock.Theme != "" {
			t.Errorf("%s: glamour code blocks must not use chroma's global registry", name)
		}
		cs := th.Chroma()
		if cs == nil || th.Chroma() != cs {
			t.Fatalf("%s: Chroma() not memoized", name)
		}
		sorry := cs.Get(chroma.GenericError)
		if !sorry.Background.IsSet() || sorry.Bold != chroma.Yes {
			t.Errorf("%s: sorry/admit (GenericError) should be bold on a background: %+v", name, sorry)
		}
		if out := th.Styles.Title.Render("x"); !strings.Contains(out, "\x1b[") {
			t.Errorf("%s: title renders without styling: %q", name, out)
		}
	}
	if _, err := Get("no-such-theme", ""); err == nil || !strings.Contains(err.Error(), "dark") {
		t.Errorf("unknown theme: want an error listing the built-ins, got %v", err)
	}
}

func TestHighContrastIsHighContrast(t *testing.T) {
	th := mustGet(t, HighContrast)
	p := th.Palette
	if p.Background != "#000000" || p.Text != "#ffffff" {
		t.Fatalf("high-contrast background/text = %s/%s, want #000000/#ffffff", p.Background, p.Text)
	}
	if !th.PaintBackground {
		t.Error("high-contrast must ask the app to paint its background")
	}
	// Every foreground colour against the background, and each
	// foreground/background pair, at least 7:1 (WCAG AAA).
	for _, k := range []string{"text", "muted", "subtle", "accent", "accent2", "good", "bad", "neutral",
		"unlabeled", "warning", "info", "proof_ok", "proof_trusted", "proof_bad", "proof_failed",
		"proof_sorry", "proof_unknown", "thinking", "tool_call", "tool_result", "answer", "message",
		"heading", "link", "code", "math", "quote", "syn_keyword", "syn_type", "syn_function",
		"syn_number", "syn_string", "syn_comment", "syn_operator", "border", "border_focus"} {
		c, _ := p.Get(k)
		if r := contrast(t, c, p.Background); r < 7 {
			t.Errorf("high-contrast %s %s on %s: contrast %.2f < 7", k, c, p.Background, r)
		}
	}
	for _, pair := range [][2]string{{p.SelectionFG, p.SelectionBG}, {p.MatchFG, p.MatchBG}, {p.StatusFG, p.StatusBG}} {
		if r := contrast(t, pair[0], pair[1]); r < 7 {
			t.Errorf("high-contrast pair %s on %s: contrast %.2f < 7", pair[0], pair[1], r)
		}
	}
	// Saturated and distinct: the rating colours differ pairwise.
	seen := map[string]string{}
	for _, k := range []string{"good", "bad", "neutral", "unlabeled"} {
		c, _ := p.Get(k)
		if prev, dup := seen[c]; dup {
			t.Errorf("high-contrast %s and %s share colour %s", k, prev, c)
		}
		seen[c] = k
	}
}

func TestReadableContrast(t *testing.T) {
	for _, name := range []string{Dark, Light} {
		p := mustGet(t, name).Palette
		for _, k := range []string{"text", "muted", "good", "bad", "accent", "math", "link"} {
			c, _ := p.Get(k)
			if r := contrast(t, c, p.Background); r < 4.5 {
				t.Errorf("%s %s %s on %s: contrast %.2f < 4.5 (WCAG AA)", name, k, c, p.Background, r)
			}
		}
		if r := contrast(t, p.SelectionFG, p.SelectionBG); r < 4.5 {
			t.Errorf("%s selection contrast %.2f < 4.5", name, r)
		}
	}
}

// contrast is the WCAG 2 contrast ratio of two "#rrggbb" colours.
func contrast(t *testing.T, a, b string) float64 {
	t.Helper()
	la, lb := luminance(t, a), luminance(t, b)
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

func luminance(t *testing.T, hex string) float64 {
	r, g, b, ok := rgb(hex)
	if !ok {
		t.Fatalf("not a colour: %q", hex)
	}
	lin := func(c uint8) float64 {
		v := float64(c) / 255
		if v <= 0.03928 {
			return v / 12.92
		}
		return math.Pow((v+0.055)/1.055, 2.4)
	}
	return 0.2126*lin(r) + 0.7152*lin(g) + 0.0722*lin(b)
}

func TestBadgeGlyphsDistinct(t *testing.T) {
	for _, name := range Names() {
		th := mustGet(t, name)
		for _, th := range []*Theme{th, th.WithoutColor()} {
			st := &th.Styles
			check := func(family string, badges []Badge) {
				seen := map[string]string{}
				for _, b := range badges {
					if w := lipgloss.Width(b.Glyph); w != 1 {
						t.Errorf("%s %s badge %q (%s) is %d columns wide", name, family, b.Glyph, b.Label, w)
					}
					if prev, dup := seen[b.Glyph]; dup {
						t.Errorf("%s %s: %s and %s share glyph %q", name, family, prev, b.Label, b.Glyph)
					}
					seen[b.Glyph] = b.Label
				}
			}
			check("rating", []Badge{st.Rating(stepwise.Unlabeled), st.Rating(stepwise.Good),
				st.Rating(stepwise.Neutral), st.Rating(stepwise.Bad), st.Rating(stepwise.Rating(42))})
			var proofs []Badge
			for s := range proofGlyphs {
				proofs = append(proofs, st.Proof(s))
			}
			proofs = append(proofs, st.Proof(""), st.Proof("from-the-future"))
			check("proof", proofs)
			var kinds []Badge
			for k := range kindGlyphs {
				kinds = append(kinds, st.Kind(k))
			}
			check("kind", append(kinds, st.Kind("from-the-future")))
		}
	}
}

func TestAllStatusesHaveBadges(t *testing.T) {
	// The domain's statuses, listed by hand from formal.go.
	statuses := []stepwise.ProofStatus{"proved", "proved_trusting_compiler", "disproved", "vacuous", "failed",
		"sorry", "statement_error", "timeout", "backend_error", "unsupported", "skipped", "stored"}
	st := mustGet(t, Dark).Styles
	for _, s := range statuses {
		if b := st.Proof(s); b.Glyph == unknownGlyph {
			t.Errorf("status %q has no badge", s)
		}
	}
	kinds := []stepwise.StepKind{"reasoning", "thinking", "tool_call", "tool_result", "answer", "message"}
	for _, k := range kinds {
		if b := st.Kind(k); b.Glyph == unknownGlyph {
			t.Errorf("kind %q has no badge", k)
		}
	}
}

// colourSGR matches SGR colour parameters: 30-37, 38;..., 39, 40-47, 48;...,
// 49, 90-97, 100-107 (as a whole parameter).
var sgrRE = regexp.MustCompile(`\x1b\[([0-9;:]*)m`)

func colourParams(s string) []string {
	var found []string
	for _, m := range sgrRE.FindAllStringSubmatch(s, -1) {
		for p := range strings.SplitSeq(m[1], ";") {
			n := strings.SplitN(p, ":", 2)[0]
			switch {
			case n == "38", n == "48", n == "58":
				found = append(found, m[0])
			case len(n) == 2 && (n[0] == '3' || n[0] == '4' || n[0] == '9') && n[1] >= '0' && n[1] <= '7':
				found = append(found, m[0])
			case len(n) == 3 && n[0] == '1' && n[1] == '0' && n[2] >= '0' && n[2] <= '7':
				found = append(found, m[0])
			}
		}
	}
	return found
}

func TestNoColorMode(t *testing.T) {
	if !NoColorRequested(func(string) string { return "1" }) || NoColorRequested(func(string) string { return "" }) {
		t.Error("NoColorRequested: NO_COLOR=1 means no colour, unset/empty means colour")
	}
	for _, name := range Names() {
		base := mustGet(t, name)
		nc := base.WithoutColor()
		if !nc.NoColor || nc.Key() == base.Key() || nc.PaintBackground {
			t.Errorf("%s: no-colour variant: NoColor=%v key=%q paint=%v", name, nc.NoColor, nc.Key(), nc.PaintBackground)
		}
		s := nc.Styles
		all := []lipgloss.Style{s.Base, s.Muted, s.Dim, s.Accent, s.Title, s.Breadcrumb, s.BreadcrumbCurrent,
			s.Pane, s.PaneFocused, s.StatusBar, s.StatusMode, s.StatusKey, s.JobBar, s.JobProgress, s.JobFailed,
			s.TableHeader, s.TableRow, s.TableSelected, s.HelpKey, s.HelpDesc, s.SearchMatch, s.SearchCurrent,
			s.ErrorMsg, s.WarningMsg, s.Math, s.InlineCode, s.Link, s.Flag.Style,
			s.Rating(stepwise.Bad).Style, s.Proof(stepwise.StatusSorry).Style}
		for i, st := range all {
			out := st.Render("text")
			if c := colourParams(out); len(c) > 0 {
				t.Errorf("%s no-colour style #%d emits colour %q in %q", name, i, c, out)
			}
			if !strings.Contains(ansi.Strip(out), "text") {
				t.Errorf("%s no-colour style #%d lost the text: %q", name, i, out)
			}
		}
		// Selection and the current match stay visible: reverse video.
		for _, st := range []lipgloss.Style{s.TableSelected, s.SearchCurrent} {
			if out := st.Render("row"); !hasSGRParam(out, "7") {
				t.Errorf("%s no-colour: selection not reversed: %q", name, out)
			}
		}
		if out := s.Rating(stepwise.Bad).Render(); !hasSGRParam(out, "1") {
			t.Errorf("%s no-colour: bad badge not bold: %q", name, out)
		}
		// The coloured theme does emit colour (so the check above can fail).
		if len(colourParams(base.Styles.TableSelected.Render("row"))) == 0 {
			t.Errorf("%s: coloured selection emits no colour", name)
		}
		g := nc.Glamour()
		if g.Document.Color != nil || g.Heading.Color != nil || g.Link.Color != nil || g.Code.BackgroundColor != nil {
			t.Errorf("%s no-colour glamour style carries colours", name)
		}
		if g.Code.Prefix != "`" {
			t.Errorf("%s no-colour: inline code needs visible delimiters, prefix %q", name, g.Code.Prefix)
		}
		cs := nc.Chroma()
		for _, tt := range []chroma.TokenType{chroma.Keyword, chroma.Name, chroma.GenericError, chroma.LiteralNumber} {
			if e := cs.Get(tt); e.Colour.IsSet() || e.Background.IsSet() {
				t.Errorf("%s no-colour chroma %v has colour: %+v", name, tt, e)
			}
		}
		if e := cs.Get(chroma.GenericError); e.Bold != chroma.Yes || e.Underline != chroma.Yes {
			t.Errorf("%s no-colour: sorry should be bold underline: %+v", name, e)
		}
	}
}

func hasSGRParam(s, want string) bool {
	for _, m := range sgrRE.FindAllStringSubmatch(s, -1) {
		for p := range strings.SplitSeq(m[1], ";") {
			if p == want {
				return true
			}
		}
	}
	return false
}

func TestPaletteSetAndNormalize(t *testing.T) {
	var p Palette
	if err := p.Set("accent", "#AbC"); err != nil || p.Accent != "#aabbcc" {
		t.Errorf("Set #AbC: %v, %q", err, p.Accent)
	}
	if err := p.Set("accent", "none"); err != nil || p.Accent != "" {
		t.Errorf("Set none: %v, %q", err, p.Accent)
	}
	for _, bad := range []string{"red", "#12345", "#gggggg", "12", "#1234567"} {
		if err := p.Set("accent", bad); err == nil {
			t.Errorf("Set(%q) accepted", bad)
		}
	}
	if err := p.Set("no_such_key", "#fff"); err == nil {
		t.Error("Set accepted an unknown key")
	}
	if len(PaletteKeys()) != len(paletteFields) || PaletteKeys()[0] != "background" {
		t.Errorf("PaletteKeys = %v", PaletteKeys())
	}
}

func writeTheme(t *testing.T, dir, name, body string) string {
	t.Helper()
	path := filepath.Join(dir, name+".toml")
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}
