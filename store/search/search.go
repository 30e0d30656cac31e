// Package search finds a text in the problems and steps of stored traces:
// a parallel scan of the trace bodies, read in place from bbolt's mapping
// (only a body with a match is parsed further, for its step spans), with
// each problem matched once up front. Hits arrive in sequence order, the
// first screenful at once. FindInTrace finds the same matches in one
// loaded trace, for highlighting.
//
// It reads the store through Store (read transactions) and the engine
// packages (bodies, record, postings, schema); the store's filter reaches
// it as an iterator (Query.Select). store.DB.Search is its front door.
package search

import (
	"context"
	"errors"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/stepwise-dev/stepwise"
	"github.com/stepwise-dev/stepwise/store/internal/bodies"
	"github.com/stepwise-dev/stepwise/store/internal/damage"
	"github.com/stepwise-dev/stepwise/store/internal/postings"
	"github.com/stepwise-dev/stepwise/store/internal/record"
	"github.com/stepwise-dev/stepwise/store/internal/schema"
)

// Query is a full-text search.
type Query struct {
	Text string
	// CaseSensitive forces exact case. When false, smart case applies: the
	// search ignores case unless Text has an upper-case letter.
	CaseSensitive bool
	// Select, when set, yields the traces to search, in a read
	// transaction (a filter's postings); nil searches every trace.
	Select func(*bolt.Tx) (postings.Iter, error)
	// Chunk is the run of sequence numbers a worker scans at a time
	// (0: 2048); hits are delivered in chunk order. Tests make it small.
	Chunk uint64
}

// Store is what a search reads: read transactions on the store.
type Store interface {
	View(fn func(*bolt.Tx) error) error
}

// Hits says where a trace matches. The store re-exports it as
// store.Hits.
type Hits struct {
	Seq uint64
	// ProblemHits counts matches in the problem text, StepHits in the steps
	// (a match never spans two steps).
	ProblemHits int
	StepHits    int
	// FirstStep is the first step with a match, -1 if only the problem has one.
	FirstStep int
}

// Progress is the state of a running search. Scanned and Total count
// sequence numbers (the filter's matches are not counted beforehand, so
// that the first hits need no counting pass); Traces and Hits count what
// has been found.
type Progress struct {
	Scanned, Total uint64
	Traces, Hits   int
	Done           bool
}

// Search tuning.
const (
	// defaultChunk is the run of sequence numbers a worker scans at a
	// time; hits are delivered in chunk order, so in sequence order.
	defaultChunk = 2048
	// searchWindow bounds the chunks scanned ahead of delivery, so a slow
	// consumer holds back the workers instead of piling up results.
	searchWindow = 64
	// Until firstBatch hits (a screenful) have gone out, each chunk's hits
	// go out as soon as the chunk is in order, so that the first rows show
	// at once even for a rare word; later hits are gathered for
	// batchInterval or up to maxBatch.
	firstBatch    = 64
	maxBatch      = 4096
	batchInterval = 50 * time.Millisecond
	// cancelEvery is how many traces a worker scans between looks at ctx.
	cancelEvery = 256
)

// Run finds q.Text in the problems and steps of the traces q.Select
// yields. Hits arrive in sequence order, in batches, through onHits (a batch
// is the callee's to keep); progress arrives through onProgress (nil is
// allowed for either), ending with Done. Both are called on the caller's
// goroutine. Run returns ctx.Err() when cancelled, after which neither is
// called again.
//
// The scan runs on every core, each worker in its own read transaction,
// reading raw texts in place from the mapped file. Problems, shared by many
// traces, are searched once, up front.
func Run(ctx context.Context, st Store, q Query, onHits func([]Hits), onProgress func(Progress)) error {
	m, err := newMatcher(q.Text, q.CaseSensitive)
	if err != nil {
		return err
	}
	chunk := q.Chunk
	if chunk == 0 {
		chunk = defaultChunk
	}
	plan := searchPlan{chunk: chunk, sel: q.Select}
	err = st.View(func(tx *bolt.Tx) error {
		plan.total = tx.Bucket(schema.Traces).Sequence()
		plan.problems, err = searchProblems(ctx, tx, m)
		return err
	})
	if err != nil {
		return err
	}
	plan.m = m
	out := newHitSink(ctx, onHits, onProgress, plan.total)
	out.chunk = int(chunk)
	if err := runSearch(ctx, st, &plan, out); err != nil {
		return err
	}
	out.finish()
	return ctx.Err()
}

