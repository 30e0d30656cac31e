package schema

import (
	"testing"

	"github.com/stepwise-dev/stepwise"

	"github.com/stepwise-dev/stepwise/store/internal/record"
)

// TestCountedTerms: CountedTerms point at CountedFields in a summary's terms,
// the dataset first.
func TestCountedTerms(t *testing.T) {
	ts := Terms(&record.Summary{})
	for i, at := range CountedTerms {
		if ts[at].Field != CountedFields[i] {
			t.Fatalf("CountedTerms[%d] = %d is %q, CountedFields says %q", i, at, ts[at].Field, CountedFields[i])
		}
	}
	if CountedFields[0] != FieldDataset {
		t.Fatalf("the first counted field is %q", CountedFields[0])
	}
}

// TestTermCount: the import's term slabs are cut TermCount at a time, the
// most terms a summary has: one with every sparse field.
func TestTermCount(t *testing.T) {
	full := record.Summary{Usage: &stepwise.Usage{PromptTokens: 10, CompletionTokens: 5, LatencySeconds: 1.5, CostUSD: 0.002},
		Tools: stepwise.ToolUse{Calls: 3, Search: 2, Rounds: 2, Repeated: 1, Failed: 1}}
	if n := len(Terms(&full)); n != TermCount {
		t.Fatalf("a summary with every field has %d terms, TermCount says %d", n, TermCount)
	}
	if n := len(Terms(&record.Summary{})); n != TermCount-len(SparseFields) {
		t.Fatalf("a summary without usage or tools has %d terms, want %d", n, TermCount-len(SparseFields))
	}
}

// TestSparseValues: units and roundings of the sparse fields.
func TestSparseValues(t *testing.T) {
	s := record.Summary{Usage: &stepwise.Usage{PromptTokens: 100, CompletionTokens: 23, LatencySeconds: 2.0004, CostUSD: 0.0012345},
		Tools: stepwise.ToolUse{Calls: 4, Search: 0}}
	for field, want := range map[string]uint32{FieldTokens: 123, FieldLatency: 2000, FieldCost: 1235, FieldToolCalls: 4, FieldSearch: 0} {
		if v, ok := SparseValue(&s, field); !ok || v != want {
			t.Errorf("%s = %d, %v; want %d", field, v, ok, want)
		}
	}
	if _, ok := SparseValue(&record.Summary{Usage: &stepwise.Usage{CostUSD: 0.5}}, FieldTokens); ok {
		t.Error("a usage without tokens has a tokens value")
	}
}
