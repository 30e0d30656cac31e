package verify

import (
	"testing"

	"github.com/stepwise-dev/stepwise"
)

const gsm8kHeldOut = "../testdata/heldout/gsm8k/test_201-314.jsonl"

// TestHeldOutGSM8KNoFalseDisproof: GSM8K reference solutions are correct
// by construction, so every claim stated from them must hold. These 114
// records (test.jsonl 201–314) were not looked at while the formalizer's
// rules were written; a disproof here is a misreading.
func TestHeldOutGSM8KNoFalseDisproof(t *testing.T) {
	steps := loadSteps(t, gsm8kHeldOut)
	if len(steps) < 300 {
		t.Fatalf("%d steps: the held-out file did not load", len(steps))
	}
	r := &Rational{}
	counts := map[stepwise.ProofStatus]int{}
	for _, s := range steps {
		for _, c := range FormalizeStep(s) {
			if c.Err != "" {
				counts[stepwise.StatusUnsupported]++
				continue
			}
			res := r.Check(t.Context(), Job{Statement: c.Statement, Mode: ModeDecide})
			counts[res.Status]++
			if res.Status != stepwise.StatusProved {
				t.Errorf("%s claim %q: %s (%s)\n  in %q", c.Source, c.Text, res.Status, res.Detail, s.Text)
			}
		}
	}
	if counts[stepwise.StatusProved] < 300 {
		t.Errorf("only %d claims proved: the formalizer found too little to check", counts[stepwise.StatusProved])
	}
	t.Logf("held-out GSM8K claims: %v", counts)
}
