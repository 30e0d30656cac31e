package store

import (
	"context"

	bolt "go.etcd.io/bbolt"

	"github.com/stepwise-dev/stepwise/store/internal/handle"

	"path/filepath"
	"reflect"
	"testing"
)

// TestVacuumKeepsEverything: compaction copies every bucket into a new
// file; readers must see the same traces, search hits, filter results and
// counts afterwards, the store must pass its check, and the new file must
// use the store's page size and be no larger.
func TestVacuumKeepsEverything(t *testing.T) {
	db := openTemp(t)
	importOK(t, db, filepath.Join(samples, "processbench"), filepath.Join(samples, "gsm8k"))
	before := takeSnapshot(t, db)
	statsBefore, err := db.Stats()
	if err != nil {
		t.Fatal(err)
	}
	res, err := db.Vacuum(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if res.After <= 0 || res.After > res.Before {
		t.Errorf("vacuum: %d -> %d bytes", res.Before, res.After)
	}
	var ps int
	db.h.With(context.Background(), func(b *bolt.DB) error { ps = b.Info().PageSize; return nil })
	if ps != handle.PageSize {
		t.Errorf("vacuumed file has %d-byte pages, want %d", ps, handle.PageSize)
	}
	after := takeSnapshot(t, db)
	if !reflect.DeepEqual(before, after) {
		t.Fatalf("readers see a different store after vacuum: %d/%d traces", len(before.traces), len(after.traces))
	}
	statsAfter, err := db.Stats()
	if err != nil {
		t.Fatal(err)
	}
	statsBefore.Bytes, statsAfter.Bytes = 0, 0
	if !reflect.DeepEqual(statsBefore, statsAfter) {
		t.Fatalf("stats changed: %+v -> %+v", statsBefore, statsAfter)
	}
	checkStore(t, db)
	// The store still imports (and dedupes) after the reopen.
	if rep := importOK(t, db, filepath.Join(samples, "processbench")); rep.Imported != 0 || rep.Duplicates != 400 {
		t.Fatalf("import after vacuum: %+v", rep)
	}
}
