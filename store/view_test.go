package store

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/stepwise-dev/stepwise"
)

func TestSeqsOrderAndFilter(t *testing.T) {
	db := openTemp(t)
	importOK(t, db, filepath.Join(samples, "processbench"), filepath.Join(samples, "gsm8k", "test_first200.jsonl"))
	collect := func(f Filter, o Order) []Summary {
		t.Helper()
		var seqs []uint64
		if err := db.Seqs(context.Background(), f, o, func(c []uint64) error { seqs = append(seqs, c...); return nil }); err != nil {
			t.Fatal(err)
		}
		sums, err := db.Summaries(seqs)
		if err != nil {
			t.Fatal(err)
		}
		return sums
	}
	all := collect(Filter{}, Order{})
	if len(all) != 600 || all[0].Seq != 1 || all[599].Seq != 600 {
		t.Fatalf("import order: %d rows, first %d last %d", len(all), all[0].Seq, all[len(all)-1].Seq)
	}
	bySteps := collect(Filter{Dataset: "processbench"}, Order{Key: SortSteps})
	if len(bySteps) != 400 {
		t.Fatalf("filtered sort kept %d rows, want 400", len(bySteps))
	}
	for i := 1; i < len(bySteps); i++ {
		if bySteps[i].Steps < bySteps[i-1].Steps {
			t.Fatalf("row %d has %d steps after %d", i, bySteps[i].Steps, bySteps[i-1].Steps)
		}
		if bySteps[i].Dataset[:12] != "processbench" {
			t.Fatalf("filter leaked %s", bySteps[i].Dataset)
		}
	}
	desc := collect(Filter{}, Order{Key: SortFirstError, Desc: true})
	if desc[0].FirstError == nil || desc[len(desc)-1].FirstError != nil {
		t.Fatalf("descending first-error order: first %v, last %v", desc[0].FirstError, desc[len(desc)-1].FirstError)
	}
	byID := collect(Filter{Label: "correct"}, Order{Key: SortID})
	for i := 1; i < len(byID); i++ {
		if byID[i].ID < byID[i-1].ID {
			t.Fatalf("id order broken at %d: %s < %s", i, byID[i].ID, byID[i-1].ID)
		}
	}
	if len(byID) != 161 { // 96 + 37 + 19 + 9 traces with label -1, read from the samples
		t.Fatalf("label=correct sorted by id: %d rows, want 161", len(byID))
	}
	max, _ := db.MaxSeq()
	if max != 600 {
		t.Fatalf("MaxSeq %d", max)
	}
}

func TestHumanFilters(t *testing.T) {
	db := openTemp(t)
	importOK(t, db, filepath.Join(samples, "processbench", "gsm8k_0-99_and_200-299.json"))
	for _, ev := range []stepwise.Annotation{
		{Annotator: "ana", TraceID: "processbench/gsm8k:gsm8k-3", Step: 0, Rating: stepwise.Good},
		{Annotator: "bob", TraceID: "processbench/gsm8k:gsm8k-5", Step: 0, Rating: stepwise.Bad},
		{Annotator: "ana", TraceID: "processbench/gsm8k:gsm8k-7", Step: 1, Rating: stepwise.Bad},
	} {
		if _, err := db.Annotate(ev); err != nil {
			t.Fatal(err)
		}
	}
	count := func(f Filter) int {
		n, err := db.Count(f)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := count(Filter{Human: "yes"}); n != 3 {
		t.Errorf("human:yes %d, want 3", n)
	}
	if n := count(Filter{Human: "no"}); n != 197 {
		t.Errorf("human:no %d, want 197", n)
	}
	if n := count(Filter{Annotator: "ana"}); n != 2 {
		t.Errorf("annotator:ana %d, want 2", n)
	}
	if n := count(Filter{Human: "no", Label: "correct"}); n != 96 {
		t.Errorf("human:no label:correct %d, want 96 (the three annotated traces have errors)", n)
	}
	var seqs []uint64
	db.List(Filter{Human: "no", Limit: 6}, func(s Summary) error { seqs = append(seqs, s.Seq); return nil })
	for _, s := range seqs {
		if s == 4 || s == 6 {
			t.Errorf("human:no listed annotated trace seq %d", s)
		}
	}
}
