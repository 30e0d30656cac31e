package formats

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stepwise-dev/stepwise"
)

// Short names for ratings in expected-value tables.
const (
	rGood = stepwise.Good
	rNeut = stepwise.Neutral
	rBad  = stepwise.Bad
	rUnl  = stepwise.Unlabeled
)

// traceRatingList is each step's source verdict, in order.
func traceRatingList(tr *stepwise.Trace) []stepwise.Rating {
	out := make([]stepwise.Rating, len(tr.Steps))
	for i := range tr.Steps {
		out[i] = tr.Steps[i].StepRating()
	}
	return out
}

// constructed is a fixture this project wrote (see testdata/NOTICE).
func constructed(name string) string {
	return filepath.Join("..", "..", "testdata", "constructed", name)
}

// fuzzCodecDecode feeds arbitrary bytes to a codec as one record and finishes
// the items. Decoding may fail, but must not panic, and finish must accept
// whatever Decode returns (a span that does not match its text is a bug).
func fuzzCodecDecode(f *testing.F, c Codec, opts *Options) {
	f.Fuzz(func(t *testing.T, data string) {
		rec := Record{Data: []byte(data), Path: "fuzz/test/algebra/1.json", Line: 1}
		items, err := c.Decode(rec, opts)
		if err != nil {
			return
		}
		for i := range items {
			if err := finish(&items[i]); err != nil {
				t.Fatalf("finish: %v", err)
			}
		}
	})
}

// seedFile adds a sample file's bytes to a fuzz corpus (whole-file formats).
func seedFile(f *testing.F, path string) {
	b, err := os.ReadFile(path)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(string(b))
}

// jsonQuote writes s as a JSON string.
func jsonQuote(s string) string {
	b, err := json.Marshal(s)
	if err != nil {
		panic(err)
	}
	return string(b)
}
