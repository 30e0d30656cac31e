package analytics

import (
	"context"
	"sort"

	"github.com/stepwise-dev/stepwise"
)

// Conflict is a step (or, with Step -1, a trace's first error) on which
// annotators disagree: the adjudication view's row.
type Conflict struct {
	TraceID  string `json:"trace_id"`
	TraceSeq uint64 `json:"-"`
	Dataset  string `json:"dataset"`
	Step     int    `json:"step"`
	// Kinds lists what differs: rating, hallucinated, error_type (between
	// annotators who both rate the step bad), first_error (Step -1).
	Kinds []string `json:"kinds"`
	// Marks holds each annotator's label of the step (those who labeled it).
	Marks map[string]stepwise.StepMark `json:"marks,omitempty"`
	// FirstErrors holds each annotator's earliest wrong step (-1: none),
	// for Step -1.
	FirstErrors map[string]int `json:"first_errors,omitempty"`
}

// ConflictFilter selects conflicts. Empty fields match all.
type ConflictFilter struct {
	Dataset string
	// Annotators, when set, compares only these annotators' labels.
	Annotators []string
}

// Conflicts streams the disagreements, trace by trace in import order and
// by step within a trace (the first-error row, Step -1, first). fn runs
// inside the source's read transaction: collect, do not write to the
// store from it. Gold events are left out: they are not labels of the
// data.
func Conflicts(ctx context.Context, src Source, f ConflictFilter, fn func(Conflict) error) error {
	keep := map[string]bool{}
	for _, a := range f.Annotators {
		keep[a] = true
	}
	return src.EachAnnotated(ctx, f.Dataset, false, func(at *Annotated) error {
		marks := stepwise.FoldAnnotations(dataEvents(at.Events), at.Steps)
		if len(keep) > 0 {
			for who := range marks {
				if !keep[who] {
					delete(marks, who)
				}
			}
		}
		if len(marks) < 2 {
			return nil
		}
		for _, c := range traceConflicts(at, marks) {
			if err := fn(c); err != nil {
				return err
			}
		}
		return nil
	})
}

// traceConflicts compares the annotators' current labels of one trace.
func traceConflicts(s *Annotated, marks map[string]*stepwise.TraceMarks) []Conflict {
	var out []Conflict
	fes := map[string]int{}
	for who, m := range marks {
		if fe := m.EarliestBad(s.Steps); fe != nil {
			fes[who] = *fe
		}
	}
	if len(fes) >= 2 && !allSame(fes) {
		out = append(out, Conflict{TraceID: s.ID, TraceSeq: s.Seq, Dataset: s.Dataset, Step: -1,
			Kinds: []string{KindFirstError}, FirstErrors: fes})
	}
	for i := 0; i < s.Steps; i++ {
		labels := map[string]stepwise.StepMark{}
		for who, m := range marks {
			if sm, ok := m.Steps[i]; ok && sm.Rating != stepwise.Unlabeled {
				labels[who] = sm
			}
		}
		if len(labels) < 2 {
			continue
		}
		if kinds := stepDisagreement(labels); len(kinds) > 0 {
			out = append(out, Conflict{TraceID: s.ID, TraceSeq: s.Seq, Dataset: s.Dataset, Step: i,
				Kinds: kinds, Marks: labels})
		}
	}
	return out
}

func stepDisagreement(labels map[string]stepwise.StepMark) []string {
	names := make([]string, 0, len(labels))
	for n := range labels {
		names = append(names, n)
	}
	sort.Strings(names)
	var rating, halluc, etype bool
	first := labels[names[0]]
	var badType string
	haveBad := false
	for _, n := range names {
		l := labels[n]
		rating = rating || l.Rating != first.Rating
		halluc = halluc || l.Hallucinated != first.Hallucinated
		if l.Rating == stepwise.Bad {
			if haveBad && l.ErrorType != badType {
				etype = true
			}
			badType, haveBad = l.ErrorType, true
		}
	}
	var kinds []string
	for _, k := range []struct {
		on   bool
		name string
	}{{rating, KindRating}, {halluc, KindHallucinated}, {etype, KindErrorType}} {
		if k.on {
			kinds = append(kinds, k.name)
		}
	}
	return kinds
}

func allSame(m map[string]int) bool {
	first, set := 0, false
	for _, v := range m {
		if set && v != first {
			return false
		}
		first, set = v, true
	}
	return true
}