// searchPlan is what every worker shares.
type searchPlan struct {
	m        *matcher
	sel      func(*bolt.Tx) (postings.Iter, error) // nil: every trace
	total    uint64
	chunk    uint64
	problems *problemHits
}

// chunkResult is one scanned chunk.
type chunkResult struct {
	n    int
	hits []Hits
	err  error
}

// runSearch scans the chunks on every core and hands results to out in
// chunk order.
func runSearch(ctx context.Context, st Store, plan *searchPlan, out *hitSink) error {
	chunks := int((plan.total + plan.chunk - 1) / plan.chunk)
	if chunks == 0 {
		return ctx.Err()
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	workers := max(1, min(runtime.GOMAXPROCS(0), chunks))
	tokens := make(chan struct{}, searchWindow)
	for range searchWindow {
		tokens <- struct{}{}
	}
	results := make(chan chunkResult, searchWindow)
	// Chunk hit buffers go back to the workers once delivered, so a search
	// with many hits does not make garbage in proportion.
	free := make(chan []Hits, searchWindow+workers)
	var claimed atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := st.View(func(tx *bolt.Tx) error {
				w := newSearchWorker(tx, plan)
				for {
					select {
					case <-tokens:
					case <-ctx.Done():
						return nil
					}
					n := int(claimed.Add(1) - 1)
					if n >= chunks {
						return nil
					}
					var buf []Hits
					select {
					case buf = <-free:
					default:
					}
					hits, err := w.scan(ctx, n, buf[:0])
					select {
					case results <- chunkResult{n: n, hits: hits, err: err}:
					case <-ctx.Done():
						return nil
					}
					if err != nil {
						return nil
					}
				}
			})
			if err != nil {
				select {
				case results <- chunkResult{n: -1, err: err}:
				case <-ctx.Done():
				}
			}
		}()
	}
	go func() { wg.Wait(); close(results) }()

	pending := map[int]chunkResult{}
	next := 0
	var firstErr error
	for r := range results {
		if firstErr != nil {
			continue // drain until the workers have stopped
		}
		if r.err != nil {
			firstErr = r.err
			cancel()
			continue
		}
		pending[r.n] = r
		for c, ok := pending[next]; ok; c, ok = pending[next] {
			delete(pending, next)
			next++
			scanned := min(uint64(next)*plan.chunk, plan.total)
			out.add(c.hits, scanned)
			if cap(c.hits) > 0 {
				select {
				case free <- c.hits[:0]:
				default:
				}
			}
			tokens <- struct{}{}
		}
	}
	if firstErr != nil && !errors.Is(firstErr, context.Canceled) {
		return firstErr
	}
	if err := ctx.Err(); err != nil || next < chunks {
		if err == nil {
			err = context.Canceled
		}
		return err
	}
	return nil
}

// searchWorker scans chunks inside one read transaction.
type searchWorker struct {
	plan   *searchPlan
	bodies *bodies.Cursor
	traces seqCursor // only when problem hits are looked up by summary
	filter *chunkIter
	tx     *bolt.Tx
	spans  []stepwise.Span
	buf    []byte // the matcher's scratch text
	err    error
}

