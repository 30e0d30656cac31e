package tui

import (
	tea "charm.land/bubbletea/v2"
)

// A keyed prompt is a modal at the bottom of the screen that takes every
// key until it is done: the schema's question chooser, the option picker
// of one-of and many-of questions, and span selection in step detail. It
// rides on the prompt, so the root gives it the keys before any binding
// and the body shrinks by its height, as for a text prompt.

// newKeyed opens a keyed prompt: keys takes each key (esc and ctrl+c
// close it first), lines draws it.
func newKeyed(keys func(key string) (tea.Cmd, bool), lines func() []string) *prompt {
	return &prompt{kind: promptKeys, keys: keys, lines: lines}
}

// keyed hands a key to the prompt's owner; pasted text is ignored.
func (p *prompt) keyed(c *programContext, msg tea.Msg) tea.Cmd {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return nil
	}
	switch k.String() {
	case "esc", "ctrl+c":
		c.prompt = nil
		if p.cancel != nil {
			p.cancel()
		}
		return nil
	}
	cmd, done := p.keys(k.String())
	if done && c.prompt == p {
		c.prompt = nil
	}
	return cmd
}

// keyedLines are the prompt's lines, cut to the width.
func (p *prompt) keyedLines(c *programContext) []string {
	ls := p.lines()
	if len(ls) == 0 {
		ls = []string{""}
	}
	for i, l := range ls {
		ls[i] = truncate(l, c.width)
	}
	return ls
}

// height is the rows the prompt takes below the body.
func (p *prompt) height() int {
	if p.kind != promptKeys {
		return 1
	}
	return max(1, len(p.lines()))
}

// modalHeight is the rows a keyed prompt takes (0 without one): when it
// changes the screens are laid out again, as when the job bar comes or
// goes. A one-line text prompt does not count: the screens never needed
// it.
func (c *programContext) modalHeight() int {
	if c.prompt == nil || c.prompt.kind != promptKeys {
		return 0
	}
	return c.prompt.height()
}
