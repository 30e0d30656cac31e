package formats

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// MaxRecordBytes bounds one record, so that a corrupt file cannot make the
// reader hold gigabytes. A 50 MB single line is well inside it.
const MaxRecordBytes = 512 << 20

// Container is how a file lays out its records.
type Container int

// Containers.
const (
	ContainerJSONL  Container = iota // one JSON value per line
	ContainerArray                   // one JSON array of values
	ContainerStream                  // JSON values one after another, any layout
)

func (c Container) String() string {
	return [...]string{"jsonl", "json-array", "json-stream"}[c]
}

// RecordError is a problem with one record; reading can go on after it.
type RecordError struct {
	Path string
	Line int
	// Element is the record's 1-based position in a JSON array (0
	// elsewhere, where the line says which record): the elements of a
	// one-line array all start on line 1.
	Element int
	Reason  string
}

func (e *RecordError) Error() string { return e.where() + e.Reason }

// where is "path:line: " and, for an element of an array, "element N: ".
func (e *RecordError) where() string {
	if e.Element > 0 {
		return fmt.Sprintf("%s:%d: element %d: ", e.Path, e.Line, e.Element)
	}
	return fmt.Sprintf("%s:%d: ", e.Path, e.Line)
}

// recordError is a problem with rec found at line.
func recordError(rec *Record, line int, reason string) *RecordError {
	return &RecordError{Path: rec.Path, Line: line, Element: rec.Element, Reason: reason}
}

// PartsError reports the parts of one record that could not be read (the
// samples of an Inspect log) while its other parts decoded: the items that
// come with it are imported, and each part is reported like a skipped
// record.
type PartsError struct {
	Parts []*RecordError
}

func (e *PartsError) Error() string {
	msgs := make([]string, len(e.Parts))
	for i, p := range e.Parts {
		msgs[i] = p.Error()
	}
	return strings.Join(msgs, "; ")
}

// Warning is a harmless gap in a record that was imported anyway (a label
// naming a section the record lacks): the import reports it, with the
// record's place, and keeps what can be trusted.
type Warning struct {
	RecordError
}

func (w *Warning) Error() string { return w.where() + "warning: " + w.Reason }

// WarningFor makes the warning reason about the record that starts at rec.
func WarningFor(rec *Record, reason string) *Warning {
	return &Warning{RecordError: *recordError(rec, rec.Line, reason)}
}

// FileError is a problem that stops reading a file at a line (a truncated
// array, bytes that are not JSON); records before it were read.
type FileError struct {
	Path   string
	Line   int
	Reason string
}

func (e *FileError) Error() string { return fmt.Sprintf("%s:%d: %s", e.Path, e.Line, e.Reason) }

func (rr *RecordReader) fileError(line int, format string, args ...any) error {
	return &FileError{Path: rr.path, Line: line, Reason: fmt.Sprintf(format, args...)}
}

// RecordReader cuts a file into JSON records, keeping line numbers. It reads
// JSONL line by line, and JSON arrays or concatenated (pretty-printed) values
// with a small structural scanner, so memory is bounded by the largest record.
type RecordReader struct {
	r         *bufio.Reader
	path      string
	container Container
	line      int // current line (1-based) at the reader's position
	index     int
	started   bool // array mode: '[' consumed
	done      bool
	slab      []byte // lines are copied into it (see readLine)
}

// lineSlab is the size of the blocks JSONL lines are copied into: one
// allocation per few hundred lines instead of one per line.
const lineSlab = 256 << 10

