package tui

import (
	"fmt"
	"slices"

	tea "charm.land/bubbletea/v2"

	"github.com/stepwise-dev/stepwise/themes/termsafe"
)

// picker chooses among options in a keyed prompt: one (a one-of
// question, a type to merge with) or several (a many-of question, the
// phrases to split off). The number keys pick directly; j/k and the arrows
// move, space toggles (several), enter takes the selection.
type picker struct {
	c       *programContext
	title   string
	options []string
	multi   bool
	chosen  []bool
	cursor  int
	submit  func(chosen []string) tea.Cmd
}

// newPicker opens a picker; selected are the options chosen already.
func newPicker(c *programContext, title string, options []string, multi bool, selected []string,
	submit func(chosen []string) tea.Cmd) *prompt {
	p := &picker{c: c, title: title, options: options, multi: multi, chosen: make([]bool, len(options)), submit: submit}
	for i, o := range options {
		if slices.Contains(selected, o) {
			p.chosen[i] = true
			if !multi {
				p.cursor = i
			}
		}
	}
	return newKeyed(p.key, p.lines)
}

func (p *picker) key(k string) (tea.Cmd, bool) {
	switch k {
	case "j", "down", "tab":
		p.cursor = (p.cursor + 1) % len(p.options)
	case "k", "up", "shift+tab":
		p.cursor = (p.cursor + len(p.options) - 1) % len(p.options)
	case "space", " ", "x":
		if p.multi {
			p.chosen[p.cursor] = !p.chosen[p.cursor]
		}
	case "enter":
		if !p.multi {
			return p.submit([]string{p.options[p.cursor]}), true
		}
		return p.submit(p.selection()), true
	default:
		n := -1
		if len(k) == 1 {
			n = int(k[0]-'0') - 1
		}
		if n < 0 || n >= len(p.options) || n > 8 {
			p.c.setError(fmt.Sprintf("%s: pick with 1–%d or j/k and enter, esc cancels", prettyKey(k), min(9, len(p.options))))
			return nil, false
		}
		p.cursor = n
		if !p.multi {
			return p.submit([]string{p.options[n]}), true
		}
		p.chosen[n] = !p.chosen[n]
	}
	return nil, false
}

// selection is the chosen options, in the options' order.
func (p *picker) selection() []string {
	var out []string
	for i, o := range p.options {
		if p.chosen[i] {
			out = append(out, o)
		}
	}
	return out
}

func (p *picker) lines() []string {
	st := p.c.st
	how := "number or j/k and enter picks · esc cancels"
	if p.multi {
		how = "number or space toggles · enter saves · esc cancels"
	}
	out := []string{st.prompt.Render(termsafe.Line(p.title)) + "  " + st.muted.Render(how)}
	for i, o := range p.options {
		box := "  "
		if p.multi {
			box = "[ ]"
			if p.chosen[i] {
				box = "[x]"
			}
		}
		key := " "
		if i < 9 {
			key = fmt.Sprint(i + 1)
		}
		line := fmt.Sprintf(" %s %s %s", st.statusKey.Render(key), box, termsafe.Line(o))
		if i == p.cursor {
			line = st.selected.Render(line)
		}
		out = append(out, line)
	}
	return out
}
