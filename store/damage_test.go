package store

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/stepwise-dev/stepwise"
	"github.com/stepwise-dev/stepwise/store/internal/handle"
)

// damagedCopy builds a compact store of real samples once and returns a
// fresh copy of its bytes for each caller to damage.
func damagedBase(t *testing.T) []byte {
	t.Helper()
	dir := t.TempDir()
	db, err := Open(filepath.Join(dir, "s.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	importOK(t, db, filepath.Join(samples, "processbench"), filepath.Join(samples, "gsm8k", "test_first200.jsonl"))
	var id string
	db.List(Filter{Limit: 1}, func(s Summary) error { id = s.ID; return nil })
	if _, err := db.Annotate(stepwise.Annotation{Annotator: "a", TraceID: id, Step: 0, Rating: stepwise.Good}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Vacuum(context.Background()); err != nil {
		t.Fatal(err)
	}
	db.Close()
	b, err := os.ReadFile(filepath.Join(dir, "s.db"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// everyRead runs the reads and a write that commands and the workbench
// make, returning the first error; a panic is returned as an error that
// says so.
func everyRead(path string) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("PANIC: %v\n%s", r, debug.Stack())
		}
	}()
	db, err := Open(path, Options{})
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.Stats(); err != nil {
		return err
	}
	var ids []string
	var seqs []uint64
	if err := db.List(Filter{}, func(s Summary) error { ids, seqs = append(ids, s.ID), append(seqs, s.Seq); return nil }); err != nil {
		return err
	}
	for _, seq := range seqs {
		if _, err := db.GetSeq(seq); err != nil {
			return err
		}
	}
	if err := db.Search(context.Background(), SearchQuery{Text: "the"}, func([]TraceHits) {}, nil); err != nil {
		return err
	}
	if _, err := db.Export(context.Background(), &bytes.Buffer{}, ExportOptions{Format: "steps-jsonl"}); err != nil {
		return err
	}
	if len(ids) > 0 {
		// The first id may be garbled: a label for it is refused as
		// not found, which is fine; what must not happen is a crash.
		if _, err := db.Annotate(stepwise.Annotation{Annotator: "b", TraceID: ids[0], Step: 0, Rating: stepwise.Bad}); err != nil && !errors.Is(err, ErrNotFound) {
			return err
		}
	}
	return nil
}

// TestTruncatedStoreIsDamaged: a store cut to half its size is refused
// with a clear error by every read and write, never a crash.
func TestTruncatedStoreIsDamaged(t *testing.T) {
	base := damagedBase(t)
	path := filepath.Join(t.TempDir(), "half.db")
	if err := os.WriteFile(path, base[:len(base)/2], 0o600); err != nil {
		t.Fatal(err)
	}
	err := everyRead(path)
	if !errors.Is(err, ErrDamaged) {
		t.Fatalf("a truncated store: %v", err)
	}
}

// TestGarbageInPagesNeverPanics writes 8 random bytes into used pages of a
// store, many times over: every read either works or says the store is
// damaged; none panics or crashes.
func TestGarbageInPagesNeverPanics(t *testing.T) {
	base := damagedBase(t)
	rng := rand.New(rand.NewPCG(1, 2))
	dir := t.TempDir()
	trials := 120
	if testing.Short() {
		trials = 20
	}
	damagedSeen := 0
	for i := range trials {
		b := bytes.Clone(base)
		// Past the two meta pages: bbolt checks those with a checksum.
		off := 2*handle.PageSize + rng.IntN(len(b)-2*handle.PageSize-8)
		for j := range 8 {
			b[off+j] = byte(rng.Uint32())
		}
		path := filepath.Join(dir, fmt.Sprintf("g%d.db", i))
		if err := os.WriteFile(path, b, 0o600); err != nil {
			t.Fatal(err)
		}
		err := everyRead(path)
		if err != nil && !errors.Is(err, ErrDamaged) {
			t.Errorf("trial %d (offset %d): %v", i, off, err)
		}
		if errors.Is(err, ErrDamaged) {
			damagedSeen++
		}
		os.Remove(path)
	}
	if damagedSeen == 0 {
		t.Errorf("no trial of %d was reported damaged: the damage did not reach what is read", trials)
	}
	t.Logf("%d of %d damaged copies reported as damaged, the rest read without a crash", damagedSeen, trials)
}

// TestFlippedTextIsReported: one changed byte in a trace's text is
// reported by the body block's checksum, not shown as the trace's text.
func TestFlippedTextIsReported(t *testing.T) {
	base := damagedBase(t)
	path := filepath.Join(t.TempDir(), "s.db")
	if err := os.WriteFile(path, base, 0o600); err != nil {
		t.Fatal(err)
	}
	db, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	tr, err := db.GetSeq(7)
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	needle := []byte(tr.Raw[:min(40, len(tr.Raw))])
	at := bytes.Index(base, needle)
	if at < 0 || bytes.Index(base[at+1:], needle) >= 0 {
		t.Fatalf("the text of trace 7 is not in the file exactly once: the test cannot aim")
	}
	b := bytes.Clone(base)
	b[at+len(needle)/2] ^= 0x20 // a letter changes case: still valid text
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	db, err = Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	got, err := db.GetSeq(7)
	if err == nil {
		t.Fatalf("a changed byte of text was read as text: %q", got.Raw[:min(40, len(got.Raw))])
	}
	if !errors.Is(err, ErrDamaged) || !strings.Contains(err.Error(), "checksum") {
		t.Fatalf("a changed byte of text: %v", err)
	}
}
