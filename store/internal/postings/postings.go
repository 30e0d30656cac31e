// Package postings keeps sets of trace sequence numbers per index term
// (field, value) — "the traces of dataset X", "the traces annotator A
// labeled" — and the iterators that filters are made of. A set is stored
// Roaring-style, one container per block of 65,536 seqs: a sorted array of
// 16-bit offsets while small, an 8 KB bitmap once dense. Every iterator
// yields seqs in ascending order and can seek forward, so that filters
// intersect sets by leapfrogging (And) and take unions (Or) and
// complements (Not) without materializing them.
//
// It knows no bucket names: callers pass the postings bucket. It imports
// nothing of the module.
package postings

import (
	"github.com/stepwise-dev/stepwise/store/internal/damage"

	"bytes"
	"encoding/binary"
	"fmt"
	"math/bits"
	"slices"
	"strings"

	bolt "go.etcd.io/bbolt"
)

// Postings index every field of a trace (dataset, model, correctness,
// label state, truncation, problem, format, step count, first error).
// Instead of one key per trace and field — eleven puts a trace, the bulk of
// an import's writes — each (field, value) keeps compressed sets of trace
// seqs, one container per block of 65,536 seqs (as Roaring bitmaps do): a
// sorted array of 16-bit offsets while small, a 8 KB bitmap once dense. An
// import batch updates a handful of containers for the low-cardinality
// fields, and one per problem it touches; a filter intersects them.
//
// Key: field \0 value \0 u32 block. Seqs are dense (1, 2, 3...), so a
// million traces span 16 blocks.

const (
	blockBits      = 16
	blockSize      = 1 << blockBits
	arrayMax       = 4096 // an array container holds at most this many offsets
	containerArray = 0
	containerBits  = 1
)

// appendPostingKey appends the key of field=value's container of block.
func appendPostingKey(k []byte, field, value string, block uint32) []byte {
	k = append(k, field...)
	k = append(k, 0)
	k = append(k, value...)
	k = append(k, 0)
	return binary.BigEndian.AppendUint32(k, block)
}

// prefix is the prefix of every container of field=value.
func prefix(field, value string) []byte {
	k := make([]byte, 0, len(field)+len(value)+2)
	k = append(k, field...)
	k = append(k, 0)
	k = append(k, value...)
	return append(k, 0)
}

// container is a decoded set of offsets within one block.
type container struct {
	array []uint16 // sorted, when bitmap is nil
	bits  []uint64 // 1024 words, when dense
}

func decodeContainer(b []byte) (container, error) {
	if len(b) == 0 {
		return container{}, fmt.Errorf("empty posting container")
	}
	switch b[0] {
	case containerArray:
		if (len(b)-1)%2 != 0 {
			return container{}, fmt.Errorf("posting array of odd length %d", len(b)-1)
		}
		a := make([]uint16, (len(b)-1)/2)
		for i := range a {
			a[i] = binary.LittleEndian.Uint16(b[1+2*i:])
		}
		return container{array: a}, nil
	case containerBits:
		if len(b) != 1+blockSize/8 {
			return container{}, fmt.Errorf("posting bitmap of %d bytes", len(b)-1)
		}
		w := make([]uint64, blockSize/64)
		for i := range w {
			w[i] = binary.LittleEndian.Uint64(b[1+8*i:])
		}
		return container{bits: w}, nil
	}
	return container{}, fmt.Errorf("unknown posting container kind %d", b[0])
}

func (c container) encode() []byte {
	if c.bits != nil {
		b := make([]byte, 1, 1+blockSize/8)
		b[0] = containerBits
		for _, w := range c.bits {
			b = binary.LittleEndian.AppendUint64(b, w)
		}
		return b
	}
	b := make([]byte, 1, 1+2*len(c.array))
	b[0] = containerArray
	for _, o := range c.array {
		b = binary.LittleEndian.AppendUint16(b, o)
	}
	return b
}

