package store

import (
	"context"
	"fmt"
	"math"
	"slices"

	bolt "go.etcd.io/bbolt"

	"github.com/stepwise-dev/stepwise/store/internal/idindex"
	"github.com/stepwise-dev/stepwise/store/internal/postings"
	"github.com/stepwise-dev/stepwise/store/internal/record"
	"github.com/stepwise-dev/stepwise/store/internal/schema"
)

// SortKey names a column a trace list can be ordered by.
type SortKey string

// Sort keys. The empty key is import order.
const (
	SortImport     SortKey = ""
	SortID         SortKey = "id"
	SortDataset    SortKey = SortKey(FieldDataset)
	SortModel      SortKey = SortKey(FieldModel)
	SortSteps      SortKey = SortKey(FieldSteps)
	SortCorrect    SortKey = SortKey(FieldCorrect)
	SortFirstError SortKey = SortKey(FieldFirstError)
	SortLabel      SortKey = SortKey(FieldLabel)
	SortTruncated  SortKey = SortKey(FieldTruncated)
	// SortAccuracy orders by the problem's sampled accuracy (AccuracyRange),
	// hardest first; the numeric fields (RangeFields) sort by value. Both
	// put the traces without a value last, in either direction.
	SortAccuracy SortKey = "accuracy"
)

// SortKeys lists the keys in column order.
func SortKeys() []SortKey {
	keys := []SortKey{SortImport, SortID, SortDataset, SortModel, SortSteps,
		SortCorrect, SortFirstError, SortLabel, SortTruncated, SortAccuracy}
	for _, f := range schema.SparseFields {
		keys = append(keys, SortKey(f))
	}
	return keys
}

// Order is a sort key and a direction.
type Order struct {
	Key  SortKey
	Desc bool
}

// seqChunk is how many seqs Seqs hands over at a time: the first chunk
// reaches the screen long before a million-trace scan ends.
const seqChunk = 4096

// Seqs streams the sequence numbers of the traces matching f, in order o,
// to fn in chunks. Ordered scans walk the sort field's index (already sorted
// by value), keeping members of the filter; nothing is sorted in memory
// except for descending order, which reverses the collected list.
func (db *DB) Seqs(ctx context.Context, f Filter, o Order, fn func([]uint64) error) error {
	if err := f.Validate(); err != nil {
		return err
	}
	return db.view(func(tx *bolt.Tx) error {
		src, rest, err := orderedSource(tx, f, o.Key)
		if err != nil {
			return err
		}
		if o.Desc {
			var all []uint64
			if err := drain(ctx, src, func(c []uint64) error { all = append(all, c...); return nil }); err != nil {
				return err
			}
			slices.Reverse(all)
			for len(all) > 0 {
				n := min(seqChunk, len(all))
				if err := fn(all[:n]); err != nil {
					return err
				}
				all = all[n:]
			}
		} else if err := drain(ctx, src, fn); err != nil {
			return err
		}
		if rest == nil {
			return nil
		}
		return drain(ctx, rest, fn)
	})
}

// drain pulls a source in chunks, checking for cancellation between them.
func drain(ctx context.Context, src postings.Iter, fn func([]uint64) error) error {
	buf := make([]uint64, 0, seqChunk)
	for seq, ok := src.Next(); ok; seq, ok = src.Next() {
		buf = append(buf, seq)
		if len(buf) == seqChunk {
			if err := ctx.Err(); err != nil {
				return err
			}
			if err := fn(buf); err != nil {
				return err
			}
			buf = make([]uint64, 0, seqChunk)
		}
	}
	if len(buf) > 0 {
		return fn(buf)
	}
	return ctx.Err()
}

// orderedSource yields the filter's matches in sort order: src, then rest
// (nil but for keys some traces have no value of; those come last).
func orderedSource(tx *bolt.Tx, f Filter, key SortKey) (src, rest postings.Iter, err error) {
	if !slices.Contains(SortKeys(), key) {
		return nil, nil, fmt.Errorf("cannot sort by %q", key)
	}
	switch {
	case key == SortImport:
		src, err = f.iterator(tx)
		return src, nil, err
	case key == SortAccuracy:
		known, ungraded, err := byAccuracy(tx, f)
		return &sliceIter{s: known}, &sliceIter{s: ungraded}, err
	}
	var member func(uint64) bool
	var set postings.Bitset
	if !f.isEmpty() {
		if set, err = memberSet(tx, f); err != nil {
			return nil, nil, err
		}
		member = set.Has
	}
	if key == SortID {
		x, err := idindex.Open(tx)
		if err != nil {
			return nil, nil, err
		}
		return x.ByID(member), nil, nil
	}
	post := tx.Bucket(schema.Postings)
	src = postings.NewFieldOrder(post, string(key), member)
	if !slices.Contains(schema.SparseFields, string(key)) {
		return src, nil, nil
	}
	valued, err := postings.ValueRange(post, string(key), 0, math.MaxUint32, tx.Bucket(schema.Traces).Sequence())
	if err != nil {
		return nil, nil, err
	}
	all := postings.All(tx.Bucket(schema.Traces).Cursor())
	if set != nil {
		all = set.Iter() // the filter, computed once
	}
	return src, postings.And(all, postings.Not(valued.Iter(), tx.Bucket(schema.Traces).Sequence())), nil
}

// sliceIter yields seqs in the order of a slice, not necessarily
// ascending: an order, not a set. Seek skips to the next seq ≥ t.
type sliceIter struct {
	s []uint64
	i int
}

func (it *sliceIter) Next() (uint64, bool) {
	if it.i == len(it.s) {
		return 0, false
	}
	it.i++
	return it.s[it.i-1], true
}

func (it *sliceIter) Seek(t uint64) {
	for it.i < len(it.s) && it.s[it.i] < t {
		it.i++
	}
}

// memberSet is the set of traces f matches.
func memberSet(tx *bolt.Tx, f Filter) (postings.Bitset, error) {
	it, err := f.iterator(tx)
	if err != nil {
		return nil, err
	}
	return postings.Collect(it, tx.Bucket(schema.Traces).Sequence()), nil
}

// Summaries loads the summaries of the given traces, in the given order, in
// one read transaction: what a screen of a trace list needs.
func (db *DB) Summaries(seqs []uint64) ([]Summary, error) {
	out := make([]Summary, 0, len(seqs))
	err := db.view(func(tx *bolt.Tx) error {
		traces := tx.Bucket(schema.Traces)
		for _, seq := range seqs {
			v := traces.Get(schema.U64(seq))
			if v == nil {
				return fmt.Errorf("trace %d: %w", seq, ErrNotFound)
			}
			s, err := record.DecodeSummary(seq, v)
			if err != nil {
				return err
			}
			out = append(out, s)
		}
		return nil
	})
	return out, err
}

// MaxSeq is the highest trace sequence number. Seqs are assigned 1, 2, 3...
// without gaps, so with no filter and import order, row i is seq i+1 and a
// list needs no scan at all.
func (db *DB) MaxSeq() (uint64, error) {
	var n uint64
	err := db.view(func(tx *bolt.Tx) error {
		n = tx.Bucket(schema.Traces).Sequence()
		return nil
	})
	return n, err
}
