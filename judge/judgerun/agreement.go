package judgerun

import (
	"context"
	"math"
	"slices"
	"strconv"

	"github.com/stepwise-dev/stepwise"
	"github.com/stepwise-dev/stepwise/store"
)

// Reference is what a reference — the dataset's labels or a person's marks
// — says about one trace, in the judge's terms.
type Reference struct {
	Steps int
	// FirstError is the earliest wrong step (ProcessBench semantics), −1
	// when no step is wrong, nil when the reference does not say.
	FirstError *int
	// Ratings has one rating per step; Unlabeled where the reference is
	// silent (a ProcessBench step after the first error, say).
	Ratings []stepwise.Rating
	// Correct is the reference's verdict on the trace, nil when unknown.
	Correct *bool
}

// DatasetReference is the dataset's view of a trace, from its summary:
// the source labels' first error and per-step strip, and the final
// answer's correctness.
func DatasetReference(s store.Summary) Reference {
	r := Reference{Steps: s.Steps, FirstError: s.FirstError, Correct: s.Correct, Ratings: make([]stepwise.Rating, s.Steps)}
	for i := 0; i < len(s.Strip) && i < s.Steps; i++ {
		switch s.Strip[i] {
		case '+':
			r.Ratings[i] = stepwise.Good
		case '0':
			r.Ratings[i] = stepwise.Neutral
		case 'x':
			r.Ratings[i] = stepwise.Bad
		}
	}
	return r
}

// HumanReference is one annotator's view of a trace (their current marks,
// store.DB.Marks). A first-error mark gives FirstError; without one, a
// trace whose every step is rated gives the earliest bad step or −1. The
// verdict "correct" or "wrong"/"incorrect" gives Correct.
func HumanReference(m *stepwise.TraceMarks, steps int) Reference {
	r := Reference{Steps: steps, Ratings: make([]stepwise.Rating, steps)}
	if m == nil {
		return r
	}
	for i, mk := range m.Steps {
		if i >= 0 && i < steps {
			r.Ratings[i] = mk.Rating
		}
	}
	switch {
	case m.FirstError != nil:
		fe := *m.FirstError
		r.FirstError = &fe
	default:
		r.FirstError = firstBad(r.Ratings)
	}
	switch m.Verdict {
	case "correct":
		t := true
		r.Correct = &t
	case "wrong", "incorrect":
		f := false
		r.Correct = &f
	}
	return r
}

// firstBad is the earliest bad rating, −1 when every step is rated and
// none is bad, nil otherwise (the reference is silent on some step).
func firstBad(rs []stepwise.Rating) *int {
	for i, r := range rs {
		if r == stepwise.Bad {
			return &i
		}
		if r == stepwise.Unlabeled {
			return nil
		}
	}
	if len(rs) == 0 {
		return nil
	}
	none := -1
	return &none
}

// Item is one judged trace against its reference.
type Item struct {
	// Judge is the judge's single-trace run (its FirstError, StepFlags and
	// Verdict are read).
	Judge *stepwise.Analysis
	Ref   Reference
}

// HumanVsJudge pairs a judge run with one annotator's marks on the same
// trace: the item Compare scores for human-versus-judge agreement.
func HumanVsJudge(judgeRun *stepwise.Analysis, marks *stepwise.TraceMarks, steps int) Item {
	return Item{Judge: judgeRun, Ref: HumanReference(marks, steps)}
}

// FirstErrorAgreement scores the judge's earliest wrong step in ProcessBench
// terms, over traces where both the judge and the reference name one.
type FirstErrorAgreement struct {
	// Erroneous traces (reference ≥ 0) and those where the judge named the
	// same step; Correct traces (reference −1) and those the judge also
	// found sound.
	Erroneous      int `json:"erroneous"`
	ErroneousMatch int `json:"erroneous_match"`
	Correct        int `json:"correct"`
	CorrectMatch   int `json:"correct_match"`
	// Early and Late count erroneous traces where the judge named an
	// earlier or a later step (or none: −1 counts as late).
	Early int `json:"early"`
	Late  int `json:"late"`
	// Acc1, Acc2 and F1 = 2·Acc1·Acc2/(Acc1+Acc2) as ProcessBench defines
	// them; NaN (null in JSON) when undefined.
	Acc1 Metric `json:"acc_erroneous"`
	Acc2 Metric `json:"acc_correct"`
	F1   Metric `json:"f1"`
}

