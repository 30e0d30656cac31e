// Package analytics answers dataset questions over the stored traces: per
// problem, the sampled accuracy, pass@k and the majority answer, and a
// difficulty bucket (DAST buckets problems this way); per model, accuracy,
// tokens and cost (Agentic ROI). Reference and gold solutions are not
// samples: a trace whose model is "reference" (the codecs' name for a
// dataset's own solution) is left out of every count.
package analytics

import (
	"context"
	"math"
	"runtime"
	"sort"
	"sync"
	"sync/atomic"

	"github.com/stepwise-dev/stepwise"
	"github.com/stepwise-dev/stepwise/store"
	"github.com/stepwise-dev/stepwise/verify/answer"
)

// Reference is the model name the codecs give a dataset's own solution.
const Reference = stepwise.ReferenceModel

// IsSample reports whether a trace by this model is a sample: a dataset's
// own (reference, gold) solution is not, and counts in no statistic. Every
// view that counts samples asks here, so they agree.
func IsSample(model string) bool { return model != Reference }

// Buckets are the difficulty thresholds on sampled accuracy a: easy when
// a ≥ Easy, hard when 0 < a ≤ Hard, unsolved when a = 0, medium between.
type Buckets struct {
	Easy float64 `toml:"easy" json:"easy"`
	Hard float64 `toml:"hard" json:"hard"`
}

// DefaultBuckets are 0.7 and 0.3.
var DefaultBuckets = Buckets{Easy: 0.7, Hard: 0.3}

// Bucket names the difficulty of a sampled accuracy ("unknown" when no
// sample was graded).
func (b Buckets) Bucket(acc *float64) string {
	switch {
	case acc == nil:
		return "unknown"
	case *acc >= b.Easy:
		return "easy"
	case *acc == 0:
		return "unsolved"
	case *acc <= b.Hard:
		return "hard"
	}
	return "medium"
}

// Range is the accuracy range of a bucket, for the store's filter (a
// "difficulty:hard" filter is "accuracy in (0, Hard]"); false for a name
// that is no bucket.
func (b Buckets) Range(bucket string) (*store.AccuracyRange, bool) {
	r, ok := b.rangeOf(bucket)
	if ok {
		r.Bucket = bucket
	}
	return r, ok
}

func (b Buckets) rangeOf(bucket string) (*store.AccuracyRange, bool) {
	switch bucket {
	case "easy":
		return &store.AccuracyRange{Lo: b.Easy, Hi: 1}, true
	case "medium":
		return &store.AccuracyRange{Lo: b.Hard, Hi: b.Easy, LoOpen: true, HiOpen: true}, true
	case "hard":
		if b.Hard >= b.Easy { // Bucket says easy first
			return &store.AccuracyRange{Lo: 0, Hi: b.Easy, LoOpen: true, HiOpen: true}, true
		}
		return &store.AccuracyRange{Lo: 0, Hi: b.Hard, LoOpen: true}, true
	case "unsolved":
		return &store.AccuracyRange{}, true
	case "unknown":
		return &store.AccuracyRange{Ungraded: true}, true
	}
	return nil, false
}

// ModelCount is one model's samples of a problem.
type ModelCount struct {
	Samples  int      `json:"samples"`
	Graded   int      `json:"graded"`
	Correct  int      `json:"correct"`
	Accuracy *float64 `json:"accuracy"`
	// Difficulty is the problem's bucket for this model (its own sampled
	// accuracy); MajAt its maj@k over its own samples (see Problem.MajAt;
	// empty where not computed).
	Difficulty string          `json:"difficulty"`
	MajAt      map[int]float64 `json:"maj_at,omitempty"`
}

// Problem is one problem's statistics over its samples.
type Problem struct {
	ProblemID string `json:"problem_id"`
	Dataset   string `json:"dataset"`
	Samples   int    `json:"samples"`
	// Graded counts the samples whose correctness is known; Correct the
	// right ones; Accuracy is Correct/Graded (null when none is graded).
	Graded   int      `json:"graded"`
	Correct  int      `json:"correct"`
	Accuracy *float64 `json:"accuracy"`
	// PassAt is the unbiased estimate of pass@k, 1 − C(n−c, k)/C(n, k),
	// for k = 1, 2, 4, ... and n = Graded (reportedK).
	PassAt map[int]float64 `json:"pass_at"`
	// DistinctAnswers counts the clusters of equivalent final answers;
	// MajorityAnswer is the largest one's (ties: the first seen), and
	// MajorityCorrect whether its samples are right (maj@n);
	// MajoritySize counts its samples, MajorityTied is set when another
	// cluster is as large (no answer leads the vote).
	DistinctAnswers int    `json:"distinct_answers"`
	MajorityAnswer  string `json:"majority_answer"`
	MajorityCorrect *bool  `json:"majority_correct"`
	MajoritySize    int    `json:"majority_size"`
	MajorityTied    bool   `json:"majority_tied"`
	// MajAt is maj@k (MajAtK) for k = 1, 2, 4, ... and the number of
	// samples, when every answer cluster is graded and there are at most
	// majAtMaxSamples (empty otherwise).
	MajAt      map[int]float64       `json:"maj_at"`
	Difficulty string                `json:"difficulty"`
	ByModel    map[string]ModelCount `json:"by_model"`
}

