// Package store keeps traces and everything known about them in one bbolt
// file. It is the front door: DB and its typed reads and writes (traces and
// their summaries, filters and orders, annotation events, checks, judge
// runs, findings, PRM scores, settings, statistics, the evidence of a
// trace), the schema and its migrations, check, recover and vacuum.
//
// Its rooms sit below it, each one concept: store/importer (files into
// the store), store/export (the store into files), store/search (full
// text), store/analytics (agreement, conflicts, label counts),
// store/formats (the codecs of every format), store/agree (κ and α). The
// engine they share is store/internal/... (see its README: the record
// encoding, body blocks, the id index, postings, the write path, the
// shared-file handle, damage). Outside packages use store, and the types
// of store/formats and store/agree that its signatures take; the rooms'
// types appear here under the names callers know (ImportOptions,
// ExportReport, TraceHits, Agreement, ...).
package store

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/stepwise-dev/stepwise/store/internal/handle"
	"github.com/stepwise-dev/stepwise/store/internal/ingest"
)

// DB is an open store. It does not keep the file open: each transaction
// takes the file (and its lock) through the handle, which lets go of it
// soon after (store/internal/handle), so that other stepwise processes can use the
// store between this one's transactions.
type DB struct {
	h        *handle.Handle
	path     string
	readOnly bool
	// seen is the importer's dedupe filter (store/internal/ingest); only the writer,
	// inside a write transaction, touches it. seenAt is the count of other
	// processes' commits when it was loaded: another process may have
	// added ids since, and then it is loaded again.
	seen   *ingest.Seen
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
var ErrLocked = handle.ErrLocked

// LockedError says which file is locked and, when known, by whom.
type LockedError = handle.LockedError

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
	db := &DB{h: handle.New(path, handle.Options{Timeout: opts.Timeout, ReadOnly: opts.ReadOnly, OnWait: opts.OnWait}),
		path: path, readOnly: opts.ReadOnly}
	if err := db.prepare(); err != nil {
		db.h.Shutdown()
		return nil, err
	}
	if !opts.ReadOnly {
		// Holding the store's lock, no vacuum is running: a copy beside
		// it is a killed one's.
		err := db.h.With(context.Background(), func(*bolt.DB) error { return removeStaleVacuum(path) })
		if err != nil {
			db.h.Shutdown()
			return nil, err
		}
	}
	return db, nil
}

// Path is the store's file.
func (db *DB) Path() string { return db.path }

// Close releases the store.
func (db *DB) Close() error { return db.h.Shutdown() }

// view runs fn in a read transaction. Every read of the store goes through
// it (or viewCtx), and every write through update, so that how the file is
// opened, locked, shared and guarded is decided in one place
// (store/internal/handle).
func (db *DB) view(fn func(*bolt.Tx) error) error { return db.h.View(context.Background(), fn) }

// viewCtx is view whose wait for another process ends with ctx.
func (db *DB) viewCtx(ctx context.Context, fn func(*bolt.Tx) error) error { return db.h.View(ctx, fn) }

// update runs fn in a write transaction, committed (and synced) when fn
// returns nil.
func (db *DB) update(fn func(*bolt.Tx) error) error { return db.h.Update(context.Background(), fn) }

// RemoveSideFiles removes the side files stepwise keeps beside a store
// file (its turnstile), for a closed store whose file was renamed away: a
// store built under a temporary name and then moved into place.
func RemoveSideFiles(path string) error { return handle.RemoveSideFiles(path) }
