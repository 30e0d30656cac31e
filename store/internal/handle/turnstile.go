package handle

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// The turnstile is a side file, <store>.lock, whose exclusive flock a
// process holds while it opens the store, and keeps while it waits for
// another process to let go of the store (handle.go). It holds no data.
func turnstilePath(path string) string { return path + ".lock" }

// RemoveSideFiles removes the side files stepwise keeps beside a store
// file (its turnstile), for a closed store whose file was renamed away: a
// store built under a temporary name and then moved into place.
func RemoveSideFiles(path string) error {
	if err := os.Remove(turnstilePath(path)); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	return nil
}

// openTurnstile opens the side file, creating it when the directory allows;
// nil (no error) when it can be neither opened nor created, as on read-only
// media, where there is nobody to be fair to.
func openTurnstile(path string) (*os.File, error) {
	p := turnstilePath(path)
	f, err := os.OpenFile(p, os.O_RDWR|os.O_CREATE, 0o644)
	if err == nil {
		return f, nil
	}
	if f, err = os.Open(p); err == nil {
		return f, nil
	}
	return nil, nil
}

// turnstile is a held turnstile; leave releases it.
type turnstile struct{ f *os.File }

func (t turnstile) leave() {
	if t.f != nil {
		syscall.Flock(int(t.f.Fd()), syscall.LOCK_UN)
		t.f.Close()
	}
}

var errQueueTimeout = errors.New("timed out waiting in the store's queue")

// queue takes the turnstile, waiting until deadline.
func queue(ctx context.Context, path string, deadline time.Time) (turnstile, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return turnstile{}, fmt.Errorf("create store directory: %w", err)
	}
	f, err := openTurnstile(path)
	if err != nil || f == nil {
		return turnstile{}, err
	}
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if err == nil {
			return turnstile{f}, nil
		}
		if !errors.Is(err, syscall.EWOULDBLOCK) {
			f.Close()
			return turnstile{}, fmt.Errorf("lock %s: %w", turnstilePath(path), err)
		}
		if time.Now().After(deadline) {
			f.Close()
			return turnstile{}, errQueueTimeout
		}
		select {
		case <-ctx.Done():
			f.Close()
			return turnstile{}, ctx.Err()
		case <-time.After(2 * time.Millisecond):
		}
	}
}

// The owner file names the process writing to the store, so that a waiting
// process can say who has it. It is advisory: the file lock decides.
func ownerPath(path string) string { return path + ".owner" }

func ownerLine() string {
	exe, _ := os.Executable()
	name := filepath.Base(exe)
	if len(os.Args) > 1 && !strings.HasPrefix(os.Args[1], "-") {
		name += " " + os.Args[1]
	}
	return fmt.Sprintf("pid %d, %s", os.Getpid(), name)
}

func writeOwner(path string) {
	_ = os.WriteFile(ownerPath(path), []byte(ownerLine()), 0o644)
}

// removeOwner removes the owner file if it names this process.
func removeOwner(path string) {
	if b, err := os.ReadFile(ownerPath(path)); err == nil && string(b) == ownerLine() {
		os.Remove(ownerPath(path))
	}
}

// readOwner returns the owner file's line when it is well formed.
func readOwner(path string) string {
	b, err := os.ReadFile(ownerPath(path))
	if err != nil {
		return ""
	}
	s := strings.TrimSpace(string(b))
	pid, _, ok := strings.Cut(strings.TrimPrefix(s, "pid "), ",")
	if !ok || !strings.HasPrefix(s, "pid ") {
		return ""
	}
	if _, err := strconv.Atoi(pid); err != nil {
		return ""
	}
	return s
}
