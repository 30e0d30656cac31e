package store

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/stepwise-dev/stepwise"
)

// TestEvidenceIsTheSeparateReads: the one read of a trace with its
// evidence gives what the separate reads give — the trace, its problem as
// its source wrote it, events, checks, findings, the newest judge verdict
// and PRM scores — by id, by prefix and by seq; EachEvidence gives the same
// but the problem. A trace with none of it reads as empty evidence.
func TestEvidenceIsTheSeparateReads(t *testing.T) {
	db := pbStore(t)
	ctx := context.Background()
	if _, err := db.Annotate(stepwise.Annotation{Annotator: "ann", TraceID: pbWrong, Step: 1, Rating: stepwise.Bad}); err != nil {
		t.Fatal(err)
	}
	if err := db.PutChecks(pbWrong, []CheckedStep{{Step: 0, Formalizations: []stepwise.Formalization{
		formal("theorem a : (16 - 3 - 4 : ℝ) = 9 := by sorry", stepwise.StatusProved)}}}); err != nil {
		t.Fatal(err)
	}
	if err := db.SaveFindings([]TraceFindings{{TraceID: pbWrong, Version: "a/1", Analyzed: time.Unix(9, 0).UTC(),
		Findings: []Finding{{Analyzer: "arith", Code: "arith_false", Severity: "error", Step: 1, Message: "x", Score: 0.9}}}}); err != nil {
		t.Fatal(err)
	}
	a := sampleAnalysis("run-1", pbWrong, time.Unix(100, 0).UTC(), strings.Repeat("x", 10))
	if _, err := db.SaveAnalysis(&a); err != nil {
		t.Fatal(err)
	}
	s, _ := db.Get(pbWrong)
	scores := make([]float64, len(s.Steps))
	if _, err := db.PutPRMScores([]TracePRM{{TraceID: pbWrong, Scores: PRMScores{Model: "prm", Steps: scores}}}); err != nil {
		t.Fatal(err)
	}

	ev, err := db.Evidence(pbWrong)
	if err != nil {
		t.Fatal(err)
	}
	tr, _ := db.Get(pbWrong)
	p, _ := db.TraceProblem(tr)
	evs, _ := db.TraceEvents(ev.Seq)
	checks, _ := db.CheckedStepsSeq(ev.Seq)
	findings, _ := db.Findings(pbWrong)
	head, _ := db.LatestJudgement(pbWrong)
	prm, _ := db.PRMScoresOf(pbWrong)
	want := &TraceEvidence{Seq: ev.Seq, Trace: tr, Problem: p, Events: evs, Checks: checks, Findings: findings, Judgement: head, PRM: prm}
	if ev.Judgement == nil || ev.Findings == nil || len(ev.Events) != 1 || len(ev.Checks) != 1 || len(ev.PRM) != 1 || ev.Problem == nil {
		t.Fatalf("evidence is missing parts: %+v", ev)
	}
	if !reflect.DeepEqual(ev, want) {
		t.Fatalf("Evidence:\n got %+v\nwant %+v", ev, want)
	}
	marks, _ := db.Marks(pbWrong)
	if !reflect.DeepEqual(ev.Marks(), marks) {
		t.Errorf("Marks: %+v, want %+v", ev.Marks(), marks)
	}
	dbChecks, _ := db.Checks(pbWrong)
	if !reflect.DeepEqual(ev.CheckMap(), dbChecks) {
		t.Errorf("CheckMap: %+v, want %+v", ev.CheckMap(), dbChecks)
	}
	if bySource, err := db.Evidence("gsm8k-0"); err != nil || bySource.Seq != ev.Seq {
		t.Errorf("by source id: %+v %v", bySource, err)
	}
	bySeq, err := db.EvidenceSeq(ev.Seq)
	if err != nil || !reflect.DeepEqual(bySeq, want) {
		t.Fatalf("EvidenceSeq: %+v %v", bySeq, err)
	}
	n := 0
	err = db.EachEvidence(ctx, Filter{}, func(e *TraceEvidence) error {
		n++
		if e.Seq != ev.Seq {
			if e.Judgement != nil || e.Findings != nil || len(e.Events) != 0 || len(e.Checks) != 0 || len(e.PRM) != 0 {
				t.Errorf("trace %d has evidence of another: %+v", e.Seq, e)
			}
			return nil
		}
		w := *want
		w.Problem = nil
		if !reflect.DeepEqual(e, &w) {
			t.Errorf("EachEvidence:\n got %+v\nwant %+v", e, &w)
		}
		return nil
	})
	if err != nil || n != 200 {
		t.Fatalf("EachEvidence: %d traces, %v", n, err)
	}
	if _, err := db.Evidence("no-such-trace"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("unknown id: %v", err)
	}
}
