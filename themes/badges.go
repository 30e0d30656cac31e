package themes

import (
	"charm.land/lipgloss/v2"

	"github.com/stepwise-dev/stepwise"
)

// Badge is a one-column marker for a gutter or a table cell. Glyphs differ
// within each family (ratings, proof statuses, step kinds), so a badge reads
// correctly without colour: in NO_COLOR mode, in the high-contrast theme and
// for colour-blind users. Every glyph is one terminal column wide and has
// East Asian width "neutral", so CJK terminals draw it one column wide too.
type Badge struct {
	Glyph string
	Label string // a short word for legends and help: "good", "sorry"
	Style lipgloss.Style
}

// Render draws the glyph.
func (b Badge) Render() string { return b.Style.Render(b.Glyph) }

// RenderLabel draws the glyph and the label, for legends and detail panes.
func (b Badge) RenderLabel() string { return b.Style.Render(b.Glyph + " " + b.Label) }

// ratingGlyphs is indexed by stepwise.Rating.
var ratingGlyphs = [...]struct{ glyph, label string }{
	stepwise.Unlabeled: {"?", "unlabeled"},
	stepwise.Good:      {"✓", "good"},
	stepwise.Neutral:   {"~", "neutral"},
	stepwise.Bad:       {"✗", "bad"},
}

var proofGlyphs = map[stepwise.ProofStatus]struct{ glyph, label string }{
	stepwise.StatusProved:                 {"∎", "proved"},
	stepwise.StatusProvedTrustingCompiler: {"⊢", "proved (trusting compiler)"},
	stepwise.StatusDisproved:              {"⊬", "disproved"},
	stepwise.StatusVacuous:                {"∅", "vacuous"},
	stepwise.StatusFailed:                 {"✘", "failed"},
	stepwise.StatusSorry:                  {"⋯", "sorry"},
	stepwise.StatusStatementError:         {"!", "statement error"},
	stepwise.StatusTimeout:                {"⧗", "timeout"},
	stepwise.StatusBackendError:           {"↯", "backend error"},
	stepwise.StatusUnsupported:            {"⌀", "unsupported"},
	stepwise.StatusSkipped:                {"-", "skipped"},
	stepwise.StatusStored:                 {"◌", "stored"},
}

var kindGlyphs = map[stepwise.StepKind]struct{ glyph, label string }{
	stepwise.StepReasoning:  {"r", "reasoning"},
	stepwise.StepThinking:   {"t", "thinking"},
	stepwise.StepToolCall:   {"c", "tool call"},
	stepwise.StepToolResult: {"o", "tool result"},
	stepwise.StepAnswer:     {"a", "answer"},
	stepwise.StepMessage:    {"m", "message"},
}

// unknownGlyph marks a value this build does not know (a newer store).
const unknownGlyph = "⁇"

// badgeSet holds the badges of one theme.
type badgeSet struct {
	ratings [len(ratingGlyphs)]Badge
	proofs  map[stepwise.ProofStatus]Badge
	kinds   map[stepwise.StepKind]Badge
	unknown Badge
	none    Badge // a step with no formalization, or one not checked yet
}

// Rating returns the badge for a rating; out-of-range values get the
// "unknown" badge rather than a panic.
func (s *Styles) Rating(r stepwise.Rating) Badge {
	if r < 0 || int(r) >= len(s.badges.ratings) {
		return s.badges.unknown
	}
	return s.badges.ratings[r]
}

// Proof returns the badge for a proof status: a blank badge for the empty
// status (nothing checked) and the "unknown" badge for statuses this build
// does not know.
func (s *Styles) Proof(p stepwise.ProofStatus) Badge {
	if p == "" {
		return s.badges.none
	}
	if b, ok := s.badges.proofs[p]; ok {
		return b
	}
	return s.badges.unknown
}

// Kind returns the badge for a step kind.
func (s *Styles) Kind(k stepwise.StepKind) Badge {
	if b, ok := s.badges.kinds[k]; ok {
		return b
	}
	return s.badges.unknown
}

// buildBadges derives the badge styles from the palette. Bad outcomes are
// bold so they stand out even where colours are weak; in no-colour mode the
// worst ones (bad rating, disproved, sorry) are also reversed.
func buildBadges(p Palette, noColor bool) badgeSet {
	mk := func(g struct{ glyph, label string }, colour string, loud bool) Badge {
		st := fg(colour).Bold(loud)
		if noColor && loud {
			st = st.Reverse(true)
		}
		return Badge{Glyph: g.glyph, Label: g.label, Style: st}
	}
	var bs badgeSet
	bs.ratings[stepwise.Unlabeled] = mk(ratingGlyphs[stepwise.Unlabeled], p.Unlabeled, false)
	bs.ratings[stepwise.Good] = mk(ratingGlyphs[stepwise.Good], p.Good, false)
	bs.ratings[stepwise.Neutral] = mk(ratingGlyphs[stepwise.Neutral], p.Neutral, false)
	bs.ratings[stepwise.Bad] = mk(ratingGlyphs[stepwise.Bad], p.Bad, true)

	proofColour := map[stepwise.ProofStatus]struct {
		c    string
		loud bool
	}{
		stepwise.StatusProved:                 {p.ProofOK, false},
		stepwise.StatusProvedTrustingCompiler: {p.ProofTrusted, false},
		stepwise.StatusDisproved:              {p.ProofBad, true},
		stepwise.StatusVacuous:                {p.ProofBad, false},
		stepwise.StatusFailed:                 {p.ProofFailed, false},
		stepwise.StatusSorry:                  {p.ProofSorry, true},
		stepwise.StatusStatementError:         {p.ProofFailed, false},
		stepwise.StatusTimeout:                {p.ProofUnknown, false},
		stepwise.StatusBackendError:           {p.ProofUnknown, false},
		stepwise.StatusUnsupported:            {p.ProofUnknown, false},
		stepwise.StatusSkipped:                {p.ProofUnknown, false},
		stepwise.StatusStored:                 {p.ProofUnknown, false},
	}
	bs.proofs = make(map[stepwise.ProofStatus]Badge, len(proofGlyphs))
	for st, g := range proofGlyphs {
		pc := proofColour[st]
		bs.proofs[st] = mk(g, pc.c, pc.loud)
	}

	kindColour := map[stepwise.StepKind]string{
		stepwise.StepReasoning: p.Text, stepwise.StepThinking: p.Thinking,
		stepwise.StepToolCall: p.ToolCall, stepwise.StepToolResult: p.ToolResult,
		stepwise.StepAnswer: p.Answer, stepwise.StepMessage: p.Message,
	}
	bs.kinds = make(map[stepwise.StepKind]Badge, len(kindGlyphs))
	for k, g := range kindGlyphs {
		bs.kinds[k] = mk(g, kindColour[k], false)
	}
	bs.unknown = Badge{Glyph: unknownGlyph, Label: "unknown", Style: fg(p.Subtle)}
	bs.none = Badge{Glyph: " ", Label: "not checked", Style: fg(p.Subtle)}
	return bs
}
