package render

import (
	"container/list"
	"sync"
)

// Cache holds rendered results, evicting the least recently used entries
// when their total size passes a byte budget. It is safe for concurrent
// use: the app renders in tea.Cmd goroutines and reads in View().
//
// Keys: (format, content id, width, theme key, options, language). The
// content id is the caller's id when given — it must change whenever the
// content does (include a version or hash) — else a hash of the text.
type Cache struct {
	mu       sync.Mutex
	maxBytes int
	bytes    int
	ll       *list.List // front = most recent
	items    map[cacheKey]*list.Element
	stats    CacheStats
}

// CacheStats counts cache traffic.
type CacheStats struct {
	Hits, Misses, Evictions int
	Entries, Bytes          int
}

type cacheKey struct {
	format Format
	id     string
	hash   uint64
	width  int
	theme  string
	opts   uint8
	lang   string
}

type cacheEntry struct {
	key  cacheKey
	res  Result
	size int
}

// DefaultCacheBytes is a budget that holds thousands of rendered steps.
const DefaultCacheBytes = 64 << 20

// NewCache returns a cache holding at most maxBytes of rendered text
// (DefaultCacheBytes if maxBytes <= 0).
func NewCache(maxBytes int) *Cache {
	if maxBytes <= 0 {
		maxBytes = DefaultCacheBytes
	}
	return &Cache{maxBytes: maxBytes, ll: list.New(), items: map[cacheKey]*list.Element{}}
}

func (c *Cache) get(k cacheKey) (Result, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.items[k]; ok {
		c.ll.MoveToFront(e)
		c.stats.Hits++
		return e.Value.(*cacheEntry).res, true
	}
	c.stats.Misses++
	return Result{}, false
}

func (c *Cache) put(k cacheKey, r Result) {
	size := r.Size() + len(k.id) + len(k.theme) + 64
	c.mu.Lock()
	defer c.mu.Unlock()
	if size > c.maxBytes {
		return // would evict everything else for one entry
	}
	if e, ok := c.items[k]; ok {
		old := e.Value.(*cacheEntry)
		c.bytes += size - old.size
		old.res, old.size = r, size
		c.ll.MoveToFront(e)
	} else {
		c.items[k] = c.ll.PushFront(&cacheEntry{key: k, res: r, size: size})
		c.bytes += size
	}
	for c.bytes > c.maxBytes {
		e := c.ll.Back()
		ent := e.Value.(*cacheEntry)
		c.ll.Remove(e)
		delete(c.items, ent.key)
		c.bytes -= ent.size
		c.stats.Evictions++
	}
}

// Stats returns a snapshot of the counters.
func (c *Cache) Stats() CacheStats {
	c.mu.Lock()
	defer c.mu.Unlock()
	s := c.stats
	s.Entries, s.Bytes = len(c.items), c.bytes
	return s
}

// Clear drops every entry (after a theme file changed, for example; keys
// already differ then, so this only frees memory sooner).
func (c *Cache) Clear() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.ll.Init()
	c.items = map[cacheKey]*list.Element{}
	c.bytes = 0
}
