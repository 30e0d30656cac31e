// Package analytics is what the annotation events say about the
// annotators and the data, computed over the annotated traces: agreement
// (Krippendorff's α over every annotator, Cohen's κ per pair, humans
// against the dataset's labels, accuracy on hidden gold items), the
// conflicts an adjudicator settles, and each annotator's label counts.
//
// It reads the store through Source (the annotated traces, in order) and
// computes with store/agree; it imports no bbolt. store.DB's Agreement,
// Conflicts and LabelDistribution are its front door.
package analytics

import (
	"context"
	"math"
	"sort"
	"strconv"

	"github.com/stepwise-dev/stepwise"
	"github.com/stepwise-dev/stepwise/store/agree"
)

// Label kinds compared by agreement and conflicts.
const (
	KindRating       = "rating"
	KindHallucinated = "hallucinated"
	KindErrorType    = "error_type"
	KindFirstError   = "first_error"
)

// ratingOrder ranks ratings for ordinal α: PRM800K's scale is ordered
// (−1 wrong < 0 neutral < +1 good), so a good/neutral disagreement is
// smaller than a good/bad one.
var ratingOrder = []string{stepwise.Bad.String(), stepwise.Neutral.String(), stepwise.Good.String()}

// AgreementOptions select what Agreement compares.
type AgreementOptions struct {
	// Dataset limits the traces (and its subsets).
	Dataset string
	// GoldFrom names the annotator whose labels are the gold answers of
	// quality-control items; "" uses the dataset's own step labels.
	GoldFrom string
}

// AgreementReport is the agreement report: per label kind (α over all
// annotators, κ per pair), human labels against the dataset's, and each
// annotator's accuracy on gold items. The store re-exports it as
// store.Agreement.
type AgreementReport struct {
	Annotators    []string          `json:"annotators"`
	Kinds         []KindAgreement   `json:"kinds"`
	HumanVsSource []SourceAgreement `json:"human_vs_source"`
	Gold          []GoldAccuracy    `json:"gold"`
}

// KindAgreement is the agreement on one label kind.
type KindAgreement struct {
	Kind string `json:"kind"`
	// Alpha is Krippendorff's α (nominal) over every annotator, with
	// partial overlap; AlphaOrdinal orders ratings bad < neutral < good.
	Alpha        agree.Coefficient  `json:"alpha"`
	AlphaOrdinal *agree.Coefficient `json:"alpha_ordinal,omitempty"`
	Pairs        []PairAgreement    `json:"pairs"`
}

// PairAgreement is Cohen's κ and the observed agreement of two annotators
// over the units both labeled.
type PairAgreement struct {
	A        string            `json:"a"`
	B        string            `json:"b"`
	Kappa    agree.Coefficient `json:"kappa"`
	Observed agree.Coefficient `json:"observed"`
}

// SourceAgreement compares an annotator's step ratings ("" = every
// annotator's, pooled) with the dataset's, over steps both labeled.
type SourceAgreement struct {
	Annotator string            `json:"annotator"`
	Kappa     agree.Coefficient `json:"kappa"`
	Observed  agree.Coefficient `json:"observed"`
}

// GoldAccuracy is an annotator's accuracy on hidden gold items.
type GoldAccuracy struct {
	Annotator string            `json:"annotator"`
	Items     int               `json:"items"`
	Correct   int               `json:"correct"`
	Accuracy  agree.Coefficient `json:"accuracy"`
}

// pairedLabels collects, per kind, unit → annotator → value, and the
// human/source rating pairs.
type pairedLabels struct {
	units      map[string]agree.Units
	vsSource   map[string][2][]string // annotator → (human, source)
	gold       map[string][2]int      // annotator → (items, correct)
	annotators map[string]bool
}

// Annotated is one trace with annotation events, as analytics reads it.
type Annotated struct {
	Seq     uint64
	ID      string
	Dataset string
	Steps   int
	// Events are the trace's annotation events in order, gold events
	// included.
	Events []stepwise.Annotation
	// Trace is the whole trace when the reader asked for it.
	Trace *stepwise.Trace
}

// Source is the store as analytics reads it.
type Source interface {
	// EachAnnotated visits the traces with annotation events of a dataset
	// ("" for all; a dataset includes its subsets), in import order, in one
	// read transaction; withTrace loads each trace whole.
	EachAnnotated(ctx context.Context, dataset string, withTrace bool, fn func(*Annotated) error) error
}

