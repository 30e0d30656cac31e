package handle

import (
	"context"
	"errors"
	"fmt"

	bolt "go.etcd.io/bbolt"

	"github.com/stepwise-dev/stepwise/store/internal/damage"
)

// PageSize is the page size of new store files (and of vacuumed ones).
// Bodies are stored in blocks (large values on contiguous pages), so what
// the page size decides is how much each import transaction rewrites of the
// buckets of small random keys (ids, the problem index), whose leaves it
// touches all over and which grow with the store. Measured on 400k
// generated ProcessBench traces: 4.1-4.4 s at 4 or 16 KB, 5.4-5.6 s at
// 64 KB (the three are within noise at 100k).
const PageSize = 16 << 10

// ErrLocked is returned when another process holds the store.
var ErrLocked = errors.New("store is in use by another stepwise process")

// LockedError says which file is locked and, when known, by whom.
type LockedError struct {
	Path  string
	Owner string
}

func (e *LockedError) Error() string {
	msg := fmt.Sprintf("%s is in use by another stepwise process", e.Path)
	if e.Owner != "" {
		msg += " (" + e.Owner + ")"
	}
	return msg + "; close it, or wait for it to finish, and try again"
}

func (e *LockedError) Unwrap() error { return ErrLocked }

// View runs fn in a read transaction, its wait for another process ended
// by ctx.
func (h *Handle) View(ctx context.Context, fn func(*bolt.Tx) error) error {
	return h.With(ctx, func(b *bolt.DB) error {
		return b.View(func(tx *bolt.Tx) error {
			h.observe(uint64(tx.ID()), false)
			return fn(tx)
		})
	})
}

// Update runs fn in a write transaction, committed (and synced) when fn
// returns nil.
func (h *Handle) Update(ctx context.Context, fn func(*bolt.Tx) error) error {
	if h.readOnly {
		return fmt.Errorf("store %s is open read-only", h.path)
	}
	return h.With(ctx, func(b *bolt.DB) error {
		var id uint64
		err := b.Update(func(tx *bolt.Tx) error {
			id = uint64(tx.ID())
			h.observe(id, true)
			return fn(tx)
		})
		if err != nil && id != 0 {
			h.rolledBack(id)
		}
		return err
	})
}

// With runs fn with the bbolt handle held, a damaged file turned into a
// damage.Error that names it (after which the handle is closed, not
// trusted again).
func (h *Handle) With(ctx context.Context, fn func(*bolt.DB) error) error {
	b, err := h.acquire(ctx)
	if err != nil {
		return err
	}
	defer h.release()
	err = damage.Guard(h.path, func() error { return fn(b) })
	var d *damage.Error
	if errors.As(err, &d) {
		if d.Path == "" {
			d.Path = h.path
		}
		h.markBroken()
	}
	return err
}

// Snapshot runs fn with n read transactions that see one version of the
// store, for readers that work in parallel (export). A writer that commits
// between two openings moves the version, and then all are opened again.
// The transactions end when fn returns; what fn reads in place is valid
// until then.
func (h *Handle) Snapshot(ctx context.Context, n int, fn func([]*bolt.Tx) error) error {
	return h.With(ctx, func(b *bolt.DB) error {
		txs, err := snapshotTxs(b, n)
		if err != nil {
			return err
		}
		defer func() {
			for _, tx := range txs {
				tx.Rollback()
			}
		}()
		return fn(txs)
	})
}

// snapshotTxs opens n read transactions on one version of the store.
func snapshotTxs(db *bolt.DB, n int) ([]*bolt.Tx, error) {
	for range 100 {
		txs := make([]*bolt.Tx, 0, n)
		for range n {
			t, err := db.Begin(false)
			if err != nil {
				for _, t := range txs {
					t.Rollback()
				}
				return nil, fmt.Errorf("read transaction: %w", err)
			}
			txs = append(txs, t)
		}
		if oneSnapshot(txs) {
			return txs, nil
		}
		for _, t := range txs {
			t.Rollback()
		}
	}
	return nil, errors.New("the store kept changing: no snapshot to read")
}

// oneSnapshot reports whether read transactions see the same version of
// the store (the id of the last committed write).
func oneSnapshot(txs []*bolt.Tx) bool {
	for _, t := range txs {
		if t.ID() != txs[0].ID() {
			return false
		}
	}
	return true
}
