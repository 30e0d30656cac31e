package analytics

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/big"
	"sort"
)

// A structural diff of two JSON values, for the arguments of consecutive
// tool calls. It is written here rather than taken from a library because
// what is needed is small and specific: key-level changes with the old and
// new values side by side (RFC 6902 patch libraries give operations
// without the old value unless asked, and would be the project's first
// dependency for some sixty lines).

// Change is one difference between two JSON values: at Path (dotted keys
// and [i] indexes; "" is the whole value), Kind is "added", "removed" or
// "changed"; Old and New are compact JSON (absent on the side that has
// none).
type Change struct {
	Path string          `json:"path"`
	Kind string          `json:"kind"`
	Old  json.RawMessage `json:"old,omitempty"`
	New  json.RawMessage `json:"new,omitempty"`
}

// DiffJSON compares two JSON texts. Objects are compared key by key
// (sorted), arrays of equal length element by element, anything else as a
// whole; numbers are equal when their values are (15 and 15.0). Text that
// is not JSON is compared as a string. A JSON string that itself holds
// JSON (arguments encoded twice, as OpenAI sends them) is read once more.
func DiffJSON(a, b string) []Change {
	var out []Change
	diffValues("", decodeArgs(a), decodeArgs(b), &out)
	return out
}

// decodeArgs reads arguments text into a value.
func decodeArgs(s string) any {
	v, ok := decodeJSON(s)
	if !ok {
		return s
	}
	if inner, isString := v.(string); isString {
		if w, ok := decodeJSON(inner); ok {
			if _, isObj := w.(map[string]any); isObj {
				return w
			}
		}
	}
	return v
}

func decodeJSON(s string) (any, bool) {
	d := json.NewDecoder(bytes.NewReader([]byte(s)))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil || d.More() {
		return nil, false
	}
	return v, true
}

func diffValues(path string, a, b any, out *[]Change) {
	switch x := a.(type) {
	case map[string]any:
		if y, ok := b.(map[string]any); ok {
			diffObjects(path, x, y, out)
			return
		}
	case []any:
		if y, ok := b.([]any); ok && len(x) == len(y) {
			for i := range x {
				diffValues(fmt.Sprintf("%s[%d]", path, i), x[i], y[i], out)
			}
			return
		}
	}
	if !sameScalar(a, b) {
		*out = append(*out, Change{Path: path, Kind: "changed", Old: compact(a), New: compact(b)})
	}
}

func diffObjects(path string, a, b map[string]any, out *[]Change) {
	keys := map[string]bool{}
	for k := range a {
		keys[k] = true
	}
	for k := range b {
		keys[k] = true
	}
	sorted := make([]string, 0, len(keys))
	for k := range keys {
		sorted = append(sorted, k)
	}
	sort.Strings(sorted)
	for _, k := range sorted {
		p := k
		if path != "" {
			p = path + "." + k
		}
		va, inA := a[k]
		vb, inB := b[k]
		switch {
		case !inA:
			*out = append(*out, Change{Path: p, Kind: "added", New: compact(vb)})
		case !inB:
			*out = append(*out, Change{Path: p, Kind: "removed", Old: compact(va)})
		default:
			diffValues(p, va, vb, out)
		}
	}
}

// sameScalar compares two values that are not both objects or equal-length
// arrays: numbers by value, the rest by their JSON.
func sameScalar(a, b any) bool {
	if x, ok := a.(json.Number); ok {
		if y, ok := b.(json.Number); ok {
			fx, okx := new(big.Float).SetString(string(x))
			fy, oky := new(big.Float).SetString(string(y))
			if okx && oky {
				return fx.Cmp(fy) == 0
			}
		}
	}
	return bytes.Equal(compact(a), compact(b))
}

func compact(v any) json.RawMessage {
	var buf bytes.Buffer
	e := json.NewEncoder(&buf)
	e.SetEscapeHTML(false)
	if err := e.Encode(v); err != nil {
		return json.RawMessage(`null`)
	}
	return json.RawMessage(bytes.TrimRight(buf.Bytes(), "\n"))
}

// DiffLines writes changes one a line: "+ path: new", "- path: old",
// "~ path: old → new" (raw text: a view neutralizes it).
func DiffLines(cs []Change) []string {
	out := make([]string, 0, len(cs))
	for _, c := range cs {
		p := c.Path
		if p == "" {
			p = "(arguments)"
		}
		switch c.Kind {
		case "added":
			out = append(out, fmt.Sprintf("+ %s: %s", p, c.New))
		case "removed":
			out = append(out, fmt.Sprintf("- %s: %s", p, c.Old))
		default:
			out = append(out, fmt.Sprintf("~ %s: %s → %s", p, c.Old, c.New))
		}
	}
	return out
}
