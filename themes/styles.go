package themes

import (
	"charm.land/lipgloss/v2"
)

// Styles are the lipgloss styles the app draws with, all derived from one
// palette. Styles are values: copy and adjust them freely (for example
// Pane.Width(w)); the Theme keeps its own copy.
//
// Sizing rule (lipgloss v2): border and padding sit inside Width, so size a
// pane's content to width - style.GetHorizontalFrameSize().
type Styles struct {
	Base    lipgloss.Style // ordinary text
	Muted   lipgloss.Style // secondary text
	Dim     lipgloss.Style // tertiary text: separators, line numbers, disabled items
	Accent  lipgloss.Style
	Accent2 lipgloss.Style
	Bold    lipgloss.Style

	Title             lipgloss.Style // screen title
	Breadcrumb        lipgloss.Style // earlier crumbs
	BreadcrumbCurrent lipgloss.Style // the last crumb
	BreadcrumbSep     lipgloss.Style // the separator between crumbs

	Pane        lipgloss.Style // rounded border box
	PaneFocused lipgloss.Style // the same with the focus colour
	PaneTitle   lipgloss.Style
	Divider     lipgloss.Style // a rule drawn with "─"
	Gutter      lipgloss.Style // step numbers beside the badges

	StatusBar   lipgloss.Style // whole bottom bar
	StatusMode  lipgloss.Style // the mode pill at its left ("BROWSE", "ANNOTATE")
	StatusKey   lipgloss.Style
	StatusValue lipgloss.Style

	JobBar      lipgloss.Style // background jobs line
	JobProgress lipgloss.Style // the filled part of a progress bar
	JobTrack    lipgloss.Style // the empty part
	JobDone     lipgloss.Style
	JobFailed   lipgloss.Style

	TableHeader   lipgloss.Style
	TableRow      lipgloss.Style
	TableSelected lipgloss.Style // the cursor row; visible without colour (reverse or bold)
	TableMarked   lipgloss.Style // rows marked for a bulk action

	HelpKey      lipgloss.Style
	HelpDesc     lipgloss.Style
	HelpSep      lipgloss.Style
	HelpDisabled lipgloss.Style // a key that does nothing here (its help says why)

	SearchMatch   lipgloss.Style
	SearchCurrent lipgloss.Style // the match the cursor is on

	ErrorMsg   lipgloss.Style
	WarningMsg lipgloss.Style
	InfoMsg    lipgloss.Style
	SuccessMsg lipgloss.Style

	// Rendered step text.
	Heading    lipgloss.Style
	Math       lipgloss.Style // protected TeX spans
	InlineCode lipgloss.Style
	Link       lipgloss.Style

	// Flag marks a step a judge flagged.
	Flag Badge

	badges badgeSet
}

// fg returns a style with foreground colour c, or a plain style for "".
func fg(c string) lipgloss.Style {
	s := lipgloss.NewStyle()
	if c != "" {
		s = s.Foreground(lipgloss.Color(c))
	}
	return s
}

// withBG adds background colour c unless c is "".
func withBG(s lipgloss.Style, c string) lipgloss.Style {
	if c != "" {
		s = s.Background(lipgloss.Color(c))
	}
	return s
}

// highlight is a foreground-on-background pair; when either colour is
// missing (no-colour mode, or a user theme that cleared it) it falls back to
// reverse video so the highlight stays visible.
func highlight(fgc, bgc string) lipgloss.Style {
	if fgc == "" || bgc == "" {
		return lipgloss.NewStyle().Reverse(true)
	}
	return withBG(fg(fgc), bgc)
}

func borderStyle(c string) lipgloss.Style {
	s := lipgloss.NewStyle().Border(lipgloss.RoundedBorder())
	if c != "" {
		s = s.BorderForeground(lipgloss.Color(c))
	}
	return s
}

// buildStyles derives every style from the palette. Attributes that carry
// meaning (bold titles, reversed selection, underlined current match) are set
// whether or not colours exist, so no-colour mode keeps them.
func buildStyles(p Palette, noColor bool) Styles {
	s := Styles{
		Base:    fg(p.Text),
		Muted:   fg(p.Muted),
		Dim:     fg(p.Subtle),
		Accent:  fg(p.Accent),
		Accent2: fg(p.Accent2),
		Bold:    fg(p.Text).Bold(true),

		Title:             fg(p.Accent).Bold(true),
		Breadcrumb:        fg(p.Muted),
		BreadcrumbCurrent: fg(p.Text).Bold(true),
		BreadcrumbSep:     fg(p.Subtle),

		Pane:        borderStyle(p.Border),
		PaneFocused: borderStyle(p.BorderFocus),
		PaneTitle:   fg(p.Accent).Bold(true),
		Divider:     fg(p.Border),
		Gutter:      fg(p.Subtle),

		StatusBar:   withBG(fg(p.StatusFG), p.StatusBG),
		StatusMode:  highlight(p.SelectionFG, p.Accent).Bold(true).Padding(0, 1),
		StatusKey:   withBG(fg(p.Accent), p.StatusBG).Bold(true),
		StatusValue: withBG(fg(p.StatusFG), p.StatusBG),

		JobBar:      withBG(fg(p.JobFG), p.JobBG),
		JobProgress: withBG(fg(p.Progress), p.JobBG),
		JobTrack:    withBG(fg(p.Subtle), p.JobBG),
		JobDone:     withBG(fg(p.Good), p.JobBG),
		JobFailed:   withBG(fg(p.Bad), p.JobBG).Bold(true),

		TableHeader:   fg(p.Accent).Bold(true).Underline(true),
		TableRow:      fg(p.Text),
		TableSelected: highlight(p.SelectionFG, p.SelectionBG).Bold(true),
		TableMarked:   fg(p.Accent2).Bold(true),

		HelpKey:      fg(p.Accent).Bold(true),
		HelpDesc:     fg(p.Muted),
		HelpSep:      fg(p.Subtle),
		HelpDisabled: fg(p.Subtle).Strikethrough(true),

		SearchMatch:   highlight(p.MatchFG, p.MatchBG),
		SearchCurrent: highlight(p.MatchFG, p.MatchBG).Bold(true).Underline(true),

		ErrorMsg:   fg(p.Bad).Bold(true),
		WarningMsg: fg(p.Warning).Bold(true),
		InfoMsg:    fg(p.Info),
		SuccessMsg: fg(p.Good),

		Heading:    fg(p.Heading).Bold(true),
		Math:       fg(p.Math),
		InlineCode: withBG(fg(p.Code), p.CodeBG),
		Link:       fg(p.Link).Underline(true),

		Flag: Badge{Glyph: "⚑", Label: "judge flag", Style: fg(p.Warning).Bold(true)},
	}
	if noColor {
		// Without colour, the current match must still differ from the
		// others, and math from prose.
		s.SearchMatch = lipgloss.NewStyle().Underline(true)
		s.SearchCurrent = lipgloss.NewStyle().Reverse(true).Bold(true)
		s.Math = lipgloss.NewStyle().Italic(true)
	}
	s.badges = buildBadges(p, noColor)
	return s
}
