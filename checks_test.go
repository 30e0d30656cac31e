package stepwise

import "testing"

// TestApplyChecks: a re-checked imported formalization takes its checked
// status in place; one never checked stays; new ones follow; an unchecked
// step keeps what it had.
func TestApplyChecks(t *testing.T) {
	stored := Formalization{Statement: "theorem t : (1 : ℝ) = 1 := by sorry", Origin: FormalImported,
		Status: StatusStored, StoredState: "Success of Proof"}
	none := Formalization{Origin: FormalImported, Status: StatusStored, StoredState: "No Verification Required"}
	tr := &Trace{Steps: []Step{{Formalizations: []Formalization{none, stored}}, {Formalizations: []Formalization{stored}}}}
	checked := stored
	checked.Status, checked.StoredState, checked.Backend = StatusProved, "", "smt-z3"
	rule := Formalization{Statement: "theorem test : (2 : ℝ) = 2 := by sorry", Origin: FormalRule, Status: StatusProved}
	n := ApplyChecks(tr, map[int][]Formalization{0: {checked, rule}})
	fs := tr.Steps[0].Formalizations
	if n != 1 || len(fs) != 3 || fs[0].StoredState != "No Verification Required" || fs[1].Status != StatusProved ||
		fs[2].Origin != FormalRule {
		t.Fatalf("merged step 0: %+v", fs)
	}
	if tr.Steps[1].Formalizations[0].Status != StatusStored {
		t.Fatalf("unchecked step changed: %+v", tr.Steps[1].Formalizations)
	}
}
