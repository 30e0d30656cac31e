package analytics

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strconv"

	"github.com/stepwise-dev/stepwise/store"
)

// Frequency tables and histograms over the traces a filter selects, the
// numbers behind the workbench's charts (VisiData's Shift-F: value, count,
// percent).

// Row is one value of a frequency table.
type Row struct {
	Value   string  `json:"value"`
	Count   int     `json:"count"`
	Percent float64 `json:"percent"`
}

// FreqFields are the summary fields a frequency table can count: the
// list's columns, then the store's numeric fields (in the user's units:
// latency in seconds, cost in dollars; "none" where a trace has no value).
func FreqFields() []string {
	return append([]string{"dataset", "model", "correct", "label_state", "truncated", "steps", "first_error", "final_answer", "format"},
		store.RangeFields()...)
}

func fieldValue(s store.Summary, field string) (string, bool) {
	switch field {
	case "dataset":
		return s.Dataset, true
	case "model":
		return s.Model, true
	case "correct":
		if s.Correct == nil {
			return "unknown", true
		}
		return strconv.FormatBool(*s.Correct), true
	case "label_state":
		return string(s.LabelState), true
	case "truncated":
		return strconv.FormatBool(s.Truncated), true
	case "steps":
		return strconv.Itoa(s.Steps), true
	case "first_error":
		if s.FirstError == nil {
			return "unknown", true
		}
		return strconv.Itoa(*s.FirstError), true
	case "final_answer":
		return s.FinalAnswer, true
	case "format":
		return s.Source.Format, true
	}
	if slices.Contains(store.RangeFields(), field) {
		v, ok := store.NumericValue(&s, field)
		if !ok {
			return "none", true
		}
		return store.FormatNumeric(field, v), true
	}
	return "", false
}

// Frequency counts the values of a summary field, most frequent first.
func Frequency(ctx context.Context, db *store.DB, f store.Filter, field string) ([]Row, error) {
	if _, ok := fieldValue(store.Summary{}, field); !ok {
		return nil, fmt.Errorf("no field %q: want one of %v", field, FreqFields())
	}
	counts := map[string]int{}
	total := 0
	err := db.List(f, func(s store.Summary) error {
		v, _ := fieldValue(s, field)
		counts[v]++
		total++
		return ctx.Err()
	})
	if err != nil {
		return nil, err
	}
	out := make([]Row, 0, len(counts))
	for v, n := range counts {
		out = append(out, Row{Value: v, Count: n, Percent: 100 * float64(n) / float64(max(total, 1))})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Count != out[j].Count {
			return out[i].Count > out[j].Count
		}
		return out[i].Value < out[j].Value
	})
	return out, nil
}

// Bin is one bar of a histogram: values in [Low, High).
type Bin struct {
	Low   int `json:"low"`
	High  int `json:"high"`
	Count int `json:"count"`
}

// HistFields are the numeric fields a histogram can be drawn of: the
// summary's counts and the store's numeric fields, in stored units (latency
// in milliseconds, cost in micro-dollars).
func HistFields() []string {
	return append([]string{"steps", "first_error", "chars"}, store.RangeFields()...)
}

// Histogram bins a numeric summary field into at most bins equal-width
// bins over its range (traces without a value are left out and counted in
// missing).
func Histogram(ctx context.Context, db *store.DB, f store.Filter, field string, bins int) (out []Bin, missing int, err error) {
	var vals []int
	err = db.List(f, func(s store.Summary) error {
		switch field {
		case "steps":
			vals = append(vals, s.Steps)
		case "chars":
			vals = append(vals, s.Chars)
		case "first_error":
			if s.FirstError == nil || *s.FirstError < 0 {
				missing++
			} else {
				vals = append(vals, *s.FirstError)
			}
		default:
			if !slices.Contains(HistFields(), field) {
				return fmt.Errorf("no numeric field %q: want one of %v", field, HistFields())
			}
			if v, ok := store.NumericValue(&s, field); ok {
				vals = append(vals, int(v))
			} else {
				missing++
			}
		}
		return ctx.Err()
	})
	if err != nil || len(vals) == 0 {
		return nil, missing, err
	}
	return bin(vals, max(bins, 1)), missing, nil
}

// bin makes equal-width integer bins covering the values.
func bin(vals []int, bins int) []Bin {
	lo, hi := vals[0], vals[0]
	for _, v := range vals {
		lo, hi = min(lo, v), max(hi, v)
	}
	// A few outliers (one 1,200-step trace among 50-step ones) would
	// squash every other value into the first bin: when the top 1 % more
	// than doubles the range, the bins cover up to the 99th percentile
	// and one last bin holds the tail.
	top := hi
	if bins > 2 && len(vals) >= 100 {
		if p99 := percentile(vals, 0.99); hi-lo > 2*(p99-lo) {
			top, bins = p99, bins-1
		}
	}
	width := max(1, (top-lo+bins)/bins)
	out := make([]Bin, (top-lo)/width+1)
	for i := range out {
		out[i] = Bin{Low: lo + i*width, High: lo + (i+1)*width}
	}
	if end := out[len(out)-1].High; hi >= end {
		out = append(out, Bin{Low: end, High: hi + 1})
	}
	for _, v := range vals {
		out[min((v-lo)/width, len(out)-1)].Count++
	}
	return out
}

// percentile is the value at quantile q of vals (a sorted copy's).
func percentile(vals []int, q float64) int {
	s := slices.Clone(vals)
	slices.Sort(s)
	return s[int(q*float64(len(s)-1))]
}
