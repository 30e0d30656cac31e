package handle

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// TestOneSnapshot: read transactions opened on either side of a commit are
// not one snapshot; opened together they are.
func TestOneSnapshot(t *testing.T) {
	h := New(filepath.Join(t.TempDir(), "s.db"), Options{Timeout: time.Second})
	defer h.Shutdown()
	put := func(v string) {
		t.Helper()
		err := h.Update(context.Background(), func(tx *bolt.Tx) error {
			b, err := tx.CreateBucketIfNotExists([]byte("b"))
			if err != nil {
				return err
			}
			return b.Put([]byte("k"), []byte(v))
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	put("1")
	err := h.With(context.Background(), func(b *bolt.DB) error {
		before, err := b.Begin(false)
		if err != nil {
			return err
		}
		defer before.Rollback()
		put("2")
		txs, err := snapshotTxs(b, 2)
		if err != nil {
			return err
		}
		defer func() {
			for _, tx := range txs {
				tx.Rollback()
			}
		}()
		if !oneSnapshot(txs) {
			t.Error("transactions opened together are not one snapshot")
		}
		if oneSnapshot([]*bolt.Tx{before, txs[0]}) {
			t.Error("transactions on either side of a commit pass for one snapshot")
		}
		if got := string(txs[1].Bucket([]byte("b")).Get([]byte("k"))); got != "2" {
			t.Errorf("the snapshot reads %q, want the last commit", got)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
