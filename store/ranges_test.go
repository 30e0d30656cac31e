package store

import (
	"bytes"
	"context"
	"math"
	"path/filepath"
	"slices"
	"testing"

	bolt "go.etcd.io/bbolt"

	"github.com/stepwise-dev/stepwise"
	"github.com/stepwise-dev/stepwise/store/internal/record"
	"github.com/stepwise-dev/stepwise/store/internal/schema"
)

func TestParseRange(t *testing.T) {
	for _, c := range []struct {
		field, expr string
		lo, hi      uint32
	}{
		{FieldTokens, ">1000", 1001, math.MaxUint32},
		{FieldTokens, ">=1000", 1000, math.MaxUint32},
		{FieldTokens, "<10", 0, 9},
		{FieldTokens, "<=10", 0, 10},
		{FieldTokens, "5..7", 5, 7},
		{FieldTokens, "42", 42, 42},
		{FieldLatency, ">2.5", 2501, math.MaxUint32}, // milliseconds
		{FieldLatency, "<0.5", 0, 499},
		{FieldCost, ">=0.01", 10000, math.MaxUint32}, // micro-dollars
		{FieldCost, "0.001..0.002", 1000, 2000},
		{FieldToolCalls, ">0", 1, math.MaxUint32},
	} {
		r, err := ParseRange(c.field, c.expr)
		if err != nil || r.Lo != c.lo || r.Hi != c.hi {
			t.Errorf("%s:%s = %d..%d, %v; want %d..%d", c.field, c.expr, r.Lo, r.Hi, err, c.lo, c.hi)
		}
		if back, err := ParseRange(c.field, r.String()[len(c.field)+1:]); err != nil || back != r {
			t.Errorf("%s:%s written back as %q reads %+v, %v", c.field, c.expr, r, back, err)
		}
	}
	for _, c := range [][2]string{{"steps", ">1"}, {FieldTokens, ">x"}, {FieldTokens, "<0"}, {FieldTokens, "9..3"},
		{FieldTokens, "-5"}, {FieldCost, "NaN"}, {FieldTokens, ""}, {FieldTokens, "<0.0000000005"}, {FieldCost, "<1e-16"}} {
		if r, err := ParseRange(c[0], c[1]); err == nil {
			t.Errorf("%s:%s parsed as %+v, want an error", c[0], c[1], r)
		}
	}
}

// valueOf is a summary's value of a numeric field, brute force.
func valueOf(s Summary, field string) (uint32, bool) { return schema.SparseValue(&s, field) }

// usageStore holds traces with usage and tool calls, and traces without.
func usageStore(t *testing.T) (*DB, string) {
	path := filepath.Join(t.TempDir(), "u.db")
	db, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	importOK(t, db, filepath.Join(samples, "inspect_ai"), filepath.Join(samples, "toolcall"), filepath.Join(samples, "gsm8k"))
	return db, path
}

