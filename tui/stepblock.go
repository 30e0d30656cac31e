package tui

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/stepwise-dev/stepwise"
	"github.com/stepwise-dev/stepwise/store"
	"github.com/stepwise-dev/stepwise/themes/termsafe"
)

// gutterWidth is the width of the badge column left of each step: cursor
// mark, step number, source-label badge, proof badge, your label, your
// hallucination flag, the judge's flag.
const gutterWidth = 13

// blockCache keeps rendered step blocks for one width and mode; a change of
// either starts it afresh.
type blockCache struct {
	width  int
	raw    bool
	query  string
	blocks map[int][]string
}

func newBlockCache() *blockCache { return &blockCache{blocks: map[int][]string{}} }

func (c *blockCache) reset(width int, raw bool, query string) {
	if c.width != width || c.raw != raw || c.query != query {
		c.width, c.raw, c.query = width, raw, query
		c.blocks = map[int][]string{}
	}
	if len(c.blocks) > 2000 {
		c.blocks = map[int][]string{}
	}
}

func (c *blockCache) get(i int) ([]string, bool) { b, ok := c.blocks[i]; return b, ok }
func (c *blockCache) put(i int, b []string)      { c.blocks[i] = b }
func (c *blockCache) drop(i int)                 { delete(c.blocks, i) }

// renderStepBlock lays out step i: a section title when a section starts
// here, the gutter and the text (markdown lines when they are rendered,
// else wrapped plain text), label notes, and a blank line.
func renderStepBlock(c *programContext, t *stepwise.Trace, i, width int, markdown []string, selected bool, matches []textMatch, mine *stepwise.TraceMarks, judgeFlag string) []string {
	s := &t.Steps[i]
	var out []string
	for _, sec := range t.Sections {
		if sec.FirstStep == i && sec.EndStep > sec.FirstStep {
			out = append(out, sectionTitle(c, sec))
		}
	}
	body := markdown
	if body == nil {
		body = stepBody(c, s, width, matches)
	} else if s.Kind == stepwise.StepMessage {
		body = append([]string{c.st.accent.Render(termsafe.Line(orDash(s.Role)) + ":")}, body...)
	}
	for j, line := range body {
		g := strings.Repeat(" ", gutterWidth)
		if j == 0 {
			g = gutter(c, s, selected, mine, judgeFlag != "")
		} else if selected {
			g = c.st.stepCursor.Render("▌") + strings.Repeat(" ", gutterWidth-1)
		}
		out = append(out, g+line)
	}
	for _, note := range labelNotes(c, s) {
		out = append(out, strings.Repeat(" ", gutterWidth)+note)
	}
	if judgeFlag != "" {
		note := c.st.theme.Styles.Flag.Render() + " judge: " + termsafe.Line(judgeFlag)
		out = append(out, strings.Repeat(" ", gutterWidth)+truncate(note, c.width-gutterWidth-1))
	}
	return append(out, "")
}

// gutter is the first column of a step: cursor, number and badges.
func gutter(c *programContext, s *stepwise.Step, selected bool, mine *stepwise.TraceMarks, flagged bool) string {
	mark := " "
	if selected {
		mark = c.st.stepCursor.Render("▶")
	}
	num := fmt.Sprintf("%4d ", s.Index)
	if selected {
		num = c.st.stepCursor.Render(num)
	} else {
		num = c.st.dim.Render(num)
	}
	rating := " " // the source says nothing about this step
	if len(s.Labels) > 0 {
		rating = ratingBadge(c, s.StepRating())
	}
	judged := " "
	if flagged {
		judged = c.st.theme.Styles.Flag.Render()
	}
	return mark + num + rating + proofBadge(c, s) + humanBadge(c, mine, s.Index) + flagBadge(c, mine, s.Index) + judged + "  "
}

// ratingBadge shows the source's verdict with a distinct glyph per state,
// so the state reads without colour.
func ratingBadge(c *programContext, r stepwise.Rating) string { return c.st.rating(r) }

// proofBadge shows the step's most telling proof status (a disproved claim
// outweighs a proved one); a dataset's stored status shows as stored until
// it is re-checked.
func proofBadge(c *programContext, s *stepwise.Step) string {
	if len(s.Formalizations) == 0 {
		return " "
	}
	return c.st.proof(store.StepStatus(s.Formalizations))
}