// sample is what a problem's statistics need of one trace.
type sample struct {
	model, answer string
	correct       *bool
}

// Problems computes every problem's statistics over the traces the
// filter selects, from their summaries (no trace text is read).
func Problems(ctx context.Context, db *store.DB, f store.Filter, b Buckets) ([]Problem, error) {
	type group struct {
		id, dataset string
		samples     []sample
	}
	index := map[string]int{} // problem id → position in groups
	var groups []group
	last := -1 // a problem's samples often come together: no lookup then
	err := db.List(f, func(s store.Summary) error {
		if !IsSample(s.Model) {
			return nil
		}
		if last < 0 || groups[last].id != s.ProblemID {
			i, ok := index[s.ProblemID]
			if !ok {
				i = len(groups)
				index[s.ProblemID] = i
				groups = append(groups, group{id: s.ProblemID, dataset: s.Dataset})
			}
			last = i
		}
		groups[last].samples = append(groups[last].samples, sample{s.Model, s.FinalAnswer, s.Correct})
		return ctx.Err()
	})
	if err != nil {
		return nil, err
	}
	out := make([]Problem, len(groups))
	// The problems are independent: one worker per core, each with its
	// own voter (the answer grader's comparisons are most of the work).
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(groups)) {
		wg.Go(func() {
			v := newVoter()
			for i := int(next.Add(1) - 1); i < len(groups) && ctx.Err() == nil; i = int(next.Add(1) - 1) {
				g := &groups[i]
				out[i] = problemOf(g.id, g.dataset, g.samples, b, v)
			}
		})
	}
	wg.Wait()
	return out, ctx.Err()
}

// ProblemOf computes the statistics of one problem from its traces'
// summaries (as a view that already listed them has them); reference
// solutions are left out as in Problems.
func ProblemOf(sums []store.Summary, b Buckets) Problem {
	var ss []sample
	id, dataset := "", ""
	for _, s := range sums {
		if id == "" {
			id, dataset = s.ProblemID, s.Dataset
		}
		if IsSample(s.Model) {
			ss = append(ss, sample{s.Model, s.FinalAnswer, s.Correct})
		}
	}
	return problemOf(id, dataset, ss, b, newVoter())
}

func problemOf(id, dataset string, ss []sample, b Buckets, v *voter) Problem {
	p := Problem{ProblemID: id, Dataset: dataset, Samples: len(ss), ByModel: map[string]ModelCount{}, PassAt: map[int]float64{}}
	for _, s := range ss {
		m := p.ByModel[s.model]
		m.Samples++
		if s.correct != nil {
			p.Graded++
			m.Graded++
			if *s.correct {
				p.Correct++
				m.Correct++
			}
		}
		p.ByModel[s.model] = m
	}
	for name, m := range p.ByModel {
		m.Accuracy = ratio(m.Correct, m.Graded)
		m.Difficulty = b.Bucket(m.Accuracy)
		p.ByModel[name] = m
	}
	p.Accuracy = ratio(p.Correct, p.Graded)
	for _, k := range reportedK(p.Graded) {
		p.PassAt[k] = PassAtK(p.Graded, p.Correct, k)
	}
	p.Difficulty = b.Bucket(p.Accuracy)
	majority(&p, ss, v)
	return p
}

// reportedK are the k pass@k and maj@k are given for out of n samples:
// the powers of two below n, and n — what papers plot, without a million
// numbers for a store of many-sample problems.
func reportedK(n int) []int {
	var ks []int
	for k := 1; k < n; k *= 2 {
		ks = append(ks, k)
	}
	if n > 0 {
		ks = append(ks, n)
	}
	return ks
}

func ratio(n, d int) *float64 {
	if d == 0 {
		return nil
	}
	r := float64(n) / float64(d)
	return &r
}

