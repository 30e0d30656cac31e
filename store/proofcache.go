package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/stepwise-dev/stepwise/store/internal/schema"
)

// ProofCache is a persistent, content-addressed cache of verification
// results over the proof_cache bucket. R is the result type: the store does
// not import the verifier, so the caller instantiates it,
// ProofCache[verify.Result], which then satisfies verify.Cache.
//
// Values are a version byte and R as JSON: the result type belongs to the
// verifier, which keeps it JSON-serializable for this purpose, and a value
// is written once per backend call, so encoding costs nothing next to the
// check itself.
//
// bbolt has one writer and a commit costs a sync, so Put does not commit
// each result: results wait in memory (where Get finds them) and are
// committed in batches of FlushEvery, or when the oldest has waited
// FlushAfter, or on Flush. A result lost in a crash is only computed again.
// Get holds a read transaction for one lookup, never across a check.
type ProofCache[R any] struct {
	db *DB
	// FlushEvery and FlushAfter bound the pending results (defaults 512
	// and 2 s); set them before use.
	FlushEvery int
	FlushAfter time.Duration

	mu      sync.Mutex
	pending map[string][]byte
	oldest  time.Time
	// flushMu serializes commits so results reach the store in order.
	flushMu sync.Mutex
}

const proofCacheVersion = 1

// NewProofCache returns a cache over db's proof_cache bucket.
func NewProofCache[R any](db *DB) *ProofCache[R] {
	return &ProofCache[R]{db: db, FlushEvery: 512, FlushAfter: 2 * time.Second, pending: map[string][]byte{}}
}

// Get returns a cached result. A value that cannot be decoded is an error
// (the verifier treats it as a miss and checks again).
func (c *ProofCache[R]) Get(ctx context.Context, key string) (R, bool, error) {
	var r R
	if err := ctx.Err(); err != nil {
		return r, false, err
	}
	c.mu.Lock()
	v, ok := c.pending[key]
	c.mu.Unlock()
	if !ok {
		err := c.db.view(func(tx *bolt.Tx) error {
			b := tx.Bucket(schema.ProofCache)
			if b == nil {
				return nil
			}
			if got := b.Get([]byte(key)); got != nil {
				v, ok = append([]byte(nil), got...), true
			}
			return nil
		})
		if err != nil || !ok {
			return r, false, err
		}
	}
	r, err := decodeCached[R](v)
	if err != nil {
		return r, false, fmt.Errorf("proof cache %.16s: %w", key, err)
	}
	return r, true, nil
}

func decodeCached[R any](v []byte) (R, error) {
	var r R
	if len(v) == 0 || v[0] != proofCacheVersion {
		return r, errors.New("unknown cache value version")
	}
	err := json.Unmarshal(v[1:], &r)
	return r, err
}

// Put stores a result; it is committed with the next batch.
func (c *ProofCache[R]) Put(_ context.Context, key string, r R) error {
	if key == "" {
		return errors.New("proof cache: empty key")
	}
	b, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("proof cache: encode: %w", err)
	}
	v := append([]byte{proofCacheVersion}, b...)
	c.mu.Lock()
	if len(c.pending) == 0 {
		c.oldest = time.Now()
	}
	c.pending[key] = v
	due := len(c.pending) >= c.FlushEvery || time.Since(c.oldest) >= c.FlushAfter
	c.mu.Unlock()
	if due {
		return c.Flush()
	}
	return nil
}

// Flush commits the pending results in one transaction. On failure they
// stay pending, so a later Flush tries again.
func (c *ProofCache[R]) Flush() error {
	c.flushMu.Lock()
	defer c.flushMu.Unlock()
	c.mu.Lock()
	batch := make(map[string][]byte, len(c.pending))
	for k, v := range c.pending {
		batch[k] = v
	}
	c.mu.Unlock()
	if len(batch) == 0 {
		return nil
	}
	if c.db.readOnly {
		return errors.New("proof cache: store opened read-only")
	}
	err := c.db.update(func(tx *bolt.Tx) error {
		b := tx.Bucket(schema.ProofCache)
		if b == nil {
			return errors.New("store has no proof_cache bucket (schema older than 3?)")
		}
		// Sorted puts append to leaves instead of reshuffling them.
		keys := make([]string, 0, len(batch))
		for k := range batch {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if err := b.Put([]byte(k), batch[k]); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("proof cache: %w", err)
	}
	c.mu.Lock()
	for k, v := range batch {
		// A result put again meanwhile stays pending.
		if cur, ok := c.pending[k]; ok && string(cur) == string(v) {
			delete(c.pending, k)
		}
	}
	if len(c.pending) > 0 {
		c.oldest = time.Now()
	}
	c.mu.Unlock()
	return nil
}

// Pending is the number of results not committed yet.
func (c *ProofCache[R]) Pending() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.pending)
}

// ProofCacheLen is the number of committed cached results (it walks the
// bucket: for tests and doctor-style reports, not for every frame).
func (db *DB) ProofCacheLen() (int, error) {
	n := 0
	err := db.view(func(tx *bolt.Tx) error {
		if b := tx.Bucket(schema.ProofCache); b != nil {
			n = b.Stats().KeyN
		}
		return nil
	})
	return n, err
}
