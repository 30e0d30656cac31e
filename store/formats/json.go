package formats

import (
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
func unmarshal(data []byte, v any) error {
	if err := fastJSON.UnmarshalFromString(unsafe.String(unsafe.SliceData(data), len(data)), v); err == nil {
		return nil
	}
	return json.Unmarshal(data, v)
}

// fastJSON validates strings like encoding/json (invalid UTF-8 is caught
// before decoding anyway) and keeps encoding/json's handling of numbers.
var fastJSON = sonic.Config{ValidateString: true}.Froze()
