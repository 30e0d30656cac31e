package judgerun

import (
	"context"
	"fmt"
	"strings"

	"github.com/stepwise-dev/stepwise"
	"github.com/stepwise-dev/stepwise/judge/scorecard"
	"github.com/stepwise-dev/stepwise/store"
)

// Evidence source names, as the scorecard shows them.
const (
	SourceFormal  = "formal"  // verify's checks: a step with a disproved statement is wrong
	SourceOffline = "offline" // the offline analyzers: a step with an error-severity finding
	// Judges are "judge:MODEL@PROMPT", annotators "annotator:NAME", PRMs
	// "prm:NAME".
)

// DefaultPRMThreshold is the step score below which a PRM calls a step
// wrong, unless EvalOptions says otherwise.
const DefaultPRMThreshold = 0.5

// EvalOptions choose what the scorecard scores against.
type EvalOptions struct {
	Filter store.Filter
	// Reference is "dataset" (the default: the dataset's own labels) or
	// "annotator:NAME".
	Reference string
	// PRMThreshold: a step a PRM scores below it is called wrong.
	PRMThreshold float64
}

// ParseReference checks a --reference value.
func ParseReference(s string) (string, error) {
	switch {
	case s == "" || s == "dataset":
		return "dataset", nil
	case strings.HasPrefix(s, "annotator:") && len(s) > len("annotator:"):
		return s, nil
	}
	return "", fmt.Errorf("--reference %q: want dataset or annotator:NAME", s)
}

// Scorecard gathers every evidence source's verdicts on the traces the
// filter selects and scores them against the reference (judge/scorecard).
// A source's verdict on a trace: formal checks — the trace was verified
// (it has a proof strip), flags are steps with a disproved statement;
// offline analyzers — the trace was analyzed, flags are steps with an
// error-severity finding; a judge (model and prompt version) — its newest
// single-trace run with a verdict, its named first error and step flags;
// an annotator — the steps they rate wrong, their first-error mark; a
// PRM — the steps scored below the threshold, the lowest score ranking
// the trace for best-of-N.
func Scorecard(ctx context.Context, db *store.DB, o EvalOptions) ([]scorecard.Row, error) {
	ref, err := ParseReference(o.Reference)
	if err != nil {
		return nil, err
	}
	if o.PRMThreshold <= 0 {
		o.PRMThreshold = DefaultPRMThreshold
	}
	var traces []scorecard.Trace
	var seqs []uint64
	err = db.EachEvidence(ctx, o.Filter, func(ev *store.TraceEvidence) error {
		traces = append(traces, gatherTrace(ev, ref))
		seqs = append(seqs, ev.Seq)
		return nil
	})
	if err != nil {
		return nil, err
	}
	strips, err := db.ProofStrips(seqs)
	if err != nil {
		return nil, err
	}
	prms, err := db.PRMScoresSeqs(seqs)
	if err != nil {
		return nil, err
	}
	for i := range traces {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		t := &traces[i]
		if strips[i] == "" {
			t.Verdicts = dropSource(t.Verdicts, SourceFormal)
		}
		for _, p := range prms[i] {
			t.Verdicts = append(t.Verdicts, prmVerdict(p, o.PRMThreshold))
		}
		heads, err := db.Runs(t.ID)
		if err != nil {
			return nil, err
		}
		t.Verdicts = append(t.Verdicts, judgeVerdicts(heads)...)
	}
	return scorecard.Compute(traces), nil
}

