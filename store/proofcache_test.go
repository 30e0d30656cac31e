package store

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/stepwise-dev/stepwise/store/internal/schema"
)

// cachedResult stands in for verify.Result, which the store does not import.
type cachedResult struct {
	Status  string        `json:"status"`
	Timeout time.Duration `json:"timeout"`
}

func TestProofCachePersists(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "s.db")
	db, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	c := NewProofCache[cachedResult](db)
	c.FlushEvery, c.FlushAfter = 3, time.Hour
	want := cachedResult{Status: "timeout", Timeout: 5 * time.Second}
	if err := c.Put(ctx, "k1", want); err != nil {
		t.Fatal(err)
	}
	// Pending results are found before they are committed.
	if r, ok, err := c.Get(ctx, "k1"); !ok || err != nil || r != want {
		t.Fatalf("pending get: %+v %v %v", r, ok, err)
	}
	if n, _ := db.ProofCacheLen(); n != 0 || c.Pending() != 1 {
		t.Fatalf("committed %d, pending %d before the batch filled", n, c.Pending())
	}
	c.Put(ctx, "k2", cachedResult{Status: "proved"})
	c.Put(ctx, "k3", cachedResult{Status: "disproved"})
	if n, _ := db.ProofCacheLen(); n != 3 || c.Pending() != 0 {
		t.Fatalf("committed %d, pending %d after a full batch", n, c.Pending())
	}
	c.Put(ctx, "k4", cachedResult{Status: "failed"})
	if err := c.Flush(); err != nil {
		t.Fatal(err)
	}
	db.Close()

	db, err = Open(path, Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	c = NewProofCache[cachedResult](db)
	for k, st := range map[string]string{"k1": "timeout", "k2": "proved", "k3": "disproved", "k4": "failed"} {
		r, ok, err := c.Get(ctx, k)
		if !ok || err != nil || r.Status != st {
			t.Errorf("%s after reopen: %+v %v %v, want %s", k, r, ok, err, st)
		}
	}
	if r, _, _ := c.Get(ctx, "k1"); r.Timeout != 5*time.Second {
		t.Errorf("timeout budget lost: %v", r.Timeout)
	}
	if _, ok, err := c.Get(ctx, "missing"); ok || err != nil {
		t.Errorf("missing key: %v %v", ok, err)
	}
	// A read-only store keeps results in memory and says it cannot save them.
	c.Put(ctx, "k5", cachedResult{Status: "proved"})
	if err := c.Flush(); err == nil {
		t.Error("flush into a read-only store succeeded")
	}
	if _, ok, _ := c.Get(ctx, "k5"); !ok {
		t.Error("a result that could not be saved was dropped from memory")
	}
}

func TestProofCacheDamagedValue(t *testing.T) {
	db := openTemp(t)
	err := db.update(func(tx *bolt.Tx) error {
		b := tx.Bucket(schema.ProofCache)
		b.Put([]byte("bad-version"), []byte("{}"))
		return b.Put([]byte("bad-json"), []byte{proofCacheVersion, '{'})
	})
	if err != nil {
		t.Fatal(err)
	}
	c := NewProofCache[cachedResult](db)
	for _, k := range []string{"bad-version", "bad-json"} {
		if _, ok, err := c.Get(context.Background(), k); ok || err == nil {
			t.Errorf("%s: ok %v err %v, want an error", k, ok, err)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, _, err := c.Get(ctx, "k"); err == nil {
		t.Error("canceled get succeeded")
	}
	if err := c.Put(context.Background(), "", cachedResult{}); err == nil {
		t.Error("empty key accepted")
	}
}

func FuzzProofCacheValue(f *testing.F) {
	f.Add([]byte{proofCacheVersion, '{', '}'})
	f.Add([]byte(`{"status":"proved"}`))
	f.Fuzz(func(t *testing.T, v []byte) {
		r, err := decodeCached[cachedResult](v)
		if err == nil && len(v) == 0 {
			t.Fatalf("empty value decoded as %+v", r)
		}
	})
}
