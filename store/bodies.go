package store

import (
	"encoding/binary"
	"fmt"
	"hash/crc32"

	bolt "go.etcd.io/bbolt"

	"github.com/stepwise-dev/stepwise"
	"github.com/stepwise-dev/stepwise/store/formats"
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
	bodyBlockVersion = 2
	bodyBlockTag     = 'b'
	// A block closes at whichever comes first (estimated sizes).
	bodyBlockBytes  = 1 << 20
	bodyBlockBodies = 1024
)

func bodyBlockKey(last uint64) []byte {
	return append(binary.BigEndian.AppendUint64(make([]byte, 0, 9), last), bodyBlockTag)
}

// blockBuilder encodes bodies straight into one block, so that a body is
// written once: by the decoding worker, into the value the writer stores.
type blockBuilder struct {
	b    []byte
	offs int // where the offsets start
	data int // where the data starts
	n, i int
}

// newBlockBuilder starts a block of n bodies of about size bytes in all.
func newBlockBuilder(n, size int) *blockBuilder {
	b := make([]byte, 0, 1+binary.MaxVarintLen64+4*(n+1)+size+4)
	b = append(b, bodyBlockVersion)
	b = binary.AppendUvarint(b, uint64(n))
	bb := &blockBuilder{offs: len(b), n: n}
	b = b[:len(b)+4*(n+1)]
	bb.data = len(b)
	bb.b = b
	return bb
}

// add appends the next trace's body and returns it (a slice of the block).
func (bb *blockBuilder) add(t *stepwise.Trace) []byte {
	start := len(bb.b)
	binary.LittleEndian.PutUint32(bb.b[bb.offs+4*bb.i:], uint32(start-bb.data))
	bb.i++
	bb.b = record.AppendBody(bb.b, t)
	return bb.b[start:len(bb.b):len(bb.b)]
}

// addEncoded appends a body encoded elsewhere.
func (bb *blockBuilder) addEncoded(body []byte) {
	binary.LittleEndian.PutUint32(bb.b[bb.offs+4*bb.i:], uint32(len(bb.b)-bb.data))
	bb.i++
	bb.b = append(bb.b, body...)
}

// finish returns the block, once all n bodies are added.
func (bb *blockBuilder) finish() []byte {
	binary.LittleEndian.PutUint32(bb.b[bb.offs+4*bb.n:], uint32(len(bb.b)-bb.data))
	bb.b = binary.LittleEndian.AppendUint32(bb.b, crc32.Checksum(bb.b, castagnoli))
	return bb.b
}

// castagnoli is the CRC-32C table: the polynomial CPUs compute in hardware.
var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// nextBlock says how many of the next bodies (of count, sized by size) go
// into one block, and their size: at most bodyBlockBodies, and no more than
// bodyBlockBytes unless a single body is larger.
func nextBlock(count int, size func(i int) int) (n, bytes int) {
	for n < count && n < bodyBlockBodies {
		s := size(n)
		if n > 0 && bytes+s > bodyBlockBytes {
			break
		}
		bytes += s
		n++
	}
	return n, bytes
}

// bodyRun is a run of consecutive prepared traces whose bodies, in order,
// make one block.
type bodyRun struct {
	items []prepared
	block []byte
}

// encodeRuns prepares items with their bodies written into blocks of at
// most bodyBlockBodies bodies and about bodyBlockBytes bytes (a single
// larger body makes a block of its own). It returns the traces and their
// runs, which are slices of them.
func encodeRuns(items []formats.Item) ([]prepared, []bodyRun) {
	var mem chunkMem
	out := make([]prepared, 0, len(items))
	var runs []bodyRun
	for len(items) > 0 {
		n, size := nextBlock(len(items), func(i int) int { return record.BodySizeHint(items[i].Trace) })
		bb := newBlockBuilder(n, size)
		start := len(out)
		for _, it := range items[:n] {
			out = append(out, prepareEncoded(it, bb.add(it.Trace), &mem))
		}
		runs = append(runs, bodyRun{items: out[start:len(out):len(out)], block: bb.finish()})
		items = items[n:]
	}
	return out, runs
}

