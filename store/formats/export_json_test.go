package formats

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"
)

// FuzzLineJSON: export records are encoded with sonic; for any text —
// control characters, quotes, invalid UTF-8, U+2028, HTML — a record must be
// one line of valid JSON that reads back as what encoding/json writes for
// it reads back.
func FuzzLineJSON(f *testing.F) {
	for _, s := range []string{"plain", "a\"b\\c\n\t\x00\x1f", "<b>&amp;</b>", "\xff\xfe bad", "line\u2028sep\u2029", "π ≈ 3.14 😀"} {
		f.Add(s, 3)
	}
	f.Fuzz(func(t *testing.T, s string, n int) {
		type rec struct {
			Text  string            `json:"text"`
			N     int               `json:"n"`
			Tags  map[string]string `json:"tags"`
			Steps []string          `json:"steps"`
		}
		v := rec{Text: s, N: n, Tags: map[string]string{s: s, "b": "x", "a": s}, Steps: []string{s, ""}}
		var buf bytes.Buffer
		w := newJSONL(&buf)
		if err := w.put(v); err != nil {
			t.Fatal(err)
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		line := buf.Bytes()
		if bytes.Count(line, []byte("\n")) != 1 || line[len(line)-1] != '\n' || !json.Valid(line) {
			t.Fatalf("not one line of JSON: %q", line)
		}
		ref, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		var got, want rec
		if err := json.Unmarshal(line, &got); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(ref, &want); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("reads back as %q, encoding/json's as %q", got.Text, want.Text)
		}
	})
}
