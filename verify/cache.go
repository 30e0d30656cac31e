package verify

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"strings"
	"sync"
)

// Cache stores results by content key. Implementations must be safe for
// concurrent use. Failures and timeouts are cached like any result; the
// engine does not cache backend errors or canceled checks.
type Cache interface {
	Get(ctx context.Context, key string) (Result, bool, error)
	Put(ctx context.Context, key string, r Result) error
}

// Key is the content address of a check: sha256 over the backend, its
// toolchain, the header, the normalized statement and proof, and the mode.
func Key(backend, toolchain, header string, job Job) string {
	h := sha256.New()
	for _, part := range []string{"stepwise-verify/1", backend, toolchain, normalizeLean(header),
		normalizeStatement(job.Statement), normalizeLean(job.Proof), string(job.Mode)} {
		var n [8]byte
		binary.BigEndian.PutUint64(n[:], uint64(len(part)))
		h.Write(n[:])
		h.Write([]byte(part))
	}
	return hex.EncodeToString(h.Sum(nil))
}

// normalizeLean makes CRLF LF and drops trailing spaces; it keeps inner
// white space, which tactic blocks depend on.
func normalizeLean(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " \t")
	}
	return strings.Trim(strings.Join(lines, "\n"), "\n")
}

// normalizeStatement also drops a trailing `:= by sorry`, so a statement
// with and without the placeholder share a key.
func normalizeStatement(s string) string {
	s = normalizeLean(s)
	t := strings.TrimSpace(strings.TrimSuffix(s, "sorry"))
	if t != s && strings.HasSuffix(t, "by") {
		t = strings.TrimSpace(strings.TrimSuffix(t, "by"))
		if strings.HasSuffix(t, ":=") {
			return strings.TrimSpace(strings.TrimSuffix(t, ":="))
		}
	}
	return s
}

// MemCache is a bounded in-memory Cache. When full it drops the oldest
// entries first.
type MemCache struct {
	mu    sync.Mutex
	max   int
	m     map[string]Result
	order []string
}

// NewMemCache returns a cache holding at most max results (max ≤ 0: 100000).
func NewMemCache(max int) *MemCache {
	if max <= 0 {
		max = 100000
	}
	return &MemCache{max: max, m: make(map[string]Result)}
}

// Get returns a cached result.
func (c *MemCache) Get(_ context.Context, key string) (Result, bool, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	r, ok := c.m[key]
	return r, ok, nil
}

// Put stores a result.
func (c *MemCache) Put(_ context.Context, key string, r Result) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.m[key]; !ok {
		c.order = append(c.order, key)
	}
	c.m[key] = r
	for len(c.m) > c.max {
		delete(c.m, c.order[0])
		c.order = c.order[1:]
	}
	return nil
}

// Len is the number of cached results.
func (c *MemCache) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.m)
}
