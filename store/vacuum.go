package store

import (
	"fmt"
	"os"

	bolt "go.etcd.io/bbolt"
)

// VacuumResult reports a compaction.
type VacuumResult struct {
	Before, After int64
}

// Vacuum compacts the store file: bbolt never gives space back, so it copies
// every bucket densely into a new file, syncs it, and renames it over the old
// one. The store must be opened read-write by this process only (the lock
// guarantees it); the handle is reopened on the new file.
func (db *DB) Vacuum() (VacuumResult, error) {
	var res VacuumResult
	if db.readOnly {
		return res, fmt.Errorf("vacuum needs the store opened read-write")
	}
	if st, err := os.Stat(db.path); err == nil {
		res.Before = st.Size()
	}
	tmp := db.path + ".vacuum"
	os.Remove(tmp)
	dst, err := bolt.Open(tmp, 0o600, &bolt.Options{FreelistType: bolt.FreelistMapType, PageSize: pageSize})
	if err != nil {
		return res, fmt.Errorf("vacuum: create %s: %w", tmp, err)
	}
	if err := bolt.Compact(dst, db.bolt, 64<<20); err != nil {
		dst.Close()
		os.Remove(tmp)
		return res, fmt.Errorf("vacuum: %w", err)
	}
	if err := dst.Sync(); err != nil {
		dst.Close()
		os.Remove(tmp)
		return res, fmt.Errorf("vacuum: sync: %w", err)
	}
	if err := dst.Close(); err != nil {
		os.Remove(tmp)
		return res, fmt.Errorf("vacuum: %w", err)
	}
	if err := db.bolt.Close(); err != nil {
		return res, fmt.Errorf("vacuum: close store: %w", err)
	}
	if err := os.Rename(tmp, db.path); err != nil {
		return res, fmt.Errorf("vacuum: replace store: %w", err)
	}
	reopened, err := Open(db.path, Options{})
	if err != nil {
		return res, fmt.Errorf("vacuum: reopen: %w", err)
	}
	*db = *reopened
	if st, err := os.Stat(db.path); err == nil {
		res.After = st.Size()
	}
	return res, nil
}
