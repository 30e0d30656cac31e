package postings

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math/bits"

	bolt "go.etcd.io/bbolt"

	"github.com/stepwise-dev/stepwise/store/internal/damage"
)

// ValueRange collects the seqs of a numeric field whose value, a 4-byte
// big-endian sort number, lies in [lo, hi]: a range filter such as
// "tokens > 1000". Keys are ordered by value, so the walk starts at lo and
// stops past hi.
func ValueRange(b *bolt.Bucket, field string, lo, hi uint32, max uint64) (Bitset, error) {
	set := make(Bitset, max/64+1)
	pre := append([]byte(field), 0)
	start := binary.BigEndian.AppendUint32(bytes.Clone(pre), lo)
	c := b.Cursor()
	for k, v := c.Seek(start); k != nil && bytes.HasPrefix(k, pre); k, v = c.Next() {
		if len(k) != len(pre)+4+1+4 {
			return nil, damage.Corrupt("malformed posting key %q of numeric field %s", k, field)
		}
		if binary.BigEndian.Uint32(k[len(pre):]) > hi {
			break
		}
		block := uint64(binary.BigEndian.Uint32(k[len(k)-4:]))
		cont, err := decodeContainer(v)
		if err != nil {
			return nil, fmt.Errorf("posting %s block %d: %w", field, block, err)
		}
		for off, ok := cont.next(0); ok; off, ok = cont.next(int(off) + 1) {
			if seq := block<<blockBits | uint64(off); seq/64 < uint64(len(set)) {
				set[seq/64] |= 1 << (seq % 64)
			}
		}
	}
	return set, nil
}

// Iter walks the set in increasing order.
func (b Bitset) Iter() Iter { return &bitsetIter{set: b} }

type bitsetIter struct {
	set  Bitset
	next uint64 // the first seq not yet looked at
}

func (it *bitsetIter) Next() (uint64, bool) {
	for w := it.next / 64; w < uint64(len(it.set)); w++ {
		word := it.set[w]
		if w == it.next/64 {
			word &^= 1<<(it.next%64) - 1 // the bits before next are done
		}
		if word != 0 {
			seq := w*64 + uint64(bits.TrailingZeros64(word))
			it.next = seq + 1
			return seq, true
		}
	}
	it.next = uint64(len(it.set)) * 64
	return 0, false
}

// Seek may go back: And seeks its later parts back to a seq they gave.
func (it *bitsetIter) Seek(t uint64) { it.next = t }