// add merges sorted offsets into the container.
func (c *container) add(offs []uint16) {
	if c.bits == nil && len(c.array)+len(offs) <= arrayMax {
		if len(c.array) == 0 || offs[0] > c.array[len(c.array)-1] {
			c.array = append(c.array, offs...) // the common case: new seqs are larger
			return
		}
		c.array = append(c.array, offs...)
		slices.Sort(c.array)
		c.array = slices.Compact(c.array)
		return
	}
	if c.bits == nil {
		c.bits = make([]uint64, blockSize/64)
		for _, o := range c.array {
			c.bits[o/64] |= 1 << (o % 64)
		}
		c.array = nil
	}
	for _, o := range offs {
		c.bits[o/64] |= 1 << (o % 64)
	}
}

// next returns the first offset ≥ from, and false when there is none.
func (c container) next(from int) (uint16, bool) {
	if c.bits == nil {
		i, _ := slices.BinarySearch(c.array, uint16(min(from, blockSize-1)))
		if from >= blockSize || i >= len(c.array) {
			return 0, false
		}
		return c.array[i], true
	}
	for w := from / 64; w < len(c.bits) && from < blockSize; w++ {
		word := c.bits[w]
		if w == from/64 {
			word &= ^uint64(0) << (from % 64)
		}
		if word != 0 {
			return uint16(w*64 + bits.TrailingZeros64(word)), true
		}
	}
	return 0, false
}

// Term is one (field, value) pair of a trace. Fields and values hold no
// zero byte (it separates them in keys).
type Term struct{ Field, Value string }

// Writer gathers a batch's seqs per term and merges them into the stored
// containers at commit.
type Writer struct {
	terms  map[Term]*[]uint64
	recent [8]recentTerm     // by slot (see AddAt)
	new    map[Term]struct{} // terms known to have no stored containers
}

type recentTerm struct {
	t    Term
	seqs *[]uint64
}

// NewWriter starts an empty batch of postings.
func NewWriter() *Writer { return &Writer{terms: map[Term]*[]uint64{}} }

// Add adds seq to t.
func (p *Writer) Add(t Term, seq uint64) { p.AddAt(-1, t, seq) }

// AddAt adds seq to t, where slot is t's position in its trace's term list.
// Traces written one after the other mostly share their dataset, model,
// format and truncation: the term last added at a slot is usually this one,
// found without hashing two strings (the import writer's largest map cost).
func (p *Writer) AddAt(slot int, t Term, seq uint64) {
	cached := slot >= 0 && slot < len(p.recent)
	if cached && p.recent[slot].seqs != nil && p.recent[slot].t == t {
		*p.recent[slot].seqs = append(*p.recent[slot].seqs, seq)
		return
	}
	seqs := p.terms[t]
	if seqs == nil {
		seqs = new([]uint64)
		p.terms[t] = seqs
	}
	*seqs = append(*seqs, seq)
	if cached {
		p.recent[slot] = recentTerm{t, seqs}
	}
}

// MarkNew says that t has no stored containers, so that Commit need not
// look for them: most problems of a dataset have a trace or a few, and a
// lookup per new problem was what a posting cost over a per-trace key.
func (p *Writer) MarkNew(t Term) {
	if p.new == nil {
		p.new = map[Term]struct{}{}
	}
	p.new[t] = struct{}{}
}

// stored returns the stored container at key, of term t.
func (p *Writer) stored(b *bolt.Bucket, t Term, key []byte) []byte {
	if _, ok := p.new[t]; ok {
		return nil
	}
	return b.Get(key)
}

// Normalize sorts each term's seqs and drops repeats, for writers that do
// not add them in order.
func (p *Writer) Normalize() {
	for _, seqs := range p.terms {
		slices.Sort(*seqs)
		*seqs = slices.Compact(*seqs)
	}
}

