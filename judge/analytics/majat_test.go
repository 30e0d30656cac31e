package analytics

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// bruteMajAtK enumerates every k-subset of the samples and votes.
func bruteMajAtK(sizes []int, right []bool, k int) float64 {
	var samples []int // cluster of each sample
	for c, s := range sizes {
		for range s {
			samples = append(samples, c)
		}
	}
	n := len(samples)
	sum, subsets := 0.0, 0
	for mask := 0; mask < 1<<n; mask++ {
		if popcount(mask) != k {
			continue
		}
		subsets++
		votes := make([]int, len(sizes))
		for i := range n {
			if mask&(1<<i) != 0 {
				votes[samples[i]]++
			}
		}
		most := 0
		for _, v := range votes {
			most = max(most, v)
		}
		tied, good := 0, 0
		for c, v := range votes {
			if v == most {
				tied++
				if right[c] {
					good++
				}
			}
		}
		sum += float64(good) / float64(tied)
	}
	return sum / float64(subsets)
}

func popcount(x int) int {
	n := 0
	for ; x != 0; x &= x - 1 {
		n++
	}
	return n
}

// TestMajAtKAgainstEnumeration: on random cluster sizes and verdicts, the
// dynamic program equals voting over every subset.
func TestMajAtKAgainstEnumeration(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 300 {
		m := 1 + r.IntN(4)
		sizes, right := make([]int, m), make([]bool, m)
		n := 0
		for i := range m {
			sizes[i] = 1 + r.IntN(4)
			right[i] = r.IntN(3) == 0
			n += sizes[i]
		}
		if n > 14 {
			continue
		}
		for k := 1; k <= n; k++ {
			got, want := MajAtK(sizes, right, k), bruteMajAtK(sizes, right, k)
			if math.Abs(got-want) > 1e-9 {
				t.Fatalf("sizes %v right %v k %d: %g, enumeration %g", sizes, right, k, got, want)
			}
		}
	}
	if !math.IsNaN(MajAtK([]int{2}, []bool{true}, 3)) {
		t.Error("k > n has a value")
	}
}

func TestReportedK(t *testing.T) {
	for n, want := range map[int]string{0: "[]", 1: "[1]", 2: "[1 2]", 4: "[1 2 4]", 5: "[1 2 4 5]", 64: "[1 2 4 8 16 32 64]", 75: "[1 2 4 8 16 32 64 75]"} {
		if got := fmt.Sprint(reportedK(n)); got != want {
			t.Errorf("reportedK(%d) = %s, want %s", n, got, want)
		}
	}
}

// TestBinsKeepOutliersApart: one far outlier gets a bin of its own instead
// of squashing the rest into the first; every value lands in the bin whose
// range holds it.
func TestBinsKeepOutliersApart(t *testing.T) {
	var vals []int
	for i := range 500 {
		vals = append(vals, 1+i%50)
	}
	vals = append(vals, 1200)
	bs := bin(vals, 10)
	if len(bs) < 5 || bs[len(bs)-1].Count != 1 || bs[len(bs)-1].High != 1201 {
		t.Fatalf("bins %+v: want the outlier alone in the last", bs)
	}
	total := 0
	for i, b := range bs {
		total += b.Count
		if i > 0 && b.Low != bs[i-1].High {
			t.Fatalf("bins not contiguous: %+v", bs)
		}
		want := 0
		for _, v := range vals {
			if v >= b.Low && v < b.High {
				want++
			}
		}
		if b.Count != want {
			t.Fatalf("bin %+v holds %d values", b, want)
		}
	}
	if total != len(vals) {
		t.Fatalf("%d of %d values binned", total, len(vals))
	}
	even := bin([]int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, 5)
	if len(even) != 5 {
		t.Fatalf("no outlier: %+v", even)
	}
}
