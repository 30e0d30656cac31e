package store

import (
	"bytes"
	"fmt"
	"slices"
	"strconv"
	"strings"

	bolt "go.etcd.io/bbolt"

	"github.com/stepwise-dev/stepwise"
	"github.com/stepwise-dev/stepwise/store/internal/postings"
	"github.com/stepwise-dev/stepwise/store/internal/schema"
)

// A problem's sampled accuracy is the share of right final answers among
// its graded samples: the traces the rest of a filter selects whose
// correctness is known, reference solutions left out (they are not
// samples). It is computed from postings — the problem, correct and model
// fields — so a filter or a sort by it never decodes a summary.

// AccuracyRange selects traces by their problem's sampled accuracy: from
// Lo to Hi, each end open or closed; or, with Ungraded, the problems no
// selected sample of which is graded.
type AccuracyRange struct {
	Lo, Hi         float64
	LoOpen, HiOpen bool
	Ungraded       bool
	// Bucket names the difficulty bucket the range stands for ("hard"),
	// for showing the filter as the user wrote it; the store ignores it.
	Bucket string
}

// Has reports whether a problem with correct right answers of graded is in
// the range.
func (r *AccuracyRange) Has(correct, graded int) bool {
	if graded == 0 {
		return r.Ungraded
	}
	if r.Ungraded {
		return false
	}
	a := float64(correct) / float64(graded)
	return (a > r.Lo || !r.LoOpen && a == r.Lo) && (a < r.Hi || !r.HiOpen && a == r.Hi)
}

// String writes the range as an interval ParseAccuracy reads back.
func (r *AccuracyRange) String() string {
	if r.Ungraded {
		return "ungraded"
	}
	lb, rb := "[", "]"
	if r.LoOpen {
		lb = "("
	}
	if r.HiOpen {
		rb = ")"
	}
	return fmt.Sprintf("%s%g,%g%s", lb, r.Lo, r.Hi, rb)
}

// problemGroup is one problem's selected traces and their tally.
type problemGroup struct {
	seqs            []uint64
	graded, correct int
}

