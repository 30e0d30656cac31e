// Package bodies stores trace bodies (text, steps, labels: record.AppendBody)
// in blocks: one bbolt value holds the bodies of a run of consecutive
// sequence numbers. It holds the block format, the builder the import's
// workers encode bodies into, and the cursor every reader goes through.
//
// It imports store/internal/record, schema and damage.
package bodies

import (
	"encoding/binary"
	"fmt"
	"hash/crc32"

	bolt "go.etcd.io/bbolt"

	"github.com/stepwise-dev/stepwise"
	"github.com/stepwise-dev/stepwise/store/internal/damage"
	"github.com/stepwise-dev/stepwise/store/internal/record"
	"github.com/stepwise-dev/stepwise/store/internal/schema"
)

// Trace bodies are stored in blocks: one bbolt value holds the bodies of a
// run of consecutive sequence numbers, under the key schema.U64(last seq) + 'b'.
// One value per body cost the single import writer a B+tree insert, a page
// element and a copy per trace; a block of a few hundred costs one. A body
// is still one slice of bbolt's mapping, found with one seek: the key is
// the run's last seq, so seeking a seq lands on the block that holds it.
//
// A block is: version byte, uvarint count n, n+1 little-endian u32 offsets
// into the data (fixed width, so entry i is found without a scan), data,
// and (version 2) a little-endian CRC-32C of everything before it: bbolt
// keeps no checksum of its pages, and a flipped byte of text must be
// reported as damage, not shown as data. Version 1 blocks, without it, are
// read as before.
//
// Stores written by earlier versions hold one body per 8-byte key schema.U64(seq);
// readers take either (a seq is in one or the other, never both).
const (
	blockVersion = 2
	blockTag     = 'b'
	// A block closes at whichever comes first (estimated sizes).
	blockBytes  = 1 << 20
	blockBodies = 1024
)

// Key is the key of the block whose last trace is last.
func Key(last uint64) []byte {
	return append(binary.BigEndian.AppendUint64(make([]byte, 0, 9), last), blockTag)
}

// IsBlockKey reports whether k is a block's key (else it is a single
// body's, in an older store).
func IsBlockKey(k []byte) bool { return len(k) == 9 && k[8] == blockTag }

// Builder encodes bodies straight into one block, so that a body is
// written once: by the decoding worker, into the value the writer stores.
type Builder struct {
	b    []byte
	offs int // where the offsets start
	data int // where the data starts
	n, i int
}

// NewBuilder starts a block of n bodies of about size bytes in all.
func NewBuilder(n, size int) *Builder {
	b := make([]byte, 0, 1+binary.MaxVarintLen64+4*(n+1)+size+4)
	b = append(b, blockVersion)
	b = binary.AppendUvarint(b, uint64(n))
	bb := &Builder{offs: len(b), n: n}
	b = b[:len(b)+4*(n+1)]
	bb.data = len(b)
	bb.b = b
	return bb
}

// Add appends the next trace's body and returns it (a slice of the block).
func (bb *Builder) Add(t *stepwise.Trace) []byte {
	start := len(bb.b)
	binary.LittleEndian.PutUint32(bb.b[bb.offs+4*bb.i:], uint32(start-bb.data))
	bb.i++
	bb.b = record.AppendBody(bb.b, t)
	return bb.b[start:len(bb.b):len(bb.b)]
}

// AddEncoded appends a body encoded elsewhere.
func (bb *Builder) AddEncoded(body []byte) {
	binary.LittleEndian.PutUint32(bb.b[bb.offs+4*bb.i:], uint32(len(bb.b)-bb.data))
	bb.i++
	bb.b = append(bb.b, body...)
}

// Finish returns the block, once all n bodies are added.
func (bb *Builder) Finish() []byte {
	binary.LittleEndian.PutUint32(bb.b[bb.offs+4*bb.n:], uint32(len(bb.b)-bb.data))
	bb.b = binary.LittleEndian.AppendUint32(bb.b, crc32.Checksum(bb.b, castagnoli))
	return bb.b
}

// castagnoli is the CRC-32C table: the polynomial CPUs compute in hardware.
var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// NextBlock says how many of the next bodies (of count, sized by size) go
// into one block, and their size: at most 1024, and no more than 1 MiB
// unless a single body is larger.
func NextBlock(count int, size func(i int) int) (n, bytes int) {
	for n < count && n < blockBodies {
		s := size(n)
		if n > 0 && bytes+s > blockBytes {
			break
		}
		bytes += s
		n++
	}
	return n, bytes
}

