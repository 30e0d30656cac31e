package store

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"

	bolt "go.etcd.io/bbolt"

	"github.com/stepwise-dev/stepwise"
	"github.com/stepwise-dev/stepwise/store/internal/damage"
	"github.com/stepwise-dev/stepwise/store/internal/idindex"
	"github.com/stepwise-dev/stepwise/store/internal/postings"
	"github.com/stepwise-dev/stepwise/store/internal/problems"
	"github.com/stepwise-dev/stepwise/store/internal/record"
	"github.com/stepwise-dev/stepwise/store/internal/schema"
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
	// Problems, when not nil, selects traces of any of these problem ids
	// (an empty set selects none). Callers that select problems by what
	// the store does not index — difficulty, sampled accuracy — compute
	// the set and pass it here, so Offset and Limit still count matches.
	Problems []string
	// Ranges bound numeric fields (tokens, latency, cost, tool calls...):
	// see ParseRange. A trace without a value matches no range.
	Ranges []Range
	// Accuracy selects traces by their problem's sampled accuracy over the
	// traces the rest of the filter selects (see AccuracyRange): with a
	// model, the problems hard for that model.
	Accuracy *AccuracyRange
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
	var ranges []error
	for _, r := range f.Ranges {
		if !slices.Contains(schema.SparseFields, r.Field) || r.Lo > r.Hi {
			ranges = append(ranges, fmt.Errorf("range %q %d..%d: not a numeric field or an empty range", r.Field, r.Lo, r.Hi))
		}
	}
	if a := f.Accuracy; a != nil && !a.Ungraded && (a.Lo > a.Hi || a.Lo < 0 || a.Hi > 1) {
		ranges = append(ranges, fmt.Errorf("--accuracy %s: want a range within [0, 1]", a))
	}
	return errors.Join(
		proof, errors.Join(ranges...),
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
		// Matches come in seq order, mostly close together: step the
		// cursor when the next match is the next key, seek otherwise.
		c := tx.Bucket(schema.Traces).Cursor()
		var key []byte
		skipped, sent := 0, 0
		for seq, ok := it.Next(); ok; seq, ok = it.Next() {
			if skipped < f.Offset {
				skipped++
				continue
			}
			want := schema.U64(seq)
			var v []byte
			if key != nil {
				key, v = c.Next()
			}
			if !bytes.Equal(key, want) {
				key, v = c.Seek(want)
			}
			if !bytes.Equal(key, want) {
				v = nil
			}
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
			n = int(schema.GetUint(tx.Bucket(schema.Counts), []byte("total")))
			return nil
		}
		it, err := f.iterator(tx)
		if err != nil {
			return err
		}
		for _, ok := it.Next(); ok; _, ok = it.Next() {
			n++
		}
		return nil
	})
	return n, err
}

// IsZero reports whether f selects every trace: no filter, no offset, no
// limit.
func (f *Filter) IsZero() bool { return f.isEmpty() && f.Offset == 0 && f.Limit == 0 }

func (f *Filter) isEmpty() bool {
	return f.Dataset == "" && f.Model == "" && f.Correct == "" && f.Label == "" && f.Truncated == "" &&
		f.Problem == "" && f.Format == "" && f.Human == "" && f.Annotator == "" && f.Proof == "" && f.Finding == "" &&
		f.Problems == nil && len(f.Ranges) == 0 && f.Accuracy == nil
}

// iterator builds the intersection of the filter's index scans.
func (f *Filter) iterator(tx *bolt.Tx) (postings.Iter, error) {
	if f.Accuracy != nil {
		// Decides over the rest of the filter's matches, so it is all of
		// them: nothing else to intersect.
		return accuracyIter(tx, *f)
	}
	var parts []postings.Iter
	if f.Problems != nil {
		// First: And seeks only its later parts back to a seq they gave,
		// which makes a union of thousands of problems restart every part.
		parts = append(parts, problemSetIter(tx, f.Problems))
	}
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
		parts = append(parts, postings.Not(annotatedIter(tx, ""), tx.Bucket(schema.Traces).Sequence()))
	}
	if f.Finding != "" {
		parts = append(parts, newFindingCodeIter(tx, f.Finding))
	}
	for _, r := range f.Ranges {
		it, err := rangeIter(tx, r)
		if err != nil {
			return nil, err
		}
		parts = append(parts, it)
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
		return postings.All(tx.Bucket(schema.Traces).Cursor()), nil
	case 1:
		return parts[0], nil
	}
	return postings.And(parts...), nil
}

// problemSetIter unions the index scans of a set of problems.
func problemSetIter(tx *bolt.Tx, ids []string) postings.Iter {
	switch len(ids) {
	case 0:
		return postings.Empty()
	case 1:
		return fieldIter(tx, FieldProblem, ids[0])
	}
	parts := make([]postings.Iter, len(ids))
	for i, id := range ids {
		parts[i] = fieldIter(tx, FieldProblem, id)
	}
	return postings.Or(parts)
}

// datasetIter unions the index scans of a dataset and its subsets; the
// dataset names come from the running counts, not from a scan.
func datasetIter(tx *bolt.Tx, name string) postings.Iter {
	var parts []postings.Iter
	for _, d := range datasetNames(tx) {
		if d == name || strings.HasPrefix(d, name+"/") {
			parts = append(parts, fieldIter(tx, FieldDataset, d))
		}
	}
	switch len(parts) {
	case 0:
		return postings.Empty()
	case 1:
		return parts[0]
	}
	return postings.Or(parts)
}

// fieldIter scans the traces with field=value.
func fieldIter(tx *bolt.Tx, field, value string) postings.Iter {
	return postings.NewIter(tx.Bucket(schema.Postings), field, value)
}

// datasetNames lists the datasets in the store.
func datasetNames(tx *bolt.Tx) []string {
	var out []string
	prefix := []byte(FieldDataset + "\x00")
	c := tx.Bucket(schema.Counts).Cursor()
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		rest := k[len(prefix):]
		if bytes.IndexByte(rest, 0) < 0 {
			out = append(out, string(rest))
		}
	}
	return out
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
	x, err := idindex.Open(tx)
	if err != nil {
		return 0, err
	}
	if seq, ok := x.Seq(id); ok {
		return seq, nil
	}
	var names []string
	var cands []uint64
	collect := func(prefix string, exact bool) {
		x.WithPrefix(prefix, func(k []byte, seq uint64) {
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
		v, err := problems.Record(tx, id)
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
