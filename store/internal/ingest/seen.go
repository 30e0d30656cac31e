package ingest

import (
	"encoding/binary"
	"math/rand/v2"

	"github.com/zeebo/xxh3"
	bolt "go.etcd.io/bbolt"

	"github.com/stepwise-dev/stepwise/store/internal/idindex"
	"github.com/stepwise-dev/stepwise/store/internal/schema"
)

// Seen remembers, approximately, which trace ids and problem ids the
// store holds, so that the importer's writer looks an id up in bbolt only
// when the filter says "maybe": on a fresh import nearly every record is a
// definite "no", and a B+tree search per record would be one of the
// writer's largest costs. It is built from the store on the first import in
// a process and kept current by the writer (the only writer of both
// buckets, in a process that holds the store's lock).
type Seen struct {
	ids, problems bloom
	seed          uint64 // random: ids come from untrusted files
}

// bloom is a Bloom filter with four probes and 16 bits an entry (about
// 0.2% false positives at capacity).
type bloom struct {
	bits []uint64
	n    int
}

func newBloom(capacity int) bloom {
	words := max(1024, capacity*16/64)
	return bloom{bits: make([]uint64, words)}
}

func (b *bloom) full() bool { return b.n*16 > len(b.bits)*64 }

// probes derives four bit positions from a 16-byte random hash.
func (b *bloom) probes(h [16]byte) [4]uint64 {
	m := uint64(len(b.bits) * 64)
	return [4]uint64{
		uint64(binary.LittleEndian.Uint32(h[0:])) * m >> 32,
		uint64(binary.LittleEndian.Uint32(h[4:])) * m >> 32,
		uint64(binary.LittleEndian.Uint32(h[8:])) * m >> 32,
		uint64(binary.LittleEndian.Uint32(h[12:])) * m >> 32,
	}
}

func (b *bloom) add(h [16]byte) {
	for _, p := range b.probes(h) {
		b.bits[p/64] |= 1 << (p % 64)
	}
	b.n++
}

func (b *bloom) mayHave(h [16]byte) bool {
	for _, p := range b.probes(h) {
		if b.bits[p/64]&(1<<(p%64)) == 0 {
			return false
		}
	}
	return true
}

// key is the filter's 16-byte hash of an id: one pass, no allocation (the
// writer asks it for every trace).
func (f *Seen) key(id string) [16]byte {
	return xxh3.HashString128Seed(id, f.seed).Bytes()
}

// LoadSeen builds the filter from the store's ids, sized for growth.
func LoadSeen(tx *bolt.Tx) *Seen {
	f := &Seen{seed: rand.Uint64()}
	index, _ := idindex.Open(tx) // a damaged log fails the writer's own read of it
	f.ids = f.load(tx.Bucket(schema.IDs), index.LoggedCount())
	index.EachLogged(func(id []byte) { f.ids.add(f.key(string(id))) })
	f.problems = f.load(tx.Bucket(schema.Problems), 0)
	return f
}

// load makes a filter of b's keys, with room for more.
func (f *Seen) load(b *bolt.Bucket, more int) bloom {
	bl := newBloom(2*(b.Stats().KeyN+more) + 100000)
	b.ForEach(func(k, _ []byte) error {
		bl.add(f.key(string(k)))
		return nil
	})
	return bl
}

// Stale reports that the filter is past its capacity and should be rebuilt.
func (f *Seen) Stale() bool { return f.ids.full() || f.problems.full() }
