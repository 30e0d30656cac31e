package formats

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/stepwise-dev/stepwise"
)

// sourceItem is what an export of a decoded record's own labels sees (as
// the store resolves them with --labels source).
func sourceItem(it Item) *ExportItem {
	x := &ExportItem{Problem: it.Problem, Trace: it.Trace, Labels: make([]StepLabel, len(it.Trace.Steps))}
	for i := range it.Trace.Steps {
		st := &it.Trace.Steps[i]
		r := st.StepRating()
		if r == stepwise.Unlabeled {
			continue
		}
		l := StepLabel{Rating: r, Origin: LabelOriginSource}
		for _, sl := range st.Labels {
			if sl.Flagged != nil && *sl.Flagged {
				l.Hallucinated = true
			}
			if sl.Rating == r && l.ErrorType == "" && l.Note == "" {
				l.ErrorType, l.Note = sl.Category, sl.Reason
			}
		}
		x.Labels[i] = l
	}
	return x
}

// exportDecoded decodes one record with codec c and exports its items with
// writer w; ok is false when the record does not decode.
func exportDecoded(t *testing.T, c Codec, w ExportFormat, data []byte) (out []byte, written int, ok bool) {
	items, err := c.Decode(Record{Data: data, Path: "fuzz.jsonl", Line: 1}, &Options{})
	if err != nil {
		return nil, 0, false
	}
	var buf bytes.Buffer
	exp := w.New(&buf)
	for i := range items {
		if err := finish(&items[i]); err != nil {
			t.Fatalf("finish: %v", err)
		}
		items[i].Trace.Source.Format = c.Name()
		skip, err := exp.Write(sourceItem(items[i]))
		if err != nil {
			t.Fatalf("export: %v", err)
		}
		if skip == "" {
			written++
		}
	}
	if err := exp.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes(), written, true
}

// fuzzExportRoundTrip checks that a format's writer and reader agree: what
// the writer makes of a decoded record reads back, and writing that again
// gives the same bytes (nothing is lost or changed on the second trip).
func fuzzExportRoundTrip(f *testing.F, codec Codec, format string, samples ...string) {
	for _, s := range samples {
		b, err := os.ReadFile(s)
		if err != nil {
			f.Fatal(err)
		}
		for line := range bytes.Lines(b) {
			if l := bytes.TrimSpace(line); len(l) > 0 && l[0] == '{' {
				f.Add(string(l))
			}
		}
	}
	w, err := LookupExport(format)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data string) {
		first, n, ok := exportDecoded(t, codec, w, []byte(data))
		if !ok || n == 0 {
			return
		}
		for line := range bytes.Lines(first) {
			again, m, ok := exportDecoded(t, codec, w, bytes.TrimSpace(line))
			if !ok || m != 1 {
				t.Fatalf("the export %q does not read back (ok %v, %d written)", line, ok, m)
			}
			if !bytes.Equal(again, line) {
				t.Fatalf("a second round trip changed the record:\nfirst  %s\nsecond %s", line, again)
			}
		}
	})
}

var sampleDir = filepath.Join("..", "..", "testdata")

func FuzzExportRoundTripPRMBench(f *testing.F) {
	fuzzExportRoundTrip(f, prmBench{}, "prmbench", filepath.Join(sampleDir, "samples", "prmbench", "prmbench_subset400_sample.jsonl"))
}

func FuzzExportRoundTripPRM800K(f *testing.F) {
	f.Add(`{"labeler":"x","timestamp":"t","generation":3,"question":{"problem":"p","pre_generated_steps":["a","b","# Answer\n\n1"],"ground_truth_answer":"1","pre_generated_answer":1},"label":{"steps":[{"completions":[{"text":"a","rating":1,"flagged":null}],"human_completion":null,"chosen_completion":0},{"completions":[{"text":"z","rating":0},{"text":"b","rating":-1,"flagged":true}],"human_completion":{"text":"h","rating":1,"source":"human","flagged":false},"chosen_completion":null}],"total_time":5,"finish_reason":"found_error"}}`)
	f.Add(`{"labeler":"x","question":{"problem":"p","ground_truth_answer":2},"label":{"steps":[{"completions":[{"text":"a","rating":null},{"text":"b","rating":-1}],"human_completion":{"text":"h","rating":null,"source":"human","flagged":false},"chosen_completion":null},{"completions":[{"text":"c","rating":0}],"chosen_completion":0},{"completions":[{"text":"d","rating":1},{"text":"e","rating":0}],"chosen_completion":null}],"finish_reason":"give_up"}}`)
	fuzzExportRoundTrip(f, prm800k{}, "prm800k",
		filepath.Join(sampleDir, "samples", "prm800k", "prm800k_phase1_train_sample.jsonl"),
		filepath.Join(sampleDir, "samples", "prm800k", "prm800k_phase2_train_sample.jsonl"))
}

func FuzzExportRoundTripMathShepherd(f *testing.F) {
	fuzzExportRoundTrip(f, mathShepherd{}, "math-shepherd", filepath.Join(sampleDir, "constructed", "math_shepherd_card_example.jsonl"))
}

func FuzzExportRoundTripProcessBench(f *testing.F) {
	f.Add(`{"id":"x-1","generator":"m","problem":"p  q","steps":["a","b \\boxed{2}"],"final_answer_correct":true,"label":1}`)
	f.Add(`{"id":"x-2","generator":"m","problem":"p","steps":["a"],"final_answer_correct":null,"label":-1}`)
	fuzzExportRoundTrip(f, processBench{}, "processbench")
}
