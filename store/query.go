package store

import (
	"bytes"
	"container/heap"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"

	bolt "go.etcd.io/bbolt"

	"github.com/stepwise-dev/stepwise"
	"github.com/stepwise-dev/stepwise/store/internal/damage"
	"github.com/stepwise-dev/stepwise/store/internal/record"
)

// ErrNotFound is returned for an unknown trace or problem id.
var ErrNotFound = errors.New("not found")

// Filter selects traces. Empty fields match everything.
type Filter struct {
	// Dataset matches the dataset and its subsets: "processbench" matches
	// "processbench" and "processbench/gsm8k".
	Dataset   string
	Model     string
	Correct   string // true | false | unknown
	Label     string // none | error | correct | partial
	Truncated string // true | false
	Problem   string
	Format    string
	// Human selects traces with (yes) or without (no) annotation events;
	// Annotator, traces with events by that annotator.
	Human     string
	Annotator string
	// Proof selects traces by their verification: checked, unchecked, or
	// with at least one step of a status (disproved, proved, ...).
	Proof string
	// Finding selects traces with an offline finding of that code
	// (CodeLabelContradicted, arith_false, answer_mismatch, ...).
	Finding string
	// Offset skips that many matches; Limit stops after that many (0: all).
	Offset, Limit int
}

// Validate checks the filter's enumerated values.
func (f *Filter) Validate() error {
	check := func(name, v string, ok ...string) error {
		if v == "" {
			return nil
		}
		for _, o := range ok {
			if v == o {
				return nil
			}
		}
		return fmt.Errorf("--%s %q: want one of %s", name, v, strings.Join(ok, ", "))
	}
	var proof error
	if f.Proof != "" {
		_, proof = proofMatcher(f.Proof)
	}
	return errors.Join(
		proof,
		check("correct", f.Correct, "true", "false", "unknown"),
		check("label", f.Label, string(stepwise.LabelNone), string(stepwise.LabelError),
			string(stepwise.LabelCorrect), string(stepwise.LabelPartial)),
		check("truncated", f.Truncated, "true", "false"),
		check("human", f.Human, "yes", "no"),
	)
}

// List calls fn for each matching trace summary, in import order, inside one
// read transaction; it never holds more than one summary at a time.
func (db *DB) List(f Filter, fn func(Summary) error) error {
	if err := f.Validate(); err != nil {
		return err
	}
	return db.view(func(tx *bolt.Tx) error {
		it, err := f.iterator(tx)
		if err != nil {
			return err
		}
		traces := tx.Bucket(bTraces)
		skipped, sent := 0, 0
		for seq, ok := it.next(); ok; seq, ok = it.next() {
			if skipped < f.Offset {
				skipped++
				continue
			}
			v := traces.Get(u64(seq))
			if v == nil {
				return damage.Corrupt("an index names trace %d, which is not in the store", seq)
			}
			s, err := record.DecodeSummary(seq, v)
			if err != nil {
				return err
			}
			if err := fn(s); err != nil {
				return err
			}
			sent++
			if f.Limit > 0 && sent >= f.Limit {
				return nil
			}
		}
		return nil
	})
}

// Count returns the number of traces matching f.
func (db *DB) Count(f Filter) (int, error) {
	n := 0
	err := db.view(func(tx *bolt.Tx) error {
		if f.isEmpty() {
			n = int(getUint(tx.Bucket(bCounts), []byte("total")))
			return nil
		}
		it, err := f.iterator(tx)
		if err != nil {
			return err
		}
		for _, ok := it.next(); ok; _, ok = it.next() {
			n++
		}
		return nil
	})
	return n, err
}

func (f *Filter) isEmpty() bool {
	return f.Dataset == "" && f.Model == "" && f.Correct == "" && f.Label == "" && f.Truncated == "" &&
		f.Problem == "" && f.Format == "" && f.Human == "" && f.Annotator == "" && f.Proof == "" && f.Finding == ""
}

// iterator builds the intersection of the filter's index scans.
func (f *Filter) iterator(tx *bolt.Tx) (seqIter, error) {
	var parts []seqIter
	add := func(field, value string) {
		if value != "" {
			parts = append(parts, fieldIter(tx, field, value))
		}
	}
	if f.Dataset != "" {
		parts = append(parts, datasetIter(tx, f.Dataset))
	}
	add(FieldModel, f.Model)
	add(FieldCorrect, f.Correct)
	add(FieldLabel, f.Label)
	add(FieldTruncated, f.Truncated)
	add(FieldProblem, f.Problem)
	add(FieldFormat, f.Format)
	if f.Annotator != "" {
		parts = append(parts, annotatedIter(tx, f.Annotator))
	}
	switch f.Human {
	case "yes":
		parts = append(parts, annotatedIter(tx, ""))
	case "no":
		parts = append(parts, &notIter{in: annotatedIter(tx, ""), max: tx.Bucket(bTraces).Sequence()})
	}
	if f.Finding != "" {
		parts = append(parts, newFindingCodeIter(tx, f.Finding))
	}
	if f.Proof != "" {
		it, err := proofIterFor(tx, f.Proof)
		if err != nil {
			return nil, err
		}
		parts = append(parts, it)
	}
	switch len(parts) {
	case 0:
		return &allIter{cursorStep{c: tx.Bucket(bTraces).Cursor()}}, nil
	case 1:
		return parts[0], nil
	}
	return &andIter{parts: parts}, nil
}

