package tui

import (
	"strings"

	tea "charm.land/bubbletea/v2"
)

// table is the small scrolling list the queue, conflicts, stats,
// scorecard and samples screens share: rows of plain text with a cursor,
// filled by a background load.
type table struct {
	heading string
	header  string
	rows    []string
	cursor  int
	top     int
	loading bool
	note    string // shown when there are no rows
}

func (t *table) move(c *programContext, d int) {
	t.cursor = max(0, min(len(t.rows)-1, t.cursor+d))
	h := max(1, c.bodyHeight()-2)
	if t.cursor < t.top {
		t.top = t.cursor
	}
	if t.cursor >= t.top+h {
		t.top = t.cursor - h + 1
	}
}

// moveKey handles the movement actions; ok is false for others.
func (t *table) moveKey(c *programContext, a action) bool {
	h := max(1, c.bodyHeight()-2)
	switch a {
	case actDown:
		t.move(c, 1)
	case actUp:
		t.move(c, -1)
	case actPageDown:
		t.move(c, h)
	case actPageUp:
		t.move(c, -h)
	case actHalfDown:
		t.move(c, h/2)
	case actHalfUp:
		t.move(c, -h/2)
	case actTop:
		t.move(c, -len(t.rows))
	case actBottom:
		t.move(c, len(t.rows))
	default:
		return false
	}
	return true
}

// moves are the movement handlers of a table screen.
func (t *table) moves(c *programContext) []handler {
	return moveHandlers(func(a action) tea.Cmd {
		t.moveKey(c, a)
		return nil
	})
}

func (t *table) render(c *programContext) string {
	var b strings.Builder
	b.WriteString(c.st.title.Render(truncate(t.heading, c.width)) + "\n")
	b.WriteString(c.st.header.Render(truncate(t.header, c.width)))
	if t.loading {
		b.WriteString("\n" + c.st.muted.Render("working…"))
		return b.String()
	}
	if len(t.rows) == 0 {
		b.WriteString("\n" + c.st.muted.Render(t.note))
		return b.String()
	}
	h := max(1, c.bodyHeight()-2)
	for i := t.top; i < min(len(t.rows), t.top+h); i++ {
		line := padRight(t.rows[i], c.width)
		if i == t.cursor {
			line = c.st.selected.Render(line)
		} else {
			line = c.st.row.Render(line)
		}
		b.WriteString("\n" + line)
	}
	return b.String()
}

func (t *table) clickRow(row int) (open bool) {
	i := t.top + row - 2
	if row < 2 || i >= len(t.rows) {
		return false
	}
	if i == t.cursor {
		return true
	}
	t.cursor = i
	return false
}
