package triage

import (
	"container/heap"
	"context"
	"encoding/binary"
	"hash/fnv"
	"maps"
	"math"
	"slices"
	"sort"

	"github.com/stepwise-dev/stepwise"
	"github.com/stepwise-dev/stepwise/judge/offline"
	"github.com/stepwise-dev/stepwise/store"
)

// Item is one step of the queue.
type Item struct {
	TraceID string
	Seq     uint64
	Step    int
	Score   float64
	Reasons []string
	// Gold marks a hidden quality-control item: a step whose answer is
	// known (the dataset's label, or the adjudicator's: Options.GoldFrom). The workbench must not reveal it —
	// hide the source labels while it is on screen — and must record the
	// annotator's events on it with Annotation.Gold set, so that they
	// score the annotator (store.Agreement) and stay out of exports.
	Gold bool
}

// Options shape a queue.
type Options struct {
	Filter store.Filter
	// Annotator: steps this annotator labeled are left out; "" leaves out
	// steps anyone labeled.
	Annotator string
	// Limit is the number of suspicious steps (default 500).
	Limit int
	// GoldRate is the share of gold items in the queue (0: none; 0.05 is
	// one in twenty).
	GoldRate float64
	// GoldFrom names the adjudicator whose step ratings are the gold
	// answers; "" takes the dataset's own labels. The adjudicator's own
	// queue gets no gold item (they would be scored against themselves).
	GoldFrom string
	// Seed makes the gold sample reproducible per annotator and session.
	Seed uint64
	// NoArithmetic skips checking arithmetic claims the verifier has not
	// stored results for.
	NoArithmetic bool
}

// Build reads the evidence of every trace matching the filter (one pass,
// one read transaction) and returns the queue: the Limit most suspicious
// unlabeled steps, most suspicious first, with gold items mixed in.
func Build(ctx context.Context, db *store.DB, opts Options) ([]Item, error) {
	if opts.Limit <= 0 {
		opts.Limit = 500
	}
	q := &builder{opts: opts, checker: offline.VerifyChecker{}, gold: map[int64]*goldHeap{}}
	q.goldK = int(math.Ceil(float64(opts.Limit) * opts.GoldRate))
	if opts.GoldFrom != "" && opts.GoldFrom == opts.Annotator {
		q.goldK = 0
	}
	err := db.EachEvidence(ctx, opts.Filter, func(ev *store.TraceEvidence) error {
		return q.trace(ctx, ev)
	})
	if err != nil {
		return nil, err
	}
	return q.result(), nil
}

type builder struct {
	opts    Options
	checker offline.VerifyChecker
	top     itemHeap // min-heap by score: the weakest of the best on top
	// gold holds gold candidates by score band (the score rounded to
	// hundredths), each band a max-heap by hash whose k smallest hashes are
	// a uniform sample of the band.
	gold  map[int64]*goldHeap
	goldK int
}

func (q *builder) trace(ctx context.Context, ev *store.TraceEvidence) error {
	t := ev.Trace
	labeled := humanLabeled(ev.Events, q.opts.Annotator, len(t.Steps))
	gold := q.goldAnswers(ev)
	checks := ev.CheckMap()
	var findings []float64
	if ev.Findings != nil {
		findings = ev.Findings.StepScores(len(t.Steps))
	}
	for i := range t.Steps {
		if labeled[i] {
			continue
		}
		e := q.evidence(ctx, t, i, checks[i], findings)
		e.JudgeFlag, e.JudgeClears = judgeOn(ev.Judgement, i)
		e.PRMLow, e.PRMName = prmLow(ev.PRM, i)
		s := ScoreStep(e)
		it := Item{TraceID: t.ID, Seq: ev.Seq, Step: i, Score: s.Value, Reasons: s.Reasons}
		if gold[i] != stepwise.Unlabeled && q.goldK > 0 {
			// A gold item is scored as the annotator will see it: with
			// its dataset label hidden (the queue hides every item's).
			hidden := e
			hidden.Source = stepwise.Unlabeled
			hs := ScoreStep(hidden)
			q.offerGold(Item{TraceID: t.ID, Seq: ev.Seq, Step: i, Score: hs.Value, Reasons: hs.Reasons})
		}
		if s.Value <= wNoSource {
			continue // nothing but the absence of a label: not suspicious
		}
		if q.top.Len() < q.opts.Limit {
			heap.Push(&q.top, it)
		} else if better(it, q.top[0]) {
			q.top[0] = it
			heap.Fix(&q.top, 0)
		}
	}
	return nil
}

