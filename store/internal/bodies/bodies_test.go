package bodies

import (
	"bytes"
	"encoding/binary"
	"testing"

	"github.com/stepwise-dev/stepwise/store/internal/schema"
)

// TestBodyBlockBounds: blocks close at their size or count limit, and a
// body larger than the size limit gets a block of its own.
func TestBodyBlockBounds(t *testing.T) {
	var puts []schema.KV
	sizes := []int{10, blockBytes + 5, 20, 30}
	for range blockBodies + 3 {
		sizes = append(sizes, 1)
	}
	for i, n := range sizes {
		puts = append(puts, schema.KV{K: schema.U64(uint64(i + 1)), V: bytes.Repeat([]byte{byte(i)}, n)})
	}
	blocks := Pack(puts)
	var got [][]byte
	for _, kv := range blocks {
		blk, err := Decode(kv.K, kv.V)
		if err != nil {
			t.Fatal(err)
		}
		if blk.Last-blk.First+1 > blockBodies || (len(blk.data) > blockBytes && blk.First != blk.Last) {
			t.Errorf("block %d..%d holds %d bytes", blk.First, blk.Last, len(blk.data))
		}
		for seq := blk.First; seq <= blk.Last; seq++ {
			b, err := blk.Body(seq)
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, b)
		}
	}
	if len(got) != len(puts) || len(blocks) < 4 {
		t.Fatalf("%d bodies in %d blocks, want %d bodies in at least 4", len(got), len(blocks), len(puts))
	}
	for i := range puts {
		if !bytes.Equal(got[i], puts[i].V) {
			t.Fatalf("body %d differs", i+1)
		}
	}
}

// FuzzBodyBlock: a damaged block is an error, never a panic or a slice
// outside the value.
func FuzzBodyBlock(f *testing.F) {
	good := Pack([]schema.KV{{K: schema.U64(7), V: []byte("abc")}, {K: schema.U64(8), V: []byte("de")}})[0]
	f.Add(good.K, good.V, uint64(7))
	f.Add(good.K, good.V[:len(good.V)-1], uint64(8))
	f.Add(Key(3), []byte{1, 9, 0, 0, 0, 0}, uint64(1))
	f.Fuzz(func(t *testing.T, k, v []byte, seq uint64) {
		if len(k) != 9 {
			return
		}
		blk, err := Decode(k, v)
		if err != nil {
			return
		}
		if blk.First < 1 || blk.First > blk.Last || blk.Last != binary.BigEndian.Uint64(k) {
			t.Fatalf("block bounds %d..%d for key %x", blk.First, blk.Last, k)
		}
		if seq < blk.First || seq > blk.Last {
			seq = blk.First + seq%(blk.Last-blk.First+1)
		}
		if b, err := blk.Body(seq); err == nil && len(b) > len(v) {
			t.Fatal("body longer than the block")
		}
	})
}
