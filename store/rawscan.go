package store

import (
	"encoding/binary"
	"encoding/json"
	"strings"

	"github.com/stepwise-dev/stepwise"
	"github.com/stepwise-dev/stepwise/store/internal/bodies"
	"github.com/stepwise-dev/stepwise/store/internal/record"
)

// When a damaged page cuts a bucket off from the root (a truncated file
// loses the roots, which bbolt writes last), its records can no longer be
// found through the tree. The raw scan reads the file page by page instead,
// taking every key and value of every leaf page it can parse, and keeps
// those that prove to be stepwise records of a kind it can recognise with
// certainty: annotation events (JSON with their stable id, annotator and
// trace), body blocks (their CRC-32C, or for a version 1 block the body
// that must decode with its summary), problem records (JSON with an id
// and a text) and trace summaries that decode and find a body. Pages that
// bbolt had freed may hold older copies of records: events and body blocks
// are never rewritten, so a copy is the record.

// Page layout (bbolt's, little-endian on the machines stepwise runs on):
// a 16-byte header (id u64, flags u16, count u16, overflow u32), then for a
// leaf page count elements of 16 bytes (flags, pos, ksize, vsize u32),
// where pos is counted from the element itself.
const (
	rawPageHeader  = 16
	rawLeafElement = 16
	rawLeafFlag    = 0x02
	rawBucketFlag  = 0x01
)

// rawLeaves visits every key and value of every leaf page of the file b,
// skipping anything that does not fit its page.
func rawLeaves(b []byte, pageSize int, fn func(k, v []byte)) {
	if pageSize < 1024 {
		return
	}
	for off := 2 * pageSize; off+rawPageHeader <= len(b); {
		flags := binary.LittleEndian.Uint16(b[off+8:])
		count := int(binary.LittleEndian.Uint16(b[off+10:]))
		overflow := int(binary.LittleEndian.Uint32(b[off+12:]))
		span := pageSize
		if flags == rawLeafFlag && overflow < len(b)/pageSize {
			span = (overflow + 1) * pageSize
		}
		end := min(off+span, len(b))
		if flags == rawLeafFlag {
			leafElements(b[off:end], count, fn)
		}
		off += span
	}
}

// leafElements visits the elements of one leaf page.
func leafElements(p []byte, count int, fn func(k, v []byte)) {
	for i := range count {
		e := rawPageHeader + i*rawLeafElement
		if e+rawLeafElement > len(p) {
			return
		}
		flags := binary.LittleEndian.Uint32(p[e:])
		pos := int(binary.LittleEndian.Uint32(p[e+4:]))
		ks := int(binary.LittleEndian.Uint32(p[e+8:]))
		vs := int(binary.LittleEndian.Uint32(p[e+12:]))
		start := e + pos
		if flags&rawBucketFlag != 0 || pos < 0 || ks < 0 || vs < 0 || start+ks+vs > len(p) || start < e {
			continue
		}
		fn(p[start:start+ks], p[start+ks:start+ks+vs])
	}
}

// rawFind is what a raw scan recognised.
type rawFind struct {
	events    map[string]Event             // by stable id
	summaries map[uint64][]byte            // by seq
	blocks    []bodies.Block               // whose checksums hold
	problems  map[string]*stepwise.Problem // by id
}

// rawScan reads the records it can recognise from the file's bytes.
func rawScan(b []byte) *rawFind {
	f := &rawFind{events: map[string]Event{}, summaries: map[uint64][]byte{}, problems: map[string]*stepwise.Problem{}}
	pageSize := 0
	if len(b) >= 32 {
		pageSize = int(binary.LittleEndian.Uint32(b[rawPageHeader+8:]))
	}
	rawLeaves(b, pageSize, func(k, v []byte) {
		switch {
		case bodies.IsBlockKey(k) && len(v) > 0:
			if blk, err := bodies.Decode(k, v); err == nil {
				f.blocks = append(f.blocks, blk)
			}
		case len(k) == 8 && len(v) > 9 && v[0] == eventVersion && v[9] == '{':
			if ev, err := decodeEvent(binary.BigEndian.Uint64(k), v); err == nil && ev.ID != "" && ev.Annotator != "" && ev.TraceID != "" {
				f.events[ev.ID] = ev
			}
		case len(k) == 8 && len(v) > 0 && v[0] == '{':
			var p stepwise.Problem
			if json.Unmarshal(v, &p) == nil && strings.HasPrefix(p.ID, "p") && p.Text != "" {
				f.problems[p.ID] = &p
			}
		case len(k) == 8 && len(v) > 0 && record.IsSummaryVersion(v[0]):
			seq := binary.BigEndian.Uint64(k)
			if _, err := record.DecodeSummary(seq, v); err == nil {
				f.summaries[seq] = v
			}
		}
	})
	return f
}

// body finds seq's body among the blocks found.
func (f *rawFind) body(seq uint64) []byte {
	for i := range f.blocks {
		if b := &f.blocks[i]; seq >= b.First && seq <= b.Last {
			if v, err := b.Body(seq); err == nil {
				return v
			}
		}
	}
	return nil
}
