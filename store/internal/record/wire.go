package record

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"unsafe"
)

// The store keeps records in a small hand-written binary encoding rather than
// JSON: a ProcessBench trace's per-step labels alone take more bytes as JSON
// than its text, and the import target (faster than Python merely parsing the
// same JSONL) leaves no room for a second JSON pass. Every value starts with a
// version byte so that a later schema can read older values.

// enc appends values to a byte slice.
type enc struct {
	b     []byte
	names nameTable // for name
	plain bool      // name writes strings in full, as before names
}

// nameTable holds the names a value has written or read so far.
type nameTable struct {
	list [maxNames]string
	n    int
}

// maxNames bounds a value's name table: names past it are written in full
// each time. The strings that recur in a body are few (a step kind, a
// label's scope, origin and source).
const maxNames = 16

func (t *nameTable) index(s string) int {
	for i, n := range t.list[:t.n] {
		if n == s {
			return i
		}
	}
	return -1
}

func (t *nameTable) add(s string) {
	if t.n < maxNames {
		t.list[t.n] = s
		t.n++
	}
}

// name writes a short string that recurs within a value: the first time in
// full after a 0, then as 1 + its index in the value's table. A ProcessBench
// body repeats its steps' kind and its labels' scope, origin and source on
// every step: a fifth of its bytes, written in full.
func (e *enc) name(s string) {
	if e.plain {
		e.str(s)
		return
	}
	if i := e.names.index(s); i >= 0 {
		e.uvarint(uint64(i + 1))
		return
	}
	e.uvarint(0)
	e.str(s)
	e.names.add(s)
}

func (e *enc) uvarint(v uint64) { e.b = binary.AppendUvarint(e.b, v) }
func (e *enc) varint(v int64)   { e.b = binary.AppendVarint(e.b, v) }
func (e *enc) int(v int)        { e.varint(int64(v)) }
func (e *enc) byte(v byte)      { e.b = append(e.b, v) }

func (e *enc) bool(v bool) {
	if v {
		e.byte(1)
	} else {
		e.byte(0)
	}
}

func (e *enc) str(s string) {
	e.uvarint(uint64(len(s)))
	e.b = append(e.b, s...)
}

func (e *enc) float(f float64) { e.b = binary.LittleEndian.AppendUint64(e.b, math.Float64bits(f)) }

// optBool encodes a *bool as 0 (nil), 1 (false), 2 (true).
func (e *enc) optBool(p *bool) {
	switch {
	case p == nil:
		e.byte(0)
	case *p:
		e.byte(2)
	default:
		e.byte(1)
	}
}

// optInt encodes a *int as a presence byte and a varint.
func (e *enc) optInt(p *int) {
	if p == nil {
		e.byte(0)
		return
	}
	e.byte(1)
	e.int(*p)
}

// errShort is returned for a value that ends early: a corrupt record.
var errShort = errors.New("record ends early")

// dec reads values written by enc. The first error sticks; callers check err
// once at the end, so decoding a corrupt value never panics.
type dec struct {
	b     []byte
	err   error
	named bool // names are written with enc.name (else with enc.str)
	names nameTable
}

// name reads a string written by enc.name, or by enc.str in a value from
// before names.
func (d *dec) name() string {
	if !d.named {
		return d.str()
	}
	k := d.uvarint()
	if k == 0 {
		s := d.str()
		d.names.add(s)
		return s
	}
	if k > uint64(d.names.n) {
		d.fail(fmt.Errorf("name %d of %d", k, d.names.n))
		return ""
	}
	return d.names.list[k-1]
}

func (d *dec) fail(err error) {
	if d.err == nil {
		d.err = err
	}
	d.b = nil
}

func (d *dec) uvarint() uint64 {
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.fail(errShort)
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *dec) varint() int64 {
	v, n := binary.Varint(d.b)
	if n <= 0 {
		d.fail(errShort)
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *dec) int() int { return int(d.varint()) }

func (d *dec) byte() byte {
	if len(d.b) < 1 {
		d.fail(errShort)
		return 0
	}
	v := d.b[0]
	d.b = d.b[1:]
	return v
}

func (d *dec) bool() bool { return d.byte() == 1 }

func (d *dec) str() string {
	n := d.uvarint()
	if n > uint64(len(d.b)) {
		d.fail(errShort)
		return ""
	}
	s := string(d.b[:n])
	d.b = d.b[n:]
	return s
}

// view reads a string without copying it: it shares the value's memory.
func (d *dec) view() string {
	n := d.uvarint()
	if n > uint64(len(d.b)) {
		d.fail(errShort)
		return ""
	}
	s := unsafe.String(unsafe.SliceData(d.b), int(n))
	d.b = d.b[n:]
	return s
}

func (d *dec) float() float64 {
	if len(d.b) < 8 {
		d.fail(errShort)
		return 0
	}
	v := math.Float64frombits(binary.LittleEndian.Uint64(d.b))
	d.b = d.b[8:]
	return v
}

func (d *dec) optBool() *bool {
	switch d.byte() {
	case 0:
		return nil
	case 1:
		v := false
		return &v
	case 2:
		v := true
		return &v
	}
	d.fail(errors.New("bad optional bool"))
	return nil
}

func (d *dec) optInt() *int {
	if d.byte() == 0 {
		return nil
	}
	v := d.int()
	return &v
}

// count reads a slice length and bounds it by the bytes left, so a corrupt
// length cannot make the decoder allocate gigabytes.
func (d *dec) count() int {
	n := d.uvarint()
	if n > uint64(len(d.b)) {
		d.fail(fmt.Errorf("list of %d items in %d bytes", n, len(d.b)))
		return 0
	}
	return int(n)
}
