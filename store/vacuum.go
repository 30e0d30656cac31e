package store

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	bolt "go.etcd.io/bbolt"

	"github.com/stepwise-dev/stepwise/store/internal/handle"
)

// VacuumResult reports a compaction.
type VacuumResult struct {
	Before, After int64
}

// vacuumPath is where a vacuum writes the compacted copy before it renames
// it over the store.
func vacuumPath(path string) string { return path + ".vacuum" }

// Vacuum compacts the store file: bbolt never gives space back, so it copies
// every bucket densely into a new file, syncs it, and renames it over the
// old one. The rename happens while this process still holds the old
// file's lock, and a process that waited for that lock finds, once it has
// it, that the file is no longer the store and opens the new one (see
// handle.open): no transaction can land in the replaced file.
func (db *DB) Vacuum(ctx context.Context) (VacuumResult, error) {
	var res VacuumResult
	if db.readOnly {
		return res, fmt.Errorf("vacuum needs the store opened read-write")
	}
	err := db.h.Solely(ctx, func(src *bolt.DB) error {
		if st, err := os.Stat(db.path); err == nil {
			res.Before = st.Size()
		}
		tmp := vacuumPath(db.path)
		if err := removeStaleVacuum(db.path); err != nil {
			return err
		}
		dst, err := bolt.Open(tmp, 0o600, &bolt.Options{FreelistType: bolt.FreelistMapType, PageSize: handle.PageSize})
		if err != nil {
			return fmt.Errorf("vacuum: create %s: %w", tmp, err)
		}
		err = bolt.Compact(dst, src, 64<<20)
		if err == nil {
			err = dst.Sync()
		}
		if cerr := dst.Close(); err == nil {
			err = cerr
		}
		if err == nil {
			err = ctx.Err()
		}
		if err != nil {
			os.Remove(tmp)
			return fmt.Errorf("vacuum: %w", err)
		}
		if err := os.Rename(tmp, db.path); err != nil {
			os.Remove(tmp)
			return fmt.Errorf("vacuum: replace store: %w", err)
		}
		return nil
	})
	if err != nil {
		return res, err
	}
	if st, err := os.Stat(db.path); err == nil {
		res.After = st.Size()
	}
	return res, nil
}

// boltMagic is the magic number at the start of a bbolt meta page, after
// the 16-byte page header, as a little-endian machine writes it.
var boltMagic = []byte{0xED, 0xDA, 0x0C, 0xED}

// removeStaleVacuum removes the copy a killed vacuum left beside the store.
// The caller holds the store's lock, so no vacuum is running; the file is
// removed only when it is empty or a bbolt file, as a vacuum writes it, so
// that a file of the user's that happens to have the name stays.
func removeStaleVacuum(path string) error {
	tmp := vacuumPath(path)
	f, err := os.Open(tmp)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("look at a killed vacuum's file: %w", err)
	}
	head := make([]byte, 20)
	n, _ := io.ReadFull(f, head)
	f.Close()
	magic := n == 20 && (bytes.Equal(head[16:20], boltMagic) || bytes.Equal(head[16:20], []byte{0xED, 0x0C, 0xDA, 0xED}))
	if n != 0 && !magic {
		return fmt.Errorf("%s is in the way of vacuum and is not one of its files; move it away", tmp)
	}
	return os.Remove(tmp)
}
