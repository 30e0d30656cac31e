package export

import (
	"context"
	"encoding/json"
	"io"
	"slices"
	"time"

	"github.com/stepwise-dev/stepwise"
	"github.com/stepwise-dev/stepwise/store/formats"
)

// Schema answers in exports: a format whose exporter is a
// formats.AnswerColumner (steps-jsonl, steps-parquet) gets a column for
// every question with a current answer, by the export's annotators and in
// its time window, on a trace it writes. The columns must be known before
// the first row, so a pre-pass over the selected traces' events finds
// them; each item then carries its answers, resolved among annotators by
// the export's rule as ratings are. --labels source carries no human
// answer, so no column.

// exportAnswerColumns finds the answer columns of an export (none when the
// format takes none or the labels are the source's). exp is the export's
// exporter, nil for a line format (one is made to ask). A question's
// column has its kind in opts.Questions, else the kind its answers have.
func (x *exportRun) exportAnswerColumns(ctx context.Context, f formats.ExportFormat, exp formats.Exporter) ([]formats.AnswerColumn, error) {
	if exp == nil {
		exp = f.New(io.Discard)
	}
	if _, ok := exp.(formats.AnswerColumner); !ok || x.opts.Labels == LabelsSource || !x.r.HasAnswers() {
		return nil, nil
	}
	kinds := map[string]stepwise.QuestionKind{}
	err := x.r.Selected(ctx, func(seq uint64) error { return x.answeredQuestions(seq, kinds) })
	if err != nil || len(kinds) == 0 {
		return nil, err
	}
	for q, k := range kinds {
		if k == "" {
			// Only empty answers (an empty selection): a list of
			// strings, the empty list either list kind would write.
			kinds[q] = stepwise.KindManyOf
		}
	}
	return formats.NewAnswerColumns(kinds), nil
}

// answeredQuestions adds to kinds the questions a trace has a current
// answer to, with their kinds ("" while only empty answers say none).
func (x *exportRun) answeredQuestions(seq uint64, kinds map[string]stepwise.QuestionKind) error {
	evs, err := x.r.Events(seq)
	if err != nil || !hasAnswerEvent(evs) {
		return err
	}
	marks := stepwise.FoldAnnotations(x.keepEvents(evs), 0)
	if !anyAnswer(marks) {
		return nil
	}
	if !x.opts.IncludeQC {
		t, err := x.r.Trace(seq)
		if err != nil || isQualityControl(t) {
			return err
		}
	}
	for _, m := range marks {
		for k, a := range m.Answers {
			if kinds[k.Question] != "" {
				continue
			}
			if known, ok := x.opts.Questions[k.Question]; ok {
				kinds[k.Question] = known
			} else if shape, ok := formats.AnswerShape(&a.Answer); ok {
				kinds[k.Question] = shape
			} else {
				kinds[k.Question] = ""
			}
		}
	}
	return nil
}

func hasAnswerEvent(evs []stepwise.Annotation) bool {
	for i := range evs {
		if evs[i].Question != "" {
			return true
		}
	}
	return false
}

func anyAnswer(marks map[string]*stepwise.TraceMarks) bool {
	for _, m := range marks {
		if len(m.Answers) > 0 {
			return true
		}
	}
	return false
}

// setAnswerColumns names the answer columns of an exporter that takes them.
func setAnswerColumns(exp formats.Exporter, cols []formats.AnswerColumn) error {
	if c, ok := exp.(formats.AnswerColumner); ok && len(cols) > 0 {
		return c.SetAnswerColumns(cols)
	}
	return nil
}

// namedAnswer is one annotator's current answer to a question on a step.
type namedAnswer struct {
	name   string
	answer *stepwise.Answer
	time   time.Time
	event  uint64
}

// after orders two answers as later orders marks: by time, then by event.
func (a namedAnswer) after(b namedAnswer) bool {
	if !a.time.Equal(b.time) {
		return a.time.After(b.time)
	}
	return a.event > b.event
}

// resolveAnswers fills the item's answers to the columns' questions: on
// each step (and the trace), the answer the rule picks among the
// annotators' current answers. times are the events' times by seq.
func resolveAnswers(it *formats.ExportItem, marks map[string]*stepwise.TraceMarks, times map[uint64]time.Time,
	cols []formats.AnswerColumn, rule Resolve) {
	col := make(map[string]int, len(cols))
	for i, c := range cols {
		col[c.Question] = i
	}
	type cell struct{ col, step int }
	given := map[cell][]namedAnswer{}
	for name, m := range marks {
		for k, a := range m.Answers {
			c, ok := col[k.Question]
			if !ok || k.Step >= len(it.Trace.Steps) {
				continue
			}
			ans := a.Answer
			given[cell{c, k.Step}] = append(given[cell{c, k.Step}], namedAnswer{name, &ans, times[a.Event], a.Event})
		}
	}
	if len(given) == 0 {
		return
	}
	it.Answers = make([]formats.ItemAnswers, len(cols))
	for at, as := range given {
		if it.Answers[at.col] == nil {
			it.Answers[at.col] = formats.ItemAnswers{}
		}
		it.Answers[at.col][at.step] = rule.pickAnswer(as).answer
	}
}

// pickAnswer chooses among the annotators' answers to a question on a step
// (at least one): the latest, or with majority the answer most of them
// gave (the same value: many-of choices in any order), a tie to the value
// given latest, as ratings are resolved.
func (r Resolve) pickAnswer(as []namedAnswer) namedAnswer {
	best := as[0]
	for _, a := range as[1:] {
		if a.after(best) {
			best = a
		}
	}
	if r != ResolveMajority {
		return best
	}
	votes := map[string]int{}
	latest := map[string]namedAnswer{}
	for _, a := range as {
		v := answerValue(a.answer)
		votes[v]++
		if l, ok := latest[v]; !ok || a.after(l) {
			latest[v] = a
		}
	}
	bestV := answerValue(best.answer)
	for v, n := range votes {
		if w := latest[v]; n > votes[bestV] || n == votes[bestV] && w.after(best) {
			best, bestV = w, v
		}
	}
	return best
}

// answerValue is an answer's value as a comparable string: its JSON, the
// choices of a many-of answer sorted (a set).
func answerValue(a *stepwise.Answer) string {
	c := *a
	if len(c.Choices) > 1 {
		c.Choices = slices.Sorted(slices.Values(c.Choices))
	}
	b, _ := json.Marshal(c) // an Answer always encodes
	return string(b)
}

// eventTimes are the events' times by seq.
func eventTimes(evs []stepwise.Annotation) map[uint64]time.Time {
	out := make(map[uint64]time.Time, len(evs))
	for i := range evs {
		out[evs[i].Seq] = evs[i].Time
	}
	return out
}
