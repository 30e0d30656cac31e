package postings

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
)

// sliceIter is a sorted seq list that seeks both ways, as TermIter does.
type sliceIter struct {
	seqs []uint64
	i    int
}

func (s *sliceIter) Next() (uint64, bool) {
	if s.i >= len(s.seqs) {
		return 0, false
	}
	s.i++
	return s.seqs[s.i-1], true
}

func (s *sliceIter) Seek(t uint64) {
	s.i, _ = slices.BinarySearch(s.seqs, t)
}

func randomSet(rng *rand.Rand, n int, p float64) []uint64 {
	var out []uint64
	for seq := uint64(1); seq <= uint64(n); seq++ {
		if rng.Float64() < p {
			out = append(out, seq)
		}
	}
	return out
}

func drain(it Iter) []uint64 {
	var out []uint64
	for v, ok := it.Next(); ok; v, ok = it.Next() {
		out = append(out, v)
	}
	return out
}

// TestAndOfOrMatchesSets intersects a set with a union of others, the
// union placed first and after: And seeks each part to the candidate,
// which may be the seq the union returned last, and the union must give
// it again (a union that moved past it dropped matches: a problem-set
// filter after a dataset filter found 4 traces of 44).
func TestAndOfOrMatchesSets(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for round := range 50 {
		a := randomSet(rng, 2000, 0.3)
		var parts [][]uint64
		union := map[uint64]bool{}
		for range 1 + rng.IntN(12) {
			p := randomSet(rng, 2000, 0.02+rng.Float64()*0.1)
			parts = append(parts, p)
			for _, v := range p {
				union[v] = true
			}
		}
		var want []uint64
		for _, v := range a {
			if union[v] {
				want = append(want, v)
			}
		}
		or := func() Iter {
			its := make([]Iter, len(parts))
			for i, p := range parts {
				its[i] = &sliceIter{seqs: p}
			}
			return Or(its)
		}
		for _, it := range []Iter{And(&sliceIter{seqs: a}, or()), And(or(), &sliceIter{seqs: a})} {
			if got := drain(it); !slices.Equal(got, want) {
				t.Fatalf("round %d: got %d seqs, want %d", round, len(got), len(want))
			}
		}
	}
}

// TestBitsetIter: a set walks in order; Seek goes ahead and back.
func TestBitsetIter(t *testing.T) {
	want := []uint64{0, 1, 63, 64, 65, 200, 4095}
	set := make(Bitset, 4096/64+1)
	for _, s := range want {
		set[s/64] |= 1 << (s % 64)
	}
	var got []uint64
	it := set.Iter()
	for s, ok := it.Next(); ok; s, ok = it.Next() {
		got = append(got, s)
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("walk: %v, want %v", got, want)
	}
	it = set.Iter()
	it.Seek(64)
	if s, _ := it.Next(); s != 64 {
		t.Fatalf("seek 64: %d", s)
	}
	it.Seek(64) // back to a seq it gave: given again
	if s, _ := it.Next(); s != 64 {
		t.Fatalf("after a backward seek: %d, want 64", s)
	}
	it.Seek(201)
	if s, _ := it.Next(); s != 4095 {
		t.Fatalf("seek 201: %d", s)
	}
	if _, ok := it.Next(); ok {
		t.Fatal("past the end")
	}
}
