package formats

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/stepwise-dev/stepwise"
)

// formalStep reads FormalStep (HF liuchengwu/FormalStep, from Safe): one row
// per chain-of-thought step, {problem, level, type, ground_truth,
// problem_unique_id, previous_steps, current_step, formal_statement, proof,
// state}. previous_steps is not a prefix: it is the trajectory's FULL step
// list, repeated on every row. Consecutive rows with the same
// (problem_unique_id, previous_steps) form one trace, so the codec is a
// Grouper; each row's formalization attaches to the step equal to
// current_step (the first such step without one yet).
type formalStep struct{}

func (formalStep) Name() string { return "formalstep" }
func (formalStep) Describe() string {
	return "FormalStep: one row per step with its Lean 4 statement, proof and Safe proof state, grouped into trajectories (JSONL)"
}

func (formalStep) Detect(k Keys) bool {
	return k.Has("problem_unique_id", "previous_steps", "current_step")
}

const (
	formalStepDataset   = "formalstep"
	formalStepSegmenter = "previous_steps (the trajectory's step list) joined by newlines"
)

// Decode decodes a single row as a trajectory of its own; imports go through
// NewGroup, which groups consecutive rows.
func (f formalStep) Decode(rec Record, opts *Options) ([]Item, error) {
	g := f.NewGroup()
	items, err := g.Decode(rec, opts)
	if err != nil {
		return nil, err
	}
	rest, err := g.Flush()
	return append(items, rest...), err
}

func (formalStep) NewGroup() Group { return &formalStepGroup{samples: map[string]int{}} }

type formalStepRow struct {
	Problem         *string         `json:"problem"`
	Level           json.RawMessage `json:"level"`
	Type            string          `json:"type"`
	GroundTruth     json.RawMessage `json:"ground_truth"`
	PID             *string         `json:"problem_unique_id"`
	Previous        []*string       `json:"previous_steps"`
	Current         *string         `json:"current_step"`
	FormalStatement *string         `json:"formal_statement"`
	Proof           *string         `json:"proof"`
	State           *string         `json:"state"`
}

// formalStepGroup holds the trajectory being assembled. Items completed
// while a later row fails wait in pending, so an error never loses them.
type formalStepGroup struct {
	cur     *formalStepTraj
	pending []Item
	samples map[string]int // trajectories seen per problem, for Trace.Sample
}

type formalStepTraj struct {
	key  string
	item Item
	used []bool
	rows int
}

func (g *formalStepGroup) Decode(rec Record, opts *Options) ([]Item, error) {
	var r formalStepRow
	if err := json.Unmarshal(rec.Data, &r); err != nil {
		return nil, err
	}
	steps, err := r.check()
	if err != nil {
		return nil, err
	}
	keyJSON, _ := json.Marshal(steps)
	key := *r.PID + "\x00" + string(keyJSON)
	if g.cur != nil && g.cur.key != key {
		g.pending = append(g.pending, g.cur.done())
		g.cur = nil
	}
	if g.cur == nil {
		g.cur = g.start(rec, &r, steps, key, opts)
	}
	if r.State != nil && *r.State != "" && !safeKnownState(*r.State) {
		// A proof status badge must not be guessed: the row's statement
		// and proof stay, its state is left out. The trajectory's item
		// carries the warning, so it names the row's line.
		g.cur.item.Warnings = append(g.cur.item.Warnings, fmt.Sprintf("line %d: state: unknown Safe state %q (want one of %s); the state is left out",
			rec.Line, *r.State, strings.Join(safeStates, ", ")))
		r.State = nil
	}
	if err := g.cur.attach(&r); err != nil {
		return nil, err
	}
	out := g.pending
	g.pending = nil
	return out, nil
}

func (g *formalStepGroup) Flush() ([]Item, error) {
	out := g.pending
	g.pending = nil
	if g.cur != nil {
		out = append(out, g.cur.done())
		g.cur = nil
	}
	return out, nil
}

// check validates a row and returns its trajectory's steps.
func (r *formalStepRow) check() ([]string, error) {
	switch {
	case r.PID == nil:
		return nil, fmt.Errorf("missing problem_unique_id")
	case r.Problem == nil:
		return nil, fmt.Errorf("missing problem")
	case r.Current == nil:
		return nil, fmt.Errorf("missing current_step")
	case len(r.Previous) == 0:
		return nil, fmt.Errorf("previous_steps is missing or empty (it should list the trajectory's steps)")
	}
	steps := make([]string, len(r.Previous))
	for i, s := range r.Previous {
		if s == nil {
			return nil, fmt.Errorf("previous_steps[%d] is null", i)
		}
		steps[i] = *s
	}
	return steps, nil
}

func (g *formalStepGroup) start(rec Record, r *formalStepRow, steps []string, key string, opts *Options) *formalStepTraj {
	dataset := pick(opts.Dataset, "", false, formalStepDataset)
	gold, _ := jsonText(r.GroundTruth)
	level, _ := jsonText(r.Level)
	p := &stepwise.Problem{Text: *r.Problem, GoldAnswer: gold, Subject: r.Type, Level: level,
		SourceID: *r.PID, Dataset: dataset}
	if parts := strings.SplitN(*r.PID, "_", 3); len(parts) == 3 && (parts[1] == "train" || parts[1] == "test") {
		p.Split = parts[1]
	}
	t := &stepwise.Trace{SourceID: *r.PID, Dataset: dataset, Model: opts.Model, Sample: g.samples[*r.PID],
		Source: stepwise.SourceRef{Path: rec.Path, Line: rec.Line}}
	g.samples[*r.PID]++
	b := newStepBuilder("\n")
	for _, s := range steps {
		b.add(stepwise.StepReasoning, s)
	}
	b.into(t, formalStepSegmenter)
	if a, ok := LastBoxed(t.Raw); ok {
		t.FinalAnswer = a
	}
	return &formalStepTraj{key: key, item: Item{Problem: p, Trace: t}, used: make([]bool, len(steps))}
}

// attach gives the row's formalization to the first step equal to
// current_step that has none yet.
func (tr *formalStepTraj) attach(r *formalStepRow) error {
	steps := tr.item.Trace.Steps
	for i := range steps {
		if tr.used[i] || steps[i].Text != *r.Current {
			continue
		}
		tr.used[i] = true
		tr.rows++
		steps[i].Formalizations = safeFormalization(safeStep{FormalStatement: r.FormalStatement,
			Proof: r.Proof, State: r.State})
		return nil
	}
	return fmt.Errorf("current_step matches no step of its trajectory's previous_steps without a row yet "+
		"(problem_unique_id %s, %d steps): %.60q", *r.PID, len(steps), *r.Current)
}

// done returns the finished trajectory, noting how many steps had a row.
func (tr *formalStepTraj) done() Item {
	setMeta(tr.item.Trace, "formalstep_rows", strconv.Itoa(tr.rows)+" of "+strconv.Itoa(len(tr.used))+" steps")
	return tr.item
}
