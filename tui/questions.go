package tui

import (
	"fmt"
	"strconv"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/stepwise-dev/stepwise"
	"github.com/stepwise-dev/stepwise/themes/termsafe"
)

// questioner is the answer key of the trace view and step detail: `;`
// opens the chooser of the dataset's schema questions, and the question's
// key asks it — a boolean toggles, one-of and many-of open a picker,
// number and text a prompt, a span question span selection in step
// detail. Answers are annotation events and go through the label queue
// like ratings (durable before saved ✓, undone by u).
type questioner struct {
	c *programContext
	// at is the open trace and the step a step question is about.
	at func() (doc *traceDoc, step int)
	// span starts span selection of the step's words for q; save takes
	// the selection.
	span func(step int, schema string, q *stepwise.Question, save func(*stepwise.Answer) tea.Cmd) tea.Cmd
}

func (qs questioner) handler() handler {
	return handler{action: actAnswer, run: func(string) tea.Cmd { return qs.choose() }, disabled: qs.unavailable}
}

// unavailable says why there is nothing to answer.
func (qs questioner) unavailable() string {
	c := qs.c
	doc, _ := qs.at()
	switch {
	case c.opts.Annotator == "":
		return "set your name to annotate: --annotator NAME or annotator = \"NAME\" in config.toml"
	case doc == nil || doc.t == nil:
		return "no trace is open"
	case c.schemaOf(doc) == nil:
		return fmt.Sprintf("the dataset's label schema (%s) asks nothing beyond the ratings; pick one under [schemas] in config.toml",
			termsafe.Line(c.schemaName(doc.t.Dataset)))
	}
	return ""
}

// choose opens the chooser: one line per question with its key.
func (qs questioner) choose() tea.Cmd {
	c := qs.c
	doc, _ := qs.at()
	s := c.schemaOf(doc)
	c.ask(newKeyed(func(key string) (tea.Cmd, bool) {
		q := questionByKey(s, key)
		if q == nil {
			c.setError(fmt.Sprintf("no question on %s — esc closes", prettyKey(key)))
			return nil, false
		}
		return qs.ask(s, q), true
	}, func() []string {
		d, i := qs.at()
		return questionLines(c, s, d.mine(c.opts.Annotator), i)
	}))
	return nil
}

// questionLines is the chooser and the palette of step detail: each
// question's key, prompt, scope and the annotator's current answer.
func questionLines(c *programContext, s *stepwise.Schema, mk *stepwise.TraceMarks, step int) []string {
	out := []string{c.st.prompt.Render("answer ("+termsafe.Line(s.Name)+")") + "  " + c.st.muted.Render("the question's key · esc cancels")}
	for i := range s.Questions {
		q := &s.Questions[i]
		at := -1
		if q.Scope == stepwise.ScopeStep {
			at = step
		}
		cur := c.st.dim.Render("—")
		if a, ok := answerOf(mk, s.Name, q.ID, at); ok {
			cur = c.st.accent.Render(termsafe.Line(describeAnswer(&a)))
		}
		out = append(out, fmt.Sprintf(" %s  %s %s  %s", c.st.statusKey.Render(q.Key), termsafe.Line(q.Prompt),
			c.st.muted.Render("("+string(q.Scope)+", "+string(q.Kind)+")"), cur))
	}
	return out
}

// answerOf is the annotator's current answer to a question.
func answerOf(mk *stepwise.TraceMarks, schema, qid string, step int) (stepwise.Answer, bool) {
	if mk == nil {
		return stepwise.Answer{}, false
	}
	a, ok := mk.Answers[stepwise.AnswerKey{Step: step, Question: stepwise.QuestionID(schema, qid)}]
	return a.Answer, ok
}

