package store

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	bolt "go.etcd.io/bbolt"

	"github.com/stepwise-dev/stepwise"
	"github.com/stepwise-dev/stepwise/store/internal/schema"
)

// labelledStore builds a store of real samples with many labels (enough
// that the events bucket has pages of its own) and checked steps, closed.
func labelledStore(t *testing.T) (path string, traces, events int) {
	t.Helper()
	path = filepath.Join(t.TempDir(), "s.db")
	db, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	importOK(t, db, filepath.Join(samples, "processbench"))
	var evs []stepwise.Annotation
	err = db.List(Filter{}, func(s Summary) error {
		traces++
		for i := range min(s.Steps, 4) {
			evs = append(evs, stepwise.Annotation{Annotator: "ana", TraceID: s.ID, Step: i, Rating: stepwise.Good, Note: "checked by hand"})
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.AnnotateMany(evs); err != nil {
		t.Fatal(err)
	}
	var first string
	db.List(Filter{Limit: 1}, func(s Summary) error { first = s.ID; return nil })
	f := stepwise.Formalization{Statement: "theorem t : (2 : ℚ) + 2 = 4 := by norm_num", Status: stepwise.StatusProved, Backend: "rational"}
	if err := db.PutChecks(first, []CheckedStep{{Step: 0, Formalizations: []stepwise.Formalization{f}}}); err != nil {
		t.Fatal(err)
	}
	return path, traces, len(evs)
}

// TestRecoverAll: from an undamaged store, recover copies every trace,
// event and check, and the new store passes its check.
func TestRecoverAll(t *testing.T) {
	src, traces, events := labelledStore(t)
	dst := filepath.Join(t.TempDir(), "new.db")
	rep, err := Recover(context.Background(), src, dst)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Traces != traces || rep.Events != events || rep.Checks != 1 || rep.TracesLost+rep.EventsLost != 0 {
		t.Fatalf("recovered %+v, want %d traces, %d events, 1 checked trace", rep, traces, events)
	}
	db, err := Open(dst, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Check(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n, _ := db.EventCount(); n != events {
		t.Errorf("%d events in the new store, want %d", n, events)
	}
	if _, err := Recover(context.Background(), src, dst); err == nil {
		t.Error("recover wrote over an existing file")
	}
}

// TestRecoverLabelsPastADamagedRoot: with the root page of the events
// bucket overwritten, no event can be found through the tree, and the
// page-by-page scan still brings every label back.
func TestRecoverLabelsPastADamagedRoot(t *testing.T) {
	src, _, events := labelledStore(t)
	var root uint64
	var psize int
	b, err := bolt.Open(src, 0o600, &bolt.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	b.View(func(tx *bolt.Tx) error {
		root, psize = uint64(tx.Bucket(schema.Events).Root()), tx.DB().Info().PageSize
		return nil
	})
	b.Close()
	if root == 0 {
		t.Fatal("the events bucket is inline: the test cannot aim at its root")
	}
	f, err := os.OpenFile(src, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteAt(make([]byte, psize), int64(root)*int64(psize))
	f.Close()

	// The damage shows as damage.
	db, err := Open(src, Options{ReadOnly: true})
	if err == nil {
		_, err = db.EventCount()
		db.Close()
	}
	if !errors.Is(err, ErrDamaged) {
		t.Fatalf("reading events of the damaged store: %v", err)
	}
	dst := filepath.Join(t.TempDir(), "new.db")
	rep, err := Recover(context.Background(), src, dst)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Events != events {
		t.Fatalf("recovered %d of %d events: %+v", rep.Events, events, rep)
	}
	if _, err := os.Stat(dst + ".annotations.jsonl"); err != nil {
		t.Errorf("no event log beside the new store: %v", err)
	}
}