// eachProblem calls fn with every problem's traces among members (nil:
// every trace), problem by problem in id order.
func eachProblem(tx *bolt.Tx, members postings.Bitset, fn func(g *problemGroup) error) error {
	post := tx.Bucket(schema.Postings)
	max := tx.Bucket(schema.Traces).Sequence()
	right := postings.Collect(fieldIter(tx, FieldCorrect, "true"), max)
	wrong := postings.Collect(fieldIter(tx, FieldCorrect, "false"), max)
	ref := postings.Collect(fieldIter(tx, FieldModel, stepwise.ReferenceModel), max)
	var g problemGroup
	var current []byte
	flush := func() error {
		if len(g.seqs) == 0 {
			return nil
		}
		err := fn(&g)
		g = problemGroup{seqs: g.seqs[:0]}
		return err
	}
	err := postings.EachFieldSeq(post, FieldProblem, func(value []byte, seq uint64) error {
		if !bytes.Equal(value, current) {
			if err := flush(); err != nil {
				return err
			}
			current = append(current[:0], value...)
		}
		if members != nil && !members.Has(seq) {
			return nil
		}
		g.seqs = append(g.seqs, seq)
		// Traces without a problem id share no problem: never graded.
		if len(current) > 0 && !ref.Has(seq) {
			switch {
			case right.Has(seq):
				g.graded++
				g.correct++
			case wrong.Has(seq):
				g.graded++
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	return flush()
}

// accuracyIter yields the traces of f's other parts whose problem's
// sampled accuracy is in f.Accuracy.
func accuracyIter(tx *bolt.Tx, f Filter) (postings.Iter, error) {
	r := f.Accuracy
	f.Accuracy = nil
	var members postings.Bitset
	if !f.isEmpty() {
		set, err := memberSet(tx, f)
		if err != nil {
			return nil, err
		}
		members = set
	}
	out := make(postings.Bitset, tx.Bucket(schema.Traces).Sequence()/64+1)
	err := eachProblem(tx, members, func(g *problemGroup) error {
		if r.Has(g.correct, g.graded) {
			for _, s := range g.seqs {
				out[s/64] |= 1 << (s % 64)
			}
		}
		return nil
	})
	return out.Iter(), err
}

// byAccuracy orders the traces f selects by their problem's sampled
// accuracy, hardest first, a problem's traces together in import order;
// problems with no graded sample come in rest.
func byAccuracy(tx *bolt.Tx, f Filter) (known []uint64, rest []uint64, err error) {
	var members postings.Bitset
	if !f.isEmpty() {
		if members, err = memberSet(tx, f); err != nil {
			return nil, nil, err
		}
	}
	type ranked struct {
		acc  float64
		seqs []uint64
	}
	var rs []ranked
	err = eachProblem(tx, members, func(g *problemGroup) error {
		if g.graded == 0 {
			rest = append(rest, g.seqs...)
		} else {
			rs = append(rs, ranked{float64(g.correct) / float64(g.graded), slices.Clone(g.seqs)})
		}
		return nil
	})
	slices.SortStableFunc(rs, func(a, b ranked) int {
		switch {
		case a.acc < b.acc:
			return -1
		case a.acc > b.acc:
			return 1
		}
		return 0
	})
	for _, r := range rs {
		known = append(known, r.seqs...)
	}
	slices.Sort(rest)
	return known, rest, err
}

// ParseAccuracy reads an accuracy range: ">0.5", ">=0.5", "<0.3",
// "<=0.3", "0.3..0.7" (closed), "0" or "1", an interval such as
// "(0.3,0.7]", or "ungraded".
func ParseAccuracy(expr string) (*AccuracyRange, error) {
	bad := func(why string) (*AccuracyRange, error) {
		return nil, fmt.Errorf("accuracy %q: %s (write >A, >=A, <A, <=A, A..B, A or ungraded, with A and B in [0, 1])", expr, why)
	}
	if expr == "ungraded" {
		return &AccuracyRange{Ungraded: true}, nil
	}
	num := func(s string) (float64, bool) {
		v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
		return v, err == nil && v >= 0 && v <= 1
	}
	r := &AccuracyRange{Lo: 0, Hi: 1}
	var v float64
	ok := true
	switch {
	case len(expr) > 2 && strings.ContainsAny(expr[:1], "([") && strings.ContainsAny(expr[len(expr)-1:], ")]"):
		a, b, comma := strings.Cut(expr[1:len(expr)-1], ",")
		var ok2 bool
		r.Lo, ok = num(a)
		r.Hi, ok2 = num(b)
		ok = ok && ok2 && comma
		r.LoOpen, r.HiOpen = expr[0] == '(', expr[len(expr)-1] == ')'
	case strings.HasPrefix(expr, ">="):
		r.Lo, ok = num(expr[2:])
	case strings.HasPrefix(expr, ">"):
		r.Lo, ok = num(expr[1:])
		r.LoOpen = true
	case strings.HasPrefix(expr, "<="):
		r.Hi, ok = num(expr[2:])
	case strings.HasPrefix(expr, "<"):
		r.Hi, ok = num(expr[1:])
		r.HiOpen = true
	case strings.Contains(expr, ".."):
		a, b, _ := strings.Cut(expr, "..")
		var ok2 bool
		r.Lo, ok = num(a)
		r.Hi, ok2 = num(b)
		ok = ok && ok2
	default:
		v, ok = num(expr)
		r.Lo, r.Hi = v, v
	}
	if !ok {
		return bad("not a number in [0, 1]")
	}
	if r.Lo > r.Hi || r.Lo == r.Hi && (r.LoOpen || r.HiOpen) {
		return bad("an empty range")
	}
	return r, nil
}
