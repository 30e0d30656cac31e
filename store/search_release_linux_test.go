//go:build linux

package store

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"unsafe"

	bolt "go.etcd.io/bbolt"
)

// The release drops a shared read-only file mapping's pages from the
// process and nothing else: the bytes read back the same, and memory that
// is not such a mapping (the Go heap) is never a target.
func TestReleaseDropsMappedPagesOnly(t *testing.T) {
	const size = 8 << 20
	data := bytes.Repeat([]byte("stepwise"), size/8)
	path := filepath.Join(t.TempDir(), "mapped")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	m, err := syscall.Mmap(int(f.Fd()), 0, size, syscall.PROT_READ, syscall.MAP_SHARED)
	if err != nil {
		t.Fatal(err)
	}
	defer syscall.Munmap(m)
	addr := uintptr(unsafe.Pointer(&m[0]))
	if s, e := mappingOf(addr + 12345); s != addr || e != addr+size {
		t.Fatalf("mappingOf: [%#x, %#x), want [%#x, %#x)", s, e, addr, addr+size)
	}
	heap := make([]byte, 1<<20)
	if s, e := mappingOf(uintptr(unsafe.Pointer(&heap[0]))); s != 0 || e != 0 {
		t.Fatalf("the heap was taken for a file mapping: [%#x, %#x)", s, e)
	}

	if !bytes.Equal(m, data) { // touches every page
		t.Fatal("mapping differs from the file")
	}
	if rss := mappingRSS(t, addr); rss < size/2 {
		t.Fatalf("after reading, %d bytes of the mapping resident; want most of %d", rss, size)
	}
	var r pageRuns
	r.add(m[100:200])
	r.release()
	if rss := mappingRSS(t, addr); rss > 64<<10 {
		t.Fatalf("after release, %d bytes still resident", rss)
	}
	if !bytes.Equal(m, data) {
		t.Fatal("the mapping reads differently after release")
	}
}

// mappingRSS reads the Rss of the mapping starting at addr from /proc/self/smaps.
func mappingRSS(t *testing.T, addr uintptr) int {
	t.Helper()
	f, err := os.Open("/proc/self/smaps")
	if err != nil {
		t.Skip("no /proc/self/smaps")
	}
	defer f.Close()
	want := strconv.FormatUint(uint64(addr), 16) + "-"
	found := false // the mapping's header line was seen; its Rss line follows
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, want) {
			found = true
			continue
		}
		if found && strings.HasPrefix(line, "Rss:") {
			kb, _ := strconv.Atoi(strings.Fields(line)[1])
			return kb << 10
		}
	}
	t.Fatalf("mapping %#x not in /proc/self/smaps", addr)
	return 0
}

// A search with KeepPages leaves the store's pages mapped; ReleasePages
// drops them, and the store reads the same afterwards.
func TestReleasePagesAfterKeepPages(t *testing.T) {
	db := sampleStore(t)
	var start uintptr
	db.view(func(tx *bolt.Tx) error {
		_, v := tx.Bucket(bBodies).Cursor().First()
		start, _ = mappingOf(uintptr(unsafe.Pointer(&v[0])))
		return nil
	})
	if start == 0 {
		t.Fatal("the store's mapping is not in /proc/self/maps")
	}
	db.ReleasePages()
	want := collect(t, db, SearchQuery{Text: "the", KeepPages: true}, searchChunk)
	if rss := mappingRSS(t, start); rss < 1<<20 {
		t.Fatalf("after a search that kept its pages, %d bytes of the store resident; want the bodies read", rss)
	}
	if err := db.ReleasePages(); err != nil {
		t.Fatal(err)
	}
	if rss := mappingRSS(t, start); rss > 256<<10 {
		t.Fatalf("after ReleasePages, %d bytes still resident", rss)
	}
	if got := collect(t, db, SearchQuery{Text: "the"}, searchChunk); !reflect.DeepEqual(got, want) {
		t.Fatal("the store searches differently after ReleasePages")
	}
}
