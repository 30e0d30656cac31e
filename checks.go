package stepwise

// ApplyChecks merges a trace's saved checks (by step: what the verifier
// found, store.TraceEvidence.CheckMap) into its steps' formalizations, for
// display: an imported formalization that was re-checked shows its
// checked status; one never checked (no statement, or not re-checked yet)
// stays as the dataset shipped it; the rule-based and LLM formalizations
// follow. It returns the number of steps changed. It is the one merge of
// checks into a trace: `stepwise show`, the workbench's trace view and a
// finished verification all go through it.
func ApplyChecks(t *Trace, checks map[int][]Formalization) int {
	changed := 0
	for i := range t.Steps {
		got, ok := checks[i]
		if !ok {
			continue
		}
		changed++
		used := make([]bool, len(got))
		var merged []Formalization
		for _, f := range t.Steps[i].Formalizations {
			if k := findChecked(got, used, f); k >= 0 {
				used[k] = true
				merged = append(merged, got[k])
				continue
			}
			merged = append(merged, f)
		}
		for k, g := range got {
			if !used[k] {
				merged = append(merged, g)
			}
		}
		t.Steps[i].Formalizations = merged
	}
	return changed
}

// findChecked finds the unused check of an imported formalization.
func findChecked(got []Formalization, used []bool, f Formalization) int {
	if f.Statement == "" {
		return -1
	}
	for k, g := range got {
		if !used[k] && g.Origin == f.Origin && g.Statement == f.Statement {
			return k
		}
	}
	return -1
}
