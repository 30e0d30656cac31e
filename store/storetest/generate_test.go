package storetest

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stepwise-dev/stepwise/store"
)

func TestBuildVariesWhatFiltersSelect(t *testing.T) {
	const n = 3000
	path := filepath.Join(t.TempDir(), "bench.db")
	if err := Build(path, n, nil); err != nil {
		t.Fatal(err)
	}
	db, err := store.Open(path, store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	st, err := db.Stats()
	if err != nil {
		t.Fatal(err)
	}
	if st.Traces != n {
		t.Fatalf("%d traces, want %d", st.Traces, n)
	}
	// Nine sample files from six sources, each dataset (ProcessBench has
	// four) drawn hundreds of times in 3000.
	if len(st.By["dataset"]) < 8 {
		t.Errorf("datasets %v", st.By["dataset"])
	}
	if len(st.By["model"]) != len(Models) {
		t.Errorf("%d models, want %d: %v", len(st.By["model"]), len(Models), st.By["model"])
	}
	for _, f := range []struct{ field, value string }{
		{"label", "none"}, {"label", "error"}, {"label", "correct"}, {"label", "partial"},
		{"correct", "true"}, {"correct", "false"}, {"correct", "unknown"},
		{"truncated", "true"}, {"truncated", "false"},
	} {
		if c := st.By[f.field][f.value]; c < n/50 {
			t.Errorf("%s=%s: %d traces, want at least %d", f.field, f.value, c, n/50)
		}
	}
	if st.Problems < 1000 {
		t.Errorf("%d problems: the wordings should multiply the samples' few hundred", st.Problems)
	}
	// Trace seq s (1-based, in generation order) carries Marker(s-1) at the
	// end of its last step and no other marker.
	checked := 0
	err = db.List(store.Filter{}, func(s store.Summary) error {
		if s.Seq%97 != 0 {
			return nil
		}
		tr, err := db.GetSeq(s.Seq)
		if err != nil {
			return err
		}
		last := tr.Steps[len(tr.Steps)-1].Text
		if !strings.HasSuffix(last, Marker(int(s.Seq)-1)) || strings.Count(tr.Raw, " ⟨g") != 1 {
			return fmt.Errorf("trace %d: last step %q", s.Seq, last)
		}
		if s.Truncated && tr.FinalAnswer != "" {
			return fmt.Errorf("truncated trace %d keeps final answer %q", s.Seq, tr.FinalAnswer)
		}
		checked++
		return nil
	})
	if err != nil || checked != n/97 {
		t.Fatalf("checked %d markers: %v", checked, err)
	}
}

// fatalTB records Fatalf instead of stopping, to test what Generate refuses.
type fatalTB struct {
	testing.TB
	msg string
}

func (f *fatalTB) Fatalf(format string, args ...any) { f.msg = fmt.Sprintf(format, args...) }
func (f *fatalTB) Helper()                           {}

func TestGenerateReusesTheCache(t *testing.T) {
	path := filepath.Join(t.TempDir(), "cache.db")
	if got := Generate(t, path, 200); got != path {
		t.Fatalf("Generate returned %s, want %s", got, path)
	}
	before, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(path, before.ModTime(), before.ModTime().Add(-3600e9)); err != nil {
		t.Fatal(err)
	}
	old, _ := os.Stat(path)
	Generate(t, path, 200)
	after, _ := os.Stat(path)
	if !after.ModTime().Equal(old.ModTime()) {
		t.Fatal("the cached store was rebuilt")
	}
	rec := &fatalTB{TB: t}
	Generate(rec, path, 300)
	if !strings.Contains(rec.msg, "holds 200 traces, not 300") {
		t.Fatalf("a cache with another count: %q", rec.msg)
	}
	t.Setenv("STEPWISE_BENCH_DB", "/elsewhere/x.db")
	if CachePath(5) != "/elsewhere/x.db" {
		t.Fatalf("STEPWISE_BENCH_DB ignored: %s", CachePath(5))
	}
	t.Setenv("STEPWISE_BENCH_DB", "")
	want := filepath.Join(os.TempDir(), fmt.Sprintf("stepwise-bench-5-v%d-s%d.db", Version, store.SchemaVersion))
	if CachePath(5) != want {
		t.Fatalf("CachePath(5) = %s, want %s", CachePath(5), want)
	}
}
