package formats

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"unicode/utf8"
	"unsafe"

	"github.com/bytedance/sonic"
)

// unmarshal decodes a record with sonic, which parses JSON several times
// faster than encoding/json (it is what lets an import outrun Python merely
// parsing the same file). When sonic rejects a record, encoding/json decodes
// it again: its errors carry byte offsets that DecodeError turns into line
// numbers, and its verdict is the one we trust.
//
// sonic reads the record in place: decoded strings without escapes share its
// memory (sonic's Unmarshal would first copy the whole record, the largest
// allocation of an import). A record's bytes are never written after it is
// read, which is what makes this safe.
//
// v must be a struct naming every field of its format, with no field that
// holds raw JSON, so that in a record of only known fields sonic reads every
// value rather than skipping it: it does not always check the escapes of a
// value it skips (found by FuzzDecodeProcessBench).
func unmarshal(rec Record, v any) error {
	data := rec.Data
	s := unsafe.String(unsafe.SliceData(data), len(data))
	if plainJSON(data, rec.ValidUTF8) && knownJSON.UnmarshalFromString(s, v) == nil {
		return nil
	}
	if err := lenientJSON.UnmarshalFromString(s, v); err == nil && validEscapes(data) {
		return nil
	}
	return json.Unmarshal(data, v)
}

// plainJSON reports whether data is valid UTF-8 (known to be when validUTF8
// is set) without control bytes. In such a record no string can hold a raw
// control character, so sonic need not look for them (its ValidateString,
// which also re-checks the UTF-8 of the whole record, costs more than this
// scan).
func plainJSON(data []byte, validUTF8 bool) bool {
	const highs, space = 0x8080808080808080, 0x2020202020202020
	i := 0
	for ; i+8 <= len(data); i += 8 {
		x := binary.LittleEndian.Uint64(data[i:])
		// A byte below 0x20 borrows in x-space and has its high bit clear.
		if (x-space)&^x&highs != 0 {
			return false
		}
	}
	for _, c := range data[i:] {
		if c < 0x20 {
			return false
		}
	}
	return validUTF8 || utf8.Valid(data)
}

// validEscapes reports whether every backslash in data starts a JSON escape.
// In JSON that sonic parsed a backslash can only be inside a string, so this
// needs no parse: it jumps from backslash to backslash.
func validEscapes(data []byte) bool {
	for i := 0; ; {
		j := bytes.IndexByte(data[i:], '\\')
		if j < 0 {
			return true
		}
		i += j + 1
		if i >= len(data) {
			return false
		}
		switch data[i] {
		case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			i++
		case 'u':
			if i+5 > len(data) {
				return false
			}
			for _, c := range data[i+1 : i+5] {
				if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
					return false
				}
			}
			i += 5
		default:
			return false
		}
	}
}

// knownJSON fails on a field v does not name, so a record it accepts had no
// value skipped; lenientJSON reads records with extra fields, validating
// strings like encoding/json. Both keep encoding/json's handling of numbers.
var (
	knownJSON   = sonic.Config{DisallowUnknownFields: true}.Froze()
	lenientJSON = sonic.Config{ValidateString: true}.Froze()
)
