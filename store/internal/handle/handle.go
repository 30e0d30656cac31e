// Package handle shares the store file between stepwise processes: it
// opens the file for a transaction (shared flock for a read-only store,
// exclusive otherwise), keeps it open while the process keeps using it,
// and closes it 25 ms after the last use, or at once when another process
// waits for it (a turnstile side file queues waiters fairly). Every
// transaction runs through View, Update, With, Snapshot or Solely, which
// hold the handle for exactly as long as the transaction runs, and turn a
// fault in the mapping into a damage.Error naming the file. It also
// notices commits made by other processes (ChangesSeen).
//
// It imports store/internal/damage and nothing else of the module.
package handle

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync"
	"syscall"
	"time"

	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"

	"github.com/stepwise-dev/stepwise/store/internal/damage"
)

// The store file is shared by every stepwise process on the machine: a
// workbench open in one terminal, `stepwise verify` or `stepwise import` in
// another, a second annotator's workbench. bbolt allows one writer process
// (an exclusive flock on the file) or many readers (shared flocks), and a
// reader's memory map is only safe while no other process writes. So a
// process holds the file only while it uses it: a handle is opened for a
// transaction (or a run of them) and closed when the process has been idle
// for a moment (linger), or at once when another process is waiting. An
// idle workbench holds nothing.
//
// Fairness: flock has no queue, so a process that re-opens the file in a
// loop could starve a waiting one. A waiter therefore first takes the
// turnstile (an exclusive flock on a small side file) and keeps it while it
// waits; a holder that finds the turnstile taken when it goes idle closes
// its handle instead of lingering, and one about to open the file queues
// behind the waiter on the turnstile.

// linger is how long an idle handle stays open, so that a burst of reads
// (one key press, a loop over traces) opens the file once. Opening costs
// 30-60 µs; a waiting process waits at most this long for an idle one.
const linger = 25 * time.Millisecond

// Handle opens, shares and closes one process's bbolt handle on the store.
// A store.DB has one; every transaction acquires it and releases it.
type Handle struct {
	path     string
	readOnly bool
	timeout  time.Duration
	// onWait is called once per acquire that has to wait for another
	// process, with who holds the store when that is known.
	onWait func(holder string)

	mu      sync.Mutex
	cond    *sync.Cond
	db      *bolt.DB
	file    *os.File // db's file, to compare with what path names now
	users   int
	opening bool
	broken  bool // a fault inside a transaction: close at the last release
	idle    *time.Timer
	closed  bool // Shutdown was called
	sole    bool // a sole user (vacuum) has it or waits for it: others wait

	// known is the newest transaction id this process has seen (its own
	// commits included); changes counts the commits of other processes it
	// has noticed since the handle was made.
	known   uint64
	changes uint64
	// ident is the file last opened: when the store is a new file
	// (vacuumed, restored), transaction ids start again.
	ident os.FileInfo
}

// Options tune a Handle.
type Options struct {
	// Timeout bounds each wait for another process to let go of the store.
	Timeout time.Duration
	// ReadOnly takes shared locks.
	ReadOnly bool
	// OnWait, when set, is called when a transaction starts waiting for
	// another process, with who holds the store when that is known.
	OnWait func(holder string)
}

// New makes the handle of the store at path; it opens nothing yet.
func New(path string, opts Options) *Handle {
	h := &Handle{path: path, readOnly: opts.ReadOnly, timeout: opts.Timeout, onWait: opts.OnWait}
	h.cond = sync.NewCond(&h.mu)
	return h
}

// errClosed is returned by a transaction on a closed handle.
var errClosed = errors.New("store is closed")

// acquire returns the open bbolt handle, opening the file if this process
// does not hold it. Every acquire is paired with a release.
func (h *Handle) acquire(ctx context.Context) (*bolt.DB, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for {
		switch {
		case h.closed:
			return nil, errClosed
		case h.sole:
			h.cond.Wait()
		case h.db != nil && h.users == 0 && h.othersWaiting():
			// Idle, and another process is queued: let it go first.
			h.closeLocked()
		case h.db != nil:
			h.users++
			h.stopIdle()
			return h.db, nil
		case h.opening:
			h.cond.Wait()
		default:
			h.opening = true
			h.mu.Unlock()
			db, f, err := h.open(ctx)
			h.mu.Lock()
			h.opening = false
			h.cond.Broadcast()
			if err != nil {
				return nil, err
			}
			h.db, h.file, h.users, h.broken = db, f, 1, false
			h.noteFile(f)
			return db, nil
		}
	}
}

