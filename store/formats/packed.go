package formats

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
	"github.com/parquet-go/parquet-go"
)

// Datasets are shipped packed: JSONL dumps gzip- or zstd-compressed, and
// Hugging Face datasets as Parquet. A packed file is recognised by its
// first bytes, whatever its name, and read as the records it holds: a
// compressed file through its decompressor, a Parquet file row by row,
// each row a record (a JSON object of its columns) that goes to the codecs
// as a JSONL line would — so every codec's records, stepwise's own
// steps-parquet included, import from Parquet. For Parquet, a record's
// "line" is its 1-based row number.

// packing is how a file is packed.
type packing int

const (
	plain packing = iota
	gzipped
	zstded
	parquetFile
)

var (
	gzipMagic    = []byte{0x1f, 0x8b}
	zstdMagic    = []byte{0x28, 0xb5, 0x2f, 0xfd}
	parquetMagic = []byte("PAR1")
)

func packingOf(head []byte) packing {
	switch {
	case bytes.HasPrefix(head, gzipMagic):
		return gzipped
	case bytes.HasPrefix(head, zstdMagic):
		return zstded
	case bytes.HasPrefix(head, parquetMagic):
		return parquetFile
	}
	return plain
}

// unpack returns a reader of f's decompressed bytes and its closer (which
// does not close f).
func unpack(f *os.File, p packing) (io.Reader, func(), error) {
	switch p {
	case gzipped:
		// Concatenated members (pigz, bgzip) are read one after another.
		zr, err := gzip.NewReader(f)
		if err != nil {
			return nil, nil, fmt.Errorf("%s: gzip: %w", f.Name(), err)
		}
		return zr, func() { zr.Close() }, nil
	case zstded:
		zr, err := zstd.NewReader(f, zstd.WithDecoderConcurrency(1), zstd.WithDecoderMaxMemory(1<<30))
		if err != nil {
			return nil, nil, fmt.Errorf("%s: zstd: %w", f.Name(), err)
		}
		return zr, zr.Close, nil
	}
	return f, func() {}, nil
}

// UnpackedSize estimates the bytes a file's records take once unpacked, for
// progress: a gzip file's trailer gives its size (modulo 4 GiB), a zstd
// frame's header may; otherwise, and for Parquet (whose rows become
// records of about the size of its column data), the file's size.
func UnpackedSize(path string, size int64) int64 {
	f, err := os.Open(path)
	if err != nil {
		return size
	}
	defer f.Close()
	head := make([]byte, 18)
	n, _ := io.ReadFull(f, head)
	head = head[:n]
	switch packingOf(head) {
	case gzipped:
		var tail [4]byte
		if size >= 18 {
			if _, err := f.ReadAt(tail[:], size-4); err == nil {
				if u := int64(binary.LittleEndian.Uint32(tail[:])); u > 0 {
					for u < size { // the trailer keeps the size modulo 4 GiB
						u += 1 << 32
					}
					return u
				}
			}
		}
	case zstded:
		var h zstd.Header
		if h.Decode(head) == nil && h.HasFCS && h.FrameContentSize > 0 {
			return int64(h.FrameContentSize)
		}
	}
	return size
}

// parquetRows reads a Parquet file's rows as records.
type parquetRows struct {
	path string
	r    *parquet.GenericReader[map[string]any]
	buf  []map[string]any
	n, i int
	row  int
}

// parquetReadBatch is how many rows are read at a time.
const parquetReadBatch = 64

func openParquet(f *os.File) (rows *parquetRows, err error) {
	// The Parquet library trusts a file's metadata; a damaged file must be
	// an error, not a crash.
	defer func() {
		if r := recover(); r != nil {
			rows, err = nil, &NotDataError{f.Name(), fmt.Sprintf("not a readable Parquet file (%v)", r)}
		}
	}()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	pf, err := parquet.OpenFile(f, st.Size())
	if err != nil {
		return nil, &NotDataError{f.Name(), "not a readable Parquet file: " + err.Error()}
	}
	return &parquetRows{path: f.Name(), r: parquet.NewGenericReader[map[string]any](pf, pf.Schema()),
		buf: make([]map[string]any, parquetReadBatch)}, nil
}

// Next returns the next row as a JSON record.
func (p *parquetRows) Next() (rec Record, err error) {
	defer func() {
		if r := recover(); r != nil {
			rec, err = Record{}, fmt.Errorf("%s: row %d: unreadable Parquet data (%v)", p.path, p.row+1, r)
		}
	}()
	if p.i == p.n {
		for i := range p.buf {
			p.buf[i] = map[string]any{}
		}
		p.n, err = p.r.Read(p.buf)
		p.i = 0
		if p.n == 0 {
			if err == nil || err == io.EOF {
				return Record{}, io.EOF
			}
			return Record{}, fmt.Errorf("%s: row %d: %w", p.path, p.row+1, err)
		}
	}
	row := p.buf[p.i]
	p.i++
	p.row++
	if col, ok := textOnly(row); !ok {
		return Record{}, &RecordError{Path: p.path, Line: p.row, Reason: fmt.Sprintf("column %s: invalid UTF-8", col)}
	}
	b, err := json.Marshal(row)
	if err != nil {
		return Record{}, &RecordError{Path: p.path, Line: p.row, Reason: "row cannot be written as JSON: " + err.Error()}
	}
	return Record{Data: b, Path: p.path, Line: p.row, Index: p.row - 1, ValidUTF8: true}, nil
}

// textOnly checks that every string of a row is valid UTF-8 (JSON would
// silently replace a bad byte) and turns byte columns that hold text into
// strings (JSON would write them in base64). It returns the first column
// that fails.
func textOnly(row map[string]any) (string, bool) {
	for k, v := range row {
		w, ok := textValue(v)
		if !ok {
			return k, false
		}
		row[k] = w
	}
	return "", true
}

func textValue(v any) (any, bool) {
	switch x := v.(type) {
	case string:
		return x, utf8.ValidString(x)
	case []byte:
		return string(x), utf8.Valid(x)
	case []any:
		for i := range x {
			w, ok := textValue(x[i])
			if !ok {
				return nil, false
			}
			x[i] = w
		}
	case map[string]any:
		if _, ok := textOnly(x); !ok {
			return nil, false
		}
	}
	return v, true
}

func (p *parquetRows) Close() error { return p.r.Close() }

// isDatasetCard recognises a Hugging Face dataset card — README.md
// starting with YAML front matter — which a dataset folder holds beside
// its data files (as `datasets` and `huggingface-cli download` leave it).
func isDatasetCard(path string, head []byte) bool {
	return strings.EqualFold(filepath.Base(path), "README.md") &&
		(bytes.HasPrefix(head, []byte("---\n")) || bytes.HasPrefix(head, []byte("---\r\n")))
}

// FileStem is a file's base name without its packing (.gz, .zst, .parquet)
// and data (.jsonl, .json, .ndjson) extensions: what codecs that name a
// dataset or a model after the file use, so that a compressed or Parquet
// copy names the same one.
func FileStem(path string) string {
	base := filepath.Base(path)
	if base == "." || base == string(filepath.Separator) {
		return ""
	}
	for _, ext := range []string{".gz", ".zst", ".zstd", ".parquet", ".jsonl", ".json", ".ndjson"} {
		if stem, ok := strings.CutSuffix(base, ext); ok && stem != "" {
			base = stem
		}
	}
	return base
}
