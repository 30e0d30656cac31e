// Package store keeps traces in one bbolt file: schema and migrations,
// buckets and indexes, batched streaming import, listing, statistics and
// compaction. Format codecs live in the formats subpackage; this package
// decides what is kept and how it is found again.
package store

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"
)

// DB is an open store.
type DB struct {
	bolt     *bolt.DB
	path     string
	readOnly bool
	// seen is the importer's dedupe filter (bloom.go); only the writer,
	// inside a write transaction, touches it.
	seen *seenFilter
}

// Options tune Open.
type Options struct {
	// Timeout bounds the wait for another process's lock (default 1s).
	Timeout time.Duration
	// ReadOnly opens with a shared lock; it still waits for a writer to finish.
	ReadOnly bool
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
// schema and refusing a newer one.
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
	bdb, err := bolt.Open(path, 0o600, &bolt.Options{
		Timeout:         opts.Timeout,
		ReadOnly:        opts.ReadOnly,
		FreelistType:    bolt.FreelistMapType,
		InitialMmapSize: 256 << 20,
		PageSize:        pageSize, // only when the file is created
	})
	if err != nil {
		if errors.Is(err, bolterrors.ErrTimeout) {
			return nil, &LockedError{Path: path, Owner: readOwner(path)}
		}
		return nil, fmt.Errorf("open store %s: %w (not a stepwise store, or a damaged file)", path, err)
	}
	db := &DB{bolt: bdb, path: path, readOnly: opts.ReadOnly}
	if err := db.prepare(); err != nil {
		bdb.Close()
		return nil, err
	}
	if !opts.ReadOnly {
		writeOwner(path)
	}
	return db, nil
}

// Path is the store's file.
func (db *DB) Path() string { return db.path }

// Close releases the store.
func (db *DB) Close() error {
	if !db.readOnly {
		os.Remove(ownerPath(db.path))
	}
	return db.bolt.Close()
}

// The owner file names the process holding the store, so that a second
// process can say who has it. It is advisory: the bbolt file lock decides.
func ownerPath(path string) string { return path + ".owner" }

func writeOwner(path string) {
	exe, _ := os.Executable()
	info := fmt.Sprintf("pid %d, %s, since %s", os.Getpid(), filepath.Base(exe), time.Now().Format(time.TimeOnly))
	_ = os.WriteFile(ownerPath(path), []byte(info), 0o600)
}

func readOwner(path string) string {
	b, err := os.ReadFile(ownerPath(path))
	if err != nil {
		return ""
	}
	s := strings.TrimSpace(string(b))
	if pid, _, ok := strings.Cut(strings.TrimPrefix(s, "pid "), ","); ok {
		if _, err := strconv.Atoi(pid); err != nil {
			return ""
		}
	}
	return s
}

// view runs fn in a read transaction. Every read of the store goes through
// it (and every write through update), so that how the file is opened and
// locked is decided in one place.
func (db *DB) view(fn func(*bolt.Tx) error) error { return db.bolt.View(fn) }

// update runs fn in a write transaction, committed (and synced) when fn
// returns nil.
func (db *DB) update(fn func(*bolt.Tx) error) error { return db.bolt.Update(fn) }