// release ends a use of the handle; the last user leaves it open for
// linger, or closes it at once when another process waits for the store.
func (h *Handle) release() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.users--
	if h.users > 0 || h.db == nil {
		return
	}
	if h.broken || h.closed || h.othersWaiting() {
		h.closeLocked()
		return
	}
	h.stopIdle()
	h.idle = time.AfterFunc(linger, h.closeIdle)
}

// closeIdle closes the handle if nobody took it up again meanwhile.
func (h *Handle) closeIdle() {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.users == 0 && h.db != nil {
		h.closeLocked()
	}
}

func (h *Handle) stopIdle() {
	if h.idle != nil {
		h.idle.Stop()
		h.idle = nil
	}
}

// closeLocked closes the bbolt handle, which releases the file lock.
func (h *Handle) closeLocked() error {
	h.stopIdle()
	if h.db == nil {
		return nil
	}
	if !h.readOnly {
		removeOwner(h.path)
	}
	err := h.db.Close()
	h.db, h.file = nil, nil
	return err
}

// Solely runs fn as the only user of the handle in this process and then
// closes the handle, whose file fn may have replaced (vacuum). Other
// transactions of this process wait for it.
func (h *Handle) Solely(ctx context.Context, fn func(*bolt.DB) error) error {
	h.mu.Lock()
	for h.sole {
		h.cond.Wait()
	}
	h.sole = true
	defer func() {
		h.sole = false
		h.cond.Broadcast()
		h.mu.Unlock()
	}()
	for h.users > 0 || h.opening {
		h.cond.Wait()
	}
	if h.closed {
		return errClosed
	}
	if h.db == nil {
		h.opening = true
		h.mu.Unlock()
		db, f, err := h.open(ctx)
		h.mu.Lock()
		h.opening = false
		if err != nil {
			return err
		}
		h.db, h.file = db, f
		h.noteFile(f)
	}
	h.users = 1
	h.mu.Unlock()
	err := damage.Guard(h.path, func() error { return fn(h.db) })
	h.mu.Lock()
	h.users = 0
	if cerr := h.closeLocked(); err == nil {
		err = cerr
	}
	return err
}

// Shutdown closes the handle for good, waiting for the users it has.
func (h *Handle) Shutdown() error {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.closed = true
	for h.users > 0 || h.opening {
		h.cond.Wait()
	}
	return h.closeLocked()
}

// markBroken makes the last release close the handle: after a fault its
// mapping is not trusted again.
func (h *Handle) markBroken() {
	h.mu.Lock()
	h.broken = true
	h.mu.Unlock()
}

// observe records the transaction id a transaction of this process saw (a
// read) or committed (a write), counting a change made by another process
// when the id moved further than this process's own commits explain.
func (h *Handle) observe(id uint64, wrote bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	base := id
	if wrote {
		base = id - 1 // a write transaction's id is the one it commits
	}
	if h.known != 0 && base > h.known {
		h.changes++
	}
	if id > h.known {
		h.known = id
	}
}

// noteFile notices that the store is another file than the one this
// process opened before (a vacuum or a restore replaced it): that is a
// change, and the new file's transaction ids start again.
func (h *Handle) noteFile(f *os.File) {
	st, err := f.Stat()
	if err != nil {
		return
	}
	if h.ident != nil && !os.SameFile(h.ident, st) {
		h.known = 0
		h.changes++
	}
	h.ident = st
}

// rolledBack undoes observe for a write transaction that did not commit:
// its id is free for the next commit, which may be another process's.
func (h *Handle) rolledBack(id uint64) {
	h.mu.Lock()
	if h.known == id {
		h.known = id - 1
	}
	h.mu.Unlock()
}

// ChangesSeen is how many commits of other processes this one has noticed.
func (h *Handle) ChangesSeen() uint64 {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.changes
}

