package tui

import (
	"image/color"

	"charm.land/lipgloss/v2"
)

// styles are the lipgloss styles the screens draw with, derived from the
// theme's palette in one place.
type styles struct {
	dark bool

	title, crumb, crumbSep                lipgloss.Style
	status, statusErr, statusKey, jobBar  lipgloss.Style
	header, row, selected, dim, muted     lipgloss.Style
	good, neutral, bad, unknown, warning  lipgloss.Style
	accent, match, border, help, helpKey  lipgloss.Style
	stepCursor, section, toolCall, result lipgloss.Style
	thinking, prompt                      lipgloss.Style
}

// palette is the semantic colours a theme provides.
type palette struct {
	dark                               bool
	text, muted, subtle, accent, sel   color.Color
	selText, good, neutral, bad, unkn  color.Color
	warning, match, matchText, bar     color.Color
	barText, border, tool, result, thk color.Color
}

func newStyles(p palette) styles {
	fg := func(c color.Color) lipgloss.Style { return lipgloss.NewStyle().Foreground(c) }
	return styles{
		dark:       p.dark,
		title:      fg(p.accent).Bold(true),
		crumb:      fg(p.text),
		crumbSep:   fg(p.subtle),
		status:     lipgloss.NewStyle().Foreground(p.barText).Background(p.bar),
		statusErr:  lipgloss.NewStyle().Foreground(p.bad).Background(p.bar).Bold(true),
		statusKey:  lipgloss.NewStyle().Foreground(p.accent).Background(p.bar).Bold(true),
		jobBar:     fg(p.muted),
		header:     fg(p.accent).Bold(true),
		row:        fg(p.text),
		selected:   lipgloss.NewStyle().Foreground(p.selText).Background(p.sel).Bold(true),
		dim:        fg(p.subtle),
		muted:      fg(p.muted),
		good:       fg(p.good),
		neutral:    fg(p.neutral),
		bad:        fg(p.bad).Bold(true),
		unknown:    fg(p.unkn),
		warning:    fg(p.warning).Bold(true),
		accent:     fg(p.accent),
		match:      lipgloss.NewStyle().Foreground(p.matchText).Background(p.match),
		border:     fg(p.border),
		help:       fg(p.muted),
		helpKey:    fg(p.accent).Bold(true),
		stepCursor: fg(p.accent).Bold(true),
		section:    fg(p.accent).Bold(true).Underline(true),
		toolCall:   fg(p.tool),
		result:     fg(p.result),
		thinking:   fg(p.thk).Italic(true),
		prompt:     fg(p.accent).Bold(true),
	}
}

func darkPalette() palette {
	c := lipgloss.Color
	return palette{dark: true, text: c("#d8dee9"), muted: c("#9aa5b8"), subtle: c("#5c6475"), accent: c("#7aa2f7"),
		sel: c("#364a82"), selText: c("#ffffff"), good: c("#73d68c"), neutral: c("#e5c07b"), bad: c("#f7768e"),
		unkn: c("#6b7385"), warning: c("#ff9e64"), match: c("#e0af68"), matchText: c("#1a1b26"), bar: c("#24283b"),
		barText: c("#c0caf5"), border: c("#3b4261"), tool: c("#bb9af7"), result: c("#7dcfff"), thk: c("#a9b1d6")}
}

func lightPalette() palette {
	c := lipgloss.Color
	return palette{dark: false, text: c("#24292f"), muted: c("#57606a"), subtle: c("#8c959f"), accent: c("#0550ae"),
		sel: c("#b6d4fe"), selText: c("#0b1e3a"), good: c("#1a7f37"), neutral: c("#9a6700"), bad: c("#cf222e"),
		unkn: c("#8c959f"), warning: c("#bc4c00"), match: c("#fff8c5"), matchText: c("#24292f"), bar: c("#eaeef2"),
		barText: c("#24292f"), border: c("#d0d7de"), tool: c("#8250df"), result: c("#0969da"), thk: c("#57606a")}
}
