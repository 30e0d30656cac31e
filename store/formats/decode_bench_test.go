package formats

import (
	"io"
	"path/filepath"
	"testing"
)

// BenchmarkDecodeProcessBench decodes the ProcessBench samples' records
// (cut from the files once), as an import's workers do. (Every file is
// ProcessBench: the last file's Input decodes them all.)
func BenchmarkDecodeProcessBench(b *testing.B) {
	files, _ := filepath.Glob(filepath.Join(samples, "processbench", "*.json"))
	var recs []Record
	var in *Input
	var size int64
	for _, f := range files {
		var err error
		if in, err = Open(f, ""); err != nil {
			b.Fatal(err)
		}
		for {
			rec, err := in.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			recs = append(recs, rec)
			size += int64(len(rec.Data))
		}
		in.Close()
	}
	if len(recs) == 0 {
		b.Fatal("no records")
	}
	b.SetBytes(size)
	var opts Options
	for b.Loop() {
		for _, rec := range recs {
			if _, err := in.DecodeRecord(rec, &opts); err != nil {
				b.Fatal(err)
			}
		}
	}
}
