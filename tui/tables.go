package tui

import "strings"

// table is the small scrolling list the queue, conflicts and stats screens
// share: rows of plain text with a cursor, filled by a background load.
type table struct {
	title   string
	header  string
	rows    []string
	cursor  int
	top     int
	loading bool
	note    string // shown when there are no rows
}

func (t *table) move(m *Model, d int) {
	t.cursor = max(0, min(len(t.rows)-1, t.cursor+d))
	h := max(1, m.bodyHeight()-2)
	if t.cursor < t.top {
		t.top = t.cursor
	}
	if t.cursor >= t.top+h {
		t.top = t.cursor - h + 1
	}
}

// moveKey handles the movement actions; ok is false for others.
func (t *table) moveKey(m *Model, a action) bool {
	h := max(1, m.bodyHeight()-2)
	switch a {
	case actDown:
		t.move(m, 1)
	case actUp:
		t.move(m, -1)
	case actPageDown:
		t.move(m, h)
	case actPageUp:
		t.move(m, -h)
	case actHalfDown:
		t.move(m, h/2)
	case actHalfUp:
		t.move(m, -h/2)
	case actTop:
		t.move(m, -len(t.rows))
	case actBottom:
		t.move(m, len(t.rows))
	default:
		return false
	}
	return true
}

func (t *table) view(m *Model) string {
	var b strings.Builder
	b.WriteString(m.st.title.Render(truncate(t.title, m.width)) + "\n")
	b.WriteString(m.st.header.Render(truncate(t.header, m.width)))
	if t.loading {
		b.WriteString("\n" + m.st.muted.Render("working…"))
		return b.String()
	}
	if len(t.rows) == 0 {
		b.WriteString("\n" + m.st.muted.Render(t.note))
		return b.String()
	}
	h := max(1, m.bodyHeight()-2)
	for i := t.top; i < min(len(t.rows), t.top+h); i++ {
		line := padRight(t.rows[i], m.width)
		if i == t.cursor {
			line = m.st.selected.Render(line)
		} else {
			line = m.st.row.Render(line)
		}
		b.WriteString("\n" + line)
	}
	return b.String()
}

func (t *table) click(m *Model, row int) (open bool) {
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
