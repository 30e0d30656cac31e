package store

import (
	"context"

	bolt "go.etcd.io/bbolt"

	"github.com/stepwise-dev/stepwise"
	"github.com/stepwise-dev/stepwise/store/internal/postings"
	"github.com/stepwise-dev/stepwise/store/search"
)

// SearchQuery is a full-text search over the problem text and the step
// texts of the traces matching Filter (whose Offset and Limit are ignored).
type SearchQuery struct {
	Text   string
	Filter Filter
	// CaseSensitive forces exact case. When false, smart case applies: the
	// search ignores case unless Text has an upper-case letter.
	CaseSensitive bool
}

// TraceHits says where a trace matches (store/search).
type TraceHits = search.Hits

// SearchProgress is the state of a running search (store/search).
type SearchProgress = search.Progress

// Match is one occurrence of a query in a loaded trace (store/search).
type Match = search.Match

// Search finds q.Text in the problems and steps of the traces matching
// q.Filter (store/search): hits arrive in sequence order, in batches,
// through onHits (a batch is the callee's to keep); progress arrives through
// onProgress (nil is allowed for either), ending with Done. Both are called
// on the caller's goroutine. Search returns ctx.Err() when cancelled, after
// which neither is called again.
func (db *DB) Search(ctx context.Context, q SearchQuery, onHits func([]TraceHits), onProgress func(SearchProgress)) error {
	return db.search(ctx, q, 0, onHits, onProgress)
}

// search is Search with the chunk size as a parameter, for tests.
func (db *DB) search(ctx context.Context, q SearchQuery, chunk uint64, onHits func([]TraceHits), onProgress func(SearchProgress)) error {
	if err := q.Filter.Validate(); err != nil {
		return err
	}
	sq := search.Query{Text: q.Text, CaseSensitive: q.CaseSensitive, Chunk: chunk}
	if f := q.Filter; !f.isEmpty() {
		sq.Select = func(tx *bolt.Tx) (postings.Iter, error) { return f.iterator(tx) }
	}
	return search.Run(ctx, searchSource{db}, sq, onHits, onProgress)
}

// searchSource gives the search room the store's read transactions.
type searchSource struct{ db *DB }

func (s searchSource) View(fn func(*bolt.Tx) error) error { return s.db.view(fn) }

// FindInTrace lists the matches of q.Text in a loaded trace's problem text
// and steps, in reading order (problem first), under the same rules as
// Search: a trace's hit counts are the number of matches here. The filter
// is not consulted. An empty query finds nothing.
func FindInTrace(t *stepwise.Trace, problem string, q SearchQuery) []Match {
	return search.FindInTrace(t, problem, q.Text, q.CaseSensitive)
}