// gatherTrace reads one trace's reference and the verdicts the evidence
// bundle holds (formal, offline, annotators).
func gatherTrace(ev *store.TraceEvidence, ref string) scorecard.Trace {
	tr := ev.Trace
	t := scorecard.Trace{ID: tr.ID, Dataset: tr.Dataset, ProblemID: tr.ProblemID, Sample: tr.Model != "reference",
		Answer: tr.FinalAnswer, Correct: tr.Correct}
	marks := stepwise.FoldAnnotations(annotationsOf(ev.Events), len(tr.Steps))
	if ref == "dataset" {
		t.RefFirstError = tr.FirstError()
		t.RefSteps = make([]stepwise.Rating, len(tr.Steps))
		for i := range tr.Steps {
			t.RefSteps[i] = tr.Steps[i].StepRating()
		}
	} else if m := marks[strings.TrimPrefix(ref, "annotator:")]; m != nil {
		t.RefFirstError, t.RefSteps = annotatorReference(m, len(tr.Steps))
	}
	formal := scorecard.Verdict{Source: SourceFormal}
	for _, c := range ev.Checks {
		for _, f := range c.Formalizations {
			if f.Status == stepwise.StatusDisproved {
				formal.Flags = append(formal.Flags, c.Step)
				break
			}
		}
	}
	t.Verdicts = append(t.Verdicts, formal) // dropped later if never verified
	if ev.Findings != nil {
		off := scorecard.Verdict{Source: SourceOffline}
		seen := map[int]bool{}
		for _, f := range ev.Findings.Findings {
			if f.Severity == "error" && f.Step >= 0 && !seen[f.Step] {
				seen[f.Step] = true
				off.Flags = append(off.Flags, f.Step)
			}
		}
		t.Verdicts = append(t.Verdicts, off)
	}
	for name, m := range marks {
		if m.Events == 0 {
			continue
		}
		v := scorecard.Verdict{Source: "annotator:" + name, FirstError: m.FirstError}
		for i := 0; i < len(tr.Steps); i++ {
			if m.Rating(i) == stepwise.Bad {
				v.Flags = append(v.Flags, i)
			}
		}
		t.Verdicts = append(t.Verdicts, v)
	}
	return t
}

func annotationsOf(evs []store.Event) []stepwise.Annotation {
	out := make([]stepwise.Annotation, 0, len(evs))
	for _, e := range evs {
		if !e.Gold {
			out = append(out, e.Annotation)
		}
	}
	return out
}

// annotatorReference is an annotator's labels as a reference: their
// first-error mark, else the earliest step they rate wrong, else -1 when
// they rate every step, none wrong; nil when that cannot be said.
func annotatorReference(m *stepwise.TraceMarks, n int) (*int, []stepwise.Rating) {
	steps := make([]stepwise.Rating, n)
	first, all := -1, true
	for i := 0; i < n; i++ {
		steps[i] = m.Rating(i)
		if steps[i] == stepwise.Bad && first < 0 {
			first = i
		}
		if steps[i] == stepwise.Unlabeled {
			all = false
		}
	}
	switch {
	case m.FirstError != nil:
		fe := *m.FirstError
		return &fe, steps
	case first >= 0:
		return &first, steps
	case all && n > 0:
		return &first, steps
	}
	return nil, steps
}

func prmVerdict(p store.PRMScores, threshold float64) scorecard.Verdict {
	v := scorecard.Verdict{Source: "prm:" + p.Model}
	for i, s := range p.Steps {
		if s != store.NoScore && s < threshold {
			v.Flags = append(v.Flags, i)
		}
	}
	if m := p.Min(); m != store.NoScore {
		v.Score = &m
	}
	return v
}

// judgeVerdicts is each judge's (model and prompt version) newest
// single-trace run with a verdict.
func judgeVerdicts(heads []store.RunHead) []scorecard.Verdict {
	newest := map[string]*store.RunHead{}
	var order []string
	for i := range heads {
		h := &heads[i]
		if !h.Single() || h.Error != "" {
			continue
		}
		src := "judge:" + h.Model + "@" + h.Prompt
		if _, ok := newest[src]; !ok {
			order = append(order, src)
		}
		if cur := newest[src]; cur == nil || h.Seq > cur.Seq {
			newest[src] = h
		}
	}
	out := make([]scorecard.Verdict, 0, len(order))
	for _, src := range order {
		h := newest[src]
		v := scorecard.Verdict{Source: src, FirstError: h.FirstError}
		for _, f := range h.StepFlags {
			v.Flags = append(v.Flags, f.Step)
		}
		out = append(out, v)
	}
	return out
}

func dropSource(vs []scorecard.Verdict, src string) []scorecard.Verdict {
	out := vs[:0]
	for _, v := range vs {
		if v.Source != src {
			out = append(out, v)
		}
	}
	return out
}
