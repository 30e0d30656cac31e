package formats

import (
	"testing"
	"unicode/utf8"
)

// plainReference is plainJSON byte by byte: valid UTF-8, no byte below 0x20.
func plainReference(data []byte) bool {
	for _, c := range data {
		if c < 0x20 {
			return false
		}
	}
	return utf8.Valid(data)
}

// TestPlainJSON puts every byte value at every offset of a word-sized scan,
// where a borrow from a neighbouring byte could hide it or fake it.
func TestPlainJSON(t *testing.T) {
	base := []byte(`{"steps":["a \\frac{1}{2}","é"],"label":-1}`)
	for c := 0; c < 256; c++ {
		for at := range base {
			data := append([]byte(nil), base...)
			data[at] = byte(c)
			if got, want := plainJSON(data, false), plainReference(data); got != want {
				t.Fatalf("byte 0x%02x at %d: plainJSON %v, want %v", c, at, got, want)
			}
		}
	}
}

func FuzzPlainJSON(f *testing.F) {
	f.Add([]byte("{\"a\":\"\x1f\"}"))
	f.Add([]byte("\x20\x20\x20\x20\x20\x20\x20\x00\x21"))
	f.Fuzz(func(t *testing.T, data []byte) {
		if got, want := plainJSON(data, false), plainReference(data); got != want {
			t.Fatalf("%q: plainJSON %v, want %v", data, got, want)
		}
	})
}
