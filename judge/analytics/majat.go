package analytics

import (
	"maps"
	"math"
	"slices"
	"strconv"
)

// MajAtK is the expected accuracy of a majority vote over k of a problem's
// n answered samples drawn without replacement (maj@k), from the sizes of
// its answer clusters and whether each is right; a tie among the largest
// clusters is broken at random, so a tie counts as the right clusters'
// share of it. It is exact: for each right cluster j and each count a of
// its draws, a dynamic program over the other clusters counts the ways
// they take the remaining k−a draws with at most a each, by how many tie
// with a.
func MajAtK(sizes []int, right []bool, k int) float64 {
	n := 0
	for _, s := range sizes {
		n += s
	}
	if k <= 0 || k > n {
		return math.NaN()
	}
	return newMajVote(sizes, n).at(right, k)
}

// at is maj@k of the clusters' votes (1 ≤ k ≤ n).
func (m *majVote) at(right []bool, k int) float64 {
	total, n := 0.0, len(m.c)-1
	for j, s := range m.sizes {
		if !right[j] {
			continue
		}
		for a := 1; a <= min(s, k); a++ {
			total += m.c[s][a] * m.tieWeighted(j, a, k-a)
		}
	}
	return total / m.c[n][k]
}

// majVote holds what the dynamic program reuses across its runs: Pascal's
// triangle up to n, and two tables.
type majVote struct {
	sizes    []int
	c        [][]float64 // c[n][k] = C(n, k)
	dp, next []float64   // (rest+1) × (len(sizes)+1), row-major
	cols     int
}

func newMajVote(sizes []int, n int) *majVote {
	c := make([][]float64, n+1)
	for i := range c {
		c[i] = make([]float64, i+1)
		c[i][0], c[i][i] = 1, 1
		for k := 1; k < i; k++ {
			c[i][k] = c[i-1][k-1] + c[i-1][k]
		}
	}
	cols := len(sizes) + 1
	return &majVote{sizes: sizes, c: c, cols: cols, dp: make([]float64, (n+1)*cols), next: make([]float64, (n+1)*cols)}
}

// tieWeighted sums, over the ways the clusters other than j take rest
// draws with at most a each, the ways' count divided by 1 + the number of
// clusters that drew a (cluster j then wins the tie with that chance).
func (m *majVote) tieWeighted(j, a, rest int) float64 {
	// dp[s][t]: ways for the clusters so far to take s draws, t of them a.
	w := m.cols
	dp, next := m.dp[:(rest+1)*w], m.next[:(rest+1)*w]
	clear(dp)
	dp[0] = 1
	for i, size := range m.sizes {
		if i == j {
			continue
		}
		clear(next)
		for s := 0; s <= rest; s++ {
			for t := range w {
				v := dp[s*w+t]
				if v == 0 {
					continue
				}
				for x := 0; x <= min(size, a, rest-s); x++ {
					tied := t
					if x == a {
						tied++
					}
					next[(s+x)*w+tied] += v * m.c[size][x]
				}
			}
		}
		dp, next = next, dp
	}
	sum := 0.0
	for t := range w {
		sum += dp[rest*w+t] / float64(t+1)
	}
	return sum
}

// voter gives the maj@k of a vote — clusters' sizes and whether each is
// right — for k = 1, 2, 4, ... and n (reportedK), remembering each vote it
// computed: across a dataset's problems the same few votes recur (three
// samples of four agree and are right...), and the dynamic program is the
// costly part of Problems.
type voter struct {
	memo map[string]map[int]float64
	key  []byte
}

func newVoter() *voter { return &voter{memo: map[string]map[int]float64{}} }

// votes is the vote's maj@k; empty above majAtMaxSamples samples. The
// map is the caller's.
func (v *voter) votes(sizes []int, right []bool) map[int]float64 {
	n := 0
	for _, x := range sizes {
		n += x
	}
	if n == 0 || n > majAtMaxSamples {
		return map[int]float64{}
	}
	// maj@k does not depend on the clusters' order: the key lists the
	// right clusters' sizes, then the wrong ones', each sorted.
	var good, bad []int
	for i, x := range sizes {
		if right[i] {
			good = append(good, x)
		} else {
			bad = append(bad, x)
		}
	}
	slices.Sort(good)
	slices.Sort(bad)
	v.key = v.key[:0]
	for _, x := range good {
		v.key = append(strconv.AppendInt(v.key, int64(x), 10), ',')
	}
	v.key = append(v.key, '|')
	for _, x := range bad {
		v.key = append(strconv.AppendInt(v.key, int64(x), 10), ',')
	}
	known, ok := v.memo[string(v.key)]
	if !ok {
		known = map[int]float64{}
		vote := newMajVote(sizes, n)
		for _, k := range reportedK(n) {
			known[k] = vote.at(right, k)
		}
		v.memo[string(v.key)] = known
	}
	return maps.Clone(known)
}
