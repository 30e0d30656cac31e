package schema

import (
	"bytes"
	"encoding/binary"
	"slices"

	bolt "go.etcd.io/bbolt"
)

// U64 is the 8-byte big-endian key of a sequence number.
func U64(v uint64) []byte {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], v)
	return b[:]
}

// SeqOf reads the sequence number at the end of a key (0 when shorter).
func SeqOf(k []byte) uint64 {
	if len(k) < 8 {
		return 0
	}
	return binary.BigEndian.Uint64(k[len(k)-8:])
}

// PutUint stores a u64 value.
func PutUint(b *bolt.Bucket, k []byte, v uint64) error { return b.Put(k, U64(v)) }

// GetUint reads a u64 value (0 when missing or malformed).
func GetUint(b *bolt.Bucket, k []byte) uint64 {
	v := b.Get(k)
	if len(v) != 8 {
		return 0
	}
	return binary.BigEndian.Uint64(v)
}

// KV is one pending put.
type KV struct{ K, V []byte }

// PutSorted puts puts into b in key order, with the given fill percent (a
// per-transaction setting: 0.9 packs the pages of keys that only grow).
// bbolt grows a leaf without splitting it until commit, so inserting
// thousands of random keys into one leaf moves its entries again and again;
// sorted inserts append instead.
func PutSorted(b *bolt.Bucket, puts []KV, fill float64) error {
	b.FillPercent = fill
	slices.SortFunc(puts, func(a, b KV) int { return bytes.Compare(a.K, b.K) })
	for _, p := range puts {
		if err := b.Put(p.K, p.V); err != nil {
			return err
		}
	}
	return nil
}
