package store

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/stepwise-dev/stepwise"
	"github.com/stepwise-dev/stepwise/store/internal/record"
)

// The reference matcher below restates the matching rules (search_match.go)
// the slow, obvious way: try every byte position, decode runes, compare
// them with strings.EqualFold. The tests check the fast paths against it.

func refMatches(text, query string, caseSensitive bool) []stepwise.Span {
	var out []stepwise.Span
	if query == "" {
		return nil
	}
	fold := !caseSensitive && strings.IndexFunc(query, unicode.IsUpper) < 0 && utf8.ValidString(query)
	if !fold {
		for p := 0; ; {
			i := strings.Index(text[p:], query)
			if i < 0 {
				return out
			}
			out = append(out, stepwise.Span{Start: p + i, End: p + i + len(query)})
			p += i + len(query)
		}
	}
	q := []rune(query)
	for p := 0; p < len(text); {
		if end, ok := refMatchAt(text, p, q); ok {
			out = append(out, stepwise.Span{Start: p, End: end})
			p = end
			continue
		}
		p++
	}
	return out
}

func refMatchAt(text string, p int, q []rune) (int, bool) {
	for _, qr := range q {
		if p >= len(text) {
			return 0, false
		}
		r, size := utf8.DecodeRuneInString(text[p:])
		if r == utf8.RuneError && size == 1 {
			return 0, false
		}
		ascii := qr < utf8.RuneSelf
		if qr != r && (ascii != (r < utf8.RuneSelf) || !strings.EqualFold(string(qr), string(r))) {
			return 0, false
		}
		p += size
	}
	return p, true
}

// matchAll lists a matcher's matches in text through prepare and index, as
// Search does.
func matchAll(m *matcher, text string) []stepwise.Span {
	var buf []byte
	var out []stepwise.Span
	for _, mt := range m.appendMatches(nil, &buf, 0, text) {
		out = append(out, mt.Span)
	}
	return out
}

var matcherCases = []struct{ text, query string }{
	{"The answer is 42. the end. THE", "the"},
	{"The answer is 42. the end. THE", "The"},
	{"aaaa", "aa"},
	{"remainder Remainder REMAINDER remaindeR", "remainder"},
	{"ΣΊΣΥΦΟΣ and σίσυφος and Σίσυφος", "σίσυφος"},
	{"Kelvin \u212a and k and K", "k"},
	{"Kelvin \u212a and k and K", "\u212a"},
	{"long \u017f and s and S", "s"},
	{"STRAẞE strasse straße", "straße"},
	{"Pokémon POKÉMON pokémon", "pokémon"},
	{"Pokémon POKÉMON pokémon", "Pokémon"},
	{"3 × 4 = 12, 5×6", "×"},
	{"bad \xff\xfe bytes \xc3 é \xc3\xa9", "é"},
	{"bad \xff bytes", "\xff"},
	{"ab\xffcd", "b\xffc"},
	{"x^2 + X^2", "x^2"},
	{"$\\frac{1}{2}$ and \\FRAC", "\\frac"},
	{"line one\n\nline two", "\n\nline"},
	{"tail é", "é"},
	{"é", "éé"},
	{"", "a"},
	{"ǅ ǆ Ǆ", "ǆ"},
	{"İstanbul istanbul ıstanbul", "istanbul"},
	{"ﬃ ffi FFI", "ffi"},
}

func TestMatcherAgreesWithReference(t *testing.T) {
	for _, c := range matcherCases {
		for _, cs := range []bool{false, true} {
			m, err := newMatcher(c.query, cs)
			if err != nil {
				t.Fatal(err)
			}
			want := refMatches(c.text, c.query, cs)
			if got := matchAll(m, c.text); !reflect.DeepEqual(got, want) {
				t.Errorf("%q in %q (case-sensitive %v, mode %d): %v, want %v", c.query, c.text, cs, m.mode, got, want)
			}
			// An ASCII case-folding query has two strategies; both must agree.
			if m.mode == matchASCIIFold || m.mode == matchLowered {
				other := *m
				other.mode = matchASCIIFold + matchLowered - m.mode
				if got := matchAll(&other, c.text); !reflect.DeepEqual(got, want) {
					t.Errorf("%q in %q, other strategy (mode %d): %v, want %v", c.query, c.text, other.mode, got, want)
				}
			}
		}
	}
	if _, err := newMatcher("", false); err == nil {
		t.Error("empty query accepted")
	}
}