// Pack groups the bodies of consecutive seqs (puts in seq order, keyed by
// seq) into blocks: for the traces of a run that lost some to dedupe.
func Pack(puts []schema.KV) []schema.KV {
	var out []schema.KV
	for len(puts) > 0 {
		n, size := NextBlock(len(puts), func(i int) int { return len(puts[i].V) })
		bb := NewBuilder(n, size)
		for _, p := range puts[:n] {
			bb.AddEncoded(p.V)
		}
		last := binary.BigEndian.Uint64(puts[n-1].K)
		out = append(out, schema.KV{K: Key(last), V: bb.Finish()})
		puts = puts[n:]
	}
	return out
}

// Block is a decoded block header; bodies are slices of its value.
type Block struct {
	First, Last uint64
	offs        []byte // n+1 u32
	data        []byte
}

// Decode reads the block at key k: its checksum (version 2), count and
// offsets are checked, so that no damage makes a read go out of bounds.
func Decode(k, v []byte) (Block, error) {
	last := binary.BigEndian.Uint64(k)
	bad := func(why string) (Block, error) {
		return Block{}, damage.Corrupt("body block ending at trace %d: %s", last, why)
	}
	if len(v) == 0 || v[0] < 1 || v[0] > blockVersion {
		return bad(fmt.Sprintf("unknown block version %d", v[0]))
	}
	if v[0] >= 2 {
		if len(v) < 5 {
			return bad("too short for its checksum")
		}
		body, sum := v[:len(v)-4], binary.LittleEndian.Uint32(v[len(v)-4:])
		if crc32.Checksum(body, castagnoli) != sum {
			return bad("its checksum does not match its bytes")
		}
		v = body
	}
	n, w := binary.Uvarint(v[1:])
	if w <= 0 || n == 0 || n > last || n > uint64(len(v)) {
		return bad("count")
	}
	head := 1 + w + 4*(int(n)+1)
	if head > len(v) {
		return bad("offsets")
	}
	blk := Block{First: last - n + 1, Last: last, offs: v[1+w : head], data: v[head:]}
	if int(binary.LittleEndian.Uint32(blk.offs[4*n:])) != len(blk.data) {
		return bad("data length")
	}
	return blk, nil
}

// Body returns the body of seq, which the block holds.
func (b *Block) Body(seq uint64) ([]byte, error) {
	i := seq - b.First
	lo := binary.LittleEndian.Uint32(b.offs[4*i:])
	hi := binary.LittleEndian.Uint32(b.offs[4*i+4:])
	if lo > hi || int(hi) > len(b.data) {
		return nil, damage.Corrupt("body of trace %d: block offsets out of range", seq)
	}
	return b.data[lo:hi:hi], nil
}

// Cursor reads bodies by seq, in any order; reading seqs in ascending
// order stays inside a block and seeks once per block. A body it returns
// lies in bbolt's mapping: valid until the transaction ends.
type Cursor struct {
	c   *bolt.Cursor
	blk Block // the last block read; Last == 0 when none
}

// NewCursor reads the bodies of tx.
func NewCursor(tx *bolt.Tx) *Cursor { return &Cursor{c: tx.Bucket(schema.Bodies).Cursor()} }

// Get returns the body of seq, nil when the store has none.
func (bc *Cursor) Get(seq uint64) ([]byte, error) {
	if bc.blk.Last != 0 && seq >= bc.blk.First && seq <= bc.blk.Last {
		return bc.blk.Body(seq)
	}
	k, v := bc.c.Seek(schema.U64(seq))
	switch {
	case k == nil:
		return nil, nil
	case len(k) == 8: // one body per key (schema 3 and before)
		if binary.BigEndian.Uint64(k) != seq {
			return nil, nil
		}
		return v, nil
	case IsBlockKey(k):
		blk, err := Decode(k, v)
		if err != nil {
			return nil, err
		}
		if seq < blk.First {
			return nil, nil
		}
		bc.blk = blk
		return blk.Body(seq)
	}
	return nil, damage.Corrupt("bodies: unexpected key %x", k)
}

// Scan visits the bodies of seqs in [lo, hi) in order.
func (bc *Cursor) Scan(lo, hi uint64, visit func(seq uint64, body []byte) error) error {
	for k, v := bc.c.Seek(schema.U64(lo)); k != nil; k, v = bc.c.Next() {
		if len(k) == 8 {
			seq := binary.BigEndian.Uint64(k)
			if seq >= hi {
				return nil
			}
			if err := visit(seq, v); err != nil {
				return err
			}
			continue
		}
		if !IsBlockKey(k) {
			return damage.Corrupt("bodies: unexpected key %x", k)
		}
		blk, err := Decode(k, v)
		if err != nil {
			return err
		}
		bc.blk = blk
		for seq := max(lo, blk.First); seq <= blk.Last; seq++ {
			if seq >= hi {
				return nil
			}
			body, err := blk.Body(seq)
			if err != nil {
				return err
			}
			if err := visit(seq, body); err != nil {
				return err
			}
		}
	}
	return nil
}
