package store

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/stepwise-dev/stepwise"
	"github.com/stepwise-dev/stepwise/store/internal/record"
	"github.com/stepwise-dev/stepwise/store/search"
)

// sampleStore imports samples with steps of every shape: labeled lists
// (ProcessBench, PRM800K), reference solutions with calculator annotations
// (GSM8K), sections (DeltaBench), tool calls (LLaMA-Factory), non-ASCII
// text (Omni-MATH).
func sampleStore(t *testing.T) *DB {
	t.Helper()
	db := openTemp(t)
	importOK(t, db,
		filepath.Join(samples, "processbench"),
		filepath.Join(samples, "gsm8k", "test_first200.jsonl"),
		filepath.Join(samples, "prm800k"),
		filepath.Join(samples, "deltabench"),
		filepath.Join(samples, "toolcall", "reason_tool_use_demo_first30.jsonl"),
		filepath.Join(samples, "math500", "test_first200.jsonl"))
	return db
}

// expectHits searches every trace by brute force, one loaded trace at a
// time with FindInTrace (which store/search's tests hold to a reference
// matcher).
func expectHits(t *testing.T, db *DB, q SearchQuery, keep func(Summary) bool) []TraceHits {
	t.Helper()
	var sums []Summary
	if err := db.List(Filter{}, func(s Summary) error { sums = append(sums, s); return nil }); err != nil {
		t.Fatal(err)
	}
	var out []TraceHits
	for _, s := range sums {
		if keep != nil && !keep(s) {
			continue
		}
		tr, err := db.GetSeq(s.Seq)
		if err != nil {
			t.Fatal(err)
		}
		p, err := db.Problem(s.ProblemID)
		if err != nil {
			t.Fatal(err)
		}
		h := TraceHits{Seq: s.Seq, FirstStep: -1}
		for _, m := range FindInTrace(tr, p.Text, q) {
			switch {
			case m.Step < 0:
				h.ProblemHits++
			case h.StepHits == 0:
				h.FirstStep = m.Step
				fallthrough
			default:
				h.StepHits++
			}
		}
		if h.ProblemHits+h.StepHits > 0 {
			out = append(out, h)
		}
	}
	return out
}

// collect runs a search and checks what every search must do: hits in
// sequence order, a final Done progress that agrees with the hits.
func collect(t *testing.T, db *DB, q SearchQuery, chunk uint64) []TraceHits {
	t.Helper()
	var got []TraceHits
	var last SearchProgress
	progressCalls := 0
	err := db.search(context.Background(), q, chunk, func(h []TraceHits) {
		if len(h) == 0 {
			t.Error("empty batch")
		}
		if last.Done {
			t.Error("hits after Done")
		}
		got = append(got, h...)
	}, func(p SearchProgress) {
		if last.Done {
			t.Error("progress after Done")
		}
		if p.Scanned < last.Scanned || p.Traces < last.Traces {
			t.Errorf("progress went back: %+v after %+v", p, last)
		}
		last = p
		progressCalls++
	})
	if err != nil {
		t.Fatalf("search %q: %v", q.Text, err)
	}
	for i := 1; i < len(got); i++ {
		if got[i].Seq <= got[i-1].Seq {
			t.Fatalf("%q: hit %d (seq %d) after seq %d", q.Text, i, got[i].Seq, got[i-1].Seq)
		}
	}
	hits := 0
	for _, h := range got {
		hits += h.ProblemHits + h.StepHits
	}
	if !last.Done || last.Scanned != last.Total || last.Traces != len(got) || last.Hits != hits {
		t.Fatalf("%q: final progress %+v, but %d traces with %d hits delivered", q.Text, last, len(got), hits)
	}
	return got
}

var sampleQueries = []SearchQuery{
	{Text: "the"},       // in most problems: problems looked up by summary
	{Text: "The"},       // smart case
	{Text: "remainder"}, // few problems: looked up through the index
	{Text: "Therefore"}, // exact
	{Text: "therefore", CaseSensitive: true},
	{Text: "pokémon"}, // Unicode folding
	{Text: "Pokémon"},
	{Text: "×"},
	{Text: "\\frac"}, // backslash: problems decoded, not prefiltered
	{Text: "\n\n"},   // separators: never inside a ProcessBench step
	{Text: "<<"},     // GSM8K calculator annotations
	{Text: "tool_call"},
	{Text: "wait"},
	{Text: "zzzzqqq"},
}