// StepAgreement scores the judge's step flags against the reference's bad
// steps, over steps the reference rates good or bad (neutral and unlabeled
// steps are left out). The judge's first error counts as a flag.
type StepAgreement struct {
	TP int `json:"tp"` // flagged, and bad
	FP int `json:"fp"` // flagged, but good
	FN int `json:"fn"` // not flagged, but bad
	TN int `json:"tn"` // not flagged, and good
	// Precision, Recall, F1 and Cohen's Kappa; NaN when undefined.
	Precision Metric `json:"precision"`
	Recall    Metric `json:"recall"`
	F1        Metric `json:"f1"`
	Kappa     Metric `json:"kappa"`
}

// VerdictAgreement scores the judge's correct/incorrect verdict against the
// reference's, where both have one.
type VerdictAgreement struct {
	N     int    `json:"n"`
	Agree int    `json:"agree"`
	Kappa Metric `json:"kappa"`
}

// Metric is a ratio or coefficient; NaN when the data cannot tell (no
// items, or no variation), written as null in JSON.
type Metric float64

// Defined reports whether the metric has a value.
func (m Metric) Defined() bool { return !math.IsNaN(float64(m)) }

// MarshalJSON writes the value rounded to 4 places, or null.
func (m Metric) MarshalJSON() ([]byte, error) {
	if !m.Defined() {
		return []byte("null"), nil
	}
	return strconv.AppendFloat(nil, math.Round(float64(m)*10000)/10000, 'f', -1, 64), nil
}

// String is the value to 3 places, or "n/a".
func (m Metric) String() string {
	if !m.Defined() {
		return "n/a"
	}
	return strconv.FormatFloat(float64(m), 'f', 3, 64)
}

// Agreement is judge-versus-reference agreement over a set of traces.
type Agreement struct {
	Traces     int                 `json:"traces"`
	FirstError FirstErrorAgreement `json:"first_error"`
	Steps      StepAgreement       `json:"steps"`
	Verdict    VerdictAgreement    `json:"verdict"`
}

// Compare scores judge runs against references. Items without a judge run
// are skipped.
func Compare(items []Item) Agreement {
	var a Agreement
	var vj, vr []bool
	for _, it := range items {
		j := it.Judge
		if j == nil {
			continue
		}
		a.Traces++
		a.FirstError.add(j.FirstError, it.Ref.FirstError)
		a.Steps.add(judgeBad(j, it.Ref.Steps), it.Ref.Ratings)
		if it.Ref.Correct != nil && (j.Verdict == "correct" || j.Verdict == "incorrect") {
			vj = append(vj, j.Verdict == "correct")
			vr = append(vr, *it.Ref.Correct)
		}
	}
	a.FirstError.finish()
	a.Steps.finish()
	a.Verdict = verdictAgreement(vj, vr)
	return a
}

func (f *FirstErrorAgreement) add(judged, ref *int) {
	if judged == nil || ref == nil {
		return
	}
	j, r := *judged, *ref
	if r < 0 {
		f.Correct++
		if j < 0 {
			f.CorrectMatch++
		}
		return
	}
	f.Erroneous++
	switch {
	case j == r:
		f.ErroneousMatch++
	case j >= 0 && j < r:
		f.Early++
	default:
		f.Late++
	}
}

func (f *FirstErrorAgreement) finish() {
	f.Acc1 = ratio(f.ErroneousMatch, f.Erroneous)
	f.Acc2 = ratio(f.CorrectMatch, f.Correct)
	f.F1 = harmonic(f.Acc1, f.Acc2)
}

// judgeBad is the set of steps the judge calls wrong: its flags and its
// first error.
func judgeBad(j *stepwise.Analysis, steps int) []bool {
	bad := make([]bool, steps)
	for _, fl := range j.StepFlags {
		if fl.Step >= 0 && fl.Step < steps {
			bad[fl.Step] = true
		}
	}
	if j.FirstError != nil && *j.FirstError >= 0 && *j.FirstError < steps {
		bad[*j.FirstError] = true
	}
	return bad
}