// datasetIter unions the index scans of a dataset and its subsets; the
// dataset names come from the running counts, not from a scan.
func datasetIter(tx *bolt.Tx, name string) seqIter {
	var parts []seqIter
	for _, d := range datasetNames(tx) {
		if d == name || strings.HasPrefix(d, name+"/") {
			parts = append(parts, fieldIter(tx, FieldDataset, d))
		}
	}
	switch len(parts) {
	case 0:
		return &emptyIter{}
	case 1:
		return parts[0]
	}
	return newOrIter(parts)
}

// fieldIter scans the traces with field=value.
func fieldIter(tx *bolt.Tx, field, value string) seqIter {
	return newPostingIter(tx.Bucket(bPostings), field, value)
}

// notIter yields the seqs 1..max that another iterator does not: the
// complement, for "no annotation events" (postings only ever grow).
type notIter struct {
	in      seqIter
	max     uint64
	cur     uint64 // the next candidate
	skip    uint64 // the inner iterator's next seq (0: exhausted)
	started bool
}

func (n *notIter) next() (uint64, bool) {
	if !n.started {
		n.started, n.cur = true, 1
		n.advanceSkip(1)
	}
	for n.cur <= n.max {
		c := n.cur
		n.cur++
		if c == n.skip {
			n.advanceSkip(c + 1)
			continue
		}
		return c, true
	}
	return 0, false
}

// advanceSkip moves the inner iterator to its first seq ≥ from.
func (n *notIter) advanceSkip(from uint64) {
	n.in.seek(from)
	if v, ok := n.in.next(); ok {
		n.skip = v
	} else {
		n.skip = 0
	}
}

func (n *notIter) seek(t uint64) {
	if !n.started {
		n.started = true
	}
	n.cur = max(t, 1)
	n.advanceSkip(n.cur)
}

// emptyIter matches nothing (a dataset filter no dataset satisfies).
type emptyIter struct{}

func (emptyIter) next() (uint64, bool) { return 0, false }
func (emptyIter) seek(uint64)          {}

// datasetNames lists the datasets in the store.
func datasetNames(tx *bolt.Tx) []string {
	var out []string
	prefix := []byte(FieldDataset + "\x00")
	c := tx.Bucket(bCounts).Cursor()
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		rest := k[len(prefix):]
		if bytes.IndexByte(rest, 0) < 0 {
			out = append(out, string(rest))
		}
	}
	return out
}

// seqIter yields trace seqs in increasing order.
type seqIter interface {
	next() (uint64, bool)
	// seek positions the iterator so that next returns the first seq >= target.
	seek(target uint64)
}

// cursorStep is the positioning the cursor iterators share: the first
// step goes to start (the first key when nil), a pending seek to
// seekKey(target), any other step to the next key.
type cursorStep struct {
	c       *bolt.Cursor
	started bool
	target  *uint64
}

func (s *cursorStep) step(start []byte, seekKey func(uint64) []byte) (k, v []byte) {
	switch {
	case s.target != nil:
		k, v = s.c.Seek(seekKey(*s.target))
		s.target = nil
	case s.started:
		k, v = s.c.Next()
	case start == nil:
		k, v = s.c.First()
	default:
		k, v = s.c.Seek(start)
	}
	s.started = true
	return k, v
}

func (s *cursorStep) seek(t uint64) { s.target = &t; s.started = true }

// allIter yields every trace seq.
type allIter struct{ cursorStep }

func (a *allIter) next() (uint64, bool) {
	k, _ := a.step(nil, u64)
	if k == nil {
		return 0, false
	}
	return seqOfIndexKey(k), true
}

// andIter intersects sorted iterators by leapfrogging: each seeks to the
// largest seq seen so far.
type andIter struct{ parts []seqIter }

func (a *andIter) next() (uint64, bool) {
	cur, ok := a.parts[0].next()
	if !ok {
		return 0, false
	}
	for {
		agreed := true
		for _, p := range a.parts[1:] {
			p.seek(cur)
			v, ok := p.next()
			if !ok {
				return 0, false
			}
			if v != cur {
				cur, agreed = v, false
				break
			}
		}
		if agreed {
			return cur, true
		}
		a.parts[0].seek(cur)
		if cur, ok = a.parts[0].next(); !ok {
			return 0, false
		}
	}
}

func (a *andIter) seek(t uint64) { a.parts[0].seek(t) }

// orIter merges sorted iterators.
type orIter struct {
	h    iterHeap
	last uint64
	any  bool
}

