package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

func suspects(t *testing.T, db *DB, f Filter) []string {
	t.Helper()
	var out []string
	err := db.Suspects(context.Background(), f, func(ss []Suspect) error {
		for _, s := range ss {
			out = append(out, fmt.Sprintf("%d/%d=%.2f", s.Seq, s.Step, s.Score))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestFindingsRoundTripAndTriageOrder(t *testing.T) {
	db := pbStore(t)
	if got := suspects(t, db, Filter{}); len(got) != 0 {
		t.Fatalf("suspects before any analysis: %v", got)
	}
	if f, err := db.Findings(pbWrong); f != nil || err != nil {
		t.Fatalf("findings before any analysis: %+v %v", f, err)
	}
	now := time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)
	// Seqs follow the sample file: gsm8k-0 is 1, gsm8k-1 is 2, gsm8k-200 is 101.
	batch := []TraceFindings{
		{TraceID: pbWrong, Version: "a/1", Analyzed: now, Report: json.RawMessage(`{"answer":{"equal":false}}`), Findings: []Finding{
			{Analyzer: "arithmetic", Code: "arith_false", Severity: "error", Step: 1, Message: "5 × 6 = 35 is false", Score: 0.9},
			{Analyzer: "repetition", Code: "repeated_line", Severity: "info", Step: 1, Message: "line repeated", Score: 0.3},
			{Analyzer: "answer", Code: "answer_mismatch", Severity: "error", Step: 3, Message: "30 ≠ 35", Score: 0.7},
			{Analyzer: "truncation", Code: "truncated", Severity: "warn", Step: -1, Message: "cut off", Score: 0.4},
		}},
		{TraceID: pbWrong2, Version: "a/1", Analyzed: now, Findings: []Finding{
			{Analyzer: "answer", Code: "answer_mismatch", Severity: "error", Step: 6, Message: "x", Score: 0.7},
		}},
		{TraceID: pbCorrect, Version: "a/1", Analyzed: now, Findings: []Finding{}},
	}
	if err := db.SaveFindings(batch); err != nil {
		t.Fatal(err)
	}
	got, err := db.Findings(pbWrong)
	if err != nil || got == nil {
		t.Fatal(err)
	}
	if got.Version != "a/1" || len(got.Findings) != 4 || got.Findings[0].Message != "5 × 6 = 35 is false" ||
		string(got.Report) != `{"answer":{"equal":false}}` || !got.Analyzed.Equal(now) {
		t.Fatalf("findings: %+v", got)
	}
	if s := got.StepScores(4); fmt.Sprint(s) != "[0 0.9 0 0.7]" || got.MaxScore() != 0.9 {
		t.Fatalf("step scores %v max %v", s, got.MaxScore())
	}
	// One key per (trace, step) with its highest score, most suspicious first,
	// then trace order.
	want := "1/1=0.90 1/3=0.70 2/6=0.70 1/-1=0.40"
	if got := strings.Join(suspects(t, db, Filter{}), " "); got != want {
		t.Fatalf("suspects:\n got %s\nwant %s", got, want)
	}
	// Re-analysis replaces the trace's findings and its index keys.
	if err := db.SaveFindings([]TraceFindings{{TraceID: pbWrong, Version: "a/2", Findings: []Finding{
		{Analyzer: "answer", Code: "answer_missing", Step: -1, Score: 0.5}}}}); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(suspects(t, db, Filter{}), " "); got != "2/6=0.70 1/-1=0.50" {
		t.Fatalf("suspects after re-analysis: %s", got)
	}
	vs, err := db.FindingsVersions([]uint64{1, 2, 101, 3})
	if err != nil || strings.Join(vs, ",") != "a/2,a/1,a/1," {
		t.Fatalf("versions %q %v", vs, err)
	}
	// The filter applies: gsm8k-1 is wrong, gsm8k-200 correct.
	if got := suspects(t, db, Filter{Correct: "true"}); len(got) != 0 {
		t.Fatalf("correct traces have no suspects: %v", got)
	}
	if err := db.SaveFindings([]TraceFindings{{TraceID: "nope"}}); !errors.Is(err, ErrNotFound) {
		t.Fatalf("unknown trace: %v", err)
	}
}

func TestSuspectsStopsWhenTold(t *testing.T) {
	db := pbStore(t)
	var batch []TraceFindings
	for i := range 100 {
		batch = append(batch, TraceFindings{TraceID: fmt.Sprintf("processbench/gsm8k:gsm8k-%d", i), Version: "v",
			Findings: []Finding{{Step: 0, Score: float64(i) / 100}}})
	}
	if err := db.SaveFindings(batch); err != nil {
		t.Fatal(err)
	}
	stop := errors.New("enough")
	err := db.Suspects(context.Background(), Filter{}, func(ss []Suspect) error {
		// gsm8k-99 scores 0.99 and is seq 100; gsm8k-0 scores 0 and has no key.
		if len(ss) != 99 || ss[0].Seq != 100 || ss[0].Score != 0.99 || ss[98].Seq != 2 {
			t.Errorf("chunk: %d first %+v", len(ss), ss[0])
		}
		return stop
	})
	if !errors.Is(err, stop) {
		t.Fatalf("fn's error: %v", err)
	}
}

func TestDamagedFindingsRecord(t *testing.T) {
	for name, v := range map[string][]byte{
		"empty":   {},
		"version": {7, 0, '{', '}'},
		"length":  {1, 200, 'a'},
		"json":    append([]byte{1, 1, 'v'}, "{nope"...),
	} {
		if _, err := decodeFindings(3, v); err == nil {
			t.Errorf("%s: decoded", name)
		}
	}
}
