package tui

import (
	"fmt"
	"sort"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/stepwise-dev/stepwise"
	"github.com/stepwise-dev/stepwise/themes/termsafe"
)

// DefaultTaxonomy is the error types offered on the number keys: PRMBench's
// classes plus the everyday ones. The config file's `taxonomy` replaces it.
var DefaultTaxonomy = []string{"calculation", "logic", "misread question", "unsupported claim",
	"confidence", "step contradiction", "circular", "domain inconsistency", "counterfactual",
	"redundancy", "deception", "missing condition"}

// labeller is the labelling keys of the trace view and step detail, which
// both label a step of the open trace: each key makes an event and hands it
// to the program's label queue (labels.go), then moves on.
type labeller struct {
	c *programContext
	// at is the open trace and the step the keys act on (doc nil or
	// without a trace: nothing is open).
	at func() (doc *traceDoc, step int)
	// advance moves to step next after a label.
	advance func(next int) tea.Cmd
}

// handlers are the labelling actions; without an annotator's name they
// say how to set one.
func (l labeller) handlers() []handler {
	needName := func() string {
		if l.c.opts.Annotator == "" {
			return "set your name to annotate: --annotator NAME or annotator = \"NAME\" in config.toml"
		}
		return ""
	}
	var hs []handler
	for _, a := range []action{actRateGood, actRateNeutral, actRateBad, actHallucinated, actErrorType, actFirstError,
		actNoError, actClearLabel, actNote, actVerdict, actUndo, actRedo} {
		hs = append(hs, handler{action: a, run: func(key string) tea.Cmd { return l.label(a, key) }, disabled: needName})
	}
	return hs
}

// label makes the event action a stands for on the current step.
func (l labeller) label(a action, key string) tea.Cmd {
	doc, i := l.at()
	if doc == nil || doc.t == nil {
		return nil
	}
	c := l.c
	cur := stepMark(doc.mine(c.opts.Annotator), i)
	ev := stepwise.Annotation{Annotator: c.opts.Annotator, TraceID: doc.t.ID, Step: i, Gold: doc.ref.gold}
	advance := true
	switch a {
	case actRateGood:
		ev.Rating = stepwise.Good
	case actRateNeutral:
		ev.Rating = stepwise.Neutral
	case actRateBad:
		ev.Rating = stepwise.Bad
	case actHallucinated:
		ev.Rating, ev.Hallucinated = stepwise.Bad, true
		ev.ErrorType = cur.ErrorType
	case actErrorType:
		n := int(key[0] - '1')
		tax := c.taxonomy()
		if n < 0 || n >= len(tax) {
			c.setError(fmt.Sprintf("no error type on %s: the taxonomy has %d (see ? or the config file)", key, len(tax)))
			return nil
		}
		ev.Rating, ev.ErrorType, ev.Hallucinated = stepwise.Bad, tax[n], cur.Hallucinated
	case actClearLabel:
		advance = false // Rating Unlabeled with nothing else clears the step
	case actFirstError:
		ev.FirstError = true
		ev.ErrorType = cur.ErrorType
	case actNoError:
		ev.FirstError, ev.Step = true, -1
		advance = false
	case actNote:
		c.ask(newPrompt(c, fmt.Sprintf("note on step %d ", i), cur.Note, func(text string) tea.Cmd {
			// The step's mark as it is now (a label typed just before
			// may have been saved since): the note event carries it.
			doc, i := l.at()
			if doc == nil || doc.t == nil {
				return nil
			}
			cur := stepMark(doc.mine(c.opts.Annotator), i)
			ev := stepwise.Annotation{Annotator: c.opts.Annotator, TraceID: doc.t.ID, Step: i, Gold: doc.ref.gold,
				Rating: cur.Rating, Hallucinated: cur.Hallucinated, ErrorType: cur.ErrorType, Note: text}
			return c.labels.enqueue(c, labelOp{ev: ev, what: describeEvent(ev), ref: doc.ref})
		}))
		return nil
	case actVerdict:
		verdict := ""
		if mk := doc.mine(c.opts.Annotator); mk != nil {
			verdict = mk.Verdict
		}
		c.ask(newPrompt(c, "verdict (correct, wrong, unsure, or any word) ", verdict, func(text string) tea.Cmd {
			doc, _ := l.at()
			if doc == nil || doc.t == nil {
				return nil
			}
			ev := stepwise.Annotation{Annotator: c.opts.Annotator, TraceID: doc.t.ID, Step: -1, Gold: doc.ref.gold, Verdict: text}
			return c.labels.enqueue(c, labelOp{ev: ev, what: describeEvent(ev), ref: doc.ref})
		}))
		return nil
	case actUndo:
		return c.labels.enqueue(c, labelOp{ev: ev, undo: true, what: "undo", ref: doc.ref})
	case actRedo:
		return c.labels.enqueue(c, labelOp{ev: ev, redo: true, what: "redo", ref: doc.ref})
	}
	cmd := c.labels.enqueue(c, labelOp{ev: ev, what: describeEvent(ev), ref: doc.ref})
	if advance && i+1 < len(doc.t.Steps) {
		return batch(cmd, l.advance(i+1))
	} else if advance {
		c.setInfo("last step — J opens the next trace")
	}
	return cmd
}