type iterHead struct {
	it  seqIter
	seq uint64
}

type iterHeap []iterHead

func (h iterHeap) Len() int           { return len(h) }
func (h iterHeap) Less(i, j int) bool { return h[i].seq < h[j].seq }
func (h iterHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *iterHeap) Push(x any)        { *h = append(*h, x.(iterHead)) }
func (h *iterHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

func newOrIter(parts []seqIter) *orIter {
	o := &orIter{}
	for _, p := range parts {
		if v, ok := p.next(); ok {
			o.h = append(o.h, iterHead{p, v})
		}
	}
	heap.Init(&o.h)
	return o
}

func (o *orIter) next() (uint64, bool) {
	for o.h.Len() > 0 {
		top := o.h[0]
		if v, ok := top.it.next(); ok {
			o.h[0].seq = v
			heap.Fix(&o.h, 0)
		} else {
			heap.Pop(&o.h)
		}
		if o.any && top.seq == o.last {
			continue
		}
		o.last, o.any = top.seq, true
		return top.seq, true
	}
	return 0, false
}

// seek advances every head below t; heads at or past t keep their pending seq.
func (o *orIter) seek(t uint64) {
	kept := o.h[:0]
	for _, h := range o.h {
		if h.seq < t {
			h.it.seek(t)
			v, ok := h.it.next()
			if !ok {
				continue
			}
			h.seq = v
		}
		kept = append(kept, h)
	}
	o.h = kept
	heap.Init(&o.h)
	o.any = false
}

// Get loads a whole trace by id. A unique source id, or a unique prefix of
// an id, is accepted too, so that `stepwise show gsm8k-0` works.
func (db *DB) Get(id string) (*stepwise.Trace, error) {
	var t *stepwise.Trace
	err := db.view(func(tx *bolt.Tx) error {
		seq, err := resolve(tx, id)
		if err != nil {
			return err
		}
		t, err = loadTrace(tx, seq)
		return err
	})
	return t, err
}

// GetSeq loads a whole trace by its sequence number.
func (db *DB) GetSeq(seq uint64) (*stepwise.Trace, error) {
	var t *stepwise.Trace
	err := db.view(func(tx *bolt.Tx) error {
		var err error
		t, err = loadTrace(tx, seq)
		return err
	})
	return t, err
}

// AmbiguousError lists the traces an id could mean.
type AmbiguousError struct {
	ID         string
	Candidates []string
}

func (e *AmbiguousError) Error() string {
	c := e.Candidates
	more := ""
	if len(c) > 8 {
		c, more = c[:8], fmt.Sprintf(" and %d more", len(e.Candidates)-8)
	}
	return fmt.Sprintf("%q matches several traces: %s%s", e.ID, strings.Join(c, ", "), more)
}

// resolve maps an id, a source id or an id prefix to a seq. A trace whose
// source gave an id has the id "<dataset>:<source id>" (or "...#2" when
// taken), so a source id is looked up under every dataset.
func resolve(tx *bolt.Tx, id string) (uint64, error) {
	ids, err := newIDIndex(tx)
	if err != nil {
		return 0, err
	}
	if seq, ok := ids.seq(id); ok {
		return seq, nil
	}
	var names []string
	var cands []uint64
	collect := func(prefix string, exact bool) {
		ids.withPrefix(prefix, func(k []byte, seq uint64) {
			if exact && len(k) != len(prefix) && k[len(prefix)] != '#' {
				return
			}
			cands = append(cands, seq)
			names = append(names, string(k))
		})
	}
	for _, d := range datasetNames(tx) {
		collect(d+":"+id, true)
	}
	if len(cands) == 0 {
		collect(id, false)
	}
	switch len(cands) {
	case 0:
		return 0, fmt.Errorf("trace %q: %w", id, ErrNotFound)
	case 1:
		return cands[0], nil
	}
	sort.Strings(names)
	return 0, &AmbiguousError{ID: id, Candidates: names}
}

// loadTrace loads a trace; its strings are copies, so it outlives tx.
func loadTrace(tx *bolt.Tx, seq uint64) (*stepwise.Trace, error) { return loadTraceRaw(tx, seq, true) }

// loadTraceRaw is loadTrace; with copyRaw false the text is read in place
// (see decodeBodyRaw) and the trace must not be used after tx ends.
func loadTraceRaw(tx *bolt.Tx, seq uint64, copyRaw bool) (*stepwise.Trace, error) {
	return newTraceReader(tx).trace(seq, copyRaw)
}

// Problem loads a problem by id.
func (db *DB) Problem(id string) (*stepwise.Problem, error) {
	var p stepwise.Problem
	err := db.view(func(tx *bolt.Tx) error {
		v, err := problemRecord(tx, id)
		if err != nil {
			return err
		}
		if v == nil {
			return fmt.Errorf("problem %q: %w", id, ErrNotFound)
		}
		return json.Unmarshal(v, &p)
	})
	if err != nil {
		return nil, err
	}
	return &p, nil
}