func (s *StepAgreement) add(flagged []bool, ref []stepwise.Rating) {
	for i, r := range ref {
		if i >= len(flagged) || (r != stepwise.Good && r != stepwise.Bad) {
			continue
		}
		switch {
		case flagged[i] && r == stepwise.Bad:
			s.TP++
		case flagged[i]:
			s.FP++
		case r == stepwise.Bad:
			s.FN++
		default:
			s.TN++
		}
	}
}

func (s *StepAgreement) finish() {
	s.Precision = ratio(s.TP, s.TP+s.FP)
	s.Recall = ratio(s.TP, s.TP+s.FN)
	s.F1 = harmonic(s.Precision, s.Recall)
	s.Kappa = kappa2(s.TP, s.FP, s.FN, s.TN)
}

func verdictAgreement(j, r []bool) VerdictAgreement {
	v := VerdictAgreement{N: len(j)}
	var tp, fp, fn, tn int
	for i := range j {
		switch {
		case j[i] && r[i]:
			tp++
		case j[i]:
			fp++
		case r[i]:
			fn++
		default:
			tn++
		}
	}
	v.Agree = tp + tn
	v.Kappa = kappa2(tp, fp, fn, tn)
	return v
}

// kappa2 is Cohen's κ for a 2×2 table (a: both yes, b: judge yes only,
// c: reference yes only, d: both no): (po − pe)/(1 − pe). NaN when there
// are no items or pe = 1 (both sides constant and equal).
func kappa2(a, b, c, d int) Metric {
	n := float64(a + b + c + d)
	if n == 0 {
		return Metric(math.NaN())
	}
	po := float64(a+d) / n
	pe := (float64(a+b)*float64(a+c) + float64(c+d)*float64(b+d)) / (n * n)
	if pe == 1 {
		return Metric(math.NaN())
	}
	return Metric((po - pe) / (1 - pe))
}

func ratio(a, b int) Metric {
	if b == 0 {
		return Metric(math.NaN())
	}
	return Metric(float64(a) / float64(b))
}

// harmonic is 2xy/(x+y): 0 when both are 0, NaN when either is undefined.
func harmonic(x, y Metric) Metric {
	switch {
	case !x.Defined() || !y.Defined():
		return Metric(math.NaN())
	case x+y == 0:
		return 0
	}
	return 2 * x * y / (x + y)
}

// DatasetAgreement compares, for every trace matching f with a judge
// verdict, the newest single-trace run against the dataset's labels.
func DatasetAgreement(ctx context.Context, db *store.DB, f store.Filter) (Agreement, error) {
	var items []Item
	err := db.EachJudged(ctx, f, func(s store.Summary, h store.RunHead) error {
		an := h.Analysis
		items = append(items, Item{Judge: &an, Ref: DatasetReference(s)})
		return nil
	})
	return Compare(items), err
}

// HumanAgreement compares, for every trace matching f with a judge verdict
// and marks by the annotator ("" for every annotator, each trace and
// annotator one item), the newest single-trace run against those marks.
func HumanAgreement(ctx context.Context, db *store.DB, f store.Filter, annotator string) (Agreement, error) {
	type judged struct {
		id    string
		steps int
		run   stepwise.Analysis
	}
	var js []judged
	// Marks are read after the scan: a read transaction must not be opened
	// inside another in the same goroutine while a writer may be waiting.
	err := db.EachJudged(ctx, f, func(s store.Summary, h store.RunHead) error {
		js = append(js, judged{s.ID, s.Steps, h.Analysis})
		return nil
	})
	if err != nil {
		return Agreement{}, err
	}
	var items []Item
	for i := range js {
		if err := ctx.Err(); err != nil {
			return Agreement{}, err
		}
		marks, err := db.Marks(js[i].id)
		if err != nil {
			return Agreement{}, err
		}
		names := make([]string, 0, len(marks))
		for n := range marks {
			if annotator == "" || n == annotator {
				names = append(names, n)
			}
		}
		slices.Sort(names)
		for _, n := range names {
			items = append(items, HumanVsJudge(&js[i].run, marks[n], js[i].steps))
		}
	}
	return Compare(items), nil
}
