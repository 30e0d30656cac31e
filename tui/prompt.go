package tui

import (
	"strings"

	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
)

// promptKind says how a prompt is answered.
type promptKind int

const (
	// promptText is a line of text, submitted with enter.
	promptText promptKind = iota
	// promptConfirm is a yes/no question answered by one key.
	promptConfirm
	// promptKeys hands every key to its owner until it says done: the
	// question chooser, the option picker and span selection (modal.go).
	promptKeys
)

// prompt is the one-line input at the bottom of the screen. The screen
// that opens it says what its answer does, so a prompt acts for the screen
// that asked and for no other.
type prompt struct {
	kind  promptKind
	label string
	input textinput.Model
	// submit takes a text prompt's answer (trimmed).
	submit func(value string) tea.Cmd
	// yes is what a confirm prompt does on y; any other key declines.
	yes func() tea.Cmd
	// keys takes a promptKeys prompt's keys; done closes the prompt.
	keys func(key string) (cmd tea.Cmd, done bool)
	// lines draws a promptKeys prompt (one or more lines).
	lines func() []string
	// cancel, when set, tells the owner a promptKeys prompt was closed
	// with esc.
	cancel func()
}

// newConfirm asks a yes/no question answered by one key: y does yes,
// anything else declines (costly actions ask first, as lazygit does).
func newConfirm(c *programContext, question string, yes func() tea.Cmd) *prompt {
	p := newPrompt(c, question+" [y/N] ", "", nil)
	p.kind, p.yes = promptConfirm, yes
	return p
}

// newPrompt asks for a line of text, starting from value.
func newPrompt(c *programContext, label, value string, submit func(string) tea.Cmd) *prompt {
	in := textinput.New()
	in.Prompt = ""
	// A steady cursor: a blinking one sends a timer message twice a second
	// for as long as the prompt is open.
	st := textinput.DefaultStyles(c.st.theme.Dark)
	st.Cursor.Blink = false
	in.SetStyles(st)
	in.SetValue(value)
	in.SetWidth(max(10, c.width-len(label)-2))
	in.Focus()
	return &prompt{kind: promptText, label: label, input: in, submit: submit}
}

func (p *prompt) update(c *programContext, msg tea.Msg) tea.Cmd {
	if p.kind == promptKeys {
		return p.keyed(c, msg)
	}
	if k, ok := msg.(tea.KeyPressMsg); ok && p.kind == promptConfirm {
		c.prompt = nil
		if k.String() == "y" || k.String() == "Y" {
			return p.yes()
		}
		c.setInfo("not started; nothing was sent")
		return nil
	}
	if k, ok := msg.(tea.KeyPressMsg); ok {
		switch k.String() {
		case "esc", "ctrl+c":
			c.prompt = nil
			return nil
		case "enter":
			c.prompt = nil
			return p.submit(strings.TrimSpace(p.input.Value()))
		}
	}
	var cmd tea.Cmd
	p.input, cmd = p.input.Update(msg)
	return cmd
}

func (p *prompt) view(c *programContext) string {
	if p.kind == promptKeys {
		return strings.Join(p.keyedLines(c), "\n")
	}
	return c.st.prompt.Render(p.label) + p.input.View()
}
