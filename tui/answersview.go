package tui

import (
	"fmt"
	"strings"

	"github.com/stepwise-dev/stepwise"
	"github.com/stepwise-dev/stepwise/themes/termsafe"
)

// answerLines are step detail's palette of the schema's questions: each
// question's key and prompt, then every annotator's current answer to it
// for this step (or the trace), span answers as their words, highlighted.
func answerLines(c *programContext, s *stepwise.Schema, doc *traceDoc, step, w int) []string {
	var out []string
	for i := range s.Questions {
		q := &s.Questions[i]
		at := -1
		if q.Scope == stepwise.ScopeStep {
			at = step
		}
		out = append(out, fmt.Sprintf("  %s  %s %s", c.st.statusKey.Render(q.Key), termsafe.Line(q.Prompt),
			c.st.muted.Render("("+string(q.Scope)+", "+string(q.Kind)+")")))
		for _, who := range sortedAnnotators(doc.ann.marks) {
			a, ok := answerOf(doc.ann.marks[who], s.Name, q.ID, at)
			if !ok {
				continue
			}
			line := "       " + c.st.accent.Render(termsafe.Line(describeAnswer(&a))) + "  by " + termsafe.Line(who)
			out = append(out, truncate(line, w))
			if len(a.Spans) > 0 && at >= 0 {
				out = append(out, spanExcerpts(c, doc.t.Steps[at].Text, a.Spans, w)...)
			}
		}
	}
	return out
}

// spanExcerpts shows the selected words of a span answer, highlighted.
// A span past the text (a trace re-imported shorter) is left out.
func spanExcerpts(c *programContext, text string, spans []stepwise.Span, w int) []string {
	var parts []string
	for _, sp := range spans {
		if sp.Start < 0 || sp.End > len(text) || sp.Start >= sp.End {
			continue
		}
		parts = append(parts, c.st.match.Render(termsafe.Line(text[sp.Start:sp.End])))
	}
	if len(parts) == 0 {
		return nil
	}
	var out []string
	for _, l := range wrapStyled(strings.Join(parts, " … "), max(10, w-9)) {
		out = append(out, "         "+l)
	}
	return out
}

// schemaStrip is the trace view's line of the schema's questions under
// the label palette: the answer key, then each question's key and id.
func schemaStrip(c *programContext, s *stepwise.Schema) string {
	key := ";"
	if b := c.keys.binding(actAnswer); b != nil && len(b.keys) > 0 {
		key = prettyKey(b.keys[0])
	}
	var parts []string
	for _, q := range s.Questions {
		parts = append(parts, c.st.statusKey.Render(q.Key)+" "+termsafe.Line(q.ID))
	}
	head := " " + c.st.statusKey.Render(key) + " " + termsafe.Line(s.Name) + ": "
	return truncate(head+strings.Join(parts, c.st.dim.Render(" · ")), c.width)
}

// schemaHelp is help's section on the open trace's label schema: each
// question's key (after the answer key), prompt, scope and kind.
func (m *Model) schemaHelp() []string {
	ts, _ := m.screens[scrTrace].(*traceScreen)
	if ts == nil || m.schemaOf(ts.doc) == nil {
		return nil
	}
	sc := m.schemaOf(ts.doc)
	out := []string{m.st.header.Render("questions of the label schema " + termsafe.Line(sc.Name) + " (; then the key)")}
	for _, q := range sc.Questions {
		desc := fmt.Sprintf("%s (%s, %s)", q.Prompt, q.Scope, q.Kind)
		if q.Help != "" {
			desc += " — " + q.Help
		}
		out = append(out, "  "+m.st.helpKey.Render(padRight("; "+q.Key, 22))+m.st.help.Render(termsafe.Line(desc)))
	}
	return append(out, "")
}
