package analytics

import (
	"fmt"
	"math"
)

// Pair is a paired comparison of two models on the problems both
// attempted: each problem counts once, whatever the number of samples, so
// a model is not favoured for having sampled one problem more often.
type Pair struct {
	A, B string `json:"-"`
	// Problems counts the problems on which both models have a graded
	// sample; the rest of the fields count among them.
	Problems int `json:"problems"`
	// Wins, Losses and Ties compare the two per-problem accuracies (the
	// share of a model's graded samples that are right): A above B is a
	// win for A.
	Wins   int `json:"wins"`
	Losses int `json:"losses"`
	Ties   int `json:"ties"`
	// OnlyA and OnlyB are McNemar's discordant pairs: problems one model
	// solves (more than half of its graded samples right) and the other
	// does not. BothSolved and NeitherSolved are the concordant ones.
	OnlyA         int `json:"only_a"`
	OnlyB         int `json:"only_b"`
	BothSolved    int `json:"both_solved"`
	NeitherSolved int `json:"neither_solved"`
	// AccuracyA and AccuracyB are the mean per-problem accuracies over the
	// shared problems (nil when there are none).
	AccuracyA *float64 `json:"accuracy_a"`
	AccuracyB *float64 `json:"accuracy_b"`
	// PValue is McNemar's exact two-sided test of "both models solve as
	// many problems": the binomial probability, under p = ½, of a split of
	// the discordant problems at least as uneven as the one seen. 1 when
	// there is no discordant problem.
	PValue float64 `json:"p_value"`
}

// ComparePair compares models a and b over per-problem statistics (the
// output of Problems). It fails when a and b are the same name.
func ComparePair(ps []Problem, a, b string) (Pair, error) {
	if a == b {
		return Pair{}, fmt.Errorf("compare %q with itself: name two different models", a)
	}
	pr := Pair{A: a, B: b}
	var sumA, sumB float64
	for _, p := range ps {
		ma, okA := p.ByModel[a]
		mb, okB := p.ByModel[b]
		if !okA || !okB || ma.Accuracy == nil || mb.Accuracy == nil {
			continue
		}
		pr.Problems++
		accA, accB := *ma.Accuracy, *mb.Accuracy
		sumA += accA
		sumB += accB
		switch {
		case accA > accB:
			pr.Wins++
		case accA < accB:
			pr.Losses++
		default:
			pr.Ties++
		}
		solvedA, solvedB := accA > 0.5, accB > 0.5
		switch {
		case solvedA && solvedB:
			pr.BothSolved++
		case solvedA:
			pr.OnlyA++
		case solvedB:
			pr.OnlyB++
		default:
			pr.NeitherSolved++
		}
	}
	pr.AccuracyA = ratioF(sumA, pr.Problems)
	pr.AccuracyB = ratioF(sumB, pr.Problems)
	pr.PValue = McNemarExact(pr.OnlyA, pr.OnlyB)
	return pr, nil
}

func ratioF(sum float64, n int) *float64 {
	if n == 0 {
		return nil
	}
	r := sum / float64(n)
	return &r
}

// McNemarExact is the exact two-sided McNemar test on b and c discordant
// pairs: 2·P(X ≤ min(b, c)) for X ~ Binomial(b+c, ½), capped at 1. The
// terms are summed in log space so that thousands of pairs do not
// underflow.
func McNemarExact(b, c int) float64 {
	n := b + c
	if n == 0 {
		return 1
	}
	k := min(b, c)
	lgN, _ := math.Lgamma(float64(n + 1))
	tail := 0.0
	for i := 0; i <= k; i++ {
		lgI, _ := math.Lgamma(float64(i + 1))
		lgR, _ := math.Lgamma(float64(n - i + 1))
		tail += math.Exp(lgN - lgI - lgR - float64(n)*math.Ln2)
	}
	return math.Min(1, 2*tail)
}
