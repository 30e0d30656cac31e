// Package store keeps traces in one bbolt file: schema and migrations,
// buckets and indexes, batched streaming import, listing, statistics and
// compaction. Format codecs live in the formats subpackage; this package
// decides what is kept and how it is found again.
package store

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/stepwise-dev/stepwise/store/internal/damage"
)

// DB is an open store. It does not keep the file open: each transaction
// takes the file (and its lock) through the handle, which lets go of it
// soon after (handle.go), so that other stepwise processes can use the
// store between this one's transactions.
type DB struct {
	h        *handle
	path     string
	readOnly bool
	// seen is the importer's dedupe filter (bloom.go); only the writer,
	// inside a write transaction, touches it. seenAt is the count of other
	// processes' commits when it was loaded: another process may have
	// added ids since, and then it is loaded again.
	seen   *seenFilter
	seenAt uint64
	// stamp is the file's stat at the last look for changes (changes.go).
	stamp fileStamp
}

// Options tune Open.
type Options struct {
	// Timeout bounds each wait for another process to let go of the store
	// (default 1s).
	Timeout time.Duration
	// ReadOnly takes shared locks: other readers run at the same time,
	// writers wait for the transaction in progress.
	ReadOnly bool
	// OnWait, when set, is called when a transaction starts waiting for
	// another process, with who holds the store when that is known.
	OnWait func(holder string)
}

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

// DefaultPath is where the store lives: $STEPWISE_DB, else
// $XDG_DATA_HOME/stepwise/stepwise.db, else ~/.local/share/stepwise/stepwise.db.
func DefaultPath() (string, error) {
	if p := os.Getenv("STEPWISE_DB"); p != "" {
		return p, nil
	}
	dir := os.Getenv("XDG_DATA_HOME")
	if dir == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return "", fmt.Errorf("no STEPWISE_DB, XDG_DATA_HOME or home directory to put the store in: %w", err)
		}
		dir = filepath.Join(home, ".local", "share")
	}
	return filepath.Join(dir, "stepwise", "stepwise.db"), nil
}

// pageSize is the page size of new store files (and of vacuumed ones).
// Bodies are stored in blocks (large values on contiguous pages), so what
// the page size decides is how much each import transaction rewrites of the
// buckets of small random keys (ids, the problem index), whose leaves it
// touches all over and which grow with the store. Measured on 400k
// generated ProcessBench traces: 4.1-4.4 s at 4 or 16 KB, 5.4-5.6 s at
// 64 KB (the three are within noise at 100k).
const pageSize = 16 << 10

// Open opens (creating if needed) the store at path, migrating an older
// schema and refusing a newer one. A store file left by a killed vacuum is
// removed.
func Open(path string, opts Options) (*DB, error) {
	if opts.Timeout == 0 {
		opts.Timeout = time.Second
	}
	if !opts.ReadOnly {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return nil, fmt.Errorf("create store directory: %w", err)
		}
	} else if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("open store: %w", err)
	}
	db := &DB{h: newHandle(path, opts), path: path, readOnly: opts.ReadOnly}
	if err := db.prepare(); err != nil {
		db.h.shutdown()
		return nil, err
	}
	if !opts.ReadOnly {
		// Holding the store's lock, no vacuum is running: a copy beside
		// it is a killed one's.
		err := db.with(context.Background(), func(*bolt.DB) error { return removeStaleVacuum(path) })
		if err != nil {
			db.h.shutdown()
			return nil, err
		}
	}
	return db, nil
}

// Path is the store's file.
func (db *DB) Path() string { return db.path }

// Close releases the store.
func (db *DB) Close() error { return db.h.shutdown() }

// view runs fn in a read transaction. Every read of the store goes through
// it (or viewCtx), and every write through update, so that how the file is
// opened, locked, shared and guarded is decided in one place.
func (db *DB) view(fn func(*bolt.Tx) error) error { return db.viewCtx(context.Background(), fn) }

// viewCtx is view whose wait for another process ends with ctx.
func (db *DB) viewCtx(ctx context.Context, fn func(*bolt.Tx) error) error {
	return db.with(ctx, func(b *bolt.DB) error {
		return b.View(func(tx *bolt.Tx) error {
			db.h.observe(uint64(tx.ID()), false)
			return fn(tx)
		})
	})
}

// update runs fn in a write transaction, committed (and synced) when fn
// returns nil.
func (db *DB) update(fn func(*bolt.Tx) error) error {
	return db.updateCtx(context.Background(), fn)
}

// updateCtx is update whose wait for another process ends with ctx.
func (db *DB) updateCtx(ctx context.Context, fn func(*bolt.Tx) error) error {
	if db.readOnly {
		return fmt.Errorf("store %s is open read-only", db.path)
	}
	return db.with(ctx, func(b *bolt.DB) error {
		var id uint64
		err := b.Update(func(tx *bolt.Tx) error {
			id = uint64(tx.ID())
			db.h.observe(id, true)
			return fn(tx)
		})
		if err != nil && id != 0 {
			db.h.rolledBack(id)
		}
		return err
	})
}

// with runs fn with the bbolt handle held, a damaged file turned into a
// DamagedError.
func (db *DB) with(ctx context.Context, fn func(*bolt.DB) error) error {
	b, err := db.h.acquire(ctx)
	if err != nil {
		return err
	}
	defer db.h.release()
	err = damage.Guard(db.path, func() error { return fn(b) })
	var d *DamagedError
	if errors.As(err, &d) {
		if d.Path == "" {
			d.Path = db.path
		}
		db.h.markBroken()
	}
	return err
}
