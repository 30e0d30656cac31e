package export

import (
	"fmt"

	"github.com/stepwise-dev/stepwise"
)

// Resolve says which annotator's label a step gets in an export when
// several labeled it.
type Resolve string

// Resolution rules.
const (
	// ResolveLatest: the latest current label wins, so an adjudicator who
	// labels after the others settles a disagreement (the default).
	ResolveLatest Resolve = "latest"
	// ResolveMajority: the rating most annotators gave wins (hallucinated
	// and error type from the latest of them); a tie goes to the rating
	// labeled latest. The usual rule for independent annotators.
	ResolveMajority Resolve = "majority"
)

// ParseResolve checks a rule name ("" is the default).
func ParseResolve(s string) (Resolve, error) {
	switch Resolve(s) {
	case "", ResolveLatest:
		return ResolveLatest, nil
	case ResolveMajority:
		return ResolveMajority, nil
	}
	return "", fmt.Errorf("unknown label resolution %q (latest or majority)", s)
}

// namedMark is one annotator's current label of a step.
type namedMark struct {
	name string
	mark stepwise.StepMark
}

// pick chooses the label of a step among the annotators' marks (at least
// one, none unlabeled).
func (r Resolve) pick(ms []namedMark) namedMark {
	best := ms[0]
	for _, m := range ms[1:] {
		if later(m.mark, best.mark) {
			best = m
		}
	}
	if r != ResolveMajority {
		return best
	}
	votes := map[stepwise.Rating]int{}
	latest := map[stepwise.Rating]namedMark{}
	for _, m := range ms {
		votes[m.mark.Rating]++
		if l, ok := latest[m.mark.Rating]; !ok || later(m.mark, l.mark) {
			latest[m.mark.Rating] = m
		}
	}
	for rating, n := range votes {
		w := latest[rating]
		if n > votes[best.mark.Rating] || n == votes[best.mark.Rating] && later(w.mark, best.mark) {
			best = w
		}
	}
	return best
}
