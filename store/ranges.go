package store

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	bolt "go.etcd.io/bbolt"

	"github.com/stepwise-dev/stepwise/store/internal/postings"
	"github.com/stepwise-dev/stepwise/store/internal/schema"
)

// Numeric fields a filter can bound ("tokens:>1000", "latency:<2.5") and a
// list can sort by. A trace without a value (no usage recorded, no tool
// called) matches no range and sorts after every trace with one.
const (
	FieldTokens    = schema.FieldTokens    // prompt + completion tokens
	FieldLatency   = schema.FieldLatency   // seconds (stored as milliseconds)
	FieldCost      = schema.FieldCost      // US dollars (stored as micro-dollars)
	FieldToolCalls = schema.FieldToolCalls // tool calls
	FieldSearch    = schema.FieldSearch    // calls of a search tool
	FieldRounds    = schema.FieldRounds    // runs of tool calls
	FieldRepeated  = schema.FieldRepeated  // calls repeating an earlier one exactly
	FieldFailed    = schema.FieldFailed    // tool results reporting an error
)

// RangeFields lists the numeric fields, in column order.
func RangeFields() []string { return slices.Clone(schema.SparseFields) }

// rangeScale is how many stored units make one unit the user writes.
func rangeScale(field string) float64 {
	switch field {
	case FieldLatency:
		return 1e3
	case FieldCost:
		return 1e6
	}
	return 1
}

// Range bounds a numeric field: Lo ≤ value ≤ Hi, in stored units.
type Range struct {
	Field  string
	Lo, Hi uint32
}

// ParseRange reads "field:>N", ">=N", "<N", "<=N", "N..M" or "N" in the
// field's unit (seconds for latency, dollars for cost).
func ParseRange(field, expr string) (Range, error) {
	if !slices.Contains(schema.SparseFields, field) {
		return Range{}, fmt.Errorf("no numeric field %q: want one of %s", field, strings.Join(schema.SparseFields, ", "))
	}
	bad := func(why string) (Range, error) {
		return Range{}, fmt.Errorf("%s:%s: %s (write >N, >=N, <N, <=N, N..M or N)", field, expr, why)
	}
	scale := rangeScale(field)
	num := func(s string) (float64, bool) {
		v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
		return v * scale, err == nil && v >= 0 && !math.IsInf(v, 0) && !math.IsNaN(v)
	}
	r := Range{Field: field, Hi: math.MaxUint32}
	var ok bool
	var v, w float64
	switch {
	case strings.HasPrefix(expr, ">="):
		v, ok = num(expr[2:])
		r.Lo = ceilU32(v)
	case strings.HasPrefix(expr, ">"):
		v, ok = num(expr[1:])
		if ok && v >= math.MaxUint32 {
			return bad("nothing is above it")
		}
		r.Lo = floorU32(v) + 1
	case strings.HasPrefix(expr, "<="):
		v, ok = num(expr[2:])
		r.Hi = floorU32(v)
	case strings.HasPrefix(expr, "<"):
		v, ok = num(expr[1:])
		if ok && ceilU32(v) == 0 { // below 0, or below the field's least unit
			return bad("nothing is below it")
		}
		r.Hi = ceilU32(v) - 1
	case strings.Contains(expr, ".."):
		a, b, _ := strings.Cut(expr, "..")
		v, ok = num(a)
		var ok2 bool
		w, ok2 = num(b)
		ok = ok && ok2
		r.Lo, r.Hi = ceilU32(v), floorU32(w)
	default:
		v, ok = num(expr)
		r.Lo, r.Hi = ceilU32(v), floorU32(v)
		if ok && r.Lo > r.Hi { // between two stored units: the nearest
			r.Lo = floorU32(v + 0.5)
			r.Hi = r.Lo
		}
	}
	if !ok {
		return bad("not a non-negative number")
	}
	if r.Lo > r.Hi {
		return bad("an empty range")
	}
	return r, nil
}

func ceilU32(f float64) uint32  { return uint32(min(math.Ceil(f-1e-9), math.MaxUint32)) }
func floorU32(f float64) uint32 { return uint32(min(math.Floor(f+1e-9), math.MaxUint32)) }

// FormatNumeric writes a stored value of a numeric field in the user's
// unit, as ParseRange reads it.
func FormatNumeric(field string, v uint32) string {
	return strconv.FormatFloat(float64(v)/rangeScale(field), 'f', -1, 64)
}

// String writes the range back in the user's unit.
func (r Range) String() string {
	f := func(v uint32) string { return FormatNumeric(r.Field, v) }
	switch {
	case r.Lo == r.Hi:
		return r.Field + ":" + f(r.Lo)
	case r.Hi == math.MaxUint32:
		return r.Field + ":>=" + f(r.Lo)
	case r.Lo == 0:
		return r.Field + ":<=" + f(r.Hi)
	}
	return r.Field + ":" + f(r.Lo) + ".." + f(r.Hi)
}

// rangeIter yields the traces whose value of r's field is in range.
func rangeIter(tx *bolt.Tx, r Range) (postings.Iter, error) {
	set, err := postings.ValueRange(tx.Bucket(schema.Postings), r.Field, r.Lo, r.Hi, tx.Bucket(schema.Traces).Sequence())
	if err != nil {
		return nil, fmt.Errorf("filter %s: %w", r, err)
	}
	return set.Iter(), nil
}

// NumericValue is a summary's value of a numeric field in stored units
// (milliseconds of latency, micro-dollars of cost), and whether it has one.
func NumericValue(s *Summary, field string) (uint32, bool) { return schema.SparseValue(s, field) }