// PassAtK is the unbiased estimator of pass@k from n samples of which c
// are right (Chen et al., 2021): 1 − C(n−c, k)/C(n, k), computed as a
// product so that large n does not overflow.
func PassAtK(n, c, k int) float64 {
	if k > n || k <= 0 {
		return math.NaN()
	}
	if n-c < k {
		return 1
	}
	prod := 1.0
	for i := n - c + 1; i <= n; i++ {
		prod *= 1 - float64(k)/float64(i)
	}
	return 1 - prod
}

// modelMajAt computes each model's maj@k over its own samples, from the
// clusters of every sample's answers (no answer compared again), in one
// pass over the samples.
func modelMajAt(p *Problem, v *voter, cs []*answerCluster, homeOf map[string]*answerCluster, ss []sample) {
	type votes struct {
		size  map[*answerCluster]int
		blank []sample // its samples without an answer
	}
	by := make(map[string]*votes, len(p.ByModel))
	for _, s := range ss {
		mv := by[s.model]
		if mv == nil {
			mv = &votes{size: map[*answerCluster]int{}}
			by[s.model] = mv
		}
		if s.answer == "" {
			mv.blank = append(mv.blank, s)
		} else {
			mv.size[homeOf[s.answer]]++
		}
	}
	for name, mv := range by {
		if mk := majAt(v, cs, mv.size, mv.blank); len(mk) > 0 {
			m := p.ByModel[name]
			m.MajAt = mk
			p.ByModel[name] = m
		}
	}
}

// answerCluster is a set of equivalent final answers and their samples.
type answerCluster struct {
	answer  string
	n       int
	correct *bool
}

// majAtMaxSamples bounds the samples maj@k is computed for: its cost grows
// with the cube of k.
const majAtMaxSamples = 64

// majAt computes maj@k for k = 1, 2, 4, ... and n over the samples ss:
// the answer clusters vote with size[c] of them each, and a sample without
// an answer is a cluster of its own (it agrees with nothing), so maj@1 is
// the accuracy. Empty when any voting cluster is ungraded.
func majAt(v *voter, cs []*answerCluster, size map[*answerCluster]int, ss []sample) map[int]float64 {
	var sizes []int
	var right []bool
	add := func(n int, c *bool) bool {
		if c == nil {
			return false
		}
		sizes, right = append(sizes, n), append(right, *c)
		return true
	}
	for _, c := range cs {
		if n := size[c]; n > 0 && !add(n, c.correct) {
			return map[int]float64{}
		}
	}
	for _, s := range ss {
		if s.answer == "" && !add(1, s.correct) {
			return map[int]float64{}
		}
	}
	return v.votes(sizes, right)
}

// majority clusters the samples' final answers by the answer grader's
// equivalence and takes the largest cluster. Equal strings are counted
// first, so the grader compares only the distinct answers.
func majority(p *Problem, ss []sample, v *voter) {
	type tally struct {
		n       int
		correct *bool
	}
	distinct := map[string]*tally{}
	var order []string
	for _, s := range ss {
		if s.answer == "" {
			continue
		}
		t := distinct[s.answer]
		if t == nil {
			t = &tally{}
			distinct[s.answer] = t
			order = append(order, s.answer)
		}
		t.n++
		if t.correct == nil && s.correct != nil {
			v := *s.correct
			t.correct = &v
		}
	}
	var cs []*answerCluster
	homeOf := map[string]*answerCluster{}
	for _, a := range order {
		t := distinct[a]
		var home *answerCluster
		for _, c := range cs {
			if answer.Compare(a, c.answer, answer.Options{}).Outcome == answer.Equal {
				home = c
				break
			}
		}
		if home == nil {
			home = &answerCluster{answer: a}
			cs = append(cs, home)
		}
		home.n += t.n
		if home.correct == nil {
			home.correct = t.correct
		}
		homeOf[a] = home
	}
	p.DistinctAnswers = len(cs)
	all := map[*answerCluster]int{}
	for _, c := range cs {
		all[c] = c.n
	}
	p.MajAt = majAt(v, cs, all, ss)
	modelMajAt(p, v, cs, homeOf, ss)
	sort.SliceStable(cs, func(i, j int) bool { return cs[i].n > cs[j].n })
	if len(cs) > 0 {
		p.MajorityAnswer, p.MajorityCorrect, p.MajoritySize = cs[0].answer, cs[0].correct, cs[0].n
		p.MajorityTied = len(cs) > 1 && cs[1].n == cs[0].n
	}
}
