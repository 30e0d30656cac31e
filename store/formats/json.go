package formats

import (
	"encoding/json"

	"github.com/bytedance/sonic"
)

// unmarshal decodes a record with sonic, which parses JSON several times
// faster than encoding/json (it is what lets an import outrun Python merely
// parsing the same file). When sonic rejects a record, encoding/json decodes
// it again: its errors carry byte offsets that DecodeError turns into line
// numbers, and its verdict is the one we trust.
func unmarshal(data []byte, v any) error {
	if err := fastJSON.Unmarshal(data, v); err == nil {
		return nil
	}
	return json.Unmarshal(data, v)
}

// fastJSON validates strings like encoding/json (invalid UTF-8 is caught
// before decoding anyway) and keeps encoding/json's handling of numbers.
var fastJSON = sonic.Config{ValidateString: true}.Froze()
