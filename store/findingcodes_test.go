package store

import (
	"testing"
)

// listIDs lists the ids a filter selects.
func listIDs(t *testing.T, db *DB, f Filter) []string {
	t.Helper()
	var out []string
	if err := db.List(f, func(s Summary) error { out = append(out, s.ID); return nil }); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestFindingCodeFilter(t *testing.T) {
	db := pbStore(t)
	if got := listIDs(t, db, Filter{Finding: CodeLabelContradicted}); len(got) != 0 {
		t.Fatalf("before any analysis: %v", got)
	}
	const other = pbCorrect
	conflict := Finding{Analyzer: "label", Code: CodeLabelContradicted, Severity: "warn", Step: 1, Score: 1}
	arith := Finding{Analyzer: "arithmetic", Code: "arith_false", Severity: "error", Step: 1, Score: 0.9}
	if err := db.SaveFindings([]TraceFindings{
		{TraceID: other, Version: "t/1", Findings: []Finding{arith, conflict, conflict}},
		{TraceID: pbWrong, Version: "t/1", Findings: []Finding{arith}},
	}); err != nil {
		t.Fatal(err)
	}
	if got := listIDs(t, db, Filter{Finding: CodeLabelContradicted}); len(got) != 1 || got[0] != other {
		t.Fatalf("conflicts: %v", got)
	}
	if got := listIDs(t, db, Filter{Finding: "arith_false"}); len(got) != 2 || got[0] != pbWrong || got[1] != other {
		t.Fatalf("arith_false: %v", got)
	}
	// With another filter: the intersection.
	if got := listIDs(t, db, Filter{Finding: "arith_false", Correct: "true"}); len(got) != 1 {
		t.Fatalf("arith_false and correct: %v", got)
	}
	if n, err := db.Count(Filter{Finding: "arith_false"}); err != nil || n != 2 {
		t.Fatalf("count %d %v", n, err)
	}
	// Re-analysis replaces a trace's codes.
	if err := db.SaveFindings([]TraceFindings{{TraceID: other, Version: "t/2", Findings: []Finding{arith}}}); err != nil {
		t.Fatal(err)
	}
	if got := listIDs(t, db, Filter{Finding: CodeLabelContradicted}); len(got) != 0 {
		t.Fatalf("conflicts after re-analysis: %v", got)
	}
	if got := listIDs(t, db, Filter{Finding: "arith"}); len(got) != 0 {
		t.Fatalf("a code prefix matched: %v", got)
	}
}
