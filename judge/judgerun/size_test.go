package judgerun

import (
	"bytes"
	"compress/flate"
	"context"
	"encoding/json"
	"testing"

	"github.com/stepwise-dev/stepwise/judge/judgerun/judgetest"
	"github.com/stepwise-dev/stepwise/store"
)

// TestStoredRunSize measures what one stored run costs against its plain
// JSON, on the longest Sky-T1 trace (153,700 characters, cut to the 60,000
// the prompts show) and on a ProcessBench record. Every stage's prompt
// repeats the trace; the store keeps each paragraph once.
func TestStoredRunSize(t *testing.T) {
	db := testStore(t, "longcot_skyt1/aime24_sky-t1-32b-ckpt140.jsonl", pbFile)
	longest, chars := "", 0
	db.List(store.Filter{Dataset: "sky-t1"}, func(s store.Summary) error {
		if s.Chars > chars {
			longest, chars = s.ID, s.Chars
		}
		return nil
	})
	srv := judgetest.New(judgetest.Script{})
	defer srv.Close()
	r := runner(t, srv)
	for _, id := range []string{longest, "gsm8k-0"} {
		tr, _ := db.Get(id)
		chars = len(tr.Raw)
		s, err := Judge(context.Background(), db, r, nil, id)
		if err != nil {
			t.Fatal(err)
		}
		plain, _ := json.Marshal(s.Analysis)
		runs, _ := db.Runs(s.Analysis.TraceIDs[0])
		stored := runs[0].Bytes
		var z bytes.Buffer
		zw, _ := flate.NewWriter(&z, flate.DefaultCompression)
		zw.Write(plain)
		zw.Close()
		t.Logf("%s (%d chars): JSON %d bytes, deflated JSON %d, stored %d bytes (%.1f%%)",
			s.Analysis.TraceIDs[0], chars, len(plain), z.Len(), stored, 100*float64(stored)/float64(len(plain)))
		if stored*3 > len(plain) {
			t.Errorf("stored %d bytes of %d", stored, len(plain))
		}
	}
}