// NewRecordReader sniffs the container and returns a reader positioned at the
// first record. An empty file or one that is not JSON is an error naming why.
func NewRecordReader(r io.Reader, path string) (*RecordReader, error) {
	br := bufio.NewReaderSize(r, 1<<20)
	rr := &RecordReader{r: br, path: path, line: 1}
	if err := rr.skipBOM(); err != nil {
		return nil, err
	}
	c, err := rr.skipSpace()
	if err == io.EOF {
		return nil, &NotDataError{path, "empty file"}
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	switch c {
	case '[':
		rr.container = ContainerArray
	case '{':
		return rr, rr.sniffLines()
	default:
		return nil, rr.fileError(rr.line, "not JSON: file starts with %s", describeByte(c))
	}
	return rr, nil
}

// Container reports the sniffed layout.
func (rr *RecordReader) Container() Container { return rr.container }

// sniffLines reads the first line: if it is a whole JSON value the file is
// JSONL, otherwise its values span lines and the scanner takes over.
func (rr *RecordReader) sniffLines() error {
	peek, _ := rr.r.Peek(rr.r.Buffered())
	if len(peek) == 0 {
		peek, _ = rr.r.Peek(1)
	}
	nl := bytes.IndexByte(peek, '\n')
	if nl < 0 && len(peek) < rr.r.Size() {
		// The whole file fits in the buffer and has no newline: one record.
		rr.container = ContainerJSONL
		return nil
	}
	if nl >= 0 && json.Valid(bytes.TrimSpace(peek[:nl])) {
		rr.container = ContainerJSONL
		return nil
	}
	if nl < 0 {
		// A first line longer than the buffer: treat as JSONL; a long
		// pretty-printed value never has a 1 MB first line.
		rr.container = ContainerJSONL
		return nil
	}
	rr.container = ContainerStream
	return nil
}

// Next returns the next record. It returns io.EOF at the end, a *RecordError
// for a bad record that can be skipped, and any other error when the rest of
// the file cannot be read.
func (rr *RecordReader) Next() (Record, error) {
	if rr.done {
		return Record{}, io.EOF
	}
	if rr.container == ContainerJSONL {
		return rr.nextLine()
	}
	return rr.nextValue()
}

func (rr *RecordReader) nextLine() (Record, error) {
	for {
		start := rr.line
		line, err := rr.readLine()
		if err != nil && err != io.EOF {
			rr.done = true
			return Record{}, rr.fileError(start, "%v", err)
		}
		if err == io.EOF {
			rr.done = true
			if len(bytes.TrimSpace(line)) == 0 {
				return Record{}, io.EOF
			}
		}
		rr.line++
		trimmed := bytes.TrimSpace(line)
		if len(trimmed) == 0 {
			continue
		}
		rec := Record{Data: trimmed, Path: rr.path, Line: start, Index: rr.index, Last: rr.done}
		rr.index++
		return rec, checkUTF8(&rec)
	}
}

// readLine reads one line of any length up to MaxRecordBytes, without the newline.
func (rr *RecordReader) readLine() ([]byte, error) {
	b, err := rr.r.ReadSlice('\n')
	if err == nil {
		return rr.keep(b[:len(b)-1]), nil
	}
	if err != bufio.ErrBufferFull {
		out := append([]byte(nil), b...)
		return out, err
	}
	buf := append([]byte(nil), b...)
	for {
		b, err = rr.r.ReadSlice('\n')
		if len(buf)+len(b) > MaxRecordBytes {
			return nil, fmt.Errorf("line longer than %d MiB", MaxRecordBytes>>20)
		}
		buf = append(buf, b...)
		if err == nil {
			return buf[:len(buf)-1], nil
		}
		if err != bufio.ErrBufferFull {
			return buf, err
		}
	}
}

// keep copies a line out of the read buffer. Each record gets bytes of its
// own that nothing writes to afterwards (Record.Data).
func (rr *RecordReader) keep(b []byte) []byte {
	if cap(rr.slab)-len(rr.slab) < len(b) {
		rr.slab = make([]byte, 0, max(lineSlab, len(b)))
	}
	n := len(rr.slab)
	rr.slab = append(rr.slab, b...)
	return rr.slab[n:len(rr.slab):len(rr.slab)]
}

// nextValue scans one JSON value in an array or a stream of values.
func (rr *RecordReader) nextValue() (Record, error) {
	c, err := rr.skipSpace()
	if rr.container == ContainerArray {
		if err == io.EOF {
			rr.done = true
			return Record{}, rr.fileError(rr.line, "unexpected end of file: the JSON array is not closed (truncated file?)")
		}
		if !rr.started {
			rr.r.ReadByte() // '['
			rr.started = true
			c, err = rr.skipSpace()
			if err == nil && c == ']' {
				rr.done = true
				return Record{}, io.EOF
			}
		} else {
			switch c {
			case ',':
				rr.r.ReadByte()
				c, err = rr.skipSpace()
			case ']':
				rr.r.ReadByte()
				rr.done = true
				if c2, err := rr.skipSpace(); err == nil {
					return Record{}, rr.fileError(rr.line, "unexpected %s after the closing ]", describeByte(c2))
				}
				return Record{}, io.EOF
			default:
				rr.done = true
				return Record{}, rr.fileError(rr.line, "expected , or ] between array elements, found %s", describeByte(c))
			}
		}
		if err == io.EOF {
			rr.done = true
			return Record{}, rr.fileError(rr.line, "unexpected end of file inside the JSON array (truncated file?)")
		}
	} else if err == io.EOF {
		rr.done = true
		return Record{}, io.EOF
	}
	if err != nil {
		rr.done = true
		return Record{}, rr.fileError(rr.line, "%v", err)
	}
	start := rr.line
	data, err := rr.scanValue(c)
	if err != nil {
		rr.done = true
		return Record{}, rr.fileError(start, "%v", err)
	}
	rec := Record{Data: data, Path: rr.path, Line: start, Index: rr.index}
	if rr.container == ContainerArray {
		rec.Element = rr.index + 1
	}
	rr.index++
	return rec, checkUTF8(&rec)
}

// scanValue reads one object or array by tracking nesting and strings.
func (rr *RecordReader) scanValue(first byte) ([]byte, error) {
	if first != '{' && first != '[' {
		return nil, fmt.Errorf("expected a JSON object, found %s", describeByte(first))
	}
	var buf []byte
	depth, inString, escaped := 0, false, false
	for {
		chunk, err := rr.r.Peek(1)
		if len(chunk) == 0 {
			if err == io.EOF {
				return nil, errors.New("unexpected end of file inside a JSON value (truncated file?)")
			}
			return nil, err
		}
		n := rr.r.Buffered()
		chunk, _ = rr.r.Peek(n)
		for i, b := range chunk {
			if b == '\n' {
				rr.line++
			}
			if inString {
				switch {
				case escaped:
					escaped = false
				case b == '\\':
					escaped = true
				case b == '"':
					inString = false
				}
				continue
			}
			switch b {
			case '"':
				inString = true
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					buf = append(buf, chunk[:i+1]...)
					rr.r.Discard(i + 1)
					return buf, nil
				}
			}
		}
		if len(buf)+len(chunk) > MaxRecordBytes {
			return nil, fmt.Errorf("record longer than %d MiB", MaxRecordBytes>>20)
		}
		buf = append(buf, chunk...)
		rr.r.Discard(len(chunk))
	}
}

