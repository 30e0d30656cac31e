// Package verifyrun wires the verifier to the store: it formalizes the
// steps of stored traces, checks them with a verify.Engine whose cache is
// the store's persistent proof cache, streams the results, and saves them
// as checks. The CLI's `stepwise verify` and the workbench both run it; it
// lives apart from store and verify because it needs both, and neither may
// import the other.
package verifyrun

import (
	"errors"

	"github.com/stepwise-dev/stepwise/store"
	"github.com/stepwise-dev/stepwise/verify"
)

// Cache is the store's persistent proof cache of verification results.
type Cache = store.ProofCache[verify.Result]

// The persistent cache must satisfy the verifier's interface.
var _ verify.Cache = (*Cache)(nil)

// NewCache returns the persistent cache over db.
func NewCache(db *store.DB) *Cache { return store.NewProofCache[verify.Result](db) }

// Verifier checks stored traces. It is safe for concurrent use, but runs
// share one engine (and its concurrency bound).
type Verifier struct {
	db    *store.DB
	eng   *verify.Engine
	cache *Cache
}

// New builds a verifier with the backends cfg names (those configured) and
// the store's proof cache.
func New(db *store.DB, cfg verify.Config) *Verifier {
	c := NewCache(db)
	return &Verifier{db: db, eng: verify.New(cfg, c), cache: c}
}

// NewWithEngine uses an engine built by the caller over cache (from
// NewCache), for chosen backends or test doubles; Close flushes cache.
func NewWithEngine(db *store.DB, eng *verify.Engine, cache *Cache) *Verifier {
	return &Verifier{db: db, eng: eng, cache: cache}
}

// Engine is the verifier's engine (its Stats count backend calls and hits).
func (v *Verifier) Engine() *verify.Engine { return v.eng }

// Flush commits cached results still in memory.
func (v *Verifier) Flush() error {
	if v.cache == nil {
		return nil
	}
	return v.cache.Flush()
}

// Close flushes the cache and stops long-lived backends (REPL processes).
func (v *Verifier) Close() error {
	return errors.Join(v.Flush(), v.eng.Close())
}