func (q *builder) evidence(ctx context.Context, t *stepwise.Trace, i int, checked []stepwise.Formalization, findings []float64) Evidence {
	st := &t.Steps[i]
	e := Evidence{Source: st.StepRating(), AnswerWrong: t.Correct != nil && !*t.Correct}
	for _, f := range st.Formalizations {
		status := f.Status
		if status == stepwise.StatusStored {
			if s, ok := stepwise.SafeState(f.StoredState); ok {
				status = s
			}
		}
		e.Proofs = append(e.Proofs, status)
	}
	arith := checked
	if len(checked) == 0 && !q.opts.NoArithmetic {
		arith, _ = q.checker.CheckStep(ctx, t, i)
	}
	for _, f := range arith {
		if f.Origin != stepwise.FormalRule {
			e.Proofs = append(e.Proofs, f.Status) // an LLM's statement: a formal proof attempt
			continue
		}
		// A rule-extracted claim is arithmetic: it counts once, as such,
		// not also as a disproved formal statement.
		switch f.Status {
		case stepwise.StatusDisproved:
			e.ArithChecked++
			e.ArithWrong++
		case stepwise.StatusProved:
			e.ArithChecked++
		default:
			e.Proofs = append(e.Proofs, f.Status)
		}
	}
	if i < len(findings) {
		e.Finding = findings[i]
	}
	return e
}

// prmLow is the lowest PRM score of step i below PRMThreshold, with the
// PRM's name ("" when none scored it that low).
func prmLow(ps []store.PRMScores, i int) (float64, string) {
	low, name := PRMThreshold, ""
	for _, p := range ps {
		if i < len(p.Steps) && p.Steps[i] != store.NoScore && p.Steps[i] < low {
			low, name = p.Steps[i], p.Model
		}
	}
	return low, name
}

// judgeOn reads a judge run's word on step i: flagged (a step flag, or
// the first error it names), or cleared (before its first error, or in a
// trace it finds no error in, and not flagged).
func judgeOn(h *store.RunHead, i int) (flagged, cleared bool) {
	if h == nil {
		return false, false
	}
	for _, f := range h.StepFlags {
		if f.Step == i {
			return true, false
		}
	}
	if fe := h.FirstError; fe != nil {
		return *fe == i, *fe == -1 || i < *fe
	}
	return false, false
}

// humanLabeled marks the steps that already carry a human label (by the
// annotator, or by anyone when annotator is "").
// goldAnswers are the trace's gold answers per step (Unlabeled: none):
// the dataset's labels, or the adjudicator's current ratings, gold events
// left out (an adjudicator's answer on a hidden item is not a gold answer).
func (q *builder) goldAnswers(ev *store.TraceEvidence) []stepwise.Rating {
	out := make([]stepwise.Rating, len(ev.Trace.Steps))
	if q.opts.GoldFrom == "" {
		for i := range ev.Trace.Steps {
			out[i] = ev.Trace.Steps[i].StepRating()
		}
		return out
	}
	var theirs []stepwise.Annotation
	for _, e := range ev.Events {
		if e.Annotator == q.opts.GoldFrom && !e.Gold {
			theirs = append(theirs, e.Annotation)
		}
	}
	if m := stepwise.FoldAnnotations(theirs, len(out))[q.opts.GoldFrom]; m != nil {
		for i := range out {
			out[i] = m.Rating(i)
		}
	}
	return out
}

