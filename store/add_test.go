package store

import (
	"io"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/stepwise-dev/stepwise"
	"github.com/stepwise-dev/stepwise/store/formats"
)

// decodeFiles decodes sample files with the codecs, as Import would.
func decodeFiles(t testing.TB, paths ...string) []formats.Item {
	t.Helper()
	var items []formats.Item
	for _, p := range paths {
		in, err := formats.Open(p, "")
		if err != nil {
			t.Fatal(err)
		}
		for {
			rec, err := in.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			its, err := in.DecodeRecord(rec, &formats.Options{})
			if err != nil {
				t.Fatal(err)
			}
			items = append(items, its...)
		}
		rest, err := in.Flush(&formats.Options{})
		if err != nil {
			t.Fatal(err)
		}
		items = append(items, rest...)
		in.Close()
	}
	return items
}

func processBenchFiles(t testing.TB) []string {
	files, err := filepath.Glob(filepath.Join(samples, "processbench", "*.json"))
	if err != nil || len(files) != 4 {
		t.Fatalf("ProcessBench samples: %v %v", files, err)
	}
	return files
}

func TestAddStoresWhatImportStores(t *testing.T) {
	files := processBenchFiles(t)
	added, imported := openTemp(t), openTemp(t)
	n, dup, err := added.Add(decodeFiles(t, files...))
	if err != nil || n != 400 || dup != 0 {
		t.Fatalf("Add: %d imported, %d duplicates, %v; want 400, 0", n, dup, err)
	}
	importOK(t, imported, files...)
	var ids []string
	if err := imported.List(Filter{}, func(s Summary) error { ids = append(ids, s.ID); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(ids) != 400 {
		t.Fatalf("import stored %d traces", len(ids))
	}
	for _, id := range ids {
		a, err := added.Get(id)
		if err != nil {
			t.Fatalf("%s: stored by Import, not by Add: %v", id, err)
		}
		b, _ := imported.Get(id)
		if !reflect.DeepEqual(a, b) {
			t.Fatalf("%s differs between Add and Import", id)
		}
	}
	sa, _ := added.Stats()
	sb, _ := imported.Stats()
	if !reflect.DeepEqual(sa.By, sb.By) || sa.Problems != sb.Problems {
		t.Fatalf("counts differ: Add %v, Import %v", sa.By, sb.By)
	}
}

func TestAddDedupes(t *testing.T) {
	db := openTemp(t)
	items := decodeFiles(t, filepath.Join(samples, "processbench", "omnimath_0-24_and_500-524.json"))
	if len(items) != 50 {
		t.Fatalf("decoded %d omnimath traces, want 50", len(items))
	}
	if n, dup, err := db.Add(items); n != 50 || dup != 0 || err != nil {
		t.Fatalf("first Add: %d, %d, %v", n, dup, err)
	}
	if n, dup, err := db.Add(items); n != 0 || dup != 50 || err != nil {
		t.Fatalf("second Add: %d imported, %d duplicates, %v; want 0, 50", n, dup, err)
	}
	// The same trace twice in one call is stored once.
	twice := decodeFiles(t, filepath.Join(samples, "processbench", "math_0-49_and_500-549.json"))[:1]
	twice = append(twice, twice[0])
	if n, dup, err := db.Add(twice); n != 1 || dup != 1 || err != nil {
		t.Fatalf("one trace twice: %d imported, %d duplicates, %v; want 1, 1", n, dup, err)
	}
	if c, _ := db.Count(Filter{}); c != 51 {
		t.Fatalf("store holds %d traces, want 51", c)
	}
}

func TestAddAssignsIDs(t *testing.T) {
	db := openTemp(t)
	mk := func(src, text string) formats.Item {
		tr := &stepwise.Trace{SourceID: src, Dataset: "toy", Raw: text,
			Steps: []stepwise.Step{{Kind: stepwise.StepReasoning, Span: stepwise.Span{Start: 0, End: len(text)}, Text: text}}}
		return formats.Item{Problem: &stepwise.Problem{Text: "What is 1+1?"}, Trace: tr}
	}
	items := []formats.Item{mk("a", "It is 2."), mk("a", "It is 3."), mk("", "It is 4.")}
	if n, _, err := db.Add(items); n != 3 || err != nil {
		t.Fatalf("Add: %d, %v", n, err)
	}
	var ids []string
	db.List(Filter{}, func(s Summary) error { ids = append(ids, s.ID); return nil })
	if len(ids) != 3 || ids[0] != "toy:a" || ids[1] != "toy:a#2" {
		t.Fatalf("ids %q, want toy:a, toy:a#2, toy:<hash>", ids)
	}
	// No source id: the dataset and 10 hex digits of the content hash.
	if h := strings.TrimPrefix(ids[2], "toy:"); len(h) != 10 || strings.Trim(h, "0123456789abcdef") != "" {
		t.Fatalf("id without source id: %q", ids[2])
	}
	// The problem id was filled from the text, on the problem and the trace.
	want := stepwise.ProblemID("What is 1+1?")
	if items[0].Problem.ID != want || items[0].Trace.ProblemID != want {
		t.Fatalf("problem ids %q / %q, want %q", items[0].Problem.ID, items[0].Trace.ProblemID, want)
	}
	if p, err := db.Problem(want); err != nil || p.Text != "What is 1+1?" {
		t.Fatalf("problem: %+v %v", p, err)
	}
}

func TestAddWritesInBatches(t *testing.T) {
	db := openTemp(t)
	base := decodeFiles(t, filepath.Join(samples, "processbench", "gsm8k_0-99_and_200-299.json"))
	const n = addBatch + 57
	items := make([]formats.Item, n)
	for i := range items {
		b := base[i%len(base)]
		tr := *b.Trace
		tr.SourceID = "v" + strconv.Itoa(i) // a different record: not a duplicate
		items[i] = formats.Item{Problem: b.Problem, Trace: &tr}
	}
	got, dup, err := db.Add(items)
	if err != nil || got != n || dup != 0 {
		t.Fatalf("Add %d: %d imported, %d duplicates, %v", n, got, dup, err)
	}
	if max, _ := db.MaxSeq(); max != n {
		t.Fatalf("MaxSeq %d, want %d", max, n)
	}
	last, err := db.Get("processbench/gsm8k:v" + strconv.Itoa(n-1))
	if err != nil || last.Raw != base[(n-1)%len(base)].Trace.Raw {
		t.Fatalf("last trace: %v", err)
	}
}

func TestAddRejectsBadItems(t *testing.T) {
	db := openTemp(t)
	good := decodeFiles(t, filepath.Join(samples, "processbench", "omnimath_0-24_and_500-524.json"))[:3]
	badSpan := *good[2].Trace
	badSpan.Steps = append([]stepwise.Step(nil), badSpan.Steps...)
	badSpan.Steps[1].Span.End = len(badSpan.Raw) + 5
	badText := *good[2].Trace
	badText.Steps = append([]stepwise.Step(nil), badText.Steps...)
	badText.Steps[0].Text = "not the raw text"
	otherProblem := *good[2].Trace
	otherProblem.ProblemID = "p0000000000000000"
	for name, c := range map[string]struct {
		item formats.Item
		want string
	}{
		"span":       {formats.Item{Problem: good[2].Problem, Trace: &badSpan}, "outside raw text"},
		"text":       {formats.Item{Problem: good[2].Problem, Trace: &badText}, "not the raw text"},
		"no problem": {formats.Item{Trace: good[2].Trace}, "without problem"},
		"problem id": {formats.Item{Problem: good[2].Problem, Trace: &otherProblem}, "differs"},
	} {
		_, _, err := db.Add([]formats.Item{good[0], good[1], c.item})
		if err == nil || !strings.Contains(err.Error(), "item 2") || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want item 2 and %q", name, err, c.want)
		}
	}
	if n, _ := db.Count(Filter{}); n != 0 {
		t.Fatalf("a rejected call wrote %d traces", n)
	}
	ro := filepath.Join(t.TempDir(), "ro.db")
	w, err := Open(ro, Options{})
	if err != nil {
		t.Fatal(err)
	}
	w.Close()
	r, err := Open(ro, Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if _, _, err := r.Add(good); err == nil || !strings.Contains(err.Error(), "read-only") {
		t.Fatalf("read-only Add: %v", err)
	}
}
