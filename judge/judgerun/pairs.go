package judgerun

// Candidate is a trace that may be paired: what pairing needs of a summary.
type Candidate struct {
	Seq     uint64
	ID      string
	Problem string
	// Correct is the trace's final-answer correctness, nil when unknown.
	Correct *bool
}

// Pair is two traces of one problem.
type Pair struct {
	A, B Candidate
	// Mixed means one is known correct and the other known wrong: the
	// judge's pick can be scored.
	Mixed bool
}

// MakePairs pairs traces of the same problem, each trace at most once.
// Within a problem, known-correct traces are paired with known-wrong ones
// first (in import order), because such a pair has a right answer; the
// traces left over, whatever their correctness, are then paired in import
// order, and an odd one out stays unpaired. The result lists every mixed
// pair first, problem by problem in order of first appearance, then the
// rest. Within a pair A is the earlier trace: the judge runs both
// presentation orders, so position carries no advantage.
func MakePairs(cs []Candidate) (pairs []Pair, unpaired int) {
	var order []string
	groups := map[string][]Candidate{}
	for _, c := range cs {
		if _, ok := groups[c.Problem]; !ok {
			order = append(order, c.Problem)
		}
		groups[c.Problem] = append(groups[c.Problem], c)
	}
	var mixed, rest []Pair
	for _, prob := range order {
		g := groups[prob]
		var right, wrong []int
		for i, c := range g {
			switch {
			case c.Correct == nil:
			case *c.Correct:
				right = append(right, i)
			default:
				wrong = append(wrong, i)
			}
		}
		used := make([]bool, len(g))
		for k := 0; k < min(len(right), len(wrong)); k++ {
			i, j := min(right[k], wrong[k]), max(right[k], wrong[k])
			used[i], used[j] = true, true
			mixed = append(mixed, Pair{A: g[i], B: g[j], Mixed: true})
		}
		pending := -1
		for i := range g {
			if used[i] {
				continue
			}
			if pending < 0 {
				pending = i
				continue
			}
			rest = append(rest, Pair{A: g[pending], B: g[i]})
			pending = -1
		}
		if pending >= 0 {
			unpaired++
		}
	}
	return append(mixed, rest...), unpaired
}
