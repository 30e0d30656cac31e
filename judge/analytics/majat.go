package analytics

import "math"

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
	total := 0.0
	for j, s := range sizes {
		if !right[j] {
			continue
		}
		for a := 1; a <= min(s, k); a++ {
			total += binom(s, a) * tieWeighted(sizes, j, a, k-a)
		}
	}
	return total / binom(n, k)
}

// tieWeighted sums, over the ways the clusters other than j take rest
// draws with at most a each, the ways' count divided by 1 + the number of
// clusters that drew a (cluster j then wins the tie with that chance).
func tieWeighted(sizes []int, j, a, rest int) float64 {
	// dp[s][t]: ways for the clusters so far to take s draws, t of them a.
	dp := make([][]float64, rest+1)
	for s := range dp {
		dp[s] = make([]float64, len(sizes))
	}
	dp[0][0] = 1
	for i, size := range sizes {
		if i == j {
			continue
		}
		next := make([][]float64, rest+1)
		for s := range next {
			next[s] = make([]float64, len(sizes))
		}
		for s := 0; s <= rest; s++ {
			for t, w := range dp[s] {
				if w == 0 {
					continue
				}
				for x := 0; x <= min(size, a, rest-s); x++ {
					tied := t
					if x == a {
						tied++
					}
					next[s+x][tied] += w * binom(size, x)
				}
			}
		}
		dp = next
	}
	sum := 0.0
	for t, w := range dp[rest] {
		sum += w / float64(t+1)
	}
	return sum
}

// binom is C(n, k) as a float (exact up to 2^53, then close).
func binom(n, k int) float64 {
	if k < 0 || k > n {
		return 0
	}
	k = min(k, n-k)
	r := 1.0
	for i := 1; i <= k; i++ {
		r = r * float64(n-k+i) / float64(i)
	}
	return r
}