func humanLabeled(evs []store.Event, annotator string, n int) []bool {
	out := make([]bool, n)
	if len(evs) == 0 {
		return out
	}
	anns := make([]stepwise.Annotation, 0, len(evs))
	for _, e := range evs {
		if annotator == "" || e.Annotator == annotator {
			anns = append(anns, e.Annotation)
		}
	}
	for _, m := range stepwise.FoldAnnotations(anns, n) {
		for i, sm := range m.Steps {
			if i < n && sm.Rating != stepwise.Unlabeled {
				out[i] = true
			}
		}
	}
	return out
}

func (q *builder) offerGold(it Item) {
	h := fnv.New64a()
	var b [20]byte
	binary.BigEndian.PutUint64(b[:], q.opts.Seed)
	binary.BigEndian.PutUint64(b[8:], it.Seq)
	binary.BigEndian.PutUint32(b[16:], uint32(it.Step))
	h.Write(b[:])
	g := goldItem{Item: it, hash: h.Sum64()}
	band := q.gold[scoreBand(it.Score)]
	if band == nil {
		band = &goldHeap{}
		q.gold[scoreBand(it.Score)] = band
	}
	if band.Len() < q.goldK {
		heap.Push(band, g)
	} else if g.hash < (*band)[0].hash {
		(*band)[0] = g
		heap.Fix(band, 0)
	}
}

func scoreBand(s float64) int64 { return int64(math.Round(s * 100)) }

// result sorts the queue and places gold items in it: one after every
// so many regular items, each a candidate whose score (its dataset label
// hidden) lies between the scores of the items around it, so that neither
// its score nor its place tells it apart. A place no candidate fits gets
// none.
func (q *builder) result() []Item {
	items := make([]Item, 0, len(q.top))
	for _, it := range q.top {
		items = append(items, it)
	}
	sort.Slice(items, func(i, j int) bool { return better(items[i], items[j]) })
	if q.goldK == 0 || len(q.gold) == 0 {
		return items
	}
	bands := slices.Sorted(maps.Keys(q.gold))
	taken := map[[2]uint64]bool{}
	for _, it := range items {
		taken[[2]uint64{it.Seq, uint64(it.Step)}] = true
	}
	// pick takes the candidate with the smallest hash whose score is in
	// [lo, hi] and that is not in the queue already.
	pick := func(lo, hi float64) (Item, bool) {
		best, found := goldItem{}, false
		for _, k := range bands[sort.Search(len(bands), func(i int) bool { return bands[i] >= scoreBand(lo) }):] {
			if k > scoreBand(hi) {
				break
			}
			for _, g := range *q.gold[k] {
				if g.Score < lo || g.Score > hi || taken[[2]uint64{g.Seq, uint64(g.Step)}] {
					continue
				}
				if !found || g.hash < best.hash {
					best, found = g, true
				}
			}
		}
		return best.Item, found
	}
	every := max(1, int(math.Round(1/q.opts.GoldRate))-1) // regular items between gold ones
	out := make([]Item, 0, len(items)+q.goldK)
	placed := 0
	for i, it := range items {
		out = append(out, it)
		if (i+1)%every != 0 || i+1 >= len(items) || placed >= q.goldK {
			continue
		}
		if g, ok := pick(items[i+1].Score, it.Score); ok {
			g.Gold = true
			taken[[2]uint64{g.Seq, uint64(g.Step)}] = true
			out = append(out, g)
			placed++
		}
	}
	return out
}

// better orders items: higher score, then earlier trace, then earlier step.
func better(a, b Item) bool {
	if a.Score != b.Score {
		return a.Score > b.Score
	}
	if a.Seq != b.Seq {
		return a.Seq < b.Seq
	}
	return a.Step < b.Step
}

type itemHeap []Item

func (h itemHeap) Len() int           { return len(h) }
func (h itemHeap) Less(i, j int) bool { return better(h[j], h[i]) }
func (h itemHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *itemHeap) Push(x any)        { *h = append(*h, x.(Item)) }
func (h *itemHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

type goldItem struct {
	Item
	hash uint64
}

type goldHeap []goldItem

func (h goldHeap) Len() int           { return len(h) }
func (h goldHeap) Less(i, j int) bool { return h[i].hash > h[j].hash }
func (h goldHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *goldHeap) Push(x any)        { *h = append(*h, x.(goldItem)) }
func (h *goldHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}