func allSummaries(t *testing.T, db *DB) []Summary {
	t.Helper()
	var out []Summary
	if err := db.List(Filter{}, func(s Summary) error { out = append(out, s); return nil }); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestRangeFiltersAndSorts(t *testing.T) {
	db, _ := usageStore(t)
	checkRangesAndSorts(t, db)
	// Sorted within a filter: the filter's traces, each once, valued ones
	// first in order.
	f := Filter{Format: "inspect"}
	n, err := db.Count(f)
	if err != nil || n < 4 {
		t.Fatalf("%d inspect traces (%v): too few", n, err)
	}
	var order []uint64
	if err := db.Seqs(context.Background(), f, Order{Key: SortKey(FieldTokens), Desc: true}, func(c []uint64) error {
		order = append(order, c...)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	ss, err := db.Summaries(order)
	if err != nil || len(ss) != n {
		t.Fatalf("sorted within the filter: %d of %d traces (%v)", len(ss), n, err)
	}
	seen, last, unknown := map[uint64]bool{}, uint32(math.MaxUint32), false
	for _, s := range ss {
		v, ok := valueOf(s, FieldTokens)
		if seen[s.Seq] || s.Source.Format != "inspect" || ok && (unknown || v > last) {
			t.Fatalf("sorted within the filter: %s out of place (%d, %v)", s.ID, v, ok)
		}
		seen[s.Seq], unknown = true, unknown || !ok
		if ok {
			last = v
		}
	}
}

// checkRangesAndSorts compares every numeric field's range filters and
// sorts with a brute-force reading of the summaries.
func checkRangesAndSorts(t *testing.T, db *DB) {
	t.Helper()
	all := allSummaries(t, db)
	for _, field := range RangeFields() {
		var vals []uint32
		for _, s := range all {
			if v, ok := valueOf(s, field); ok {
				vals = append(vals, v)
			}
		}
		if field != FieldCost && len(vals) < 4 {
			t.Fatalf("%s: %d traces with a value: too few to test", field, len(vals))
		}
		if len(vals) == 0 {
			continue
		}
		slices.Sort(vals)
		mid := vals[len(vals)/2]
		for _, r := range []Range{{field, mid, math.MaxUint32}, {field, 0, mid}, {field, mid, mid}} {
			want := 0
			for _, s := range all {
				if v, ok := valueOf(s, field); ok && v >= r.Lo && v <= r.Hi {
					want++
				}
			}
			got, err := db.Count(Filter{Ranges: []Range{r}})
			if err != nil || got != want || want == 0 {
				t.Errorf("%s: %d traces, %v; brute force %d", r, got, err, want)
			}
		}
		for _, desc := range []bool{false, true} {
			checkSorted(t, db, all, field, desc)
		}
	}
}

func checkSorted(t *testing.T, db *DB, all []Summary, field string, desc bool) {
	t.Helper()
	bySeq := map[uint64]Summary{}
	for _, s := range all {
		bySeq[s.Seq] = s
	}
	var order []uint64
	err := db.Seqs(context.Background(), Filter{}, Order{Key: SortKey(field), Desc: desc}, func(c []uint64) error {
		order = append(order, c...)
		return nil
	})
	if err != nil || len(order) != len(all) {
		t.Fatalf("sort by %s: %d of %d traces, %v", field, len(order), len(all), err)
	}
	unknown := false
	var last uint32
	for i, seq := range order {
		v, ok := valueOf(bySeq[seq], field)
		switch {
		case !ok:
			unknown = true
		case unknown:
			t.Fatalf("sort by %s (desc %v): a value after a trace without one, at %d", field, desc, i)
		case i > 0 && (!desc && v < last || desc && v > last):
			t.Fatalf("sort by %s (desc %v): %d after %d", field, desc, v, last)
		}
		last = v
	}
}

// TestAccuracyFilterAndSort: the sampled accuracy of each problem, from
// postings, matches a brute-force count over the summaries (reference
// solutions left out), with and without another filter.
func TestAccuracyFilterAndSort(t *testing.T) {
	db := openTemp(t)
	importOK(t, db, filepath.Join(samples, "gsm8k", "example_model_solutions_first50.jsonl"), filepath.Join(samples, "gsm8k", "test_first200.jsonl"))
	all := allSummaries(t, db)
	models := map[string]bool{}
	for _, s := range all {
		models[s.Model] = true
	}
	if !models["reference"] || len(models) < 3 {
		t.Fatalf("models %v: want the reference and several sampled models", models)
	}
	ranges := []AccuracyRange{{Lo: 0, Hi: 0}, {Lo: 0, Hi: 0.3, LoOpen: true}, {Lo: 0.3, Hi: 0.7, LoOpen: true, HiOpen: true},
		{Lo: 0.7, Hi: 1}, {Ungraded: true}}
	for _, model := range []string{"", firstModel(models)} {
		tally := bruteAccuracy(all, model)
		for _, r := range ranges {
			want := 0
			for _, s := range all {
				if model != "" && s.Model != model {
					continue
				}
				if c := tally[s.ProblemID]; r.Has(c[0], c[1]) {
					want++
				}
			}
			got, err := db.Count(Filter{Model: model, Accuracy: &r})
			if err != nil || got != want {
				t.Errorf("model %q accuracy %s: %d traces, %v; brute force %d", model, &r, got, err, want)
			}
		}
	}
	tally := bruteAccuracy(all, "")
	bySeq := map[uint64]Summary{}
	for _, s := range all {
		bySeq[s.Seq] = s
	}
	var order []uint64
	if err := db.Seqs(context.Background(), Filter{}, Order{Key: SortAccuracy}, func(c []uint64) error { order = append(order, c...); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(order) != len(all) {
		t.Fatalf("sort by accuracy: %d of %d", len(order), len(all))
	}
	last, ungraded := -1.0, false
	for _, seq := range order {
		c := tally[bySeq[seq].ProblemID]
		if c[1] == 0 {
			ungraded = true
			continue
		}
		a := float64(c[0]) / float64(c[1])
		if ungraded || a < last {
			t.Fatalf("sort by accuracy: %g after %g (after ungraded: %v)", a, last, ungraded)
		}
		last = a
	}
}

func firstModel(models map[string]bool) string {
	for _, m := range slices.Sorted(func(yield func(string) bool) {
		for m := range models {
			if !yield(m) {
				return
			}
		}
	}) {
		if m != "reference" {
			return m
		}
	}
	return ""
}

// bruteAccuracy counts each problem's right and graded samples.
func bruteAccuracy(all []Summary, model string) map[string][2]int {
	out := map[string][2]int{}
	for _, s := range all {
		if s.Model == "reference" || model != "" && s.Model != model || s.Correct == nil {
			continue
		}
		c := out[s.ProblemID]
		c[1]++
		if *s.Correct {
			c[0]++
		}
		out[s.ProblemID] = c
	}
	return out
}

// TestMigrateUsage: a schema-10 store (version-2 summaries, no numeric
// postings) gets its usage and tool use from the bodies.
func TestMigrateUsage(t *testing.T) {
	db, path := usageStore(t)
	before := allSummaries(t, db)
	db = downgrade(t, db, path, 10, func(tx *bolt.Tx) error {
		traces := tx.Bucket(schema.Traces)
		var puts []schema.KV
		err := traces.ForEach(func(k, v []byte) error {
			s, err := record.DecodeSummary(0, v)
			if err != nil {
				return err
			}
			puts = append(puts, schema.KV{K: bytes.Clone(k), V: encodeV2(&s)})
			return nil
		})
		if err != nil {
			return err
		}
		for _, kv := range puts {
			if err := traces.Put(kv.K, kv.V); err != nil {
				return err
			}
		}
		post := tx.Bucket(schema.Postings)
		for _, f := range RangeFields() {
			prefix := []byte(f + "\x00")
			var drop [][]byte
			c := post.Cursor()
			for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
				drop = append(drop, bytes.Clone(k))
			}
			for _, k := range drop {
				if err := post.Delete(k); err != nil {
					return err
				}
			}
		}
		return nil
	})
	after := allSummaries(t, db)
	if len(after) != len(before) {
		t.Fatalf("%d traces after the migration, %d before", len(after), len(before))
	}
	for i := range before {
		b, a := before[i], after[i]
		if (b.Usage == nil) != (a.Usage == nil) || b.Usage != nil && *b.Usage != *a.Usage || b.Tools != a.Tools {
			t.Fatalf("trace %s: usage %+v tools %+v before, %+v %+v after", b.ID, b.Usage, b.Tools, a.Usage, a.Tools)
		}
	}
	checkRangesAndSorts(t, db)
}

// encodeV2 writes a summary as version 2 did: without usage and tool use.
func encodeV2(s *Summary) []byte {
	c := *s
	c.Usage, c.Tools, c.Checkpoints = nil, stepwise.ToolUse{}, 0
	b := record.EncodeSummary(&c)
	b = b[:len(b)-3] // no usage (0), no tool call (0), no checkpoint flag (0)
	b[0] = 2
	return b
}

func TestParseAccuracy(t *testing.T) {
	for expr, want := range map[string]AccuracyRange{
		">0.5": {Lo: 0.5, Hi: 1, LoOpen: true}, ">=0.5": {Lo: 0.5, Hi: 1}, "<0.3": {Hi: 0.3, HiOpen: true},
		"<=0.3": {Hi: 0.3}, "0.3..0.7": {Lo: 0.3, Hi: 0.7}, "0": {}, "1": {Lo: 1, Hi: 1}, "ungraded": {Ungraded: true},
		"(0.3,0.7)": {Lo: 0.3, Hi: 0.7, LoOpen: true, HiOpen: true}, "[0,0.3)": {Hi: 0.3, HiOpen: true},
	} {
		r, err := ParseAccuracy(expr)
		if err != nil || *r != want {
			t.Errorf("%q = %+v, %v; want %+v", expr, r, err, want)
			continue
		}
		if back, err := ParseAccuracy(r.String()); err != nil || *back != *r {
			t.Errorf("%q written back as %q reads %+v, %v", expr, r, back, err)
		}
	}
	for _, expr := range []string{"", "x", "1.5", "-0.1", ">1.2", "0.7..0.3", "<0", ">1", "(0.5,0.5)", "(0.2;0.4)", "[0.1,2]"} {
		if r, err := ParseAccuracy(expr); err == nil {
			t.Errorf("%q parsed as %+v, want an error", expr, r)
		}
	}
}
