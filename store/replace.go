package store

import (
	"context"
	"fmt"
	"os"

	bolt "go.etcd.io/bbolt"
)

// ReplaceWith renames the store file src over this store, holding this
// store's lock while it does, so that a transaction of another process
// lands either in the old file before or in the new one after, never in a
// file that is no longer the store (see Vacuum). src must be a complete
// store, closed. Used to rebuild the demo store in place.
func (db *DB) ReplaceWith(ctx context.Context, src string) error {
	if db.readOnly {
		return fmt.Errorf("replace needs the store opened read-write")
	}
	return db.h.Solely(ctx, func(*bolt.DB) error {
		if err := os.Rename(src, db.path); err != nil {
			return fmt.Errorf("replace %s: %w", db.path, err)
		}
		return nil
	})
}
