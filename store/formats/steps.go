package formats

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/stepwise-dev/stepwise"
)

// stepRows reads the flat per-step rows that the steps-jsonl export
// writes (StepRow): consecutive rows with one trace_id, steps 0..n-1 in
// order, make one trace. label is +1/0/-1 or null (unlabeled).
type stepRows struct{}

func (stepRows) Name() string { return "steps" }
func (stepRows) Describe() string {
	return "stepwise steps-jsonl: one row per step (trace_id, step, text, label +1/0/-1/null), rows of a trace together"
}

func (stepRows) Detect(k Keys) bool { return k.Has("trace_id", "step", "step_count", "text", "label") }

// stepRowsSep joins a trace's steps into its raw text.
const stepRowsSep = "\n\n"

func (s stepRows) Decode(rec Record, opts *Options) ([]Item, error) {
	g := s.NewGroup()
	items, err := g.Decode(rec, opts)
	if err != nil {
		return nil, err
	}
	rest, err := g.Flush()
	return append(items, rest...), err
}

func (stepRows) NewGroup() Group { return &stepRowsGroup{} }

type stepRowsGroup struct {
	rows  []StepRow
	start Record
	opts  *Options
	warns []string // about the rows of the trace being assembled
}

func (g *stepRowsGroup) Decode(rec Record, opts *Options) ([]Item, error) {
	var r StepRow
	if err := json.Unmarshal(rec.Data, &r); err != nil {
		return nil, err
	}
	if err := r.check(); err != nil {
		return nil, err
	}
	var warn string
	if r.Label != nil && (*r.Label < -1 || *r.Label > 1) {
		// The row's text is the trace's; only its label is unknown.
		warn = fmt.Sprintf("line %d: label %d is not -1, 0, 1 or null; the step is left unlabeled", rec.Line, *r.Label)
		r.Label = nil
	}
	var out []Item
	if len(g.rows) > 0 && g.rows[0].TraceID != r.TraceID {
		if err := g.incomplete(); err != nil {
			g.rows, g.warns = nil, nil
			return nil, err
		}
	}
	if warn != "" {
		g.warns = append(g.warns, warn)
	}
	if len(g.rows) == 0 {
		if r.Step != 0 {
			return nil, fmt.Errorf("trace %q starts at step %d, want 0 (rows of a trace must be together and in order)", r.TraceID, r.Step)
		}
		g.start, g.opts = rec, opts
	} else {
		prev := g.rows[len(g.rows)-1]
		if r.Step != prev.Step+1 || r.StepCount != prev.StepCount {
			return nil, fmt.Errorf("trace %q: step %d of %d follows step %d of %d (rows of a trace must be together and in order)",
				r.TraceID, r.Step, r.StepCount, prev.Step, prev.StepCount)
		}
	}
	g.rows = append(g.rows, r)
	if int64(len(g.rows)) == r.StepCount {
		out = append(out, g.item())
		g.rows, g.warns = nil, nil
	}
	return out, nil
}

// incomplete reports a trace whose rows stopped before step_count.
func (g *stepRowsGroup) incomplete() error {
	if len(g.rows) == 0 {
		return nil
	}
	r := g.rows[len(g.rows)-1]
	return fmt.Errorf("trace %q (from line %d) has %d of its %d step rows", r.TraceID, g.start.Line, len(g.rows), r.StepCount)
}

func (g *stepRowsGroup) Flush() ([]Item, error) {
	err := g.incomplete()
	g.rows, g.warns = nil, nil
	return nil, err
}

func (r *StepRow) check() error {
	switch {
	case r.TraceID == "":
		return fmt.Errorf("missing trace_id")
	case r.StepCount < 1 || r.Step < 0 || r.Step >= r.StepCount:
		return fmt.Errorf("step %d out of range for step_count %d", r.Step, r.StepCount)
	case r.Step == 0 && strings.TrimSpace(r.Problem) == "":
		return fmt.Errorf("trace %q: empty problem", r.TraceID)
	}
	return nil
}

// item builds the trace from its complete rows.
func (g *stepRowsGroup) item() Item {
	first := g.rows[0]
	opts := g.opts
	if opts == nil {
		opts = &Options{}
	}
	t := &stepwise.Trace{
		SourceID:    pick("", first.SourceID, true, first.TraceID),
		Dataset:     pick(opts.Dataset, first.Dataset, true, "steps"),
		Model:       pick(opts.Model, first.Model, true, ""),
		FinalAnswer: first.FinalAnswer,
		Correct:     first.FinalAnswerCorrect,
	}
	if t.Correct != nil {
		t.CorrectBy = "source: final_answer_correct"
	}
	b := newStepBuilder(stepRowsSep)
	for _, r := range g.rows {
		st := b.add(stepwise.StepReasoning, r.Text)
		if r.Label == nil {
			continue
		}
		l := stepwise.Label{Rating: ratingOf(r.Label), Scope: stepwise.ScopeStep, Origin: stepwise.OriginAutomatic,
			Source: "steps.label", OrigIndex: int(r.Step), Base: 0, Category: r.ErrorType, Reason: r.Note,
			Annotator: r.Annotator}
		if r.LabelOrigin == LabelOriginHuman {
			l.Origin = stepwise.OriginHuman
		}
		if r.Hallucinated {
			v := true
			l.Flagged = &v
		}
		st.Labels = []stepwise.Label{l}
	}
	b.into(t, "step rows joined by blank lines")
	p := &stepwise.Problem{Text: first.Problem, Dataset: t.Dataset}
	return Item{Problem: p, Trace: t, Warnings: g.warns}
}