func newSearchWorker(tx *bolt.Tx, plan *searchPlan) *searchWorker {
	w := &searchWorker{plan: plan, tx: tx,
		bodies: bodies.NewCursor(tx), traces: seqCursor{c: tx.Bucket(schema.Traces).Cursor()}}
	if plan.sel != nil {
		it, err := plan.sel(tx)
		w.filter, w.err = &chunkIter{it: it}, err
	}
	return w
}

// scan searches chunk n: sequence numbers [n*chunk+1, (n+1)*chunk+1).
// Hits are appended to hits.
func (w *searchWorker) scan(ctx context.Context, n int, hits []Hits) ([]Hits, error) {
	if w.err != nil {
		return nil, w.err
	}
	lo := uint64(n)*w.plan.chunk + 1
	hi := min(lo+w.plan.chunk, w.plan.total+1)
	visit := func(seq uint64, body []byte) error {
		h, ok, err := w.trace(seq, body)
		if ok {
			hits = append(hits, h)
		}
		return err
	}
	if w.filter == nil {
		return hits, w.scanAll(ctx, lo, hi, visit)
	}
	w.filter.Seek(lo)
	for i := 0; ; i++ {
		if i%cancelEvery == 0 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		seq, ok := w.filter.Next()
		if !ok {
			return hits, nil
		}
		if seq >= hi {
			w.filter.unread(seq)
			return hits, nil
		}
		body, err := w.bodies.Get(seq)
		if err != nil {
			return nil, err
		}
		if body == nil {
			return nil, damage.Corrupt("an index names trace %d, which is not in the store", seq)
		}
		if err := visit(seq, body); err != nil {
			return nil, err
		}
	}
}

// scanAll walks the bodies of [lo, hi) with one cursor.
func (w *searchWorker) scanAll(ctx context.Context, lo, hi uint64, visit func(uint64, []byte) error) error {
	i := 0
	return w.bodies.Scan(lo, hi, func(seq uint64, body []byte) error {
		if i++; i%cancelEvery == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		return visit(seq, body)
	})
}

// trace searches one trace's body and looks up its problem's hits.
func (w *searchWorker) trace(seq uint64, body []byte) (Hits, bool, error) {
	h := Hits{Seq: seq, FirstStep: -1}
	raw, tail, err := record.BodyRaw(seq, body)
	if err != nil {
		return h, false, err
	}
	text := w.plan.m.prepare(&w.buf, raw)
	if start, end := w.plan.m.index(text); start >= 0 {
		if err := w.stepHits(seq, text, tail, start, end, &h); err != nil {
			return h, false, err
		}
	}
	if p := w.plan.problems; p != nil {
		h.ProblemHits = p.of(seq, w)
	}
	return h, h.StepHits > 0 || h.ProblemHits > 0, nil
}

// stepHits counts the matches inside each step, given the first match in
// the (prepared) text.
func (w *searchWorker) stepHits(seq uint64, text []byte, tail record.BodyTail, start, end int, h *Hits) error {
	spans, err := record.BodySpans(seq, tail, len(text), w.spans[:0])
	w.spans = spans
	if err != nil {
		return err
	}
	w.plan.m.countSteps(text, spans, start, end, h)
	return nil
}

// countSteps adds the matches inside each step span of text to h; the
// first match in text is [start, end). Steps are normally in order and
// apart, and then one pass over the text does: a match inside a step counts
// and the search goes on after it; a match across a step's edge (or between
// steps) does not, and the search goes on one byte later, which finds
// exactly what searching each step on its own would.
func (m *matcher) countSteps(text []byte, spans []stepwise.Span, start, end int, h *Hits) {
	if !inOrder(spans) {
		for i, sp := range spans {
			h.addStep(i, m.count(text[sp.Start:sp.End]))
		}
		return
	}
	for si := 0; ; {
		for si < len(spans) && spans[si].End <= start {
			si++
		}
		if si == len(spans) {
			return
		}
		next := start + 1
		if sp := spans[si]; sp.Start <= start && end <= sp.End {
			h.addStep(si, 1)
			next = end
		}
		s, e := m.index(text[next:])
		if s < 0 {
			return
		}
		start, end = next+s, next+e
	}
}

