package store

import (
	"archive/zip"
	"bufio"
	"compress/flate"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

// A 1 MB Inspect .eval zip whose three sample members are 300 MiB of spaces
// each made an import read them whole (1.9 GB). Each is now refused by its
// declared size, named in the report, and the import allocates little; the
// archive's real sample is imported.
func TestEvalZipBombIsRefused(t *testing.T) {
	if testing.Short() {
		t.Skip("compresses 900 MiB")
	}
	path := filepath.Join(t.TempDir(), "bomb.eval")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(f)
	zw.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) { return flate.NewWriter(w, flate.BestSpeed) })
	members := filepath.Join(samples, "inspect_ai", "eval_zip_members_log_formats")
	for _, name := range []string{"header.json", "samples/1_epoch_1.json"} {
		b, err := os.ReadFile(filepath.Join(members, filepath.FromSlash(name)))
		if err != nil {
			t.Fatal(err)
		}
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(b)
	}
	spaces := []byte(strings.Repeat(" ", 1<<20))
	for i := 2; i <= 4; i++ {
		w, err := zw.Create(fmt.Sprintf("samples/%d_epoch_1.json", i))
		if err != nil {
			t.Fatal(err)
		}
		for range 300 {
			w.Write(spaces)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	f.Close()
	st, _ := os.Stat(path)
	t.Logf("archive: %d KB", st.Size()>>10)

	db := openTemp(t)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	var msgs []string
	rep, err := db.Import(context.Background(), []string{path}, ImportOptions{
		OnProblem: func(err error) { msgs = append(msgs, err.Error()) },
	})
	runtime.ReadMemStats(&after)
	if err != nil {
		t.Fatal(err)
	}
	alloc := (after.TotalAlloc - before.TotalAlloc) >> 20
	t.Logf("import allocated %d MiB in all; report %+v", alloc, rep)
	if alloc > 100 {
		t.Errorf("the import allocated %d MiB: it read the members", alloc)
	}
	if rep.Imported != 1 || rep.Skipped != 3 || len(msgs) != 3 {
		t.Fatalf("report %+v, messages %q", rep, msgs)
	}
	for i, m := range msgs {
		want := fmt.Sprintf("bomb.eval!samples/%d_epoch_1.json:1: member samples/%d_epoch_1.json is 300 MiB uncompressed, more than the 64 MiB a member may take; not read", i+2, i+2)
		if !strings.HasSuffix(m, want) {
			t.Errorf("message %q, want it to end %q", m, want)
		}
	}
}

// The records in flight and the batches are bounded by bytes, not only by
// count: with a 4 MiB batch and 8 MiB of read-ahead, importing 96 MiB of
// 2 MiB records holds about what importing 48 MiB of them holds (the live
// heap, measured after forced collections as the import runs). By count
// alone (tens of records, one batch) the whole input and its encoding were
// held at once: 197 MiB for the 96 MiB file.
func TestImportMemoryBoundedByBytes(t *testing.T) {
	if testing.Short() {
		t.Skip("imports 144 MiB")
	}
	small := peakLiveImport(t, 24)
	large := peakLiveImport(t, 48)
	t.Logf("peak live heap above the start: %d MiB for 48 MiB of input, %d MiB for 96 MiB", small, large)
	// Held whole, the extra 48 MiB of input would add about 100 MiB (the
	// records and their encoding).
	if large > small+48 {
		t.Errorf("the live heap grows with the input: %d MiB for 48 MiB, %d MiB for 96 MiB", small, large)
	}
}

// peakLiveImport imports n records of 2 MiB into a new store and returns
// the largest live heap seen during the import, in MiB above the start.
func peakLiveImport(t *testing.T, n int) uint64 {
	path := filepath.Join(t.TempDir(), "big.jsonl")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriter(f)
	step := strings.Repeat("so the next number follows from the last one; ", (2<<20)/46)
	for i := range n {
		fmt.Fprintf(w, `{"id":"big-%d","generator":"g","problem":"Problem %d?","steps":["%s","so %d"],"final_answer_correct":true,"label":-1}`+"\n",
			i, i, step, i)
	}
	w.Flush()
	f.Close()

	db := openTemp(t)
	var base runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&base)
	stop := make(chan struct{})
	var peak uint64
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		var m runtime.MemStats
		for {
			runtime.GC()
			runtime.ReadMemStats(&m)
			peak = max(peak, m.HeapAlloc)
			select {
			case <-stop:
				return
			case <-time.After(5 * time.Millisecond):
			}
		}
	}()
	rep, err := db.Import(context.Background(), []string{path}, ImportOptions{BatchBytes: 4 << 20, ReadAhead: 8 << 20, Workers: 2})
	close(stop)
	wg.Wait()
	if err != nil || rep.Imported != n {
		t.Fatalf("import: %v %+v", err, rep)
	}
	return (peak - min(peak, base.HeapAlloc)) >> 20
}
