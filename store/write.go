package store

import (
	"fmt"

	bolt "go.etcd.io/bbolt"

	"github.com/stepwise-dev/stepwise/store/internal/ingest"
)

// writeBatch stores prepared traces in one transaction: all of a record or
// nothing of it, and a crash leaves the last committed batch intact.
func (db *DB) writeBatch(b *ingest.Batch) (ingest.Result, error) {
	var res ingest.Result
	err := db.update(func(tx *bolt.Tx) error {
		if db.seen == nil || db.seen.Stale() || db.seenAt != db.h.ChangesSeen() {
			db.seen, db.seenAt = ingest.LoadSeen(tx), db.h.ChangesSeen()
		}
		var err error
		res, err = ingest.Write(tx, db.seen, b)
		return err
	})
	if err != nil {
		// The filter may hold entries of the rolled-back batch: harmless
		// (false "maybe"s cost a lookup), but rebuild it to stay tight.
		db.seen = nil
		return ingest.Result{}, fmt.Errorf("write to store: %w", err)
	}
	return res, nil
}
