package postings

import (
	"container/heap"
	"encoding/binary"

	bolt "go.etcd.io/bbolt"
)

// Iter yields trace seqs in increasing order.
type Iter interface {
	// Next returns the next seq, false when there is none.
	Next() (uint64, bool)
	// Seek positions the iterator so that Next returns the first seq ≥
	// target.
	Seek(target uint64)
}

// CursorStep is the positioning that iterators over a bbolt cursor share:
// the first step goes to start (the first key when nil), a pending seek to
// seekKey(target), any other step to the next key.
type CursorStep struct {
	C       *bolt.Cursor
	started bool
	target  *uint64
}

// Step moves the cursor and returns where it stands.
func (s *CursorStep) Step(start []byte, seekKey func(uint64) []byte) (k, v []byte) {
	switch {
	case s.target != nil:
		k, v = s.C.Seek(seekKey(*s.target))
		s.target = nil
	case s.started:
		k, v = s.C.Next()
	case start == nil:
		k, v = s.C.First()
	default:
		k, v = s.C.Seek(start)
	}
	s.started = true
	return k, v
}

// Seek makes the next Step seek to target.
func (s *CursorStep) Seek(t uint64) { s.target = &t; s.started = true }

// All yields every key of a bucket keyed by u64 seqs (c is its cursor).
func All(c *bolt.Cursor) Iter { return &allIter{CursorStep{C: c}} }

type allIter struct{ CursorStep }

func (a *allIter) Next() (uint64, bool) {
	k, _ := a.Step(nil, u64)
	switch {
	case k == nil:
		return 0, false
	case len(k) < 8:
		return 0, true // a damaged key: the caller finds no trace 0
	}
	return binary.BigEndian.Uint64(k[len(k)-8:]), true
}

func u64(v uint64) []byte { return binary.BigEndian.AppendUint64(make([]byte, 0, 8), v) }

// And intersects iterators by leapfrogging: each seeks to the largest seq
// seen so far.
func And(parts ...Iter) Iter { return &andIter{parts: parts} }

type andIter struct{ parts []Iter }

func (a *andIter) Next() (uint64, bool) {
	cur, ok := a.parts[0].Next()
	if !ok {
		return 0, false
	}
	for {
		agreed := true
		for _, p := range a.parts[1:] {
			p.Seek(cur)
			v, ok := p.Next()
			if !ok {
				return 0, false
			}
			if v != cur {
				cur, agreed = v, false
				break
			}
		}
		if agreed {
			return cur, true
		}
		a.parts[0].Seek(cur)
		if cur, ok = a.parts[0].Next(); !ok {
			return 0, false
		}
	}
}

func (a *andIter) Seek(t uint64) { a.parts[0].Seek(t) }

// Or merges iterators, each seq once.
func Or(parts []Iter) Iter {
	o := &orIter{parts: parts}
	o.restart(0, false)
	return o
}

type orIter struct {
	parts []Iter
	h     iterHeap
	last  uint64
	any   bool
}

// restart rebuilds the heap from every part's next seq, after seeking
// each to t when seek is set.
func (o *orIter) restart(t uint64, seek bool) {
	o.h = o.h[:0]
	for _, p := range o.parts {
		if seek {
			p.Seek(t)
		}
		if v, ok := p.Next(); ok {
			o.h = append(o.h, iterHead{p, v})
		}
	}
	heap.Init(&o.h)
	o.any = false
}

type iterHead struct {
	it  Iter
	seq uint64
}

type iterHeap []iterHead

func (h iterHeap) Len() int           { return len(h) }
func (h iterHeap) Less(i, j int) bool { return h[i].seq < h[j].seq }
func (h iterHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *iterHeap) Push(x any)        { *h = append(*h, x.(iterHead)) }
func (h *iterHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

func (o *orIter) Next() (uint64, bool) {
	for o.h.Len() > 0 {
		top := o.h[0]
		if v, ok := top.it.Next(); ok {
			o.h[0].seq = v
			heap.Fix(&o.h, 0)
		} else {
			heap.Pop(&o.h)
		}
		if o.any && top.seq == o.last {
			continue
		}
		o.last, o.any = top.seq, true
		return top.seq, true
	}
	return 0, false
}

// Seek advances every head below t; heads at or past t keep their pending
// seq. A seek back to a seq already returned (And seeks each part to the
// candidate, and the candidate may be what this iterator gave last)
// repositions every part, exhausted ones included, since a head has moved
// past what it returned.
func (o *orIter) Seek(t uint64) {
	if o.any && t <= o.last {
		o.restart(t, true)
		return
	}
	kept := o.h[:0]
	for _, h := range o.h {
		if h.seq < t {
			h.it.Seek(t)
			v, ok := h.it.Next()
			if !ok {
				continue
			}
			h.seq = v
		}
		kept = append(kept, h)
	}
	o.h = kept
	heap.Init(&o.h)
	o.any = false
}

// Not yields the seqs 1..max that in does not: a complement ("no
// annotation events"; postings only ever grow, so the sets it complements
// are supersets).
func Not(in Iter, max uint64) Iter { return &notIter{in: in, max: max} }

type notIter struct {
	in      Iter
	max     uint64
	cur     uint64 // the next candidate
	skip    uint64 // the inner iterator's next seq (0: exhausted)
	started bool
}

func (n *notIter) Next() (uint64, bool) {
	if !n.started {
		n.started, n.cur = true, 1
		n.advanceSkip(1)
	}
	for n.cur <= n.max {
		c := n.cur
		n.cur++
		if c == n.skip {
			n.advanceSkip(c + 1)
			continue
		}
		return c, true
	}
	return 0, false
}

// advanceSkip moves the inner iterator to its first seq ≥ from.
func (n *notIter) advanceSkip(from uint64) {
	n.in.Seek(from)
	if v, ok := n.in.Next(); ok {
		n.skip = v
	} else {
		n.skip = 0
	}
}

func (n *notIter) Seek(t uint64) {
	if !n.started {
		n.started = true
	}
	n.cur = max(t, 1)
	n.advanceSkip(n.cur)
}

// Empty matches nothing.
func Empty() Iter { return emptyIter{} }

type emptyIter struct{}

func (emptyIter) Next() (uint64, bool) { return 0, false }
func (emptyIter) Seek(uint64)          {}

// Bitset is a set of seqs, for membership tests while walking another
// order (a sort field, the problem postings).
type Bitset []uint64

// Has reports whether seq is in the set.
func (b Bitset) Has(seq uint64) bool {
	i := seq / 64
	return i < uint64(len(b)) && b[i]&(1<<(seq%64)) != 0
}

// Collect puts every seq of it, up to max, in a set.
func Collect(it Iter, max uint64) Bitset {
	set := make(Bitset, max/64+1)
	for seq, ok := it.Next(); ok; seq, ok = it.Next() {
		if i := seq / 64; i < uint64(len(set)) {
			set[i] |= 1 << (seq % 64)
		}
	}
	return set
}
