package formats

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
)

// metaJSONKeys lists the Meta keys whose value is JSON text rather than a
// string of the source (see metaScalar).
const metaJSONKeys = "json_fields"

// metaScalar keeps a field of a record in Meta, for display and for an
// export that gives the record back: a JSON string as its text; any other
// value (a number, a bool, a list) as its JSON text, with the key listed in
// Meta[metaJSONKeys] so that the export writes it back with its type. An
// absent or null field sets nothing.
func metaScalar(m map[string]string, key string, raw json.RawMessage) {
	if len(raw) == 0 || string(raw) == "null" {
		return
	}
	var s string
	if raw[0] == '"' && json.Unmarshal(raw, &s) == nil {
		m[key] = s
		return
	}
	m[key] = string(raw)
	keys := strings.Split(m[metaJSONKeys], ",")
	if m[metaJSONKeys] == "" {
		keys = nil
	}
	if !slices.Contains(keys, key) {
		keys = append(keys, key)
		slices.Sort(keys)
		m[metaJSONKeys] = strings.Join(keys, ",")
	}
}

// metaValue returns the JSON value of a field kept by metaScalar, nil when
// the record had none.
func metaValue(m map[string]string, key string) json.RawMessage {
	v, ok := m[key]
	if !ok {
		return nil
	}
	if slices.Contains(strings.Split(m[metaJSONKeys], ","), key) && json.Valid([]byte(v)) {
		return json.RawMessage(v)
	}
	return jsonString(v)
}

// jsonString is s as a JSON string, without HTML escaping (trace text is
// full of < and >).
func jsonString(s string) json.RawMessage {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.Encode(s) // a string always encodes
	return bytes.TrimSuffix(b.Bytes(), []byte("\n"))
}
