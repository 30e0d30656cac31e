package tui

import (
	"strings"

	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
)

// promptKind says what a one-line prompt is for.
type promptKind int

const (
	promptFilter promptKind = iota
	promptSearch
	promptJump
	promptTraceSearch
	promptNote
	promptVerdict
	promptExport
	promptConfirm
)

// prompt is the one-line input at the bottom of the screen.
type prompt struct {
	kind  promptKind
	label string
	input textinput.Model
	// yes is what a confirm prompt does on y; any other key declines.
	yes func() tea.Cmd
}

// newConfirm asks a yes/no question answered by one key: y does yes,
// anything else declines (costly actions ask first, as lazygit does).
func newConfirm(m *Model, question string, yes func() tea.Cmd) *prompt {
	p := newPrompt(m, promptConfirm, question+" [y/N] ", "")
	p.yes = yes
	return p
}

func newPrompt(m *Model, kind promptKind, label, value string) *prompt {
	in := textinput.New()
	in.Prompt = ""
	// A steady cursor: a blinking one sends a timer message twice a second
	// for as long as the prompt is open.
	st := textinput.DefaultStyles(m.st.theme.Dark)
	st.Cursor.Blink = false
	in.SetStyles(st)
	in.SetValue(value)
	in.SetWidth(max(10, m.width-len(label)-2))
	in.Focus()
	return &prompt{kind: kind, label: label, input: in}
}

func (p *prompt) update(m *Model, msg tea.Msg) tea.Cmd {
	if k, ok := msg.(tea.KeyPressMsg); ok && p.kind == promptConfirm {
		m.prompt = nil
		if k.String() == "y" || k.String() == "Y" {
			return p.yes()
		}
		m.setInfo("not started; nothing was sent")
		return nil
	}
	if k, ok := msg.(tea.KeyPressMsg); ok {
		switch k.String() {
		case "esc", "ctrl+c":
			m.prompt = nil
			return nil
		case "enter":
			m.prompt = nil
			return m.submitPrompt(p.kind, strings.TrimSpace(p.input.Value()))
		}
	}
	var cmd tea.Cmd
	p.input, cmd = p.input.Update(msg)
	return cmd
}

func (p *prompt) view(m *Model) string {
	return m.st.prompt.Render(p.label) + p.input.View()
}

// submitPrompt acts on a finished prompt.
func (m *Model) submitPrompt(kind promptKind, value string) tea.Cmd {
	switch kind {
	case promptFilter:
		f, err := parseFilter(value)
		if err != nil {
			m.setError(err.Error())
			return nil
		}
		return m.list.setFilter(m, f)
	case promptSearch:
		if value == "" {
			return m.list.clearSearch(m)
		}
		return m.list.startSearch(m, value)
	case promptTraceSearch:
		m.trace.setQuery(m, value)
		return nil
	case promptExport:
		return m.startExport(value, m.scopeFilter())
	case promptNote, promptVerdict:
		return m.trace.noteOrVerdict(m, kind, value)
	case promptJump:
		if value == "" {
			return nil
		}
		return m.trace.open(m, traceRef{id: value})
	}
	return nil
}
