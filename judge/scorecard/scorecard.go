// Package scorecard scores every evidence source — formal checks, offline
// analyzers, each judge model and prompt version, each annotator, each
// process reward model — against reference labels, per dataset, with
// ProcessBench's metrics, step-level precision and recall of "this step is
// wrong", coverage and best-of-N selection accuracy.
//
// It is pure: the caller gathers, per trace, the reference labels and each
// source's verdict (judge/judgerun reads them from the store); the numbers
// are then recomputable by hand from `stepwise ls --json`, `verify --json`
// and `analyze --json`.
package scorecard

import (
	"math"
	"sort"

	"github.com/stepwise-dev/stepwise"
	"github.com/stepwise-dev/stepwise/judge/offline"
)

// Trace is one trace with its reference labels and every source's verdict.
type Trace struct {
	ID        string
	Dataset   string
	ProblemID string
	// Sample marks a sampled solution (not a reference solution): only
	// samples take part in best-of-N selection.
	Sample bool
	// Answer is the trace's final answer, Correct whether it is right (nil:
	// unknown); both for best-of-N.
	Answer  string
	Correct *bool
	// RefFirstError is the reference's earliest wrong step, -1 when it says
	// no step is wrong, nil when it does not say (not scored by the
	// ProcessBench metrics).
	RefFirstError *int
	// RefSteps is the reference's rating of each step (Unlabeled: not
	// compared).
	RefSteps []stepwise.Rating
	Verdicts []Verdict
}

// Verdict is what one source says about one trace. A source that did not
// look at a trace gives no verdict for it: the trace is outside its
// coverage.
type Verdict struct {
	Source string
	// Flags are the steps the source calls wrong.
	Flags []int
	// FirstError is the earliest wrong step the source names, when it
	// names one (a judge); nil: the earliest flag.
	FirstError *int
	// Score ranks the trace for best-of-N (higher is better: a PRM's
	// lowest step score); nil: the source only flags.
	Score *float64
}

// Prediction is the source's earliest wrong step, -1 for none.
func (v Verdict) Prediction() int {
	if v.FirstError != nil {
		return *v.FirstError
	}
	p := -1
	for _, f := range v.Flags {
		if f >= 0 && (p < 0 || f < p) {
			p = f
		}
	}
	return p
}

// ProcessBench is the metric of ProcessBench (JUDGE.md §4): accuracy on
// traces with an error (the exact earliest error found), on traces without
// one (no error claimed), and their harmonic mean. Nil rates: no trace of
// that kind.
type ProcessBench struct {
	AccError   *float64 `json:"acc_error"`
	AccCorrect *float64 `json:"acc_correct"`
	F1         *float64 `json:"f1"`
	NError     int      `json:"n_error"`
	NCorrect   int      `json:"n_correct"`
}

// Steps is step-level agreement on "this step is wrong" over the steps the
// reference rates, in the traces the source looked at.
type Steps struct {
	Precision *float64 `json:"precision"`
	Recall    *float64 `json:"recall"`
	F1        *float64 `json:"f1"`
	N         int      `json:"n"`
	TP        int      `json:"tp"`
	FP        int      `json:"fp"`
	FN        int      `json:"fn"`
}

// BestOfN is selection accuracy over problems with several sampled
// solutions of known correctness, every one looked at by the source: the
// share of problems where the trace the source picks is right, against
// majority vote over the final answers.
type BestOfN struct {
	Accuracy float64 `json:"accuracy"`
	Baseline float64 `json:"baseline"`
	Problems int     `json:"problems"`
}

// Row is one source on one dataset.
type Row struct {
	Source       string       `json:"source"`
	Dataset      string       `json:"dataset"`
	Traces       int          `json:"traces"`
	Looked       int          `json:"looked"`
	Coverage     float64      `json:"coverage"`
	ProcessBench ProcessBench `json:"processbench"`
	Steps        Steps        `json:"steps"`
	BestOfN      *BestOfN     `json:"best_of_n,omitempty"`
}

// Compute scores every source on every dataset, rows sorted by dataset
// then source. A source itself used as the reference is scored too (its
// figures are then perfect, which is a check of the arithmetic).
func Compute(traces []Trace) []Row {
	type key struct{ source, dataset string }
	acc := map[key]*accum{}
	total := map[string]int{}
	sources := map[string]bool{}
	for i := range traces {
		total[traces[i].Dataset]++
		for _, v := range traces[i].Verdicts {
			sources[v.Source] = true
		}
	}
	for s := range sources {
		for d := range total {
			acc[key{s, d}] = &accum{}
		}
	}
	for i := range traces {
		t := &traces[i]
		for _, v := range t.Verdicts {
			acc[key{v.Source, t.Dataset}].add(t, v)
		}
	}
	bon := bestOfN(traces)
	var rows []Row
	for k, a := range acc {
		r := a.row(k.source, k.dataset, total[k.dataset])
		if b, ok := bon[k]; ok {
			r.BestOfN = b
		}
		rows = append(rows, r)
	}
	sort.Slice(rows, func(i, j int) bool {
		if rows[i].Dataset != rows[j].Dataset {
			return rows[i].Dataset < rows[j].Dataset
		}
		return rows[i].Source < rows[j].Source
	})
	return rows
}

type accum struct {
	looked               int
	nErr, hitErr         int
	nCorrect, hitCorrect int
	tp, fp, fn, n        int
}

