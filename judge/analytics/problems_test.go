package analytics

import (
	"testing"

	"github.com/stepwise-dev/stepwise/store"
)

// TestProblemOf: a reference solution is not a sample, equivalent answers
// vote together, and a tie is said.
func TestProblemOf(t *testing.T) {
	yes, no := true, false
	sum := func(model, ans string, c *bool) store.Summary {
		return store.Summary{ProblemID: "p", Dataset: "d", Model: model, FinalAnswer: ans, Correct: c}
	}
	p := ProblemOf([]store.Summary{sum("a", "5", &yes), sum("b", "5.0", &yes), sum("c", "6", &no), sum(Reference, "6", &no),
		sum(Reference, "6", &no)}, DefaultBuckets)
	if p.Samples != 3 || p.Graded != 3 || p.Correct != 2 || p.MajorityAnswer != "5" || p.MajoritySize != 2 || p.MajorityTied ||
		p.MajorityCorrect == nil || !*p.MajorityCorrect || p.Difficulty != "medium" || p.ByModel[Reference].Samples != 0 {
		t.Errorf("%+v", p)
	}
	p = ProblemOf([]store.Summary{sum("a", "5", &yes), sum("b", "6", &no), sum("c", "6", &no), sum("d", "5", nil)}, DefaultBuckets)
	if !p.MajorityTied || p.MajoritySize != 2 || p.Graded != 3 {
		t.Errorf("a 2–2 vote: %+v", p)
	}
}
