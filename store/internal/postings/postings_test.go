package postings

import (
	"math/rand/v2"
	"path/filepath"
	"slices"
	"testing"

	bolt "go.etcd.io/bbolt"
)

// TestPostingsMatchASet writes random seq sets through the posting writer
// in batches and reads them back by scan, by seek and by intersection,
// against a plain map.
func TestPostingsMatchASet(t *testing.T) {
	db, err := bolt.Open(filepath.Join(t.TempDir(), "p.db"), 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rng := rand.New(rand.NewPCG(3, 4))
	want := map[string][]uint64{}
	var seq uint64
	for batch := 0; batch < 12; batch++ {
		pw := NewWriter()
		for range 30000 {
			seq += uint64(1 + rng.IntN(3))
			for _, v := range []string{"a", "b", "c"} {
				// "a" dense, "b" sparse, "c" very sparse: arrays and bitmaps.
				p := map[string]float64{"a": 0.7, "b": 0.05, "c": 0.001}[v]
				if rng.Float64() < p {
					pw.Add(Term{"f", v}, seq)
					want[v] = append(want[v], seq)
				}
			}
		}
		err := db.Update(func(tx *bolt.Tx) error {
			b, err := tx.CreateBucketIfNotExists([]byte("postings"))
			if err != nil {
				return err
			}
			return pw.Commit(b)
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket([]byte("postings"))
		for v, seqs := range want {
			var got []uint64
			it := NewIter(b, "f", v)
			for s, ok := it.Next(); ok; s, ok = it.Next() {
				got = append(got, s)
			}
			if !slices.Equal(got, seqs) {
				t.Fatalf("%s: scan got %d seqs, want %d", v, len(got), len(seqs))
			}
			// Seek to random targets: next must return the first seq ≥ target.
			for range 200 {
				target := uint64(rng.IntN(int(seq) + 10))
				it := NewIter(b, "f", v)
				it.Seek(target)
				s, ok := it.Next()
				i, _ := slices.BinarySearch(seqs, target)
				if (i < len(seqs)) != ok || (ok && s != seqs[i]) {
					t.Fatalf("%s: seek %d gave %d %v, want index %d of %d", v, target, s, ok, i, len(seqs))
				}
			}
		}
		// Intersection by leapfrogging.
		and := And(NewIter(b, "f", "a"), NewIter(b, "f", "b"))
		inA := map[uint64]bool{}
		for _, s := range want["a"] {
			inA[s] = true
		}
		var exp, got []uint64
		for _, s := range want["b"] {
			if inA[s] {
				exp = append(exp, s)
			}
		}
		for s, ok := and.Next(); ok; s, ok = and.Next() {
			got = append(got, s)
		}
		if !slices.Equal(got, exp) {
			t.Fatalf("a∧b: got %d, want %d", len(got), len(exp))
		}
		return nil
	})
}
