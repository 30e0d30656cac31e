package verify

import (
	"path/filepath"
	"testing"

	"github.com/stepwise-dev/stepwise"
)

// gsm8kHeldOut holds GSM8K reference solutions no rule was designed on
// (testdata/SOURCES.md, "Held back"): test.jsonl lines 201–482 and
// train.jsonl lines 1–138 of openai/grade-school-math.
const gsm8kHeldOut = "../testdata/heldout/gsm8k/*.jsonl"

// TestHeldOutGSM8KNoFalseDisproof: GSM8K reference solutions are correct
// by construction, so every claim stated from them must hold; a disproof
// is a misreading. Coverage must not collapse either: each file has at
// least three proved claims a record, and under 5 % of its claims
// unsupported.
func TestHeldOutGSM8KNoFalseDisproof(t *testing.T) {
	files, err := filepath.Glob(gsm8kHeldOut)
	if err != nil || len(files) < 3 {
		t.Fatalf("held-out files %v: %v", files, err)
	}
	r := &Rational{}
	total := map[stepwise.ProofStatus]int{}
	for _, path := range files {
		items := loadItemsOf(t, path)
		counts := map[stepwise.ProofStatus]int{}
		for _, tr := range items {
			for _, s := range tr.Steps {
				for _, c := range FormalizeStep(s) {
					if c.Err != "" {
						counts[stepwise.StatusUnsupported]++
						continue
					}
					res := r.Check(t.Context(), Job{Statement: c.Statement, Mode: ModeDecide})
					counts[res.Status]++
					if res.Status != stepwise.StatusProved {
						t.Errorf("%s %s: %s claim %q: %s (%s)\n  in %q", filepath.Base(path), tr.SourceID, c.Source, c.Text, res.Status, res.Detail, s.Text)
					}
				}
			}
		}
		proved, unsup := counts[stepwise.StatusProved], counts[stepwise.StatusUnsupported]
		if proved < 3*len(items) {
			t.Errorf("%s: %d claims proved in %d records: the formalizer found too little to check", filepath.Base(path), proved, len(items))
		}
		if 20*unsup >= proved+unsup {
			t.Errorf("%s: %d of %d claims unsupported", filepath.Base(path), unsup, proved+unsup)
		}
		t.Logf("%s: %d records, claims %v", filepath.Base(path), len(items), counts)
		for k, v := range counts {
			total[k] += v
		}
	}
	t.Logf("held-out GSM8K claims: %v", total)
}