// Commit updates every touched container, in key order. Each term's seqs
// must be ascending (as seqs are assigned, or after Normalize).
func (p *Writer) Commit(b *bolt.Bucket) error {
	keys := make([]Term, 0, len(p.terms))
	for t := range p.terms {
		keys = append(keys, t)
	}
	// Key order (field \0 value \0 block) is this order as long as fields
	// and values hold no zero byte; it only makes the puts sequential.
	slices.SortFunc(keys, func(a, b Term) int {
		if c := strings.Compare(a.Field, b.Field); c != 0 {
			return c
		}
		return strings.Compare(a.Value, b.Value)
	})
	var key []byte // reused: bbolt copies keys
	var offs []uint16
	for _, t := range keys {
		seqs := *p.terms[t] // ascending: seqs are assigned in order
		for len(seqs) > 0 {
			block := uint32(seqs[0] >> blockBits)
			offs = offs[:0]
			for len(seqs) > 0 && uint32(seqs[0]>>blockBits) == block {
				offs = append(offs, uint16(seqs[0]&(blockSize-1)))
				seqs = seqs[1:]
			}
			key = appendPostingKey(key[:0], t.Field, t.Value, block)
			var c container
			if old := p.stored(b, t, key); old != nil {
				var err error
				if c, err = decodeContainer(old); err != nil {
					return fmt.Errorf("posting %s=%q block %d: %w", t.Field, t.Value, block, err)
				}
			}
			c.add(offs) // copies offs
			if err := b.Put(key, c.encode()); err != nil {
				return err
			}
		}
	}
	return nil
}

// EachFieldSeq calls fn with every value of field and each of its seqs,
// by value, then by seq.
func EachFieldSeq(b *bolt.Bucket, field string, fn func(value []byte, seq uint64) error) error {
	prefix := append([]byte(field), 0)
	c := b.Cursor()
	for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		if len(k) < len(prefix)+5 {
			return damage.Corrupt("malformed posting key %q", k)
		}
		value := k[len(prefix) : len(k)-5]
		block := uint64(binary.BigEndian.Uint32(k[len(k)-4:]))
		cont, err := decodeContainer(v)
		if err != nil {
			return fmt.Errorf("posting %s=%q block %d: %w", field, value, block, err)
		}
		for off, ok := cont.next(0); ok; off, ok = cont.next(int(off) + 1) {
			if err := fn(value, block<<blockBits|uint64(off)); err != nil {
				return err
			}
		}
	}
	return nil
}

// TermIter yields the seqs of one (field, value), ascending, one container
// at a time.
type TermIter struct {
	c      *bolt.Cursor
	prefix []byte
	cur    container
	block  uint64
	off    int // next offset to look at in cur
	loaded bool
	done   bool
	err    error
}

// NewIter iterates the seqs of field=value in postings bucket b.
func NewIter(b *bolt.Bucket, field, value string) *TermIter {
	return &TermIter{c: b.Cursor(), prefix: prefix(field, value)}
}

// load positions on the first container at or after block.
func (p *TermIter) load(block uint64) {
	k, v := p.c.Seek(binary.BigEndian.AppendUint32(bytes.Clone(p.prefix), uint32(block)))
	p.setFrom(k, v)
}

func (p *TermIter) setFrom(k, v []byte) {
	if k == nil || !bytes.HasPrefix(k, p.prefix) || len(k) != len(p.prefix)+4 {
		p.done = true
		return
	}
	c, err := decodeContainer(v)
	if err != nil {
		p.err, p.done = err, true
		return
	}
	p.cur, p.block, p.off, p.loaded = c, uint64(binary.BigEndian.Uint32(k[len(p.prefix):])), 0, true
}

// Next returns the next seq.
func (p *TermIter) Next() (uint64, bool) {
	if !p.loaded && !p.done {
		p.load(0)
	}
	for !p.done {
		if o, ok := p.cur.next(p.off); ok {
			p.off = int(o) + 1
			return p.block<<blockBits | uint64(o), true
		}
		p.setFrom(p.c.Next())
	}
	return 0, false
}

