package themes

import (
	"charm.land/glamour/v2/ansi"
)

// buildGlamour derives glamour's style from the palette. Deliberate choices:
//   - no document margin and no blank lines around the document: the app
//     draws its own gutter and spacing;
//   - heading markers ("## ") are kept so the plain text still shows the
//     structure, and no heading has a background colour;
//   - code blocks get no chroma style: glamour registers a chroma style
//     under one global name the first time it sees one (so a second theme
//     would silently reuse the first theme's colours) and mutates chroma's
//     global registry, which races with rendering on other goroutines. The
//     render package highlights fenced code itself with Theme.Chroma().
func buildGlamour(p Palette, noColor bool) ansi.StyleConfig {
	c := func(colour string) *string {
		if colour == "" {
			return nil
		}
		return &colour
	}
	t, u0, u2 := true, uint(0), uint(2)
	codePrefix, codeSuffix := "", ""
	if noColor || p.CodeBG == "" {
		// Without a background, inline code needs visible delimiters.
		codePrefix, codeSuffix = "`", "`"
	}
	heading := func(prefix string) ansi.StyleBlock {
		return ansi.StyleBlock{StylePrimitive: ansi.StylePrimitive{Prefix: prefix}}
	}
	colSep, rowSep, centre, quoteBar := "│", "─", "┼", "│ "
	return ansi.StyleConfig{
		Document: ansi.StyleBlock{
			StylePrimitive: ansi.StylePrimitive{Color: c(p.Text)},
			Margin:         &u0,
		},
		BlockQuote: ansi.StyleBlock{
			StylePrimitive: ansi.StylePrimitive{Color: c(p.Quote)},
			Indent:         ptr(uint(1)),
			IndentToken:    &quoteBar,
		},
		List: ansi.StyleList{LevelIndent: 2},
		Heading: ansi.StyleBlock{
			StylePrimitive: ansi.StylePrimitive{BlockSuffix: "\n", Color: c(p.Heading), Bold: &t},
		},
		H1: heading("# "), H2: heading("## "), H3: heading("### "),
		H4: heading("#### "), H5: heading("##### "), H6: heading("###### "),
		Strikethrough:  ansi.StylePrimitive{CrossedOut: &t},
		Emph:           ansi.StylePrimitive{Italic: &t},
		Strong:         ansi.StylePrimitive{Bold: &t},
		HorizontalRule: ansi.StylePrimitive{Color: c(p.Border), Format: "\n────────\n"},
		Item:           ansi.StylePrimitive{BlockPrefix: "• "},
		Enumeration:    ansi.StylePrimitive{BlockPrefix: ". "},
		Task:           ansi.StyleTask{Ticked: "[✓] ", Unticked: "[ ] "},
		Link:           ansi.StylePrimitive{Color: c(p.Link), Underline: &t},
		LinkText:       ansi.StylePrimitive{Color: c(p.Accent), Bold: &t},
		Image:          ansi.StylePrimitive{Color: c(p.Link), Underline: &t},
		ImageText:      ansi.StylePrimitive{Color: c(p.Muted), Format: "Image: {{.text}} →"},
		Code: ansi.StyleBlock{StylePrimitive: ansi.StylePrimitive{
			Prefix: codePrefix, Suffix: codeSuffix,
			Color: c(p.Code), BackgroundColor: c(p.CodeBG),
		}},
		CodeBlock: ansi.StyleCodeBlock{StyleBlock: ansi.StyleBlock{
			StylePrimitive: ansi.StylePrimitive{Color: c(p.Text)},
			Margin:         &u2,
		}},
		Table: ansi.StyleTable{
			StyleBlock:      ansi.StyleBlock{StylePrimitive: ansi.StylePrimitive{Color: c(p.Text)}},
			CenterSeparator: &centre, ColumnSeparator: &colSep, RowSeparator: &rowSep,
		},
		DefinitionDescription: ansi.StylePrimitive{BlockPrefix: "\n  "},
	}
}

func ptr[T any](v T) *T { return &v }
