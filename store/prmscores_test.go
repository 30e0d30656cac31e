package store

import (
	"errors"
	"strings"
	"testing"
)

func TestPRMScoresRoundTrip(t *testing.T) {
	db := pbStore(t)
	s, err := db.Get(pbWrong)
	if err != nil {
		t.Fatal(err)
	}
	n := len(s.Steps)
	steps := make([]float64, n)
	for i := range steps {
		steps[i] = 0.9
	}
	steps[1] = 0.1
	steps[n-1] = NoScore
	ids, err := db.PutPRMScores([]TracePRM{
		{TraceID: "gsm8k-0", Scores: PRMScores{Model: "prm-a", Steps: steps, Origin: "file:x.jsonl"}},
		{TraceID: pbWrong, Scores: PRMScores{Model: "prm-b", Steps: steps}},
	})
	if err != nil || ids[0] != pbWrong || ids[1] != pbWrong {
		t.Fatalf("put: %v %v", ids, err)
	}
	got, err := db.PRMScoresOf(pbWrong)
	if err != nil || len(got) != 2 || got[0].Model != "prm-a" || got[0].Steps[1] != 0.1 || got[0].Origin != "file:x.jsonl" {
		t.Fatalf("read back %+v %v", got, err)
	}
	if m := got[0].Min(); m != 0.1 {
		t.Errorf("min %v", m)
	}
	// Scoring again replaces.
	steps2 := append([]float64(nil), steps...)
	steps2[1] = 0.5
	if _, err := db.PutPRMScores([]TracePRM{{TraceID: pbWrong, Scores: PRMScores{Model: "prm-a", Steps: steps2}}}); err != nil {
		t.Fatal(err)
	}
	got, _ = db.PRMScoresOf(pbWrong)
	if len(got) != 2 || got[0].Steps[1] != 0.5 {
		t.Fatalf("after replace %+v", got)
	}
	if names, err := db.PRMNames(); err != nil || strings.Join(names, ",") != "prm-a,prm-b" {
		t.Fatalf("names %v %v", names, err)
	}
	if other, _ := db.PRMScoresOf(pbCorrect); len(other) != 0 {
		t.Fatalf("scores on an unscored trace: %+v", other)
	}
	// Bad records are refused whole, with the reason.
	bad := []struct {
		rec  TracePRM
		want string
	}{
		{TracePRM{TraceID: pbWrong, Scores: PRMScores{Model: "p", Steps: steps[:1]}}, "scores for a trace of"},
		{TracePRM{TraceID: pbWrong, Scores: PRMScores{Model: "p", Steps: append([]float64{1.5}, steps[1:]...)}}, "not a probability"},
		{TracePRM{TraceID: pbWrong, Scores: PRMScores{Model: "", Steps: steps}}, "PRM name"},
		{TracePRM{TraceID: "no-such-trace", Scores: PRMScores{Model: "p", Steps: steps}}, "not found"},
		{TracePRM{TraceID: "gsm8k-", Scores: PRMScores{Model: "p", Steps: steps}}, "not found"}, // no prefixes
	}
	sc, _ := db.Get(pbCorrect)
	good := TracePRM{TraceID: pbCorrect, Scores: PRMScores{Model: "ok", Steps: make([]float64, len(sc.Steps))}}
	for _, c := range bad {
		_, err := db.PutPRMScores([]TracePRM{good, c.rec})
		if err == nil || !strings.Contains(err.Error(), c.want) && !errors.Is(err, ErrNotFound) {
			t.Errorf("%+v: err %v, want %q", c.rec, err, c.want)
		}
	}
	if other, _ := db.PRMScoresOf(pbCorrect); len(other) != 0 {
		t.Fatalf("a refused batch wrote %+v", other)
	}
}
