// Package agree computes inter-annotator agreement: Cohen's κ for two
// coders and Krippendorff's α for any number of coders with missing data
// (nominal, ordinal and interval metrics). It is pure arithmetic over
// labels given as strings; store/analytics collects the labels. It
// imports nothing of the module.
package agree

import (
	"encoding/json"
	"fmt"
	"math"
	"sort"
)

// Coefficient is an agreement value. It is undefined when the data cannot
// tell (no pairable values, or no variation at all): then Value is NaN
// and it marshals as null.
type Coefficient struct {
	Value float64
	// N is the number of units (κ) or pairable values (α) it rests on.
	N int
}

// Defined reports whether the coefficient has a value.
func (c Coefficient) Defined() bool { return !math.IsNaN(c.Value) }

// MarshalJSON writes {"value": v|null, "n": N}.
func (c Coefficient) MarshalJSON() ([]byte, error) {
	var v *float64
	if c.Defined() {
		r := math.Round(c.Value*10000) / 10000
		v = &r
	}
	return json.Marshal(struct {
		Value *float64 `json:"value"`
		N     int      `json:"n"`
	}{v, c.N})
}

func (c Coefficient) String() string {
	if !c.Defined() {
		return "n/a"
	}
	return fmt.Sprintf("%.3f", c.Value)
}

var undefined = math.NaN()

// Kappa is Cohen's κ for two coders who labeled the same units: a[i] and
// b[i] are their labels of unit i. κ = (po − pe) / (1 − pe), po the observed
// agreement, pe the agreement expected from each coder's own label
// frequencies. Undefined for no units, or when pe = 1 (both coders used
// one and the same label throughout).
func Kappa(a, b []string) Coefficient {
	n := len(a)
	if n != len(b) {
		panic("agree.Kappa: label lists of different lengths")
	}
	if n == 0 {
		return Coefficient{undefined, 0}
	}
	same := 0
	fa, fb := map[string]int{}, map[string]int{}
	for i := range a {
		if a[i] == b[i] {
			same++
		}
		fa[a[i]]++
		fb[b[i]]++
	}
	po := float64(same) / float64(n)
	pe := 0.0
	for _, k := range sortedKeys(fa) {
		pe += float64(fa[k]) / float64(n) * float64(fb[k]) / float64(n)
	}
	if pe >= 1 {
		return Coefficient{undefined, n}
	}
	return Coefficient{(po - pe) / (1 - pe), n}
}

// PercentAgreement is the share of units on which a and b agree.
func PercentAgreement(a, b []string) float64 {
	if len(a) == 0 {
		return undefined
	}
	same := 0
	for i := range a {
		if a[i] == b[i] {
			same++
		}
	}
	return float64(same) / float64(len(a))
}

// Metric is α's difference function.
type Metric int

// Metrics. Ordinal and Interval need an order: the Order given to Alpha.
const (
	Nominal Metric = iota
	Ordinal
	Interval
)

// Units maps a unit to the values its coders gave (coder → value). Coders
// missing from a unit did not code it.
type Units map[string]map[string]string

// Alpha is Krippendorff's α over units coded by any number of coders with
// missing values: α = 1 − D_o / D_e, from the coincidence matrix of the
// pairable values (units with at least two values). order ranks the values
// for Ordinal and Interval (their position is the rank, or for Interval the
// numeric value); values not in order are an error. Nominal ignores order.
func Alpha(units Units, m Metric, order []string) (Coefficient, error) {
	// Coincidences o[c][k]: each ordered pair of values within a unit,
	// weighted 1/(m_u − 1).
	index := map[string]int{}
	for i, v := range order {
		index[v] = i
	}
	var cats []string
	catOf := map[string]int{}
	cat := func(v string) (int, error) {
		if i, ok := catOf[v]; ok {
			return i, nil
		}
		if m != Nominal {
			if _, ok := index[v]; !ok {
				return 0, fmt.Errorf("value %q is not in the order %v", v, order)
			}
		}
		catOf[v] = len(cats)
		cats = append(cats, v)
		return len(cats) - 1, nil
	}
	type pair struct{ c, k int }
	o := map[pair]float64{}
	for _, u := range sortedUnitKeys(units) {
		vals := units[u]
		if len(vals) < 2 {
			continue
		}
		ids := make([]int, 0, len(vals))
		for _, coder := range sortedKeys(vals) {
			c, err := cat(vals[coder])
			if err != nil {
				return Coefficient{}, fmt.Errorf("unit %s: %w", u, err)
			}
			ids = append(ids, c)
		}
		w := 1 / float64(len(ids)-1)
		for i := range ids {
			for j := range ids {
				if i != j {
					o[pair{ids[i], ids[j]}] += w
				}
			}
		}
	}
	nc := make([]float64, len(cats))
	n := 0.0
	for p, v := range o {
		nc[p.c] += v
		n += v
	}
	if n <= 1 {
		return Coefficient{undefined, int(math.Round(n))}, nil
	}
	delta := deltaFunc(m, cats, index, nc)
	do, de := 0.0, 0.0
	for c := range cats {
		for k := range cats {
			d := delta(c, k)
			do += o[pair{c, k}] * d
			de += nc[c] * nc[k] * d
		}
	}
	if de == 0 {
		return Coefficient{undefined, int(math.Round(n))}, nil
	}
	return Coefficient{1 - (n-1)*do/de, int(math.Round(n))}, nil
}

// deltaFunc returns the squared difference of two categories.
func deltaFunc(m Metric, cats []string, index map[string]int, nc []float64) func(c, k int) float64 {
	switch m {
	case Interval:
		return func(c, k int) float64 {
			d := float64(index[cats[c]] - index[cats[k]])
			return d * d
		}
	case Ordinal:
		// δ²(c,k) = (Σ_{g between c and k} n_g − (n_c + n_k)/2)², summing
		// the marginals of the ranks from c to k inclusive.
		byRank := map[int]float64{}
		for i, v := range cats {
			byRank[index[v]] += nc[i]
		}
		return func(c, k int) float64 {
			lo, hi := index[cats[c]], index[cats[k]]
			if lo > hi {
				lo, hi = hi, lo
			}
			s := 0.0
			for g := lo; g <= hi; g++ {
				s += byRank[g]
			}
			s -= (nc[c] + nc[k]) / 2
			return s * s
		}
	}
	return func(c, k int) float64 {
		if c == k {
			return 0
		}
		return 1
	}
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func sortedUnitKeys(u Units) []string { return sortedKeys(u) }
