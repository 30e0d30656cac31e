package store

import (
	"testing"
	"time"
)

// FuzzDecodeRun: a damaged run or findings record gives an error, never a
// panic, and a record that decodes re-encodes to one that decodes the same.
func FuzzDecodeRun(f *testing.F) {
	a := sampleAnalysis("an-seed", "t", time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), "step one\n\nstep two")
	rec, err := encodeRun(&a)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(rec)
	f.Add(rec[:len(rec)/2])
	f.Add([]byte{1, 0, 0})
	f.Add([]byte{1, 1, 'v', '{', '}'})
	f.Fuzz(func(t *testing.T, v []byte) {
		if got, err := decodeRun(1, v); err == nil {
			again, err := encodeRun(got)
			if err != nil {
				t.Fatalf("re-encode: %v", err)
			}
			if _, err := decodeRun(1, again); err != nil {
				t.Fatalf("re-decode: %v", err)
			}
		}
		_, _ = decodeRunHead(1, v)
		_, _ = decodeFindings(1, v)
	})
}