// othersWaiting reports whether another process is queued for the store:
// it holds the turnstile while it waits.
func (h *Handle) othersWaiting() bool {
	t, err := openTurnstile(h.path)
	if err != nil || t == nil {
		return false
	}
	defer t.Close()
	if err := syscall.Flock(int(t.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		return true
	}
	syscall.Flock(int(t.Fd()), syscall.LOCK_UN)
	return false
}

// open takes the file lock (shared for a read-only DB, exclusive
// otherwise), waiting up to the timeout behind the turnstile, and checks
// that the file it locked is still the store (vacuum replaces it).
func (h *Handle) open(ctx context.Context) (*bolt.DB, *os.File, error) {
	deadline := time.Now().Add(h.timeout)
	waited := false
	for {
		t, err := queue(ctx, h.path, deadline)
		if err != nil {
			return nil, nil, h.lockErr(err)
		}
		db, f, err := h.openOnce()
		for errors.Is(err, bolterrors.ErrTimeout) {
			if !waited && h.onWait != nil {
				h.onWait(readOwner(h.path))
			}
			waited = true
			if err = pause(ctx, deadline); err != nil {
				break
			}
			db, f, err = h.openOnce()
		}
		t.leave()
		if err != nil {
			return nil, nil, h.lockErr(err)
		}
		if same, serr := isFile(f, h.path); serr != nil || !same {
			db.Close()
			if serr != nil {
				return nil, nil, fmt.Errorf("open store %s: %w", h.path, serr)
			}
			continue // replaced (vacuum) while we waited: open what is there now
		}
		if !h.readOnly {
			writeOwner(h.path)
		}
		return db, f, nil
	}
}

// lockErr turns a wait that ran out into a LockedError naming the holder.
func (h *Handle) lockErr(err error) error {
	if errors.Is(err, bolterrors.ErrTimeout) || errors.Is(err, errQueueTimeout) {
		return &LockedError{Path: h.path, Owner: readOwner(h.path)}
	}
	return err
}

// openOnce makes one attempt at opening and locking the file; a held lock
// is bolterrors.ErrTimeout. A damaged file that makes bbolt fault is
// reported as damaged, with the file closed again (which drops its lock).
func (h *Handle) openOnce() (db *bolt.DB, f *os.File, err error) {
	opts := &bolt.Options{
		Timeout:         time.Nanosecond, // one try: the waiting is open's
		ReadOnly:        h.readOnly,
		FreelistType:    bolt.FreelistMapType,
		InitialMmapSize: 256 << 20,
		PageSize:        PageSize, // only when the file is created
		OpenFile: func(name string, flag int, mode os.FileMode) (*os.File, error) {
			file, err := os.OpenFile(name, flag, mode)
			f = file
			return file, err
		},
	}
	err = damage.Guard(h.path, func() error {
		var err error
		db, err = bolt.Open(h.path, 0o600, opts)
		return err
	})
	if err != nil {
		var d *damage.Error
		if errors.As(err, &d) && f != nil {
			f.Close() // bbolt faulted half-way through Open: drop the lock
		}
		if errors.Is(err, bolterrors.ErrTimeout) || errors.As(err, &d) {
			return nil, nil, err
		}
		return nil, nil, fmt.Errorf("open store %s: %w (not a stepwise store, or a damaged file)", h.path, err)
	}
	if err := checkSize(db, f, h.path); err != nil {
		db.Close()
		return nil, nil, err
	}
	return db, f, nil
}

// isFile reports whether f is the file path names now.
func isFile(f *os.File, path string) (bool, error) {
	a, err := f.Stat()
	if err != nil {
		return false, err
	}
	b, err := os.Stat(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return false, fmt.Errorf("the store was removed while this process waited for it")
		}
		return false, err
	}
	return os.SameFile(a, b), nil
}

// pause sleeps before the next attempt at the file lock, or says why not.
func pause(ctx context.Context, deadline time.Time) error {
	if time.Now().After(deadline) {
		return bolterrors.ErrTimeout
	}
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(5 * time.Millisecond):
		return nil
	}
}

// checkSize refuses a file shorter than the pages its meta page counts: a
// truncated store, whose missing pages would fault when read.
func checkSize(db *bolt.DB, f *os.File, path string) error {
	st, err := f.Stat()
	if err != nil {
		return err
	}
	var size int64
	if err := damage.Guard(path, func() error {
		return db.View(func(tx *bolt.Tx) error { size = tx.Size(); return nil })
	}); err != nil {
		return err
	}
	if st.Size() < size {
		return damage.Damaged(path, "the file is %d bytes but its pages reach %d bytes (truncated)", st.Size(), size)
	}
	return nil
}
