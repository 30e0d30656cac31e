//go:build linux

package store

import (
	"bufio"
	"bytes"
	"os"
	"strconv"
	"syscall"
	"unsafe"

	bolt "go.etcd.io/bbolt"
)

// A full search reads most of the file through bbolt's shared, read-only
// mapping, and every page it touches stays mapped into the process (RssFile)
// until something unmaps it: after one search over a million traces the
// process showed 2.5 GB resident although its own memory was 7 MB. So a
// search worker that has scanned a lot drops the whole mapping's pages from
// the process with madvise(MADV_DONTNEED), every releaseEvery bytes and when
// it ends. Releasing only the pages a chunk read was tried first: bbolt
// scatters a bucket's consecutive leaves over the file, so that took tens of
// thousands of small madvise calls (6x the search's CPU time) and still left
// the neighbours the kernel maps around each fault.
//
// This is safe for this mapping, and only for it: bbolt maps the file
// MAP_SHARED and PROT_READ and writes through the file descriptor, so the
// mapped pages are clean copies of the page cache; dropping them loses
// nothing, and the next access faults the same bytes back from the page
// cache (the kernel keeps the file cached, so that costs CPU, not disk
// reads). Other goroutines reading the store meanwhile just fault again. The
// mapping's bounds are looked up in /proc/self/maps from the address of a
// value read in the worker's own read transaction, and the release happens
// inside that transaction: bbolt cannot remap the file (munmap and mmap
// again, when it grows) while a read transaction is open, so the range
// cannot become anything else in between.

const (
	// releaseEvery is how much a worker scans between releases: it bounds
	// what a search adds to resident memory. Measured on the million-trace
	// store (BenchmarkSearchMemory): every 128 MB, a peak of 0.8 GB and
	// 1.0 s of CPU for a full search; 256 MB, 1.1 GB and 0.9 s; 1 GB,
	// 2.5 GB and 0.8 s; pages kept (KeepPages, second search), 0.46 s.
	releaseEvery = 256 << 20
	// releaseMin is the least scanning worth a release at the end: a small
	// filtered search keeps its few pages.
	releaseMin = 16 << 20
)

// pageRuns tracks what a worker has read from the mapping since the last
// release.
type pageRuns struct {
	keep       bool    // SearchQuery.KeepPages: record nothing, release nothing
	start, end uintptr // the mapping, once found
	looked     bool
	pending    int
	released   bool
}

// add records a value read from the mapping (inside the transaction that
// read it) and releases the mapping every releaseEvery bytes.
func (r *pageRuns) add(v []byte) {
	if len(v) == 0 || r.keep {
		return
	}
	if !r.looked {
		r.looked = true
		r.start, r.end = mappingOf(uintptr(unsafe.Pointer(unsafe.SliceData(v))))
	}
	r.pending += len(v)
	if r.pending >= releaseEvery {
		r.release()
	}
}

// done releases at the end of a worker's scan, inside its transaction, if
// the worker read enough to matter.
func (r *pageRuns) done() {
	if r.pending >= releaseMin || (r.released && r.pending > 0) {
		r.release()
	}
}

func (r *pageRuns) release() {
	r.pending = 0
	if r.end <= r.start {
		return // mapping not found: leave it to the kernel
	}
	r.released = true
	// An error only means the pages stay mapped.
	syscall.Syscall(syscall.SYS_MADVISE, r.start, r.end-r.start, syscall.MADV_DONTNEED)
}

// ReleasePages drops the store file's pages from the process's memory (not
// from the kernel's page cache), after searches run with KeepPages or any
// other large read. It is safe at any time, for the reasons above: it runs
// inside a read transaction and touches only bbolt's read-only mapping.
func (db *DB) ReleasePages() error {
	return db.view(func(tx *bolt.Tx) error {
		// A key read in the transaction lies in the mapping, unless its
		// bucket is small enough to live inside its parent's page and bbolt
		// copied it to the heap to align it (it does for the meta bucket);
		// mappingOf rejects such an address, and the next bucket is tried.
		for _, name := range [][]byte{bBodies, bTraces, bIDs, bProblemTexts, bProblems} {
			k, _ := tx.Bucket(name).Cursor().First()
			if len(k) == 0 {
				continue
			}
			r := pageRuns{}
			r.start, r.end = mappingOf(uintptr(unsafe.Pointer(unsafe.SliceData(k))))
			if r.end > r.start {
				r.release()
				return nil
			}
		}
		return nil
	})
}

// mappingOf returns the bounds of the read-only shared file mapping that
// holds addr, or zeros: the check that keeps a release away from the Go
// heap and every other mapping.
func mappingOf(addr uintptr) (start, end uintptr) {
	f, err := os.Open("/proc/self/maps")
	if err != nil {
		return 0, 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		// start-end perms offset dev inode path
		fields := bytes.Fields(sc.Bytes())
		if len(fields) < 6 {
			continue
		}
		lo, hi, ok := bytes.Cut(fields[0], []byte("-"))
		if !ok {
			continue
		}
		s, err1 := strconv.ParseUint(string(lo), 16, 64)
		e, err2 := strconv.ParseUint(string(hi), 16, 64)
		if err1 != nil || err2 != nil || uintptr(s) > addr || addr >= uintptr(e) {
			continue
		}
		if string(fields[1]) != "r--s" || string(fields[4]) == "0" {
			return 0, 0 // not a read-only shared file mapping: not bbolt's
		}
		return uintptr(s), uintptr(e)
	}
	return 0, 0
}
