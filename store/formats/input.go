package formats

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
)

// Input is one opened file: its records and the codec chosen for them.
type Input struct {
	Path  string
	Codec Codec
	Size  int64
	next  func() (Record, error)
	group Group
	close func() error
	ids   problemIDs
	// packing says how the file is packed (plain, gzip, zstd, Parquet).
	packing packing
}

// NotDataError reports a file that holds no trace data at all (an LFS
// pointer, an empty file, binary garbage). The import skips the file.
type NotDataError struct {
	Path   string
	Reason string
}

func (e *NotDataError) Error() string { return e.Path + ": " + e.Reason }

const lfsHeader = "version https://git-lfs.github.com/spec/v1"

// Open sniffs a file and prepares to read its records. format forces a codec
// by name; empty means detect from content.
func Open(path, format string) (*Input, error) {
	f, err := openRegular(path)
	if err != nil {
		return nil, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	head := make([]byte, 8192)
	n, err := io.ReadFull(f, head)
	head = head[:n]
	if err != nil && err != io.ErrUnexpectedEOF && err != io.EOF {
		f.Close()
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		f.Close()
		return nil, err
	}
	if isDatasetCard(path, head) {
		f.Close()
		return nil, &CompanionError{path, "a dataset card (README.md with YAML front matter): it describes the data files beside it"}
	}
	if err := sniff(path, head); err != nil && packingOf(head) == plain {
		f.Close()
		return nil, err
	}
	in := &Input{Path: path, Size: st.Size(), close: f.Close}
	if bytes.HasPrefix(head, []byte("PK\x03\x04")) {
		f.Close()
		return openEvalZip(path, format)
	}
	if packingOf(head) != plain {
		if err := in.openPacked(f, packingOf(head)); err != nil {
			return nil, err
		}
		return in, in.choose(format)
	}
	header, member, err := evalMember(path)
	if err != nil {
		f.Close()
		return nil, err
	}
	rr, err := NewRecordReader(f, path)
	if err != nil {
		f.Close()
		return nil, err
	}
	in.next = rr.Next
	if member {
		in.withHeader(header)
		if format == "" {
			format = "inspect" // a sample alone may not look like one
		}
	}
	return in, in.choose(format)
}

// openPacked reads a compressed or Parquet file (packed.go); f is closed on
// an error.
func (in *Input) openPacked(f *os.File, p packing) error {
	in.packing = p
	if p == parquetFile {
		rows, err := openParquet(f)
		if err != nil {
			f.Close()
			return err
		}
		in.next = rows.Next
		in.close = func() error { rows.Close(); return f.Close() }
		return nil
	}
	r, done, err := unpack(f, p)
	if err != nil {
		f.Close()
		return err
	}
	rr, err := NewRecordReader(r, in.Path)
	if err != nil {
		done()
		f.Close()
		return err
	}
	in.next = rr.Next
	in.close = func() error { done(); return f.Close() }
	return nil
}

// sniff rejects files that are not trace data, with the reason.
func sniff(path string, head []byte) error {
	trimmed := bytes.TrimSpace(head)
	switch {
	case len(trimmed) == 0:
		return &NotDataError{path, "empty file"}
	case bytes.HasPrefix(trimmed, []byte(lfsHeader)):
		return &NotDataError{path, "Git LFS pointer, not data (fetch the real file with `git lfs pull`)"}
	case bytes.HasPrefix(head, []byte("PK\x03\x04")):
		return nil
	case bytes.IndexByte(head, 0) >= 0:
		return &NotDataError{path, "binary data, not a trace file"}
	}
	return nil
}

// choose picks the codec: forced by name, or detected from the first record.
func (in *Input) choose(format string) error {
	if format != "" {
		c, err := Lookup(format)
		in.Codec = c
		in.startGroup()
		return err
	}
	for {
		rec, err := in.next()
		if err == io.EOF {
			return &NotDataError{in.Path, "no records"}
		}
		var re *RecordError
		if errors.As(err, &re) {
			// Detection needs one good record; a bad first line is reported later.
			continue
		}
		if err != nil {
			return err
		}
		c, err := DetectRecord(rec.Data)
		if err != nil {
			return &FileError{Path: in.Path, Line: rec.Line, Reason: err.Error()}
		}
		in.Codec = c
		return in.rewind()
	}
}

// rewind restarts reading so that records skipped during detection are seen.
func (in *Input) rewind() error {
	if in.close != nil {
		in.close()
	}
	f, err := openRegular(in.Path)
	if err != nil {
		return err
	}
	if in.packing != plain {
		if err := in.openPacked(f, in.packing); err != nil {
			return err
		}
		in.startGroup()
		return nil
	}
	rr, err := NewRecordReader(f, in.Path)
	if err != nil {
		f.Close()
		return err
	}
	in.next, in.close = rr.Next, f.Close
	in.startGroup()
	return nil
}

func (in *Input) startGroup() {
	if g, ok := in.Codec.(Grouper); ok {
		in.group = g.NewGroup()
	}
}

// Sequential reports whether records must be decoded in order on one
// goroutine (the codec groups several records into one trace).
func (in *Input) Sequential() bool { return in.group != nil }

// Next returns the next record (io.EOF at the end; *RecordError for a bad
// record that can be skipped).
func (in *Input) Next() (Record, error) { return in.next() }

// Close releases the file.
func (in *Input) Close() error {
	if in.close == nil {
		return nil
	}
	err := in.close()
	in.close = nil
	return err
}

// DecodeRecord decodes one record with the chosen codec and finishes the items.
// It is safe for concurrent use unless Sequential reports true.
func (in *Input) DecodeRecord(rec Record, opts *Options) ([]Item, error) {
	var items []Item
	var err error
	if in.group != nil {
		items, err = in.group.Decode(rec, opts)
	} else {
		items, err = in.Codec.Decode(rec, opts)
	}
	var parts *PartsError
	if errors.As(err, &parts) {
		items, err := in.finishAll(rec, items)
		if err != nil {
			return nil, err
		}
		return items, parts
	}
	if err != nil {
		return nil, DecodeError(rec, err)
	}
	return in.finishAll(rec, items)
}

// Flush returns the items a grouping codec still holds at the end of the file.
func (in *Input) Flush(opts *Options) ([]Item, error) {
	if in.group == nil {
		return nil, nil
	}
	items, err := in.group.Flush()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", in.Path, err)
	}
	return in.finishAll(Record{Path: in.Path}, items)
}

// finishAll completes every item and fills its source reference.
func (in *Input) finishAll(rec Record, items []Item) ([]Item, error) {
	for i := range items {
		if p := items[i].Problem; p != nil && p.ID == "" {
			p.ID = in.ids.id(p.Text)
		}
		if err := finish(&items[i]); err != nil {
			return nil, recordError(&rec, rec.Line, err.Error())
		}
		t := items[i].Trace
		t.Source.Format = in.Codec.Name()
		if t.Source.Path == "" {
			t.Source.Path = rec.Path
		}
		if t.Source.Line == 0 {
			t.Source.Line = rec.Line
		}
	}
	return items, nil
}