// ask asks one question the way its kind wants.
func (qs questioner) ask(s *stepwise.Schema, q *stepwise.Question) tea.Cmd {
	c := qs.c
	doc, step := qs.at()
	if doc == nil || doc.t == nil {
		c.setError("no trace is open")
		return nil
	}
	if q.Scope == stepwise.ScopeTrace {
		step = -1
	} else if step < 0 || step >= len(doc.t.Steps) {
		c.setError("this trace has no step to answer about")
		return nil
	}
	cur, has := answerOf(doc.mine(c.opts.Annotator), s.Name, q.ID, step)
	save := func(a *stepwise.Answer) tea.Cmd { return qs.save(doc.t.ID, step, s.Name, q, a) }
	label := termsafe.Line(q.Prompt) + " "
	switch q.Kind {
	case stepwise.KindBoolean:
		v := !(has && cur.Bool != nil && *cur.Bool)
		return save(&stepwise.Answer{Bool: &v})
	case stepwise.KindOneOf:
		c.ask(newPicker(c, q.Prompt, q.Options, false, []string{cur.Choice}, func(ch []string) tea.Cmd {
			return save(&stepwise.Answer{Choice: ch[0]})
		}))
	case stepwise.KindManyOf:
		c.ask(newPicker(c, q.Prompt, q.Options, true, cur.Choices, func(ch []string) tea.Cmd {
			if len(ch) == 0 {
				return save(nil)
			}
			return save(&stepwise.Answer{Choices: ch})
		}))
	case stepwise.KindNumber:
		value := ""
		if cur.Number != nil {
			value = strconv.FormatFloat(*cur.Number, 'g', -1, 64)
		}
		qs.askNumber(q, label+numberRange(q), value, save)
	case stepwise.KindText:
		// The current answer may come from another store (merge): the
		// prompt shows it cleaned, like any untrusted text.
		c.ask(newPrompt(c, label+"(empty clears) ", termsafe.Line(cur.Text), func(v string) tea.Cmd {
			if v == "" {
				return save(nil)
			}
			return save(&stepwise.Answer{Text: v})
		}))
	case stepwise.KindTexts:
		c.ask(newPrompt(c, label+"(separate with ; — empty clears) ", termsafe.Line(strings.Join(cur.Texts, "; ")), func(v string) tea.Cmd {
			texts := splitTexts(v)
			if len(texts) == 0 {
				return save(nil)
			}
			return save(&stepwise.Answer{Texts: texts})
		}))
	case stepwise.KindSpan:
		return qs.span(step, s.Name, q, save)
	}
	return nil
}

// askNumber asks for a number and asks again, keeping what was typed,
// while it is not one or is out of the question's range.
func (qs questioner) askNumber(q *stepwise.Question, label, value string, save func(*stepwise.Answer) tea.Cmd) {
	c := qs.c
	c.ask(newPrompt(c, label, value, func(v string) tea.Cmd {
		if v == "" {
			return save(nil)
		}
		n, err := strconv.ParseFloat(v, 64)
		a := &stepwise.Answer{Number: &n}
		if err == nil {
			err = a.Check(q, 0)
		}
		if err != nil {
			c.setError(fmt.Sprintf("%q: want a number %s", v, strings.TrimSuffix(numberRange(q), " ")))
			qs.askNumber(q, label, v, save)
			return nil
		}
		return save(a)
	}))
}

func numberRange(q *stepwise.Question) string {
	switch {
	case q.Min != nil && q.Max != nil:
		return fmt.Sprintf("(%g–%g, empty clears) ", *q.Min, *q.Max)
	case q.Min != nil:
		return fmt.Sprintf("(at least %g, empty clears) ", *q.Min)
	case q.Max != nil:
		return fmt.Sprintf("(at most %g, empty clears) ", *q.Max)
	}
	return "(empty clears) "
}

// splitTexts reads several answers separated by semicolons.
func splitTexts(v string) []string {
	var out []string
	for _, t := range strings.Split(v, ";") {
		if t = strings.TrimSpace(t); t != "" {
			out = append(out, t)
		}
	}
	return out
}

// save checks an answer against its question (and the step's text, for
// spans) and queues its event; nil clears the answer. The trace must still
// be the open one: a prompt answered after the trace changed saves nothing.
func (qs questioner) save(traceID string, step int, schema string, q *stepwise.Question, a *stepwise.Answer) tea.Cmd {
	c := qs.c
	doc, _ := qs.at()
	if doc == nil || doc.t == nil || doc.t.ID != traceID {
		c.setError("the trace changed; the answer was not saved")
		return nil
	}
	if a != nil {
		n := 0
		if step >= 0 {
			n = len(doc.t.Steps[step].Text)
		}
		if err := a.Check(q, n); err != nil {
			c.setError("not saved: " + err.Error())
			return nil
		}
	}
	ev := stepwise.Annotation{Annotator: c.opts.Annotator, TraceID: traceID, Step: step, Gold: doc.ref.gold,
		Question: stepwise.QuestionID(schema, q.ID), Answer: a}
	return c.labels.enqueue(c, labelOp{ev: ev, what: describeEvent(ev), ref: doc.ref})
}

// describeAnswer is an answer in a few words.
func describeAnswer(a *stepwise.Answer) string {
	switch {
	case a == nil:
		return "cleared"
	case a.Bool != nil && *a.Bool:
		return "yes"
	case a.Bool != nil:
		return "no"
	case a.Choice != "":
		return a.Choice
	case len(a.Choices) > 0:
		return strings.Join(a.Choices, ", ")
	case a.Number != nil:
		return strconv.FormatFloat(*a.Number, 'g', -1, 64)
	case a.Text != "":
		return strconv.Quote(a.Text)
	case len(a.Texts) > 0:
		return strings.Join(a.Texts, "; ")
	case len(a.Spans) == 1:
		return "1 span"
	case len(a.Spans) > 0:
		return fmt.Sprintf("%d spans", len(a.Spans))
	}
	return "—"
}
