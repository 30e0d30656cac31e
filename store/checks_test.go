package store

import (
	"errors"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/stepwise-dev/stepwise"
)

// firstGSM8K imports the GSM8K sample and returns its first trace. Read from
// the file: the first answer has two lines before "#### 18", so two steps.
func firstGSM8K(t *testing.T, db *DB) Summary {
	t.Helper()
	importOK(t, db, filepath.Join(samples, "gsm8k", "test_first200.jsonl"))
	var s Summary
	db.List(Filter{Dataset: "gsm8k", Limit: 1}, func(x Summary) error { s = x; return nil })
	if s.Steps != 2 {
		t.Fatalf("first GSM8K trace has %d steps, want 2", s.Steps)
	}
	return s
}

func formal(stmt string, st stepwise.ProofStatus) stepwise.Formalization {
	return stepwise.Formalization{Statement: stmt, Proof: stmt + " by norm_num", Header: "import Mathlib",
		Origin: stepwise.FormalRule, Status: st, Backend: "rational", Toolchain: "exact",
		Messages: []string{"info: one", "warning: two"}, Evidence: "working:\n16 - 3 - 4 = 9",
		ElapsedMS: 0.25, CacheKey: "abc"}
}

func TestChecksRoundTrip(t *testing.T) {
	db := openTemp(t)
	s := firstGSM8K(t, db)
	at := time.Date(2026, 1, 2, 3, 4, 5, 6, time.UTC)
	step0 := []stepwise.Formalization{formal("theorem a : (16 - 3 - 4 : ℝ) = 9 := by sorry", stepwise.StatusProved),
		formal("theorem b : (9 * 2 : ℝ) = 19 := by sorry", stepwise.StatusDisproved)}
	err := db.PutChecks(s.ID, []CheckedStep{{Step: 0, Formalizations: step0, At: at}, {Step: 1}})
	if err != nil {
		t.Fatal(err)
	}
	got, err := db.Checks(s.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || !reflect.DeepEqual(got[0], step0) {
		t.Fatalf("checks %+v, want step 0 only: %+v", got, step0)
	}
	steps, err := db.CheckedSteps(s.ID)
	if err != nil || len(steps) != 1 || !steps[0].At.Equal(at) {
		t.Fatalf("checked steps %+v %v", steps, err)
	}
	// Disproved shows over proved; step 1 was checked with nothing found.
	if strip, err := db.ProofStrip(s.ID); err != nil || strip != "x." {
		t.Fatalf("strip %q %v, want \"x.\"", strip, err)
	}
	// Re-checking step 0 replaces both of its results.
	if err := db.PutChecks(s.ID, []CheckedStep{{Step: 0, Formalizations: step0[:1]}}); err != nil {
		t.Fatal(err)
	}
	got, _ = db.Checks(s.ID)
	if len(got[0]) != 1 || got[0][0].Status != stepwise.StatusProved {
		t.Fatalf("after re-check: %+v", got)
	}
	if strip, _ := db.ProofStrip(s.ID); strip != "+." {
		t.Fatalf("strip %q, want \"+.\"", strip)
	}
	pc, err := db.ProofCounts()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int{"proved": 1, "none": 1}
	if !reflect.DeepEqual(pc.Total, want) || !reflect.DeepEqual(pc.Datasets["gsm8k"], want) {
		t.Fatalf("proof counts %+v, want %v overall and for gsm8k", pc, want)
	}
	st, _ := db.Stats()
	if st.By[FieldProof]["proved"] != 1 || st.Datasets["gsm8k"][FieldProof]["none"] != 1 {
		t.Fatalf("stats proof counts %v", st.By[FieldProof])
	}
	// The trace list reads strips by seq; a trace never checked has none.
	strips, err := db.ProofStrips([]uint64{s.Seq + 1, s.Seq})
	if err != nil || strips[0] != "" || strips[1] != "+." {
		t.Fatalf("strips %q %v", strips, err)
	}
}

func TestPutChecksIsAllOrNothing(t *testing.T) {
	db := openTemp(t)
	s := firstGSM8K(t, db)
	ok := TraceChecks{TraceID: s.ID, Steps: []CheckedStep{{Step: 0, Formalizations: []stepwise.Formalization{formal("t", stepwise.StatusProved)}}}}
	bad := TraceChecks{TraceID: s.ID, Steps: []CheckedStep{{Step: 2}}}
	_, err := db.PutChecksBatch([]TraceChecks{ok, bad})
	if err == nil || !strings.Contains(err.Error(), "step 2 out of range") {
		t.Fatalf("out-of-range step: %v", err)
	}
	if got, _ := db.Checks(s.ID); len(got) != 0 {
		t.Fatalf("a failed batch wrote %+v", got)
	}
	if strip, _ := db.ProofStrip(s.ID); strip != "" {
		t.Fatalf("a failed batch wrote strip %q", strip)
	}
	if err := db.PutChecks("no-such-trace", nil); !errors.Is(err, ErrNotFound) {
		t.Fatalf("unknown trace: %v", err)
	}
	if _, err := db.Checks("no-such-trace"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("unknown trace: %v", err)
	}
}

func TestChecksSurviveReopenReadOnly(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.db")
	db, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	s := firstGSM8K(t, db)
	f := formal("theorem c : (1 : ℝ) = 1 := by sorry", stepwise.StatusTimeout)
	if err := db.PutChecks(s.ID, []CheckedStep{{Step: 1, Formalizations: []stepwise.Formalization{f}}}); err != nil {
		t.Fatal(err)
	}
	db.Close()
	ro, err := Open(path, Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	got, err := ro.Checks(s.ID)
	if err != nil || !reflect.DeepEqual(got[1], []stepwise.Formalization{f}) {
		t.Fatalf("after reopen: %+v %v", got, err)
	}
	if strip, _ := ro.ProofStrip(s.ID); strip != " t" {
		t.Fatalf("strip %q, want \" t\"", strip)
	}
	if err := ro.PutChecks(s.ID, nil); err == nil {
		t.Fatal("read-only store accepted checks")
	}
}

func TestStepStatusOrder(t *testing.T) {
	fs := func(sts ...stepwise.ProofStatus) []stepwise.Formalization {
		var out []stepwise.Formalization
		for _, s := range sts {
			out = append(out, stepwise.Formalization{Status: s})
		}
		return out
	}
	cases := []struct {
		in   []stepwise.Formalization
		want byte
	}{
		{nil, StripNone},
		{fs(stepwise.StatusProved, stepwise.StatusSkipped), '+'},
		{fs(stepwise.StatusProved, stepwise.StatusUnsupported), 'u'},
		{fs(stepwise.StatusTimeout, stepwise.StatusDisproved, stepwise.StatusProved), 'x'},
		{fs(stepwise.StatusSkipped), '-'},
		{fs(stepwise.StatusProved, "from_the_future"), '?'},
	}
	for _, c := range cases {
		if got := StripChar(c.in); got != c.want {
			t.Errorf("StripChar(%v) = %q, want %q", c.in, got, c.want)
		}
	}
	for st, c := range stripChars {
		if back, ok := StripStatus(c); !ok || back != st {
			t.Errorf("strip char %q reads back as %q", c, back)
		}
	}
	if _, ok := StripStatus(StripUnchecked); ok {
		t.Error("an unchecked step reads as a status")
	}
}

// TestProofFilter: traces selected by their proof strips — a status any
// step has, checked, unchecked — alone and combined with another filter.
func TestProofFilter(t *testing.T) {
	db := openTemp(t)
	importOK(t, db, filepath.Join(samples, "gsm8k", "test_first200.jsonl"))
	var ids []string
	var seqs []uint64
	db.List(Filter{Dataset: "gsm8k", Limit: 3}, func(x Summary) error {
		ids, seqs = append(ids, x.ID), append(seqs, x.Seq)
		return nil
	})
	stmt := "theorem a : (1 + 1 : ℝ) = 2 := by sorry"
	put := func(id string, st stepwise.ProofStatus) {
		t.Helper()
		if err := db.PutChecks(id, []CheckedStep{{Step: 0, Formalizations: []stepwise.Formalization{formal(stmt, st)}}}); err != nil {
			t.Fatal(err)
		}
	}
	put(ids[0], stepwise.StatusDisproved)
	put(ids[2], stepwise.StatusProved)
	seqsOf := func(f Filter) []uint64 {
		t.Helper()
		var out []uint64
		if err := db.List(f, func(s Summary) error { out = append(out, s.Seq); return nil }); err != nil {
			t.Fatal(err)
		}
		return out
	}
	cases := []struct {
		f    Filter
		want []uint64
	}{
		{Filter{Proof: "disproved"}, seqs[:1]},
		{Filter{Proof: "proved"}, seqs[2:3]},
		{Filter{Proof: "checked"}, []uint64{seqs[0], seqs[2]}},
		{Filter{Proof: "checked", Dataset: "gsm8k", Limit: 1}, seqs[:1]},
		{Filter{Proof: "sorry"}, nil},
	}
	for _, c := range cases {
		if got := seqsOf(c.f); !reflect.DeepEqual(got, c.want) {
			t.Errorf("%+v: %v, want %v", c.f, got, c.want)
		}
	}
	if un := seqsOf(Filter{Proof: "unchecked"}); len(un) != 198 || un[0] != seqs[1] {
		t.Errorf("unchecked: %d traces starting %v, want 198 starting %d", len(un), un[:1], seqs[1])
	}
	if n, err := db.Count(Filter{Proof: "checked"}); err != nil || n != 2 {
		t.Errorf("count checked %d %v", n, err)
	}
	bad := Filter{Proof: "wrongish"}
	if err := bad.Validate(); err == nil || !strings.Contains(err.Error(), "disproved") {
		t.Errorf("bad proof value: %v", err)
	}
}