func TestMatcherChoosesStrategy(t *testing.T) {
	for q, want := range map[string]matchMode{
		"the":        matchLowered,     // every byte among the most common
		"cauchy":     matchASCIIFold,   // 'y' is rare enough to look for
		"Cauchy":     matchExact,       // smart case
		"42":         matchExact,       // nothing to fold
		"pokémon":    matchUnicodeFold, // non-ASCII
		"×":          matchExact,
		"b\xffc":     matchExact, // not UTF-8
		"σίσυφος":    matchUnicodeFold,
		"x^2":        matchASCIIFold,
		"\u212a":     matchExact, // upper case: smart case makes it exact
		"remainder":  matchASCIIFold,
		"then":       matchLowered,
		"the answer": matchASCIIFold, // 'w' is rare enough
	} {
		m, err := newMatcher(q, false)
		if err != nil || m.mode != want {
			t.Errorf("%q: mode %d, want %d (%v)", q, m.mode, want, err)
		}
	}
}

func TestLowerASCIIInto(t *testing.T) {
	var all []byte
	for c := range 256 {
		all = append(all, byte(c))
	}
	for off := range 9 { // every alignment of the 8-byte loop and its tail
		s := all[off:]
		got := lowerASCIIInto([]byte("keep"), s)
		if string(got[:4]) != "keep" || len(got) != 4+len(s) {
			t.Fatalf("prefix or length lost: %q", got[:4])
		}
		for i, c := range s {
			want := c
			if 'A' <= c && c <= 'Z' {
				want = c + 32
			}
			if got[4+i] != want {
				t.Fatalf("offset %d: byte %#x lowered to %#x, want %#x", off, c, got[4+i], want)
			}
		}
	}
}

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

