package verifyrun

import (
	"github.com/stepwise-dev/stepwise"
)

// ApplyChecks puts a trace's saved checks (store.DB.Checks) in place of
// its steps' formalizations, for display: an imported formalization that
// was re-checked shows its checked status; one never checked (no
// statement, or not re-checked yet) stays as the dataset shipped it; the
// rule-based and LLM formalizations follow. It returns the number of steps
// changed.
func ApplyChecks(t *stepwise.Trace, checks map[int][]stepwise.Formalization) int {
	changed := 0
	for i := range t.Steps {
		got, ok := checks[i]
		if !ok {
			continue
		}
		changed++
		used := make([]bool, len(got))
		var merged []stepwise.Formalization
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
func findChecked(got []stepwise.Formalization, used []bool, f stepwise.Formalization) int {
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
