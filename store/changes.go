package store

import (
	"context"
	"os"
	"sync"

	bolt "go.etcd.io/bbolt"
)

// fileStamp is what a stat of the store file says about it: a commit
// changes its modification time, a vacuum its identity.
type fileStamp struct {
	mu   sync.Mutex
	last os.FileInfo
}

func (s *fileStamp) same(st os.FileInfo) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.last != nil && os.SameFile(s.last, st) && s.last.ModTime().Equal(st.ModTime()) && s.last.Size() == st.Size()
}

func (s *fileStamp) set(st os.FileInfo) {
	s.mu.Lock()
	s.last = st
	s.mu.Unlock()
}

// Changes returns how many commits of other processes (an import in
// another terminal, another annotator's workbench, a vacuum) this DB has
// noticed since it was opened; a caller that polls it and sees the number
// grow reloads what it shows. It looks at the file's stat first and opens
// it only when that moved, so polling an idle store costs a stat.
func (db *DB) Changes(ctx context.Context) (uint64, error) {
	st, err := os.Stat(db.path)
	if err != nil {
		return db.h.ChangesSeen(), err
	}
	if db.stamp.same(st) {
		return db.h.ChangesSeen(), nil
	}
	if err := db.viewCtx(ctx, func(*bolt.Tx) error { return nil }); err != nil {
		return db.h.ChangesSeen(), err
	}
	db.stamp.set(st)
	return db.h.ChangesSeen(), nil
}