func (a *accum) add(t *Trace, v Verdict) {
	a.looked++
	pred := v.Prediction()
	if ref := t.RefFirstError; ref != nil {
		if *ref >= 0 {
			a.nErr++
			if pred == *ref {
				a.hitErr++
			}
		} else {
			a.nCorrect++
			if pred == -1 {
				a.hitCorrect++
			}
		}
	}
	flagged := map[int]bool{}
	for _, f := range v.Flags {
		flagged[f] = true
	}
	if v.FirstError != nil && *v.FirstError >= 0 {
		flagged[*v.FirstError] = true
	}
	for i, r := range t.RefSteps {
		if r == stepwise.Unlabeled {
			continue
		}
		a.n++
		wrong := r == stepwise.Bad
		switch {
		case wrong && flagged[i]:
			a.tp++
		case !wrong && flagged[i]:
			a.fp++
		case wrong:
			a.fn++
		}
	}
}

func (a *accum) row(source, dataset string, traces int) Row {
	r := Row{Source: source, Dataset: dataset, Traces: traces, Looked: a.looked}
	if traces > 0 {
		r.Coverage = float64(a.looked) / float64(traces)
	}
	pb := ProcessBench{NError: a.nErr, NCorrect: a.nCorrect, AccError: ratio(a.hitErr, a.nErr),
		AccCorrect: ratio(a.hitCorrect, a.nCorrect)}
	pb.F1 = harmonic(pb.AccError, pb.AccCorrect)
	r.ProcessBench = pb
	st := Steps{N: a.n, TP: a.tp, FP: a.fp, FN: a.fn, Precision: ratio(a.tp, a.tp+a.fp), Recall: ratio(a.tp, a.tp+a.fn)}
	st.F1 = harmonic(st.Precision, st.Recall)
	r.Steps = st
	return r
}

// ratio is num/den, nil for an empty denominator.
func ratio(num, den int) *float64 {
	if den == 0 {
		return nil
	}
	v := float64(num) / float64(den)
	return &v
}

// harmonic is 2ab/(a+b), nil when either is missing, 0 when both are 0.
func harmonic(a, b *float64) *float64 {
	if a == nil || b == nil {
		return nil
	}
	v := 0.0
	if *a+*b > 0 {
		v = 2 * *a * *b / (*a + *b)
	}
	return &v
}

// bestOfN scores selection per (source, dataset) over problems with two or
// more sampled solutions of known correctness. The source picks the trace
// it ranks best — no error found first, then the higher score — and among
// ties the one whose answer most of the tied traces share (the first in
// order on a tie); the baseline picks by majority vote over all of them.
func bestOfN(traces []Trace) map[struct{ source, dataset string }]*BestOfN {
	type pkey struct{ dataset, problem string }
	groups := map[pkey][]*Trace{}
	var order []pkey
	for i := range traces {
		t := &traces[i]
		if !t.Sample || t.Correct == nil || t.ProblemID == "" {
			continue
		}
		k := pkey{t.Dataset, t.ProblemID}
		if groups[k] == nil {
			order = append(order, k)
		}
		groups[k] = append(groups[k], t)
	}
	type skey = struct{ source, dataset string }
	hits := map[skey]*BestOfN{}
	for _, k := range order {
		g := groups[k]
		if len(g) < 2 {
			continue
		}
		base := majority(g)
		for _, s := range sourcesOf(g) {
			picked := pick(g, s)
			if picked == nil {
				continue // the source did not look at every sample
			}
			b := hits[skey{s, k.dataset}]
			if b == nil {
				b = &BestOfN{}
				hits[skey{s, k.dataset}] = b
			}
			b.Problems++
			if *picked.Correct {
				b.Accuracy++
			}
			if *base.Correct {
				b.Baseline++
			}
		}
	}
	for _, b := range hits {
		b.Accuracy /= float64(b.Problems)
		b.Baseline /= float64(b.Problems)
	}
	return hits
}

// sourcesOf lists the sources with a verdict on every trace of g.
func sourcesOf(g []*Trace) []string {
	count := map[string]int{}
	for _, t := range g {
		seen := map[string]bool{}
		for _, v := range t.Verdicts {
			if !seen[v.Source] {
				seen[v.Source] = true
				count[v.Source]++
			}
		}
	}
	var out []string
	for s, n := range count {
		if n == len(g) {
			out = append(out, s)
		}
	}
	sort.Strings(out)
	return out
}

// pick is the trace source s selects from g.
func pick(g []*Trace, s string) *Trace {
	rank := func(t *Trace) (float64, bool) {
		for _, v := range t.Verdicts {
			if v.Source == s {
				r := 0.0
				if v.Prediction() == -1 {
					r = 1
				}
				if v.Score != nil && !math.IsNaN(*v.Score) {
					r = 1 + *v.Score // a score ranks finer than "no flag"
				}
				return r, true
			}
		}
		return 0, false
	}
	best := math.Inf(-1)
	var tied []*Trace
	for _, t := range g {
		r, ok := rank(t)
		if !ok {
			return nil
		}
		switch {
		case r > best:
			best, tied = r, []*Trace{t}
		case r == best:
			tied = append(tied, t)
		}
	}
	return majority(tied)
}

// majority is the first trace of the largest cluster of equivalent final
// answers (answers graded by the analyzers' equivalence); traces without
// an answer vote last.
func majority(g []*Trace) *Trace {
	answers := make([]string, len(g))
	for i, t := range g {
		answers[i] = t.Answer
	}
	cl := offline.ClusterAnswers(answers, "")
	if len(cl) == 0 || len(cl[0].Members) == 0 {
		return g[0]
	}
	return g[cl[0].Members[0]]
}