// blockPuts returns the body blocks of a batch's stored traces: a run's
// block as the workers built it when every trace of the run was stored (the
// writer gave them consecutive seqs), else a block of the survivors.
func blockPuts(b *batch) []schema.KV {
	var puts []schema.KV
	for _, r := range b.runs {
		items := r.items
		first, last := items[0].summary.Seq, items[len(items)-1].summary.Seq
		if first != 0 && last-first == uint64(len(items)-1) {
			puts = append(puts, schema.KV{K: bodyBlockKey(last), V: r.block})
			continue
		}
		var singles []schema.KV
		for i := range items {
			if seq := items[i].summary.Seq; seq != 0 {
				singles = append(singles, schema.KV{K: schema.U64(seq), V: items[i].body})
			}
		}
		puts = append(puts, packBodies(singles)...)
	}
	return puts
}

// packBodies groups the bodies of consecutive seqs (puts in seq order) into
// blocks: for the traces of a run that lost some to dedupe.
func packBodies(puts []schema.KV) []schema.KV {
	var out []schema.KV
	for len(puts) > 0 {
		n, size := nextBlock(len(puts), func(i int) int { return len(puts[i].V) })
		bb := newBlockBuilder(n, size)
		for _, p := range puts[:n] {
			bb.addEncoded(p.V)
		}
		last := binary.BigEndian.Uint64(puts[n-1].K)
		out = append(out, schema.KV{K: bodyBlockKey(last), V: bb.finish()})
		puts = puts[n:]
	}
	return out
}

// bodyBlock is a decoded block header; bodies are slices of its value.
type bodyBlock struct {
	first, last uint64
	offs        []byte // n+1 u32
	data        []byte
}

func decodeBodyBlock(k, v []byte) (bodyBlock, error) {
	last := binary.BigEndian.Uint64(k)
	bad := func(why string) (bodyBlock, error) {
		return bodyBlock{}, damage.Corrupt("body block ending at trace %d: %s", last, why)
	}
	if len(v) == 0 || v[0] < 1 || v[0] > bodyBlockVersion {
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
	blk := bodyBlock{first: last - n + 1, last: last, offs: v[1+w : head], data: v[head:]}
	if int(binary.LittleEndian.Uint32(blk.offs[4*n:])) != len(blk.data) {
		return bad("data length")
	}
	return blk, nil
}

// body returns the body of seq, which the block holds.
func (b *bodyBlock) body(seq uint64) ([]byte, error) {
	i := seq - b.first
	lo := binary.LittleEndian.Uint32(b.offs[4*i:])
	hi := binary.LittleEndian.Uint32(b.offs[4*i+4:])
	if lo > hi || int(hi) > len(b.data) {
		return nil, damage.Corrupt("body of trace %d: block offsets out of range", seq)
	}
	return b.data[lo:hi:hi], nil
}

// bodyCursor reads bodies by seq, in any order; reading seqs in ascending
// order stays inside a block and seeks once per block.
type bodyCursor struct {
	c   *bolt.Cursor
	blk bodyBlock // the last block read; last == 0 when none
}

func newBodyCursor(tx *bolt.Tx) *bodyCursor { return &bodyCursor{c: tx.Bucket(schema.Bodies).Cursor()} }

// get returns the body of seq, nil when the store has none.
func (bc *bodyCursor) get(seq uint64) ([]byte, error) {
	if bc.blk.last != 0 && seq >= bc.blk.first && seq <= bc.blk.last {
		return bc.blk.body(seq)
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
	case len(k) == 9 && k[8] == bodyBlockTag:
		blk, err := decodeBodyBlock(k, v)
		if err != nil {
			return nil, err
		}
		if seq < blk.first {
			return nil, nil
		}
		bc.blk = blk
		return blk.body(seq)
	}
	return nil, fmt.Errorf("bodies: unexpected key %x", k)
}

// scan visits the bodies of seqs in [lo, hi) in order.
func (bc *bodyCursor) scan(lo, hi uint64, visit func(seq uint64, body []byte) error) error {
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
		if len(k) != 9 || k[8] != bodyBlockTag {
			return fmt.Errorf("bodies: unexpected key %x", k)
		}
		blk, err := decodeBodyBlock(k, v)
		if err != nil {
			return err
		}
		bc.blk = blk
		for seq := max(lo, blk.first); seq <= blk.last; seq++ {
			if seq >= hi {
				return nil
			}
			body, err := blk.body(seq)
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
