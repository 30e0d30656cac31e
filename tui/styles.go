package tui

import (
	"charm.land/lipgloss/v2"

	"github.com/stepwise-dev/stepwise"
	"github.com/stepwise-dev/stepwise/themes"
)

// styles are the lipgloss styles the screens draw with, taken from the
// theme in one place so that screens name roles, not colours.
type styles struct {
	theme *themes.Theme

	title, crumb, crumbSep               lipgloss.Style
	status, statusErr, statusKey, jobBar lipgloss.Style
	header, row, selected, dim, muted    lipgloss.Style
	good, neutral, bad, unknown, warning lipgloss.Style
	accent, match, border, help, helpKey lipgloss.Style
	stepCursor, section, toolCall        lipgloss.Style
	result, thinking, prompt             lipgloss.Style
}

func newStyles(t *themes.Theme) styles {
	s := &t.Styles
	return styles{
		theme:      t,
		title:      s.Title,
		crumb:      s.Breadcrumb,
		crumbSep:   s.BreadcrumbSep,
		status:     s.StatusBar,
		statusErr:  s.ErrorMsg,
		statusKey:  s.StatusKey,
		jobBar:     s.JobBar,
		header:     s.TableHeader,
		row:        s.TableRow,
		selected:   s.TableSelected,
		dim:        s.Dim,
		muted:      s.Muted,
		good:       s.Rating(stepwise.Good).Style,
		neutral:    s.Rating(stepwise.Neutral).Style,
		bad:        s.Rating(stepwise.Bad).Style,
		unknown:    s.Rating(stepwise.Unlabeled).Style,
		warning:    s.WarningMsg,
		accent:     s.Accent,
		match:      s.SearchMatch,
		border:     s.Divider,
		help:       s.HelpDesc,
		helpKey:    s.HelpKey,
		stepCursor: s.Accent.Bold(true),
		section:    s.Heading,
		toolCall:   s.Kind(stepwise.StepToolCall).Style,
		result:     s.Kind(stepwise.StepToolResult).Style,
		thinking:   s.Kind(stepwise.StepThinking).Style,
		prompt:     s.Accent.Bold(true),
	}
}

// rating and proof badges come from the theme: a distinct glyph per state,
// so they read without colour.
func (st styles) rating(r stepwise.Rating) string { return st.theme.Styles.Rating(r).Render() }

func (st styles) proof(p stepwise.ProofStatus) string { return st.theme.Styles.Proof(p).Render() }

// defaultTheme is the built-in dark theme, used until the terminal's
// background is known.
func defaultTheme() *themes.Theme {
	t, _ := themes.Builtin("dark")
	return t
}
