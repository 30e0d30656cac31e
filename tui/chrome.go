package tui

import (
	"fmt"
	"strings"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/stepwise-dev/stepwise/themes/termsafe"
)

// header is the breadcrumb line: where you are, from the library down.
func (m *Model) header() string {
	parts := []string{m.st.title.Render("stepwise")}
	if m.opts.Title != "" {
		parts[0] += m.st.muted.Render(" " + m.opts.Title)
	}
	crumbs := m.stack[1:]
	if len(m.stack) == 1 {
		crumbs = m.stack
	}
	for _, s := range crumbs {
		parts = append(parts, m.st.crumb.Render(termsafe.Line(m.screens[s].title())))
	}
	return truncate(strings.Join(parts, m.st.crumbSep.Render(" › ")), m.width)
}

// statusBar shows the last message, or the screen's most useful keys.
func (m *Model) statusBar() string {
	var left string
	switch {
	case m.status != "" && !m.statusOK:
		left = m.st.statusErr.Render(" " + termsafe.Line(m.status) + " ")
	case m.status != "":
		left = m.st.status.Render(" " + termsafe.Line(m.status) + " ")
	default:
		left = m.hints()
	}
	pad := m.width - lipgloss.Width(left)
	if pad < 0 {
		return truncate(left, m.width)
	}
	return left + m.st.status.Render(strings.Repeat(" ", pad))
}

// hints lists a few keys of the current screen.
func (m *Model) hints() string {
	var parts []string
	for _, a := range m.screens[m.current()].hints() {
		if b := m.keys.binding(a); b != nil {
			parts = append(parts, m.st.statusKey.Render(prettyKey(b.keys[0]))+m.st.status.Render(" "+short(b.help)))
		}
	}
	return m.st.status.Render(" ") + strings.Join(parts, m.st.status.Render("  "))
}

func short(help string) string {
	if i := strings.Index(help, " ("); i > 0 {
		return help[:i]
	}
	return help
}

// helpView is the key reference, generated from the bindings: every key,
// grouped, with the screens where it works.
func (m *Model) helpView() string {
	groups := []string{"general", "move", "find", "trace", "annotate", "error types", "judge"}
	var lines []string
	lines = append(lines, m.st.title.Render("Keys")+m.st.muted.Render("  (esc or ? closes; j/k scroll)"), "")
	here := m.current()
	for _, g := range groups {
		lines = append(lines, m.st.header.Render(g))
		for i := range m.keys.bindings {
			b := &m.keys.bindings[i]
			if b.group != g {
				continue
			}
			keys := m.st.helpKey.Render(padRight(b.keysText(), 22))
			desc := b.help
			if ok, _ := m.keys.availableOn(b, here); !ok {
				desc = m.st.dim.Render(desc + " — in the " + strings.Join(m.keys.screenNames(b.on), ", "))
			} else {
				desc = m.st.help.Render(desc)
			}
			lines = append(lines, "  "+keys+desc)
		}
		lines = append(lines, "")
	}
	lines = append(lines, m.st.header.Render("error types (number keys)"))
	for i, t := range m.taxonomy() {
		if i >= 9 {
			break
		}
		lines = append(lines, "  "+m.st.helpKey.Render(padRight(fmt.Sprint(i+1), 22))+m.st.help.Render(t))
	}
	lines = append(lines, "")
	lines = append(lines, m.schemaHelp()...)
	who := m.opts.Annotator
	if who == "" {
		who = "(not set: --annotator NAME or annotator in config.toml)"
	}
	lines = append(lines, m.st.muted.Render("Annotating as "+who+". Labels are saved (synced to disk) before the status line says saved ✓."))
	lines = append(lines, m.st.muted.Render("Mouse: wheel scrolls, click selects. Rebind keys in $XDG_CONFIG_HOME/stepwise/config.toml under [keys]."))
	h := m.bodyHeight()
	top := min(m.helpTop, max(0, len(lines)-h))
	m.helpTop = top
	return strings.Join(lines[top:], "\n")
}

func (m *Model) scrollHelp(b *binding) tea.Cmd {
	if b == nil {
		return nil
	}
	switch b.action {
	case actDown:
		m.helpTop++
	case actUp:
		m.helpTop = max(0, m.helpTop-1)
	case actPageDown, actHalfDown:
		m.helpTop += m.bodyHeight() / 2
	case actPageUp, actHalfUp:
		m.helpTop = max(0, m.helpTop-m.bodyHeight()/2)
	case actTop:
		m.helpTop = 0
	}
	return nil
}

// truncate cuts a styled string to w display columns.
func truncate(s string, w int) string {
	if w <= 0 {
		return ""
	}
	if lipgloss.Width(s) <= w {
		return s
	}
	return ansi.Truncate(s, w, "…")
}

// padRight pads plain text to w columns (cutting it if longer).
func padRight(s string, w int) string {
	n := lipgloss.Width(s)
	if n > w {
		return ansi.Truncate(s, w, "…")
	}
	return s + strings.Repeat(" ", w-n)
}

// padLeft right-aligns plain text in w columns.
func padLeft(s string, w int) string {
	n := lipgloss.Width(s)
	if n > w {
		return ansi.Truncate(s, w, "…")
	}
	return strings.Repeat(" ", w-n) + s
}