// stepMark is the annotator's mark on step i (zero when none).
func stepMark(mk *stepwise.TraceMarks, i int) stepwise.StepMark {
	if mk != nil {
		return mk.Steps[i]
	}
	return stepwise.StepMark{}
}

func describeEvent(ev stepwise.Annotation) string {
	switch {
	case ev.Question != "" && ev.Step < 0:
		return ev.Question + " = " + describeAnswer(ev.Answer)
	case ev.Question != "":
		return fmt.Sprintf("step %d %s = %s", ev.Step, ev.Question, describeAnswer(ev.Answer))
	case ev.FirstError && ev.Step < 0:
		return "no step wrong"
	case ev.FirstError:
		return fmt.Sprintf("first error at step %d", ev.Step)
	case ev.Step < 0:
		return "verdict " + ev.Verdict
	case ev.Rating == stepwise.Unlabeled && ev.Note == "":
		return fmt.Sprintf("step %d cleared", ev.Step)
	}
	s := fmt.Sprintf("step %d %s", ev.Step, ev.Rating)
	if ev.Hallucinated {
		s += ", hallucinated"
	}
	if ev.ErrorType != "" {
		s += " (" + ev.ErrorType + ")"
	}
	if ev.Note != "" {
		s += ", note"
	}
	return s
}

// humanBadge is the gutter cell for the annotator's label of step i:
// the rating glyph, reversed to set it apart from the source's badge;
// dim when it follows from a first-error mark.
func humanBadge(c *programContext, mk *stepwise.TraceMarks, i int) string {
	if mk == nil {
		return " "
	}
	sm, ok := mk.Steps[i]
	if !ok || sm.Rating == stepwise.Unlabeled {
		return " "
	}
	b := c.st.theme.Styles.Rating(sm.Rating)
	if sm.Implied {
		return b.Style.Faint(true).Render(b.Glyph)
	}
	return b.Style.Reverse(true).Render(b.Glyph)
}

// flagBadge marks a step the annotator called hallucinated.
func flagBadge(c *programContext, mk *stepwise.TraceMarks, i int) string {
	if mk != nil && mk.Steps[i].Hallucinated {
		return c.st.bad.Render("!")
	}
	return " "
}

// humanLines describe every annotator's label of step i, for step detail.
// Names, error types and notes may come from another store's event log
// (merge): they are untrusted text like the trace's.
func humanLines(c *programContext, marks map[string]*stepwise.TraceMarks, i int) []string {
	var out []string
	for _, who := range sortedAnnotators(marks) {
		sm, ok := marks[who].Steps[i]
		if !ok {
			continue
		}
		line := "  " + c.st.theme.Styles.Rating(sm.Rating).Render() + " " + sm.Rating.String() + "  by " + termsafe.Line(who)
		var extra []string
		if sm.Implied {
			extra = append(extra, "from a first-error mark")
		}
		if sm.Hallucinated {
			extra = append(extra, "hallucinated")
		}
		if sm.ErrorType != "" {
			extra = append(extra, termsafe.Line(sm.ErrorType))
		}
		if len(extra) > 0 {
			line += " (" + strings.Join(extra, ", ") + ")"
		}
		out = append(out, line)
		if sm.Note == "" {
			continue
		}
		for k, l := range wrapText(sm.Note, max(10, c.width-12)) {
			if k == 0 {
				out = append(out, "    note: "+l)
			} else {
				out = append(out, "          "+l)
			}
		}
	}
	return out
}

func sortedAnnotators(marks map[string]*stepwise.TraceMarks) []string {
	var names []string
	for n := range marks {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// paletteLine is the label palette shown above the steps while annotating:
// the labelling keys as bound (rebinding shows here too) and the taxonomy
// on the number keys, cut to the width.
func paletteLine(c *programContext) string {
	keyOf := func(a action) string {
		if b := c.keys.binding(a); b != nil && len(b.keys) > 0 {
			return c.st.statusKey.Render(prettyKey(b.keys[0]))
		}
		return "?"
	}
	parts := []string{keyOf(actRateGood) + " good", keyOf(actRateNeutral) + " neutral", keyOf(actRateBad) + " wrong",
		keyOf(actHallucinated) + " hallucinated", keyOf(actFirstError) + " first error", keyOf(actUndo) + " undo"}
	for i, t := range c.taxonomy() {
		if i == 9 {
			break
		}
		parts = append(parts, c.st.statusKey.Render(fmt.Sprint(i+1))+" "+termsafe.Line(t))
	}
	return truncate(" "+strings.Join(parts, c.st.dim.Render(" · ")), c.width)
}
