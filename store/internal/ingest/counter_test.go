package ingest

import (
	"reflect"
	"testing"

	"github.com/stepwise-dev/stepwise"
	"github.com/stepwise-dev/stepwise/store/internal/record"
	"github.com/stepwise-dev/stepwise/store/internal/schema"
)

// TestCounterMerge: counting traces in pieces, in runs or interleaved, and
// merging the pieces gives the keys of counting them one at a time into a map.
func TestCounterMerge(t *testing.T) {
	var ps []prepared
	for i := range 50 {
		s := record.Summary{Dataset: []string{"a", "b"}[i/25], Model: []string{"m", "n", "o"}[i%3],
			LabelState: []stepwise.LabelState{stepwise.LabelNone, stepwise.LabelError}[i/7%2]}
		ps = append(ps, prepared{terms: schema.Terms(&s)})
	}
	want := map[string]int64{"total": int64(len(ps))}
	for _, p := range ps {
		for i, at := range schema.CountedTerms {
			v := p.terms[at].Value
			want[schema.CountKey("", schema.CountedFields[i], v)]++
			if i > 0 {
				want[schema.CountKey(p.terms[0].Value, schema.CountedFields[i], v)]++
			}
		}
	}
	var whole counter
	for _, cut := range [][2]int{{0, 9}, {9, 10}, {10, 40}, {40, 50}} {
		whole.merge(tally(ps[cut[0]:cut[1]]))
	}
	if got := whole.keys(); !reflect.DeepEqual(got, want) {
		t.Fatalf("merged keys:\n got %v\nwant %v", got, want)
	}
}
