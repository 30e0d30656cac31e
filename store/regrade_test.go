package store

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/stepwise-dev/stepwise"
	"github.com/stepwise-dev/stepwise/store/internal/record"
	"github.com/stepwise-dev/stepwise/store/internal/schema"
)

// parityGrader is a grader for tests: it "finds" the answer "x" where a
// trace has none, and calls an answer right when its length is even (odd
// under flip), so that two versions disagree on every verdict.
type parityGrader struct {
	version int
	flip    bool
}

func (g parityGrader) GraderVersion() int { return g.version }

func (g parityGrader) GradeTrace(t *stepwise.Trace, p *stepwise.Problem) stepwise.Grade {
	out := stepwise.Grade{Version: g.version}
	ans := t.FinalAnswer
	if ans == "" {
		out.Answer, ans = "x", "x"
	}
	if t.Correct != nil || p == nil || p.GoldAnswer == "" {
		return out
	}
	ok := (len(ans)%2 == 0) != g.flip
	out.Verdict, out.Correct = true, &ok
	out.By = stepwise.GradedBy(g.version, "parity")
	return out
}

// checkCorrectness checks that the correctness of every summary, the
// correctness postings (what `ls --correct` reads) and the running counts
// (what `stats` reads) agree, and returns the summaries' tally.
func checkCorrectness(t *testing.T, db *DB) map[string]int {
	t.Helper()
	tally := map[string]int{}
	byDataset := map[string]map[string]int{}
	err := db.List(Filter{}, func(s Summary) error {
		v := schema.CorrectValue(s.Correct)
		tally[v]++
		if byDataset[s.Dataset] == nil {
			byDataset[s.Dataset] = map[string]int{}
		}
		byDataset[s.Dataset][v]++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	st, err := db.Stats()
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range []string{"true", "false", "unknown"} {
		n, err := db.Count(Filter{Correct: v})
		if err != nil {
			t.Fatal(err)
		}
		if n != tally[v] || st.By[FieldCorrect][v] != tally[v] {
			t.Errorf("correct=%s: %d summaries, %d in the postings, %d in the counts", v, tally[v], n, st.By[FieldCorrect][v])
		}
		for ds, m := range byDataset {
			if st.Datasets[ds][FieldCorrect][v] != m[v] {
				t.Errorf("%s correct=%s: %d summaries, %d in the counts", ds, v, m[v], st.Datasets[ds][FieldCorrect][v])
			}
		}
	}
	return tally
}

func TestRegrade(t *testing.T) {
	ctx := context.Background()
	files := []string{filepath.Join(samples, "processbench"), filepath.Join(samples, "gsm8k"), filepath.Join(samples, "math500")}
	v1, v2 := parityGrader{version: 1}, parityGrader{version: 2, flip: true}

	db := openTemp(t)
	rep, err := db.Import(ctx, files, ImportOptions{Grader: v1})
	if err != nil {
		t.Fatal(err)
	}
	before := checkCorrectness(t, db)
	if before["true"] == 0 || before["false"] == 0 {
		t.Fatalf("the fixture should grade both ways: %v", before)
	}

	rg, err := db.Regrade(ctx, v2, Filter{})
	if err != nil {
		t.Fatal(err)
	}
	after := checkCorrectness(t, db)
	if rg.From != 0 || rg.To != 2 || rg.Traces != rep.Imported || rg.Changed == 0 || rg.Updated < rg.Changed {
		t.Errorf("regrade report %+v (imported %d)", rg, rep.Imported)
	}
	graded := 0
	db.List(Filter{}, func(s Summary) error {
		if s.Graded&record.GradedVerdict != 0 {
			graded++
		}
		return nil
	})
	// The flipped grader turns every verdict it gives; source verdicts stay.
	if graded == 0 || rg.Changed != graded || after["unknown"] != before["unknown"] {
		t.Errorf("%d verdicts by the grader, %d changed; before %v, after %v", graded, rg.Changed, before, after)
	}
	if v, err := db.GraderVersion(); err != nil || v != 2 {
		t.Errorf("store grader version %d, %v", v, err)
	}

	// The same store made by importing with v2 from the start.
	fresh := openTemp(t)
	if _, err := fresh.Import(ctx, files, ImportOptions{Grader: v2}); err != nil {
		t.Fatal(err)
	}
	want := map[string]Summary{}
	fresh.List(Filter{}, func(s Summary) error { want[s.ID] = s; return nil })
	db.List(Filter{}, func(s Summary) error {
		w := want[s.ID]
		if schema.CorrectValue(s.Correct) != schema.CorrectValue(w.Correct) || s.CorrectBy != w.CorrectBy || s.FinalAnswer != w.FinalAnswer {
			t.Errorf("%s: re-graded %v by %q answer %q; imported with v2 %v by %q answer %q", s.ID,
				schema.CorrectValue(s.Correct), s.CorrectBy, s.FinalAnswer, schema.CorrectValue(w.Correct), w.CorrectBy, w.FinalAnswer)
		}
		return nil
	})

	// A verdict's grade is no part of identity: the same files add nothing.
	again, err := db.Import(ctx, files, ImportOptions{Grader: v2})
	if err != nil || again.Imported != 0 {
		t.Errorf("re-import after re-grade: %+v, %v", again, err)
	}
	// A second re-grade with the same grader changes nothing.
	rg, err = db.Regrade(ctx, v2, Filter{})
	if err != nil || rg.Updated != 0 {
		t.Errorf("second regrade %+v, %v", rg, err)
	}
}

// TestRegradeKeepsSourceVerdicts: ProcessBench states final_answer_correct;
// no grader overrides it.
func TestRegradeKeepsSourceVerdicts(t *testing.T) {
	ctx := context.Background()
	db := openTemp(t)
	if _, err := db.Import(ctx, []string{filepath.Join(samples, "processbench")}, ImportOptions{Grader: parityGrader{version: 1}}); err != nil {
		t.Fatal(err)
	}
	before := checkCorrectness(t, db)
	rg, err := db.Regrade(ctx, parityGrader{version: 2, flip: true}, Filter{Dataset: "processbench"})
	if err != nil {
		t.Fatal(err)
	}
	if rg.Changed != 0 {
		t.Errorf("a re-grade changed %d source verdicts", rg.Changed)
	}
	if after := checkCorrectness(t, db); after["true"] != before["true"] || after["false"] != before["false"] {
		t.Errorf("before %v after %v", before, after)
	}
	// A filtered re-grade does not claim the whole store.
	if v, _ := db.GraderVersion(); v != 0 {
		t.Errorf("a filtered re-grade recorded version %d", v)
	}
}