// expectHits searches every trace by brute force with the reference matcher.
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
		h := TraceHits{Seq: s.Seq, FirstStep: -1, ProblemHits: len(refMatches(p.Text, q.Text, q.CaseSensitive))}
		for i, st := range tr.Steps {
			n := len(refMatches(st.Text, q.Text, q.CaseSensitive))
			if n > 0 && h.StepHits == 0 {
				h.FirstStep = i
			}
			h.StepHits += n
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
		for _, chunk := range []uint64{searchChunk, 7} {
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
		got := collect(t, db, c.q, searchChunk)
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
	for _, h := range collect(t, db, SearchQuery{Text: "remainder"}, searchChunk) {
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
			for _, chunk := range []uint64{searchChunk, 5} {
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
	if err := db.Search(context.Background(), SearchQuery{}, nil, nil); !errors.Is(err, errEmptyQuery) {
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
	if got := collect(t, db, SearchQuery{Text: "remainder"}, searchChunk); len(got) == 0 {
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

func TestFindInTrace(t *testing.T) {
	problem := "Évaluer: what is ΣΊΣΥΦΟΣ + pokémon?"
	raw := "Step one: σίσυφος.\n\nStep two: ÉVALUER évaluer Évaluer.\n\nNo match here."
	tr := traceFromSteps(raw, "\n\n")
	got := FindInTrace(tr, problem, SearchQuery{Text: "évaluer"})
	want := []Match{
		{Step: -1, Span: stepwise.Span{Start: 0, End: len("Évaluer")}},
		{Step: 1, Span: stepwise.Span{Start: len("Step two: "), End: len("Step two: ÉVALUER")}},
		{Step: 1, Span: stepwise.Span{Start: len("Step two: ÉVALUER "), End: len("Step two: ÉVALUER évaluer")}},
		{Step: 1, Span: stepwise.Span{Start: len("Step two: ÉVALUER évaluer "), End: len("Step two: ÉVALUER évaluer Évaluer")}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("évaluer: %+v, want %+v", got, want)
	}
	got = FindInTrace(tr, problem, SearchQuery{Text: "σίσυφος"})
	if len(got) != 2 || got[0].Step != -1 || problem[got[0].Span.Start:got[0].Span.End] != "ΣΊΣΥΦΟΣ" ||
		got[1].Step != 0 || tr.Steps[0].Text[got[1].Span.Start:got[1].Span.End] != "σίσυφος" {
		t.Fatalf("σίσυφος: %+v", got)
	}
	if got := FindInTrace(tr, problem, SearchQuery{Text: "Évaluer"}); len(got) != 2 {
		t.Fatalf("smart case Évaluer: %+v, want the problem's and step 1's last", got)
	}
	// A match never spans two steps, even where the raw text would.
	if got := FindInTrace(tr, problem, SearchQuery{Text: ".\n\nStep"}); len(got) != 0 {
		t.Fatalf("match across steps: %+v", got)
	}
	if got := FindInTrace(tr, problem, SearchQuery{}); got != nil {
		t.Fatalf("empty query: %+v", got)
	}
}

// traceFromSteps cuts raw at sep into steps, as the list codecs do.
func traceFromSteps(raw, sep string) *stepwise.Trace {
	tr := &stepwise.Trace{Raw: raw}
	pos := 0
	for i, part := range strings.Split(raw, sep) {
		tr.Steps = append(tr.Steps, stepwise.Step{Index: i, Span: stepwise.Span{Start: pos, End: pos + len(part)}, Text: part})
		pos += len(part) + len(sep)
	}
	return tr
}

// FindInTrace and Search agree on a stored trace: the list's counts are the
// number of highlights.
func TestFindInTraceAgreesWithSearch(t *testing.T) {
	db := sampleStore(t)
	for _, q := range sampleQueries {
		for _, h := range collect(t, db, q, searchChunk) {
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

// FuzzFindInTrace checks FindInTrace, and the single pass over the raw text
// that Search makes, against the reference matcher, on random text cut into
// steps at random bytes (also inside a UTF-8 sequence).
func FuzzFindInTrace(f *testing.F) {
	for _, c := range matcherCases {
		f.Add(c.text, c.text+" "+c.query, c.query, uint64(0x0503), false)
	}
	f.Add("aaaa\n\naaaa", "aa", "aa", uint64(0x0402), true)
	f.Add("Ünïcödé ÜNÏCÖDÉ", "x", "ünïcödé", uint64(0x0306), false)
	f.Fuzz(func(t *testing.T, raw, problem, query string, cuts uint64, caseSensitive bool) {
		tr := traceAtCuts(raw, cuts)
		q := SearchQuery{Text: query, CaseSensitive: caseSensitive}
		got := FindInTrace(tr, problem, q)
		var want []Match
		for _, sp := range refMatches(problem, query, caseSensitive) {
			want = append(want, Match{Step: -1, Span: sp})
		}
		for i, st := range tr.Steps {
			for _, sp := range refMatches(st.Text, query, caseSensitive) {
				want = append(want, Match{Step: i, Span: sp})
			}
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("FindInTrace(%q in %q / %q): %v, want %v", query, problem, raw, got, want)
		}
		m, err := newMatcher(query, caseSensitive)
		if err != nil {
			return
		}
		var buf []byte
		text := m.prepare(&buf, []byte(raw))
		h := TraceHits{FirstStep: -1}
		if start, end := m.index(text); start >= 0 {
			spans := make([]stepwise.Span, len(tr.Steps))
			for i := range tr.Steps {
				spans[i] = tr.Steps[i].Span
			}
			m.countSteps(text, spans, start, end, &h)
		}
		wantHits := TraceHits{FirstStep: -1}
		for _, mt := range want {
			if mt.Step >= 0 {
				wantHits.addStep(mt.Step, 1)
			}
		}
		if h != wantHits {
			t.Fatalf("one pass over %q for %q: %+v, want %+v", raw, query, h, wantHits)
		}
	})
}

// traceAtCuts cuts raw into up to four steps at positions taken from cuts,
// leaving gaps between them; every eighth cut list is used unsorted, so
// steps overlap or run backwards.
func traceAtCuts(raw string, cuts uint64) *stepwise.Trace {
	tr := &stepwise.Trace{Raw: raw}
	var pos []int
	for i := range 8 {
		if len(raw) > 0 {
			pos = append(pos, int(cuts>>(8*i)&0xff)%(len(raw)+1))
		}
	}
	if cuts&7 != 0 {
		slices.Sort(pos)
	}
	for i := 0; i+1 < len(pos); i += 2 {
		a, b := pos[i], pos[i+1]
		if a > b {
			a, b = b, a
		}
		tr.Steps = append(tr.Steps, stepwise.Step{Index: len(tr.Steps), Span: stepwise.Span{Start: a, End: b}, Text: raw[a:b]})
	}
	return tr
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
	collect(t, db, SearchQuery{Text: "the"}, searchChunk)
	deadline := time.Now().Add(5 * time.Second)
	for strings.Contains(maps(), path) {
		if time.Now().After(deadline) {
			t.Fatalf("5 s after a search, %s is still mapped", path)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