// Agreement computes the report over the annotated traces (it loads the
// bodies of annotated traces only).
func Agreement(ctx context.Context, src Source, opts AgreementOptions) (*AgreementReport, error) {
	p := pairedLabels{units: map[string]agree.Units{}, vsSource: map[string][2][]string{},
		gold: map[string][2]int{}, annotators: map[string]bool{}}
	for _, k := range []string{KindRating, KindHallucinated, KindErrorType, KindFirstError} {
		p.units[k] = agree.Units{}
	}
	err := src.EachAnnotated(ctx, opts.Dataset, true, func(at *Annotated) error {
		p.add(at, opts.GoldFrom)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return p.report()
}

func (p *pairedLabels) add(at *Annotated, goldFrom string) {
	n := at.Steps
	marks := stepwise.FoldAnnotations(dataEvents(at.Events), n)
	seq := strconv.FormatUint(at.Seq, 10)
	put := func(kind, unit, who, v string) {
		u := p.units[kind]
		if u[unit] == nil {
			u[unit] = map[string]string{}
		}
		u[unit][who] = v
	}
	for who, m := range marks {
		p.annotators[who] = true
		for i, sm := range m.Steps {
			if sm.Rating == stepwise.Unlabeled {
				continue
			}
			unit := seq + "/" + strconv.Itoa(i)
			put(KindRating, unit, who, sm.Rating.String())
			put(KindHallucinated, unit, who, strconv.FormatBool(sm.Hallucinated))
			if sm.Rating == stepwise.Bad {
				et := sm.ErrorType
				if et == "" {
					et = "(none)"
				}
				put(KindErrorType, unit, who, et)
			}
			if src := at.Trace.Steps[i].StepRating(); src != stepwise.Unlabeled {
				for _, w := range []string{who, ""} {
					pr := p.vsSource[w]
					pr[0], pr[1] = append(pr[0], sm.Rating.String()), append(pr[1], src.String())
					p.vsSource[w] = pr
				}
			}
		}
		if fe := m.EarliestBad(n); fe != nil {
			put(KindFirstError, seq, who, strconv.Itoa(*fe))
		}
	}
	p.addGold(at, marks, goldFrom)
}

// addGold scores each annotator's gold events on this trace against the
// gold answers: the dataset's step labels, or goldFrom's labels.
func (p *pairedLabels) addGold(at *Annotated, data map[string]*stepwise.TraceMarks, goldFrom string) {
	byWho := map[string][]stepwise.Annotation{}
	for _, e := range at.Events {
		if e.Gold {
			byWho[e.Annotator] = append(byWho[e.Annotator], e)
		}
	}
	for who, evs := range byWho {
		p.annotators[who] = true
		m := stepwise.FoldAnnotations(evs, at.Steps)[who]
		g := p.gold[who]
		for i, sm := range m.Steps {
			want := at.Trace.Steps[i].StepRating()
			if goldFrom != "" {
				want = stepwise.Unlabeled
				if ref := data[goldFrom]; ref != nil {
					want = ref.Rating(i)
				}
			}
			if want == stepwise.Unlabeled || sm.Rating == stepwise.Unlabeled {
				continue
			}
			g[0]++
			if sm.Rating == want {
				g[1]++
			}
		}
		p.gold[who] = g
	}
}

func (p *pairedLabels) report() (*AgreementReport, error) {
	r := &AgreementReport{Annotators: sortedNames(p.annotators)}
	for _, kind := range []string{KindRating, KindHallucinated, KindErrorType, KindFirstError} {
		units := p.units[kind]
		ka := KindAgreement{Kind: kind}
		var err error
		if ka.Alpha, err = agree.Alpha(units, agree.Nominal, nil); err != nil {
			return nil, err
		}
		if kind == KindRating {
			o, err := agree.Alpha(units, agree.Ordinal, ratingOrder)
			if err != nil {
				return nil, err
			}
			ka.AlphaOrdinal = &o
		}
		ka.Pairs = pairs(units, r.Annotators)
		r.Kinds = append(r.Kinds, ka)
	}
	for _, who := range sortedNames(keysOf(p.vsSource)) {
		pr := p.vsSource[who]
		r.HumanVsSource = append(r.HumanVsSource, SourceAgreement{Annotator: who, Kappa: agree.Kappa(pr[0], pr[1]),
			Observed: agree.Coefficient{Value: agree.PercentAgreement(pr[0], pr[1]), N: len(pr[0])}})
	}
	for _, who := range sortedNames(keysOf(p.gold)) {
		g := p.gold[who]
		acc := math.NaN()
		if g[0] > 0 {
			acc = float64(g[1]) / float64(g[0])
		}
		r.Gold = append(r.Gold, GoldAccuracy{Annotator: who, Items: g[0], Correct: g[1],
			Accuracy: agree.Coefficient{Value: acc, N: g[0]}})
	}
	return r, nil
}

// pairs computes κ for every pair of annotators over the units both labeled.
func pairs(units agree.Units, names []string) []PairAgreement {
	var out []PairAgreement
	keys := make([]string, 0, len(units))
	for k := range units {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for i, a := range names {
		for _, b := range names[i+1:] {
			var la, lb []string
			for _, k := range keys {
				va, okA := units[k][a]
				vb, okB := units[k][b]
				if okA && okB {
					la, lb = append(la, va), append(lb, vb)
				}
			}
			if len(la) == 0 {
				continue
			}
			out = append(out, PairAgreement{A: a, B: b, Kappa: agree.Kappa(la, lb),
				Observed: agree.Coefficient{Value: agree.PercentAgreement(la, lb), N: len(la)}})
		}
	}
	return out
}

func keysOf[V any](m map[string]V) map[string]bool {
	out := make(map[string]bool, len(m))
	for k := range m {
		out[k] = true
	}
	return out
}

func sortedNames(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// dataEvents drops the events made on hidden quality-control items: they
// measure the annotator, they are not labels of the data (PRM800K kept its
// QC answers out of the released labels the same way).
func dataEvents(evs []stepwise.Annotation) []stepwise.Annotation {
	out := evs[:0:0]
	for _, e := range evs {
		if !e.Gold {
			out = append(out, e)
		}
	}
	return out
}
