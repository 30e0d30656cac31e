// Package damage is how a damaged store file becomes an error instead of a
// crash or a wrong answer: a record that cannot be decoded is Corrupt, and
// Guard turns a fault in bbolt's mapping (a page past the end of a truncated
// file) or one of bbolt's page checks into an Error. Every engine package
// reports unreadable records through it; the store adds the file's path
// where the error leaves a transaction. It imports nothing of the module.
package damage

import (
	"errors"
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"
)

// ErrDamaged is wrapped by every Error.
var ErrDamaged = errors.New("the store is damaged")

// Error says that the store file cannot be trusted: bbolt found a page it
// did not expect, reading faulted past the end of a truncated file, a body
// block failed its checksum, or a record could not be decoded. The store
// re-exports it as store.DamagedError.
type Error struct {
	Path   string
	Reason string
}

func (e *Error) Error() string {
	if e.Path == "" {
		return "the store is damaged: " + e.Reason
	}
	return fmt.Sprintf("the store %s is damaged: %s; restore it from a backup, or copy what can be read into a new store with `stepwise recover %s NEW.db`",
		e.Path, e.Reason, e.Path)
}

func (e *Error) Unwrap() error { return ErrDamaged }

// Damaged reports damage to the file at path.
func Damaged(path, format string, args ...any) error {
	return &Error{Path: path, Reason: fmt.Sprintf(format, args...)}
}

// Corrupt reports a record that cannot be decoded: stored by this program,
// it can only be unreadable because the file was damaged. The path is
// added where the error leaves the store (store.DB's transactions).
func Corrupt(format string, args ...any) error {
	return &Error{Reason: fmt.Sprintf(format, args...)}
}

// Guard runs fn, turning what a damaged file makes bbolt do — a panic
// from one of its page checks, or a memory fault in its mapping (a page
// past the end of a truncated file) — into a DamagedError. The fault
// setting is the calling goroutine's own and is restored. Any other panic
// is a bug and keeps panicking.
func Guard(path string, fn func() error) (err error) {
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
		err = Damaged(path, "%s", reason)
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

// ReasonOf is an Error's reason alone, else the error's text.
func ReasonOf(err error) string {
	var d *Error
	if errors.As(err, &d) {
		return d.Reason
	}
	return err.Error()
}
