package analytics

import (
	"math"
	"testing"
)

// TestMcNemarExact checks the exact test against sums of binomial
// coefficients worked by hand.
func TestMcNemarExact(t *testing.T) {
	cases := []struct {
		b, c int
		want float64
	}{
		{0, 0, 1},
		{10, 2, 2 * float64(1+12+66) / 4096}, // C(12, 0..2)
		{4, 11, 2 * float64(1+15+105+455+1365) / 32768}, // C(15, 0..4)
		{3, 3, 1},        // an even split caps at 1
		{0, 6, 2.0 / 64}, // C(6, 0)
		{2000, 2000, 1},  // no underflow, still capped
	}
	for _, c := range cases {
		if got := McNemarExact(c.b, c.c); math.Abs(got-c.want) > 1e-12 {
			t.Errorf("McNemarExact(%d, %d) = %v, want %v", c.b, c.c, got, c.want)
		}
	}
	if p := McNemarExact(1500, 1400); p <= 0 || p >= 1 {
		t.Errorf("McNemarExact(1500, 1400) = %v, want inside (0, 1)", p)
	}
}

func acc(v float64) *float64 { return &v }

// TestComparePair counts each problem once, skips problems one model did
// not attempt or has no graded sample of, and splits solved at a strict
// majority of right samples.
func TestComparePair(t *testing.T) {
	ps := []Problem{
		{ByModel: map[string]ModelCount{"a": {Accuracy: acc(1)}, "b": {Accuracy: acc(0)}}},       // a wins, only a
		{ByModel: map[string]ModelCount{"a": {Accuracy: acc(0.75)}, "b": {Accuracy: acc(1)}}},    // b wins, both solved
		{ByModel: map[string]ModelCount{"a": {Accuracy: acc(0.5)}, "b": {Accuracy: acc(0.5)}}},   // tie, neither (½ is no majority)
		{ByModel: map[string]ModelCount{"a": {Accuracy: acc(1)}}},                                // b did not attempt
		{ByModel: map[string]ModelCount{"a": {Accuracy: acc(1)}, "b": {Accuracy: nil}}},          // b ungraded
		{ByModel: map[string]ModelCount{"a": {Accuracy: acc(0.25)}, "b": {Accuracy: acc(0.75)}}}, // b wins, only b
	}
	pr, err := ComparePair(ps, "a", "b")
	if err != nil {
		t.Fatal(err)
	}
	want := Pair{A: "a", B: "b", Problems: 4, Wins: 1, Losses: 2, Ties: 1, OnlyA: 1, OnlyB: 1, BothSolved: 1, NeitherSolved: 1}
	got := pr
	got.AccuracyA, got.AccuracyB, got.PValue = nil, nil, 0
	if got != want {
		t.Errorf("got %+v, want %+v", got, want)
	}
	if *pr.AccuracyA != (1+0.75+0.5+0.25)/4 || *pr.AccuracyB != (0+1+0.5+0.75)/4 {
		t.Errorf("mean accuracies %v, %v", *pr.AccuracyA, *pr.AccuracyB)
	}
	if pr.PValue != 1 {
		t.Errorf("p = %v for one discordant problem each way, want 1", pr.PValue)
	}
	if _, err := ComparePair(ps, "a", "a"); err == nil {
		t.Error("comparing a model with itself did not fail")
	}
}