// Seek positions the iterator so that Next returns the first seq ≥ target
// (forward or back, like a cursor Seek).
func (p *TermIter) Seek(target uint64) {
	b := target >> blockBits
	if !p.loaded || b != p.block {
		p.done = false
		p.load(b)
		if p.done || p.block != b {
			return // the first container at or after b starts later: from its start
		}
	}
	p.off = int(target & (blockSize - 1))
}

// FieldOrder walks every (value, container) of a field in key order:
// traces ordered by value, then by seq, for sorting. It cannot seek.
type FieldOrder struct {
	c      *bolt.Cursor
	prefix []byte
	keep   func(uint64) bool
	cur    container
	block  uint64
	off    int
	active bool
	start  bool
}

// NewFieldOrder walks the traces of field in value order, those keep
// accepts (all when keep is nil).
func NewFieldOrder(b *bolt.Bucket, field string, keep func(uint64) bool) *FieldOrder {
	return &FieldOrder{c: b.Cursor(), prefix: []byte(field + "\x00"), keep: keep, start: true}
}

func (f *FieldOrder) advance() bool {
	var k, v []byte
	if f.start {
		k, v = f.c.Seek(f.prefix)
		f.start = false
	} else {
		k, v = f.c.Next()
	}
	if k == nil || !bytes.HasPrefix(k, f.prefix) || len(k) < len(f.prefix)+5 {
		f.active = false
		return false
	}
	c, err := decodeContainer(v)
	if err != nil {
		f.active = false
		return false
	}
	f.cur, f.block, f.off, f.active = c, uint64(binary.BigEndian.Uint32(k[len(k)-4:])), 0, true
	return true
}

// Next returns the next seq in value order.
func (f *FieldOrder) Next() (uint64, bool) {
	for {
		if !f.active && !f.advance() {
			return 0, false
		}
		o, ok := f.cur.next(f.off)
		if !ok {
			f.active = false
			continue
		}
		f.off = int(o) + 1
		seq := f.block<<blockBits | uint64(o)
		if f.keep == nil || f.keep(seq) {
			return seq, true
		}
	}
}

// Seek panics: the order is by value, not seq.
func (f *FieldOrder) Seek(uint64) {
	panic("FieldOrder is ordered by value, not seq: not seekable")
}

// Remove takes seqs out of term t's containers, deleting those left empty.
// Every seq must be in the set: a missing container is damage.
func Remove(b *bolt.Bucket, t Term, seqs []uint64) error {
	slices.Sort(seqs)
	var key []byte
	for len(seqs) > 0 {
		block := uint32(seqs[0] >> blockBits)
		var offs []uint16
		for len(seqs) > 0 && uint32(seqs[0]>>blockBits) == block {
			offs = append(offs, uint16(seqs[0]&(blockSize-1)))
			seqs = seqs[1:]
		}
		key = appendPostingKey(key[:0], t.Field, t.Value, block)
		v := b.Get(key)
		if v == nil {
			return fmt.Errorf("posting %s=%q block %d: missing (damaged store?)", t.Field, t.Value, block)
		}
		c, err := decodeContainer(v)
		if err != nil {
			return fmt.Errorf("posting %s=%q block %d: %w", t.Field, t.Value, block, err)
		}
		if c.remove(offs) {
			err = b.Delete(key)
		} else {
			err = b.Put(key, c.encode())
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// remove takes offsets out of the container and reports whether it is
// left empty.
func (c *container) remove(offs []uint16) bool {
	if c.bits != nil {
		for _, o := range offs {
			c.bits[o/64] &^= 1 << (o % 64)
		}
		for _, w := range c.bits {
			if w != 0 {
				return false
			}
		}
		return true
	}
	c.array = slices.DeleteFunc(c.array, func(o uint16) bool {
		_, found := slices.BinarySearch(offs, o)
		return found
	})
	return len(c.array) == 0
}
