// Package errortypes proposes error types from the keyphrases annotators
// (or a judge) wrote for bad cases, as SEI does before its targeted data
// synthesis: similar keyphrases are grouped (by an embedding model when one
// is configured, else by a lexical similarity that needs nothing), the
// groups are shown with their cases, and a person merges, splits and
// renames them into a taxonomy, which later proposals respect.
package errortypes

import (
	"cmp"
	"slices"
	"sort"
)

// Case is one bad case and the keyphrases written for it.
type Case struct {
	TraceID   string   `json:"trace_id"`
	Dataset   string   `json:"dataset,omitempty"`
	Annotator string   `json:"annotator"`
	Phrases   []string `json:"keyphrases"`
}

// Phrase is a normalized keyphrase and how many cases wrote it.
type Phrase struct {
	Text  string `json:"text"`
	Count int    `json:"count"`
}

// Cluster is a proposed (or decided) error type.
type Cluster struct {
	// Name is the taxonomy's name for a decided type, else the cluster's
	// most written phrase.
	Name string `json:"name"`
	// Decided is set for a type of the taxonomy.
	Decided bool     `json:"decided"`
	Phrases []Phrase `json:"phrases"`
	// Cases are the trace ids of the cases with a phrase in the cluster.
	Cases []string `json:"cases"`
}

// Similarity scores two phrases in [0, 1].
type Similarity func(a, b string) float64

// group clusters phrases by average linkage: the two groups whose phrases
// are most similar on average (each phrase weighted by how many cases wrote
// it) are merged while that average is at least threshold. It uses the
// nearest-neighbour chain, which finds the same merges as merging the best
// pair each time (average linkage is reducible) in O(n²) similarity
// lookups, and then cuts the tree at the threshold.
func group(phrases []Phrase, sim Similarity, threshold float64) [][]int {
	n := len(phrases)
	if n == 0 {
		return nil
	}
	s := make([][]float64, n)
	for i := range s {
		s[i] = make([]float64, n)
		for j := range i {
			s[i][j] = sim(phrases[i].Text, phrases[j].Text)
			s[j][i] = s[i][j]
		}
	}
	size := make([]float64, n)
	active := make([]bool, n)
	for i, p := range phrases {
		size[i], active[i] = float64(max(p.Count, 1)), true
	}
	type merge struct {
		a, b int
		sim  float64
	}
	var merges []merge
	var chain []int
	left := n
	for left > 1 {
		if len(chain) == 0 {
			for i := range active {
				if active[i] {
					chain = append(chain, i)
					break
				}
			}
		}
		a := chain[len(chain)-1]
		b, best := -1, -1.0
		for c := range n {
			if c != a && active[c] && s[a][c] > best {
				b, best = c, s[a][c]
			}
		}
		// On a tie, the previous link of the chain wins: without it, equal
		// similarities could make the chain go round for ever.
		if len(chain) >= 2 && s[a][chain[len(chain)-2]] == best {
			b = chain[len(chain)-2]
		}
		if len(chain) >= 2 && chain[len(chain)-2] == b {
			chain = chain[:len(chain)-2]
			merges = append(merges, merge{a, b, best})
			// b absorbs a (Lance–Williams for average linkage).
			for c := range n {
				if c != a && c != b && active[c] {
					s[b][c] = (size[a]*s[a][c] + size[b]*s[b][c]) / (size[a] + size[b])
					s[c][b] = s[b][c]
				}
			}
			size[b] += size[a]
			active[a] = false
			left--
			continue
		}
		chain = append(chain, b)
	}
	// Cut: apply the merges at or above the threshold, best first.
	sort.SliceStable(merges, func(i, j int) bool { return merges[i].sim > merges[j].sim })
	parent := make([]int, n)
	for i := range parent {
		parent[i] = i
	}
	var find func(int) int
	find = func(x int) int {
		for parent[x] != x {
			parent[x] = parent[parent[x]]
			x = parent[x]
		}
		return x
	}
	for _, m := range merges {
		if m.sim < threshold {
			break
		}
		parent[find(m.a)] = find(m.b)
	}
	byRoot := map[int][]int{}
	for i := range n {
		byRoot[find(i)] = append(byRoot[find(i)], i)
	}
	var out [][]int
	for _, g := range byRoot {
		out = append(out, g)
	}
	// Largest first, then by the first phrase: a stable order.
	slices.SortFunc(out, func(x, y []int) int {
		if c := cmp.Compare(weight(phrases, y), weight(phrases, x)); c != 0 {
			return c
		}
		return cmp.Compare(phrases[slices.Min(x)].Text, phrases[slices.Min(y)].Text)
	})
	return out
}

func weight(ps []Phrase, idx []int) int {
	w := 0
	for _, i := range idx {
		w += ps[i].Count
	}
	return w
}
