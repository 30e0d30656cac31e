package formats

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/klauspost/compress/gzip"
	"github.com/parquet-go/parquet-go"
)

// FuzzOpenPacked: whatever bytes a packed file holds — a damaged gzip,
// zstd or Parquet file — opening and reading it ends in records or errors,
// never a panic or a hang.
func FuzzOpenPacked(f *testing.F) {
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte(`{"question": "q", "answer": "a\n#### 1"}` + "\n"))
	zw.Close()
	f.Add(gz.Bytes())
	var pq bytes.Buffer
	parquet.Write(&pq, []struct {
		Question string `parquet:"question"`
		Answer   string `parquet:"answer"`
	}{{"q", "a\n#### 1"}})
	f.Add(pq.Bytes())
	f.Add([]byte("\x28\xb5\x2f\xfd\x00\x00"))
	f.Add([]byte("PAR1garbagePAR1"))
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		p := filepath.Join(dir, "f")
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		in, err := Open(p, "")
		if err != nil {
			return
		}
		defer in.Close()
		for range 10000 {
			if _, err := in.Next(); err == io.EOF || err != nil && !isRecordError(err) {
				return
			}
		}
	})
}

func isRecordError(err error) bool {
	_, ok := err.(*RecordError)
	return ok
}
