package formats

import (
	"bytes"
	"encoding/json"
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
// sonic does not always check the escapes of a value it skips (one in a
// field the codec ignores; found by FuzzDecodeProcessBench), so a record it
// accepts must also pass validEscapes, or encoding/json decides.
func unmarshal(data []byte, v any) error {
	if err := fastJSON.UnmarshalFromString(unsafe.String(unsafe.SliceData(data), len(data)), v); err == nil && validEscapes(data) {
		return nil
	}
	return json.Unmarshal(data, v)
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

// fastJSON validates strings like encoding/json (invalid UTF-8 is caught
// before decoding anyway) and keeps encoding/json's handling of numbers.
var fastJSON = sonic.Config{ValidateString: true}.Froze()
