package analytics

import (
	"context"
	"fmt"
	"math"
	"path/filepath"
	"testing"

	"github.com/stepwise-dev/stepwise"
	"github.com/stepwise-dev/stepwise/store"
	"github.com/stepwise-dev/stepwise/store/formats"
)

// agentItem is a trace of problem p that searches n times and is right or
// wrong.
func agentItem(p string, k, n int, right bool) formats.Item {
	tr := &stepwise.Trace{SourceID: fmt.Sprintf("%s-%d", p, k), Dataset: "agents", Model: fmt.Sprintf("m%d", k), Correct: &right}
	raw := ""
	for i := range n {
		text := fmt.Sprintf(`search("%s %d")`, p, i)
		tr.Steps = append(tr.Steps, stepwise.Step{Kind: stepwise.StepToolCall, Text: text, Span: stepwise.Span{Start: len(raw), End: len(raw) + len(text)},
			Tool: &stepwise.Tool{Name: "web_search", Arguments: fmt.Sprintf(`{"q":%d}`, i)}})
		raw += text + "\n"
	}
	tr.Raw = raw
	return formats.Item{Problem: &stepwise.Problem{Text: "question " + p}, Trace: tr}
}

// TestIntensityByDifficulty: three problems of four samples each — easy
// (4/4 right, 1 search each), hard (1/4, 3 searches), unsolved (0/4, 5
// searches) — give three rows with those means and accuracies.
func TestIntensityByDifficulty(t *testing.T) {
	db, err := store.Open(filepath.Join(t.TempDir(), "a.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var items []formats.Item
	for k := range 4 {
		items = append(items, agentItem("easy", k, 1, true), agentItem("hard", k, 3, k == 0), agentItem("unsolved", k, 5, false))
	}
	if _, _, err := db.Add(items); err != nil {
		t.Fatal(err)
	}
	rows, err := IntensityByDifficulty(context.Background(), db, store.Filter{}, DefaultBuckets)
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		d        string
		search   float64
		accuracy float64
	}{{"easy", 1, 1}, {"hard", 3, 0.25}, {"unsolved", 5, 0}}
	if len(rows) != len(want) {
		t.Fatalf("rows %+v", rows)
	}
	for i, w := range want {
		r := rows[i]
		if r.Difficulty != w.d || r.Traces != 4 || r.MeanSearchCalls != w.search || r.MeanToolCalls != w.search ||
			r.Accuracy == nil || math.Abs(*r.Accuracy-w.accuracy) > 1e-12 {
			t.Errorf("row %d: %+v, want %s, 4 traces, %g searches, accuracy %g", i, r, w.d, w.search, w.accuracy)
		}
	}
}