func (h *Hits) addStep(i, n int) {
	if n > 0 && h.StepHits == 0 {
		h.FirstStep = i
	}
	h.StepHits += n
}

// inOrder reports whether spans follow each other without overlapping.
func inOrder(spans []stepwise.Span) bool {
	for i := 1; i < len(spans); i++ {
		if spans[i].Start < spans[i-1].End {
			return false
		}
	}
	return true
}

// chunkIter walks a filter's seqs chunk by chunk. A chunk's scan reads one
// seq past its end; the worker's next chunk starts at or after that end, so
// the seq read ahead is either the next chunk's first or before its start.
// Keeping it means the iterator need not go back (an or-iterator cannot
// return a seq it has passed).
type chunkIter struct {
	it      postings.Iter
	pending uint64
	has     bool
}

func (c *chunkIter) Seek(lo uint64) {
	if c.has && c.pending >= lo {
		return
	}
	c.has = false
	c.it.Seek(lo)
}

func (c *chunkIter) Next() (uint64, bool) {
	if c.has {
		c.has = false
		return c.pending, true
	}
	return c.it.Next()
}

func (c *chunkIter) unread(seq uint64) { c.pending, c.has = seq, true }

// seqCursor fetches values by seq, stepping with Next when the seqs asked
// for are consecutive and seeking otherwise.
type seqCursor struct {
	c     *bolt.Cursor
	last  uint64
	valid bool
}

func (s *seqCursor) get(seq uint64) []byte {
	var k, v []byte
	if s.valid && seq == s.last+1 {
		k, v = s.c.Next()
	} else {
		k, v = s.c.Seek(schema.U64(seq))
	}
	if k == nil || schema.SeqOf(k) != seq || len(k) != 8 {
		s.valid = false
		return nil
	}
	s.last, s.valid = seq, true
	return v
}

// hitSink batches hits and progress for the callbacks; once ctx is done it
// calls neither.
type hitSink struct {
	ctx        context.Context
	onHits     func([]Hits)
	onProgress func(Progress)
	batch      []Hits
	progress   Progress
	sent       int // hits handed over so far
	chunk      int
	last       time.Time
}

func newHitSink(ctx context.Context, onHits func([]Hits), onProgress func(Progress), total uint64) *hitSink {
	return &hitSink{ctx: ctx, onHits: onHits, onProgress: onProgress, progress: Progress{Total: total}, last: time.Now()}
}

// add takes a chunk's hits, in order, and flushes while the first screenful
// is not out yet, when the batch is full, or when batchInterval has passed.
func (s *hitSink) add(hits []Hits, scanned uint64) {
	if s.batch == nil && s.sent >= firstBatch && len(hits) > 0 {
		// Sized for a full batch plus a chunk, so it never grows: a search
		// for a common word hands over a million hits.
		s.batch = make([]Hits, 0, maxBatch+s.chunk)
	}
	s.batch = append(s.batch, hits...)
	s.progress.Scanned = scanned
	s.progress.Traces += len(hits)
	for _, h := range hits {
		s.progress.Hits += h.ProblemHits + h.StepHits
	}
	if (s.sent < firstBatch && len(s.batch) > 0) || len(s.batch) >= maxBatch || time.Since(s.last) >= batchInterval {
		s.flush()
	}
}

func (s *hitSink) flush() {
	if len(s.batch) > 0 {
		s.sent += len(s.batch)
		if s.onHits != nil && s.ctx.Err() == nil {
			s.onHits(s.batch)
		}
		s.batch = nil
	}
	if s.onProgress != nil && s.ctx.Err() == nil {
		s.onProgress(s.progress)
	}
	s.last = time.Now()
}

func (s *hitSink) finish() {
	s.progress.Scanned = s.progress.Total
	s.progress.Done = true
	s.flush()
}