func TestSearchMatchesBruteForce(t *testing.T) {
	db := sampleStore(t)
	for _, q := range sampleQueries {
		want := expectHits(t, db, q, nil)
		for _, chunk := range []uint64{0, 7} {
			got := collect(t, db, q, chunk)
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%q (chunk %d): %d traces, want %d; first difference %s", q.Text, chunk, len(got), len(want), firstDiff(got, want))
			}
		}
	}
}

func firstDiff(got, want []TraceHits) string {
	for i := range min(len(got), len(want)) {
		if got[i] != want[i] {
			return "got " + fmtHits(got[i]) + " want " + fmtHits(want[i])
		}
	}
	return "in length"
}

func fmtHits(h TraceHits) string {
	return strings.Join([]string{"seq", itoa(int(h.Seq)), "problem", itoa(h.ProblemHits), "steps", itoa(h.StepHits), "first", itoa(h.FirstStep)}, " ")
}

func itoa(n int) string {
	if n < 0 {
		return "-" + itoa(-n)
	}
	if n < 10 {
		return string(rune('0' + n))
	}
	return itoa(n/10) + string(rune('0'+n%10))
}

// Counts read from the ProcessBench sample files with python3 (json.load,
// steps counted one by one, ASCII letters lowered for case folding).
func TestSearchProcessBenchCounts(t *testing.T) {
	db := openTemp(t)
	importOK(t, db, filepath.Join(samples, "processbench"))
	for _, c := range []struct {
		q                             SearchQuery
		traces, stepHits, problemHits int
	}{
		{SearchQuery{Text: "remainder"}, 15, 90, 8},
		{SearchQuery{Text: "Therefore"}, 302, 417, 0},
		{SearchQuery{Text: "therefore"}, 302, 417, 0},
		{SearchQuery{Text: "therefore", CaseSensitive: true}, 0, 0, 0},
		{SearchQuery{Text: "Pokémon"}, 3, 8, 0},
		{SearchQuery{Text: "pokémon", CaseSensitive: true}, 0, 0, 0},
		{SearchQuery{Text: "×"}, 19, 45, 0},
	} {
		got := collect(t, db, c.q, 0)
		steps, problems := 0, 0
		for _, h := range got {
			steps += h.StepHits
			problems += h.ProblemHits
		}
		if len(got) != c.traces || steps != c.stepHits || problems != c.problemHits {
			t.Errorf("%q (case-sensitive %v): %d traces, %d step hits, %d problem hits; want %d, %d, %d",
				c.q.Text, c.q.CaseSensitive, len(got), steps, problems, c.traces, c.stepHits, c.problemHits)
		}
	}
	// gsm8k-56 has "remainder" in steps 3 to 11, not before.
	tr, err := db.Get("gsm8k-56")
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range collect(t, db, SearchQuery{Text: "remainder"}, 0) {
		if h.Seq == seqOf(t, db, tr.ID) && h.FirstStep != 3 {
			t.Errorf("gsm8k-56: first step with a hit %d, want 3", h.FirstStep)
		}
	}
}

func seqOf(t *testing.T, db *DB, id string) uint64 {
	t.Helper()
	var seq uint64
	db.List(Filter{}, func(s Summary) error {
		if s.ID == id {
			seq = s.Seq
		}
		return nil
	})
	if seq == 0 {
		t.Fatalf("no trace %s", id)
	}
	return seq
}

func TestSearchFilters(t *testing.T) {
	db := sampleStore(t)
	for _, c := range []struct {
		f    Filter
		keep func(Summary) bool
	}{
		{Filter{Dataset: "processbench"}, func(s Summary) bool { return strings.HasPrefix(s.Dataset, "processbench/") }},
		{Filter{Dataset: "processbench/math", Label: "error"}, func(s Summary) bool {
			return s.Dataset == "processbench/math" && s.LabelState == stepwise.LabelError
		}},
		{Filter{Correct: "false", Truncated: "false"}, func(s Summary) bool { return s.Correct != nil && !*s.Correct && !s.Truncated }},
		{Filter{Model: "Qwen2-7B-Instruct"}, func(s Summary) bool { return s.Model == "Qwen2-7B-Instruct" }},
		{Filter{Dataset: "no-such-dataset"}, func(Summary) bool { return false }},
	} {
		for _, text := range []string{"the", "remainder", "×"} {
			q := SearchQuery{Text: text, Filter: c.f}
			want := expectHits(t, db, q, c.keep)
			for _, chunk := range []uint64{0, 5} {
				if got := collect(t, db, q, chunk); !reflect.DeepEqual(got, want) {
					t.Errorf("%q with %+v (chunk %d): %d traces, want %d; %s", text, c.f, chunk, len(got), len(want), firstDiff(got, want))
				}
			}
		}
	}
	err := db.Search(context.Background(), SearchQuery{Text: "x", Filter: Filter{Label: "bogus"}}, nil, nil)
	if err == nil || !strings.Contains(err.Error(), "bogus") {
		t.Fatalf("bad filter: %v", err)
	}
	if err := db.Search(context.Background(), SearchQuery{}, nil, nil); !errors.Is(err, search.ErrEmptyQuery) {
		t.Fatalf("empty query: %v", err)
	}
}

