package store

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/stepwise-dev/stepwise"
	"github.com/stepwise-dev/stepwise/store/formats"
)

// constructed holds fixtures built from real records or documentation
// (testdata/NOTICE says which).
var constructed = filepath.Join("..", "testdata", "constructed")

// roundTrip describes one format whose export must give back its source
// records: import → export --format F → compare with the source file, field
// by field.
type roundTrip struct {
	format string
	// files are every bundled sample of the format.
	files []string
	// key identifies a record, so that an exported record is compared with
	// the source record it came from.
	key func(rec map[string]any) string
	// labelFields are the fields (paths, [] for any index) that a changed
	// label may alter; every other field must come back as it was.
	labelFields []string
	// label records a human label on trace tr that differs from the
	// source's, and check says whether an exported record carries it.
	label func(tr *stepwise.Trace) stepwise.Annotation
	check func(rec map[string]any) error
}

func roundTrips() []roundTrip {
	return []roundTrip{
		{
			format: "processbench",
			files: []string{
				filepath.Join(samples, "processbench", "gsm8k_0-99_and_200-299.json"),
				filepath.Join(samples, "processbench", "math_0-49_and_500-549.json"),
				filepath.Join(samples, "processbench", "olympiadbench_0-24_and_501-525.json"),
				filepath.Join(samples, "processbench", "omnimath_0-24_and_500-524.json"),
			},
			key:         func(r map[string]any) string { return fmt.Sprint(r["id"]) },
			labelFields: []string{"label"},
			label: func(tr *stepwise.Trace) stepwise.Annotation {
				// The earliest error moved to the last step.
				return stepwise.Annotation{TraceID: tr.ID, Step: len(tr.Steps) - 1, FirstError: true}
			},
			check: func(r map[string]any) error {
				if n := len(r["steps"].([]any)); r["label"] != float64(n-1) {
					return fmt.Errorf("label %v, want the human's %d", r["label"], n-1)
				}
				return nil
			},
		},
		{
			format: "prmbench",
			files:  []string{filepath.Join(samples, "prmbench", "prmbench_subset400_sample.jsonl")},
			// idx repeats once per error class.
			key: func(r map[string]any) string { return fmt.Sprint(r["idx"], "/", r["classification"]) },
			// error_types is stepwise's own (a type per error step), written
			// only when a person changed the labels; reason is then the
			// notes of the wrong steps.
			labelFields: []string{"error_steps", "error_types", "reason"},
			label: func(tr *stepwise.Trace) stepwise.Annotation {
				return stepwise.Annotation{TraceID: tr.ID, Step: 0, Rating: stepwise.Bad, ErrorType: "misread", Note: "reads 5 as 6"}
			},
			check: func(r map[string]any) error {
				es, _ := r["error_steps"].([]any)
				if len(es) == 0 || es[0] != 1.0 || r["reason"] == nil || !strings.Contains(r["reason"].(string), "reads 5 as 6") {
					return fmt.Errorf("error_steps %v reason %q, want step 1 with the human's note", es, r["reason"])
				}
				return nil
			},
		},
		{
			format: "prm800k",
			files: []string{
				filepath.Join(samples, "prm800k", "prm800k_phase1_train_sample.jsonl"),
				filepath.Join(samples, "prm800k", "prm800k_phase2_train_sample.jsonl"),
				filepath.Join(constructed, "prm800k_phase2_pretty_concatenated.json"),
			},
			// Not labeler@timestamp: a person's label replaces them.
			key: func(r map[string]any) string {
				q := r["question"].(map[string]any)
				steps, _ := json.Marshal(q["pre_generated_steps"])
				return fmt.Sprint(q["problem"], "\x00", string(steps))
			},
			// Who labeled, when and for how long describe the labeling, which
			// a person's label replaces; label.steps carries the ratings.
			labelFields: []string{"labeler", "timestamp", "label"},
			label: func(tr *stepwise.Trace) stepwise.Annotation {
				return stepwise.Annotation{TraceID: tr.ID, Step: 0, Rating: stepwise.Neutral}
			},
			check: func(r map[string]any) error {
				c := r["label"].(map[string]any)["steps"].([]any)[0].(map[string]any)["completions"].([]any)
				if got := c[0].(map[string]any)["rating"]; got != 0.0 {
					return fmt.Errorf("step 0 rating %v, want the human's 0", got)
				}
				return nil
			},
		},
		{
			format:      "math-shepherd",
			files:       []string{filepath.Join(constructed, "math_shepherd_card_example.jsonl")},
			key:         func(r map[string]any) string { return fmt.Sprint(r["input"]) },
			labelFields: []string{"label"},
			label: func(tr *stepwise.Trace) stepwise.Annotation {
				return stepwise.Annotation{TraceID: tr.ID, Step: 0, Rating: stepwise.Bad}
			},
			check: func(r map[string]any) error {
				if l := r["label"].(string); !strings.Contains(l, "Step 1:") || strings.Count(l[:strings.Index(l, "Step 2:")], " -\n") != 1 {
					return fmt.Errorf("label %q: step 1 is not marked -", l)
				}
				return nil
			},
		},
	}
}

