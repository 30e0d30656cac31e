package themes

import (
	"fmt"

	"github.com/alecthomas/chroma/v2"
)

// buildChroma derives the syntax style from the palette. sorry/admit lex as
// GenericError in chroma's Lean4 lexer (LEAN.md §6); they get the sorry
// colour as a background with bold text, so an unproved step is visible at a
// glance; in no-colour mode they are bold and underlined.
func buildChroma(name string, p Palette, noColor bool) (*chroma.Style, error) {
	e := func(parts ...string) string {
		out := ""
		for _, s := range parts {
			if s == "" || s == "bg:" {
				continue
			}
			if out != "" {
				out += " "
			}
			out += s
		}
		return out
	}
	bg := func(c string) string {
		if c == "" {
			return ""
		}
		return "bg:" + c
	}
	errFG := p.Background
	if errFG == "" {
		errFG = p.Text
	}
	sorry := e("bold", errFG, bg(p.ProofSorry))
	failure := e("bold", errFG, bg(p.Bad))
	if noColor || p.ProofSorry == "" {
		sorry = "bold underline"
	}
	if noColor || p.Bad == "" {
		failure = "bold underline"
	}
	entries := chroma.StyleEntries{
		chroma.Text:                e(p.Text),
		chroma.Error:               failure,
		chroma.GenericError:        sorry,
		chroma.Comment:             e("italic", p.SynComment),
		chroma.CommentPreproc:      e(p.SynKeyword),
		chroma.Keyword:             e("bold", p.SynKeyword),
		chroma.KeywordNamespace:    e("bold", p.SynKeyword),
		chroma.KeywordType:         e(p.SynType),
		chroma.Operator:            e(p.SynOperator),
		chroma.Punctuation:         e(p.SynOperator),
		chroma.Name:                e(p.Text),
		chroma.NameBuiltin:         e(p.SynType),
		chroma.NameBuiltinPseudo:   e(p.SynOperator),
		chroma.NameFunction:        e(p.SynFunction),
		chroma.NameClass:           e("bold", p.SynType),
		chroma.NameDecorator:       e(p.Accent2),
		chroma.NameException:       e(p.Bad),
		chroma.LiteralNumber:       e(p.SynNumber),
		chroma.LiteralString:       e(p.SynString),
		chroma.LiteralStringEscape: e(p.SynOperator),
		chroma.GenericDeleted:      e(p.Bad),
		chroma.GenericInserted:     e(p.Good),
		chroma.GenericEmph:         "italic",
		chroma.GenericStrong:       "bold",
		chroma.GenericHeading:      e("bold", p.Heading),
		chroma.GenericSubheading:   e(p.Heading),
	}
	for k, v := range entries {
		if v == "" {
			delete(entries, k)
		}
	}
	st, err := chroma.NewStyle("stepwise-"+name, entries)
	if err != nil {
		return nil, fmt.Errorf("theme %q: chroma style: %w", name, err)
	}
	return st, nil
}