func TestSearchCancels(t *testing.T) {
	db := sampleStore(t)
	ctx, cancel := context.WithCancel(context.Background())
	calls, afterCancel := 0, 0
	cancelled := false
	err := db.search(ctx, SearchQuery{Text: "the"}, 3, func([]TraceHits) {
		if cancelled {
			afterCancel++
		}
		calls++
		cancel()
		cancelled = true
	}, func(SearchProgress) {
		if cancelled {
			afterCancel++
		}
	})
	if !errors.Is(err, context.Canceled) || calls != 1 || afterCancel != 0 {
		t.Fatalf("cancelled search: err %v, %d hit batches, %d callbacks after cancel", err, calls, afterCancel)
	}
	// Cancelled before it starts: no callback at all.
	err = db.Search(ctx, SearchQuery{Text: "the"}, func([]TraceHits) { t.Error("hits after cancel") },
		func(SearchProgress) { t.Error("progress after cancel") })
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("pre-cancelled search: %v", err)
	}
	// The store is still usable: no transaction was left open.
	if got := collect(t, db, SearchQuery{Text: "remainder"}, 0); len(got) == 0 {
		t.Fatal("search after a cancelled one found nothing")
	}
}

func TestSearchEmptyStore(t *testing.T) {
	db := openTemp(t)
	var last SearchProgress
	err := db.Search(context.Background(), SearchQuery{Text: "x"}, func([]TraceHits) { t.Error("hits in an empty store") },
		func(p SearchProgress) { last = p })
	if err != nil || !last.Done || last.Total != 0 {
		t.Fatalf("empty store: %v %+v", err, last)
	}
}

// FindInTrace and Search agree on a stored trace: the list's counts are the
// number of highlights.
func TestFindInTraceAgreesWithSearch(t *testing.T) {
	db := sampleStore(t)
	for _, q := range sampleQueries {
		for _, h := range collect(t, db, q, 0) {
			tr, err := db.GetSeq(h.Seq)
			if err != nil {
				t.Fatal(err)
			}
			p, err := db.Problem(tr.ProblemID)
			if err != nil {
				t.Fatal(err)
			}
			ms := FindInTrace(tr, p.Text, q)
			problemHits, stepHits, first := 0, 0, -1
			for _, m := range ms {
				if m.Step < 0 {
					problemHits++
					continue
				}
				if first < 0 {
					first = m.Step
				}
				stepHits++
			}
			if problemHits != h.ProblemHits || stepHits != h.StepHits || first != h.FirstStep {
				t.Fatalf("%q in %s: FindInTrace %d/%d/%d, Search %+v", q.Text, tr.ID, problemHits, stepHits, first, h)
			}
		}
	}
}

func TestSummaryProblemID(t *testing.T) {
	db := sampleStore(t)
	var sums []Summary
	db.List(Filter{}, func(s Summary) error { sums = append(sums, s); return nil })
	for _, s := range sums {
		if got := string(record.SummaryProblemID(record.EncodeSummary(&s))); got != s.ProblemID {
			t.Fatalf("trace %d: problem id %q, want %q", s.Seq, got, s.ProblemID)
		}
	}
	if record.SummaryProblemID([]byte{1, 200}) != nil {
		t.Fatal("corrupt summary gave a problem id")
	}
}

// A finished search leaves nothing of the store mapped: the pages it read
// stay resident only while the store's handle is open, and the handle lets
// go of the file soon after the last transaction (handle.go). (Before the
// handle did, a search released its pages with madvise as it went.)
func TestSearchLeavesNothingMapped(t *testing.T) {
	maps := func() string {
		b, err := os.ReadFile("/proc/self/maps")
		if err != nil {
			t.Skip("no /proc/self/maps")
		}
		return string(b)
	}
	db := sampleStore(t)
	path, err := filepath.EvalSymlinks(db.Path())
	if err != nil {
		t.Fatal(err)
	}
	collect(t, db, SearchQuery{Text: "the"}, 0)
	deadline := time.Now().Add(5 * time.Second)
	for strings.Contains(maps(), path) {
		if time.Now().After(deadline) {
			t.Fatalf("5 s after a search, %s is still mapped", path)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
