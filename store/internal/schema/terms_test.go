package schema

import (
	"testing"

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

// TestTermCount: the import's term slabs are cut TermCount at a time.
func TestTermCount(t *testing.T) {
	if n := len(Terms(&record.Summary{})); n != TermCount {
		t.Fatalf("a summary has %d terms, TermCount says %d", n, TermCount)
	}
}