func sectionTitle(c *programContext, sec stepwise.Section) string {
	name := string(sec.Kind)
	if sec.Title != "" && sec.Title != name {
		name += ": " + sec.Title
	}
	for _, l := range sec.Labels {
		name += " " + ratingWord(l.Rating)
	}
	return c.st.section.Render(termsafe.Line(truncate("── "+name+" ", c.width-2)))
}

func ratingWord(r stepwise.Rating) string {
	return [...]string{"(unlabeled)", "✓", "○", "✗"}[r]
}

// stepBody is the step's text, styled by kind and wrapped to width.
func stepBody(c *programContext, s *stepwise.Step, width int, matches []textMatch) []string {
	switch s.Kind {
	case stepwise.StepToolCall:
		name := "tool call"
		args := s.Text
		if s.Tool != nil {
			name = "⚙ " + s.Tool.Name
			if s.Tool.Arguments != "" {
				args = prettyJSON(s.Tool.Arguments)
			}
		}
		lines := []string{c.st.toolCall.Render(termsafe.Line(name))}
		for _, l := range wrapText(args, width-2) {
			lines = append(lines, "  "+c.st.toolCall.Render(l))
		}
		return lines
	case stepwise.StepToolResult:
		head := "↳ result"
		if s.Tool != nil && s.Tool.Name != "" {
			head += " of " + s.Tool.Name
		}
		if s.Tool != nil && s.Tool.Error != "" {
			head += " — error: " + s.Tool.Error
		}
		lines := []string{c.st.result.Render(termsafe.Line(head))}
		return append(lines, highlightWrap(c, s.Text, width, matches, c.st.result)...)
	case stepwise.StepThinking:
		return highlightWrap(c, s.Text, width, matches, c.st.thinking)
	case stepwise.StepMessage:
		lines := []string{c.st.accent.Render(termsafe.Line(orDash(s.Role)) + ":")}
		return append(lines, highlightWrap(c, s.Text, width, matches, c.st.row)...)
	}
	return highlightWrap(c, s.Text, width, matches, c.st.row)
}

// labelNotes explains bad labels that carry a category or a reason.
func labelNotes(c *programContext, s *stepwise.Step) []string {
	var out []string
	for _, l := range s.Labels {
		if l.Rating != stepwise.Bad || (l.Category == "" && l.Reason == "" && !l.FirstError) {
			continue
		}
		note := "✗ " + l.Source
		if l.FirstError {
			note += " first error"
		}
		if l.Category != "" {
			note += " [" + l.Category + "]"
		}
		if l.Reason != "" {
			note += ": " + l.Reason
		}
		out = append(out, c.st.bad.Render(truncate(termsafe.Line(note), c.width-gutterWidth-1)))
	}
	return out
}

// highlightWrap cleans, highlights matches and wraps text.
func highlightWrap(c *programContext, text string, width int, matches []textMatch, base interface{ Render(...string) string }) []string {
	if len(matches) == 0 {
		lines := wrapText(text, width)
		for i, l := range lines {
			lines[i] = base.Render(l)
		}
		return lines
	}
	var b strings.Builder
	pos := 0
	for _, mt := range matches {
		if mt.start < pos || mt.end > len(text) {
			continue
		}
		b.WriteString(base.Render(termsafe.Clean(text[pos:mt.start])))
		b.WriteString(c.st.match.Render(termsafe.Clean(text[mt.start:mt.end])))
		pos = mt.end
	}
	b.WriteString(base.Render(termsafe.Clean(text[pos:])))
	return wrapStyled(b.String(), width)
}

// wrapText cleans untrusted text and wraps it to width columns: words where
// possible, hard breaks for longer tokens; tabs become spaces.
func wrapText(text string, width int) []string {
	return wrapStyled(termsafe.Clean(text), width)
}

func wrapStyled(s string, width int) []string {
	s = strings.ReplaceAll(strings.TrimRight(s, "\n"), "\t", "    ")
	if width < 1 {
		width = 1
	}
	var out []string
	for _, l := range strings.Split(ansi.Wrap(s, width, ""), "\n") {
		// Wrap can leave a line one column over (a hyphen kept at its
		// end): break it again rather than cut a character off.
		if ansi.StringWidth(l) > width {
			out = append(out, strings.Split(ansi.Hardwrap(l, width, true), "\n")...)
			continue
		}
		out = append(out, l)
	}
	return out
}

func prettyJSON(s string) string {
	var buf bytes.Buffer
	if json.Indent(&buf, []byte(s), "", "  ") != nil {
		return s
	}
	return buf.String()
}