// allSampleFiles lists every bundled sample and every fixture the round
// trips read, so that their problems meet those of other datasets (problems
// are shared by the hash of their normalized text).
func allSampleFiles(t *testing.T) []string {
	t.Helper()
	var files []string
	err := filepath.WalkDir(samples, func(path string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			files = append(files, path)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, rt := range roundTrips() {
		for _, f := range rt.files {
			if !slices.Contains(files, f) {
				files = append(files, f)
			}
		}
	}
	sort.Strings(files)
	return files
}

// TestRoundTripsAreFaithful imports every bundled sample — in file order and
// reversed, so that each problem's stored text comes from a different
// dataset — and checks that exporting each format gives back every source
// record of it, field by field.
func TestRoundTripsAreFaithful(t *testing.T) {
	files := allSampleFiles(t)
	for _, order := range []string{"forward", "reverse"} {
		t.Run(order, func(t *testing.T) {
			db := openTemp(t)
			paths := slices.Clone(files)
			if order == "reverse" {
				slices.Reverse(paths)
			}
			importOK(t, db, paths...)
			for _, rt := range roundTrips() {
				t.Run(rt.format, func(t *testing.T) {
					got := exportRecords(t, db, rt.format)
					n := 0
					for _, f := range rt.files {
						for _, src := range sourceRecords(t, f) {
							n++
							k := rt.key(src)
							out, ok := got[k]
							if !ok {
								t.Errorf("%s: record %s was not exported", f, k)
								continue
							}
							for _, d := range jsonDiff("", src, out) {
								t.Errorf("%s: record %s: %s", filepath.Base(f), k, d)
							}
						}
					}
					if n == 0 {
						t.Fatal("no source records")
					}
					t.Logf("%d source records, %d exported", n, len(got))
				})
			}
		})
	}
}

// TestRoundTripChangesOnlyLabels labels, by hand and differently from the
// source, the first stored trace of each sample file of each format (PRM800K:
// a phase-1 and a phase-2 record), and checks that those records alone
// differ from their source records, in label fields only.
func TestRoundTripChangesOnlyLabels(t *testing.T) {
	db := openTemp(t)
	importOK(t, db, allSampleFiles(t)...)
	for _, rt := range roundTrips() {
		t.Run(rt.format, func(t *testing.T) {
			seen := map[string]bool{}
			var labeled []*stepwise.Trace
			db.List(Filter{Format: rt.format}, func(s Summary) error {
				if !seen[s.Source.Path] {
					seen[s.Source.Path] = true
					tr, err := db.GetSeq(s.Seq)
					if err != nil {
						t.Fatal(err)
					}
					labeled = append(labeled, tr)
				}
				return nil
			})
			if len(labeled) == 0 {
				t.Fatal("no trace")
			}
			for _, tr := range labeled {
				ev := rt.label(tr)
				ev.Annotator = "ana"
				if _, err := db.Annotate(ev); err != nil {
					t.Fatal(err)
				}
			}
			got := exportRecords(t, db, rt.format)
			changed := map[string]bool{}
			for _, f := range rt.files {
				for _, src := range sourceRecords(t, f) {
					k := rt.key(src)
					out, ok := got[k]
					if !ok {
						t.Errorf("record %s was not exported", k)
						continue
					}
					diffs := jsonDiff("", src, out)
					if len(diffs) == 0 {
						continue
					}
					changed[k] = true
					for _, d := range diffs {
						if !isLabelField(d, rt.labelFields) {
							t.Errorf("record %s: a field other than a label changed: %s", k, d)
						} else {
							t.Logf("record %.40q: %s", k, d)
						}
					}
					if err := rt.check(out); err != nil {
						t.Errorf("record %s: %v", k, err)
					}
				}
			}
			if len(changed) != len(labeled) {
				t.Fatalf("%d records changed, want the %d labeled", len(changed), len(labeled))
			}
			t.Logf("%d traces labeled, their records changed in label fields only", len(labeled))
		})
	}
}

var errStop = errors.New("stop")

// isLabelField reports whether a difference (path: ...) is in a label field.
func isLabelField(diff string, fields []string) bool {
	path, _, _ := strings.Cut(diff, ":")
	path = anyIndex(path)
	for _, f := range fields {
		if path == f || strings.HasPrefix(path, f+".") || strings.HasPrefix(path, f+"[") {
			return true
		}
	}
	return false
}

// anyIndex writes every array index of a path as [].
func anyIndex(path string) string {
	var b strings.Builder
	in := false
	for _, r := range path {
		switch {
		case r == '[':
			in = true
			b.WriteString("[]")
		case r == ']':
			in = false
		case !in:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// exportRecords exports the traces read by the format's own codec and
// returns the records by key.
func exportRecords(t *testing.T, db *DB, format string) map[string]map[string]any {
	t.Helper()
	var buf bytes.Buffer
	rep, err := db.Export(context.Background(), &buf, ExportOptions{Format: format, Filter: Filter{Format: format}})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Skipped) > 0 {
		t.Errorf("export skipped records: %v", rep.Skipped)
	}
	out := map[string]map[string]any{}
	key := map[string]func(map[string]any) string{}
	for _, rt := range roundTrips() {
		key[rt.format] = rt.key
	}
	for line := range bytes.Lines(buf.Bytes()) {
		var m map[string]any
		if err := json.Unmarshal(line, &m); err != nil {
			t.Fatalf("exported line %q: %v", line, err)
		}
		k := key[format](m)
		if _, dup := out[k]; dup {
			t.Errorf("two exported records have key %s", k)
		}
		out[k] = m
	}
	return out
}

// sourceRecords reads every record of a sample file as parsed JSON.
func sourceRecords(t *testing.T, path string) []map[string]any {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rr, err := formats.NewRecordReader(f, path)
	if err != nil {
		t.Fatal(err)
	}
	var out []map[string]any
	for {
		rec, err := rr.Next()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]any
		if err := json.Unmarshal(rec.Data, &m); err != nil {
			t.Fatalf("%s:%d: %v", path, rec.Line, err)
		}
		out = append(out, m)
	}
}

// jsonDiff lists where two parsed JSON values differ: "path: want X, got Y"
// (a missing or extra field included).
func jsonDiff(path string, want, got any) []string {
	show := func(v any) string {
		b, _ := json.Marshal(v)
		if len(b) > 120 {
			b = append(b[:117], "..."...)
		}
		return string(b)
	}
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			break
		}
		var out []string
		keys := make([]string, 0, len(w)+len(g))
		for k := range w {
			keys = append(keys, k)
		}
		for k := range g {
			if _, ok := w[k]; !ok {
				keys = append(keys, k)
			}
		}
		sort.Strings(keys)
		for _, k := range keys {
			p := k
			if path != "" {
				p = path + "." + k
			}
			wv, inW := w[k]
			gv, inG := g[k]
			switch {
			case !inG:
				out = append(out, fmt.Sprintf("%s: missing from the export (source %s)", p, show(wv)))
			case !inW:
				out = append(out, fmt.Sprintf("%s: not in the source (export %s)", p, show(gv)))
			default:
				out = append(out, jsonDiff(p, wv, gv)...)
			}
		}
		return out
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) != len(w) {
			break
		}
		var out []string
		for i := range w {
			out = append(out, jsonDiff(fmt.Sprintf("%s[%d]", path, i), w[i], g[i])...)
		}
		return out
	}
	if reflect.DeepEqual(want, got) {
		return nil
	}
	return []string{fmt.Sprintf("%s: source %s, export %s", path, show(want), show(got))}
}
