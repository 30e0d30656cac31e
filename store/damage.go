package store

import (
	"errors"
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"strings"

	bolt "go.etcd.io/bbolt"
)

// ErrDamaged is wrapped by every DamagedError.
var ErrDamaged = errors.New("the store is damaged")

// DamagedError says that the store file cannot be trusted: bbolt found a
// page it did not expect, reading faulted past the end of a truncated file,
// or a body block failed its checksum.
type DamagedError struct {
	Path   string
	Reason string
}

func (e *DamagedError) Error() string {
	if e.Path == "" {
		return "the store is damaged: " + e.Reason
	}
	return fmt.Sprintf("the store %s is damaged: %s; restore it from a backup, or copy what can be read into a new store with `stepwise recover %s NEW.db`",
		e.Path, e.Reason, e.Path)
}

func (e *DamagedError) Unwrap() error { return ErrDamaged }

func damaged(path, format string, args ...any) error {
	return &DamagedError{Path: path, Reason: fmt.Sprintf(format, args...)}
}

// corrupt reports a record that cannot be decoded: stored by this program,
// it can only be unreadable because the file was damaged. The path is
// added where the error leaves the DB (DB.with).
func corrupt(format string, args ...any) error {
	return &DamagedError{Reason: fmt.Sprintf(format, args...)}
}

// guardFault runs fn, turning what a damaged file makes bbolt do — a panic
// from one of its page checks, or a memory fault in its mapping (a page
// past the end of a truncated file) — into a DamagedError. The fault
// setting is the calling goroutine's own and is restored. Any other panic
// is a bug and keeps panicking.
func guardFault(path string, fn func() error) (err error) {
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		r := recover()
		if r == nil {
			return
		}
		reason, ok := damageReason(r)
		if !ok {
			panic(r)
		}
		err = damaged(path, "%s", reason)
	}()
	return fn()
}

// damageReason reports whether a recovered panic comes from damaged data,
// and how to say so. Called from a deferred function during the panic.
func damageReason(r any) (string, bool) {
	if re, ok := r.(runtime.Error); ok {
		if a, ok := r.(interface{ Addr() uintptr }); ok && a.Addr() >= 1<<16 {
			return "reading it faulted (" + re.Error() + "): the file is shorter than its pages say, or unreadable", true
		}
	}
	if fn := panicOrigin(); strings.HasPrefix(fn, "go.etcd.io/bbolt") {
		return fmt.Sprint(r), true
	}
	return "", false
}

// panicOrigin is the function a panic in progress started in.
func panicOrigin() string {
	pcs := make([]uintptr, 32)
	n := runtime.Callers(3, pcs)
	frames := runtime.CallersFrames(pcs[:n])
	afterPanic := false
	for {
		f, more := frames.Next()
		if afterPanic && !strings.HasPrefix(f.Function, "runtime.") {
			return f.Function
		}
		if f.Function == "runtime.gopanic" || f.Function == "runtime.sigpanic" {
			afterPanic = true
		}
		if !more {
			return ""
		}
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
	if err := guardFault(path, func() error {
		return db.View(func(tx *bolt.Tx) error { size = tx.Size(); return nil })
	}); err != nil {
		return err
	}
	if st.Size() < size {
		return damaged(path, "the file is %d bytes but its pages reach %d bytes (truncated)", st.Size(), size)
	}
	return nil
}
