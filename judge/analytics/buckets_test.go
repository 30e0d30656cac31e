package analytics

import "testing"

// TestBucketRanges: the store's accuracy range of each bucket holds exactly
// the accuracies Bucket names so, for every k/n up to n = 12 and a few
// thresholds.
func TestBucketRanges(t *testing.T) {
	for _, b := range []Buckets{DefaultBuckets, {Easy: 0.5, Hard: 0.5}, {Easy: 0.9, Hard: 0.1}} {
		for n := 0; n <= 12; n++ {
			for k := 0; k <= n; k++ {
				var acc *float64
				if n > 0 {
					acc = ratio(k, n)
				}
				name := b.Bucket(acc)
				for _, other := range []string{"easy", "medium", "hard", "unsolved", "unknown"} {
					r, ok := b.Range(other)
					if !ok {
						t.Fatalf("no range for %q", other)
					}
					if got := r.Has(k, n); got != (other == name) {
						t.Errorf("thresholds %+v, %d/%d is %s; range of %s %s has it: %v", b, k, n, name, other, r, got)
					}
				}
			}
		}
	}
	if _, ok := DefaultBuckets.Range("trivial"); ok {
		t.Error("a range for a bucket that does not exist")
	}
}
