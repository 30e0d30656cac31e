package analytics

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"

	"github.com/stepwise-dev/stepwise"
	"github.com/stepwise-dev/stepwise/judge/offline"
	"github.com/stepwise-dev/stepwise/store"
	"github.com/stepwise-dev/stepwise/verify/answer"
)

// SRCA reads the answers a trace commits to along the way (checkpoint
// answers): where each sample first reaches the gold answer, where it
// leaves it, and how often a trace held the right answer at some
// checkpoint and still ended wrong — the fault tolerance SRCA exploits.

// SampleCheckpoints are one sample's checkpoint answers against the gold.
type SampleCheckpoints struct {
	TraceID     string               `json:"trace_id"`
	Model       string               `json:"model"`
	Steps       int                  `json:"steps"`
	Checkpoints []offline.Checkpoint `json:"checkpoints"`
	// Right marks each checkpoint whose answer equals the gold (null when
	// the grader cannot tell).
	Right []*bool `json:"right"`
	// Reached is the step of the first right checkpoint, Left the step of
	// the first wrong one after it (null when none).
	Reached *int  `json:"reached_gold_at"`
	Left    *int  `json:"left_gold_at"`
	Correct *bool `json:"correct"`
}

// ProblemCheckpoints is the checkpoint grid of one problem.
type ProblemCheckpoints struct {
	ProblemID string              `json:"problem_id"`
	Gold      string              `json:"gold_answer"`
	Samples   []SampleCheckpoints `json:"samples"`
}

// Checkpoints builds a problem's grid: every sample (reference solutions
// left out) with its checkpoint answers.
func Checkpoints(ctx context.Context, db *store.DB, problemID string) (*ProblemCheckpoints, error) {
	out := &ProblemCheckpoints{ProblemID: problemID}
	err := db.EachEvidence(ctx, store.Filter{Problem: problemID}, func(ev *store.TraceEvidence) error {
		t := ev.Trace
		if !IsSample(t.Model) {
			return nil
		}
		if out.Gold == "" {
			if p, err := db.TraceProblem(t); err == nil {
				out.Gold = p.GoldAnswer
			}
		}
		out.Samples = append(out.Samples, sampleCheckpoints(t, out.Gold))
		return nil
	})
	return out, err
}

func sampleCheckpoints(t *stepwise.Trace, gold string) SampleCheckpoints {
	s := SampleCheckpoints{TraceID: t.ID, Model: t.Model, Steps: len(t.Steps), Checkpoints: offline.Checkpoints(t), Correct: t.Correct}
	// The gold as the answer grader reads it ("#### 41", "The answer is
	// 41"), so that the grid and the grader's checkpoint flags agree.
	if a, ok := answer.Extract(gold); ok {
		gold = a.Text
	}
	for _, c := range s.Checkpoints {
		var right *bool
		if gold != "" {
			switch answer.Compare(c.Answer, gold, answer.Options{}).Outcome {
			case answer.Equal:
				v := true
				right = &v
			case answer.Different:
				v := false
				right = &v
			}
		}
		s.Right = append(s.Right, right)
		step := c.Step
		switch {
		case right != nil && *right && s.Reached == nil:
			s.Reached = &step
		case right != nil && !*right && s.Reached != nil && s.Left == nil:
			s.Left = &step
		}
	}
	return s
}

// FaultTolerance counts, over the sampled traces the filter selects with
// a known verdict and a gold answer, those that held the right answer at
// some checkpoint but ended wrong.
type FaultTolerance struct {
	Traces        int      `json:"traces"`
	EndedWrong    int      `json:"ended_wrong"`
	HeldThenWrong int      `json:"held_right_then_ended_wrong"`
	Share         *float64 `json:"share_of_wrong"`
}

// DatasetFaultTolerance counts from the summaries: the answer grader
// flags, at import and re-grade, which traces have a gold answer and which
// wrong ones held it at a checkpoint (stepwise.Grade.Checkpoints), as
// SampleCheckpoints' Reached finds. A trace whose record carried no gold
// answer, but whose problem has one from another dataset, was graded
// without it at import: those (a few datasets' worth, not the store) are
// read as the checkpoint grid reads them.
func DatasetFaultTolerance(ctx context.Context, db *store.DB, f store.Filter) (FaultTolerance, error) {
	var ft FaultTolerance
	f.Offset, f.Limit = 0, 0
	unflagged := map[string][]verdict{} // problem id → its unflagged samples
	err := db.List(f, func(s store.Summary) error {
		switch {
		case !IsSample(s.Model) || s.Correct == nil:
		case s.Checkpoints&stepwise.CheckpointGold == 0:
			unflagged[s.ProblemID] = append(unflagged[s.ProblemID], verdict{s.ID, *s.Correct})
		default:
			ft.add(*s.Correct, s.Checkpoints&stepwise.CheckpointHeld != 0)
		}
		return ctx.Err()
	})
	if err == nil {
		err = ft.addUnflagged(ctx, db, unflagged)
	}
	ft.Share = ratio(ft.HeldThenWrong, ft.EndedWrong)
	return ft, err
}

func (ft *FaultTolerance) add(correct, held bool) {
	ft.Traces++
	if !correct {
		ft.EndedWrong++
		if held {
			ft.HeldThenWrong++
		}
	}
}

// addUnflagged counts the graded samples the grader saw without a gold
// answer whose stored problem has one: the right ones as they are, the
// wrong ones by reading their checkpoints.
func (ft *FaultTolerance) addUnflagged(ctx context.Context, db *store.DB, unflagged map[string][]verdict) error {
	golds := map[string]string{} // of the problems with wrong samples to read
	wrong := map[string]bool{}   // those samples' trace ids
	for id, vs := range unflagged {
		p, err := db.Problem(id)
		switch {
		case errors.Is(err, store.ErrNotFound):
			continue
		case err != nil:
			return fmt.Errorf("fault tolerance: problem %s: %w", id, err)
		case p.GoldAnswer == "":
			continue // no gold answer anywhere: outside the count
		}
		for _, v := range vs {
			if v.right {
				ft.add(true, false)
			} else {
				golds[id], wrong[v.trace] = p.GoldAnswer, true
			}
		}
	}
	if len(wrong) == 0 {
		return nil
	}
	// Only the traces in wrong count: the filter's other parts chose them
	// already (an accuracy filter, re-run over wrong traces alone, would
	// see every problem unsolved).
	sel := store.Filter{Problems: slices.Collect(maps.Keys(golds))}
	return db.EachEvidence(ctx, sel, func(ev *store.TraceEvidence) error {
		if t := ev.Trace; wrong[t.ID] {
			ft.add(false, sampleCheckpoints(t, golds[t.ProblemID]).Reached != nil)
		}
		return nil
	})
}

// verdict is a graded sample's trace id and verdict.
type verdict struct {
	trace string
	right bool
}
