package record

import (
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/stepwise-dev/stepwise"
	"github.com/stepwise-dev/stepwise/store/internal/damage"
)

// Search reads bodies in place: the raw text is a slice of bbolt's mapped
// page (valid only inside the transaction), and only a body that contains a
// match is parsed further, for its step spans alone. These readers follow
// AppendBody (body.go); TestBodySpansMatchDecodeBody keeps them in step.

// BodyTail is what follows the raw text in an encoded body.
type BodyTail struct {
	b     []byte
	named bool // recurring strings are names (enc.name)
}

// BodyRaw returns the raw text of an encoded body and what follows it,
// without copying.
func BodyRaw(seq uint64, v []byte) (raw []byte, tail BodyTail, err error) {
	if len(v) == 0 {
		return nil, tail, fmt.Errorf("trace %d: empty body", seq)
	}
	if v[0] != BodyVersion && v[0] != BodyVersionNoNames {
		return nil, tail, damage.Corrupt("trace %d: body version %d is unknown: the store is damaged, or a newer program wrote it", seq, v[0])
	}
	n, k := binary.Uvarint(v[1:])
	if k <= 0 || n > uint64(len(v)-1-k) {
		return nil, tail, damage.Corrupt("trace %d: an unreadable body: raw text length", seq)
	}
	start := 1 + k
	return v[start : start+int(n)], BodyTail{b: v[start+int(n):], named: v[0] == BodyVersion}, nil
}

// skipper walks an encoded value without decoding it. Most numbers in a
// body are one byte long, so uvarint takes that path inline; the first
// error sticks, as with dec.
type skipper struct {
	b     []byte
	i     int
	bad   bool
	named bool // see dec.named
}

func (s *skipper) uvarint() uint64 {
	if i := s.i; i < len(s.b) {
		if c := s.b[i]; c < 0x80 {
			s.i = i + 1
			return uint64(c)
		}
	}
	return s.uvarintSlow()
}

func (s *skipper) uvarintSlow() uint64 {
	v, n := binary.Uvarint(s.b[s.i:])
	if n <= 0 {
		s.fail()
		return 0
	}
	s.i += n
	return v
}

// int reads a zig-zag varint (enc.int).
func (s *skipper) int() int {
	u := s.uvarint()
	return int(int64(u>>1) ^ -int64(u&1))
}

func (s *skipper) skip(n uint64) {
	if n > uint64(len(s.b)-s.i) {
		s.fail()
		return
	}
	s.i += int(n)
}

func (s *skipper) str() { s.skip(s.uvarint()) }

// name skips a string written by enc.name (or enc.str, in an older body).
func (s *skipper) name() {
	if !s.named || s.uvarint() == 0 {
		s.str()
	}
}

func (s *skipper) strs(n int) {
	for range n {
		s.str()
	}
}

func (s *skipper) fail() { s.bad, s.i = true, len(s.b) }

func (s *skipper) ok() bool { return !s.bad }

// count reads a list length, bounded by the bytes left.
func (s *skipper) count() uint64 {
	n := s.uvarint()
	if n > uint64(len(s.b)-s.i) {
		s.fail()
		return 0
	}
	return n
}

// rest is what is left to read.
func (s *skipper) rest() []byte { return s.b[s.i:] }

var errCorruptBody = errors.New("record ends early or has a bad length")

// BodySpans appends the step spans of a body (tail is what follows the raw
// text) to spans, checking each against the raw text's length.
func BodySpans(seq uint64, tail BodyTail, rawLen int, spans []stepwise.Span) ([]stepwise.Span, error) {
	s := skipper{b: tail.b, named: tail.named}
	s.strs(2) // segmenter, correct_by
	// Sections: kind, title, span, step range, labels.
	for n := s.count(); n > 0 && s.ok(); n-- {
		s.name() // kind
		s.str()  // title
		for range 4 {
			s.uvarint()
		}
		s.labels()
	}
	// Steps: kind, role, span, then the rest.
	for n := s.count(); n > 0 && s.ok(); n-- {
		s.name() // kind
		s.name() // role
		sp := stepwise.Span{Start: s.int(), End: s.int()}
		if s.ok() && (sp.Start < 0 || sp.End > rawLen || sp.Start > sp.End) {
			return spans, fmt.Errorf("trace %d: step span %v outside raw text of %d bytes", seq, sp, rawLen)
		}
		spans = append(spans, sp)
		s.stepRest()
	}
	if !s.ok() {
		return spans, damage.Corrupt("trace %d: an unreadable body: %v", seq, errCorruptBody)
	}
	return spans, nil
}

// stepRest skips what follows a step's span: labels, tool, calcs and
// formalizations.
func (s *skipper) stepRest() {
	s.labels()
	if s.byte() == 1 {
		s.strs(4) // tool: call id, name, arguments, error
	}
	for n := s.count(); n > 0 && s.ok(); n-- { // calcs
		s.strs(2)
		s.uvarint()
		s.uvarint()
	}
	for n := s.count(); n > 0 && s.ok(); n-- { // formalizations
		s.strs(8) // statement … toolchain
		for m := s.count(); m > 0 && s.ok(); m-- {
			s.str()
		}
		s.str()   // evidence
		s.skip(8) // elapsed
		s.str()   // cache key
	}
}

func (s *skipper) labels() {
	for n := s.count(); n > 0 && s.ok(); n-- {
		s.byte()    // rating
		s.name()    // scope
		s.name()    // origin
		s.name()    // source
		s.uvarint() // orig index
		s.uvarint() // base
		s.byte()    // first error
		s.name()    // category
		s.str()     // reason
		s.byte()    // flagged
		s.name()    // annotator
		for m := s.count(); m > 0 && s.ok(); m-- {
			s.str()   // text
			s.skip(3) // rating, flagged, human
		}
	}
}

func (s *skipper) byte() byte {
	if s.i >= len(s.b) {
		s.fail()
		return 0
	}
	s.i++
	return s.b[s.i-1]
}

// SummaryProblemID reads the problem id out of an encoded summary without
// decoding the rest (see EncodeSummary: version, id, source id, dataset,
// model, problem id).
func SummaryProblemID(v []byte) []byte {
	s := skipper{b: v}
	s.byte()
	s.strs(4)
	n := s.uvarint()
	if rest := s.rest(); s.ok() && n <= uint64(len(rest)) {
		return rest[:n]
	}
	return nil
}