func (rr *RecordReader) skipBOM() error {
	b, err := rr.r.Peek(3)
	if err == nil && bytes.Equal(b, []byte{0xEF, 0xBB, 0xBF}) {
		rr.r.Discard(3)
	}
	return nil
}

// skipSpace advances past white space and returns the next byte unread.
func (rr *RecordReader) skipSpace() (byte, error) {
	for {
		b, err := rr.r.Peek(1)
		if err != nil {
			return 0, err
		}
		switch b[0] {
		case '\n':
			rr.line++
		case ' ', '\t', '\r':
		default:
			return b[0], nil
		}
		rr.r.Discard(1)
	}
}

func describeByte(c byte) string {
	if c >= 0x20 && c < 0x7f {
		return fmt.Sprintf("%q", c)
	}
	return fmt.Sprintf("byte 0x%02x", c)
}

// checkUTF8 rejects a record with invalid UTF-8, naming the line and column
// of the first bad byte: text is kept byte-exact, so it is never "repaired".
// A valid record is marked so, which spares decoders a second check.
func checkUTF8(rec *Record) error {
	if utf8.Valid(rec.Data) {
		rec.ValidUTF8 = true
		return nil
	}
	off := 0
	for off < len(rec.Data) {
		r, n := utf8.DecodeRune(rec.Data[off:])
		if r == utf8.RuneError && n <= 1 {
			break
		}
		off += n
	}
	return recordError(rec, LineOf(*rec, int64(off)), fmt.Sprintf("invalid UTF-8 at column %d", columnOf(rec.Data, int64(off))))
}

// DecodeError turns an error from decoding a record into a *RecordError with
// the line it points at: JSON syntax and type errors carry byte offsets.
func DecodeError(rec Record, err error) error {
	var re *RecordError
	if errors.As(err, &re) {
		return err
	}
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		if se.Offset >= int64(len(rec.Data)) || strings.Contains(se.Error(), "unexpected end") {
			reason := "record ends early: not a complete JSON value"
			if rec.Last {
				reason += " (truncated file?)"
			}
			return recordError(&rec, LineOf(rec, se.Offset), reason)
		}
		return recordError(&rec, LineOf(rec, se.Offset),
			fmt.Sprintf("invalid JSON at column %d: %s", columnOf(rec.Data, se.Offset), se.Error()))
	case errors.As(err, &te):
		field := te.Field
		if field == "" {
			field = "value"
		}
		return recordError(&rec, LineOf(rec, te.Offset),
			fmt.Sprintf("field %s: expected %s, found JSON %s", field, te.Type, te.Value))
	}
	return recordError(&rec, rec.Line, err.Error())
}

// columnOf is the 1-based column of a byte offset on its line.
func columnOf(data []byte, off int64) int {
	if off > int64(len(data)) {
		off = int64(len(data))
	}
	i := bytes.LastIndexByte(data[:off], '\n')
	return int(off) - i
}

// LineOf maps a byte offset inside a record to a 1-based file line.
func LineOf(rec Record, off int64) int {
	if off > int64(len(rec.Data)) {
		off = int64(len(rec.Data))
	}
	return rec.Line + bytes.Count(rec.Data[:off], []byte{'\n'})
}
