package store

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"

	"github.com/stepwise-dev/stepwise"
	"github.com/stepwise-dev/stepwise/store/formats"
)

var (
	prm800kPhase2 = filepath.Join(samples, "prm800k", "prm800k_phase2_train_sample.jsonl")
	prmBenchFile  = filepath.Join(samples, "prmbench", "prmbench_subset400_sample.jsonl")
)

// exportStore holds ProcessBench GSM8K (200), PRM800K phase 2 (6) and
// PRMBench (198) samples, with some human labels by ana that differ from
// the sources.
func exportStore(t *testing.T) *DB {
	t.Helper()
	db := openTemp(t)
	importOK(t, db, gsm8kPB, prm800kPhase2, prmBenchFile)
	var prm, bench string
	db.List(Filter{Dataset: "prm800k"}, func(s Summary) error {
		if prm == "" {
			prm = s.ID
		}
		return nil
	})
	db.List(Filter{Dataset: "prmbench"}, func(s Summary) error {
		if bench == "" {
			bench = s.ID
		}
		return nil
	})
	evs := []stepwise.Annotation{
		// Source: gsm8k-0 first error at 1; ana says 2 (calculation).
		{Annotator: "ana", TraceID: "gsm8k-0", Step: 2, FirstError: true, ErrorType: "calculation", Note: "off by one"},
		// gsm8k-1: ana marks step 3 bad and hallucinated (after the source's error at 1).
		{Annotator: "ana", TraceID: "gsm8k-1", Step: 3, Rating: stepwise.Bad, Hallucinated: true, ErrorType: "unsupported claim"},
		{Annotator: "ana", TraceID: prm, Step: 0, Rating: stepwise.Neutral},
		{Annotator: "ana", TraceID: bench, Step: 0, Rating: stepwise.Bad, ErrorType: "misread question", Note: "reads 5 as 6"},
	}
	if _, err := db.AnnotateMany(evs); err != nil {
		t.Fatal(err)
	}
	return db
}

// expected is a step's label as the test computes it, independently of the
// export code: ana's current label where she has one, else the source's.
type expected struct {
	rating    stepwise.Rating
	halluc    bool
	errorType string
}

type origTrace struct {
	id     string
	labels []expected
}

func expectedLabels(t *testing.T, db *DB, mode LabelMode) map[string][]origTrace {
	t.Helper()
	byKey := map[string][]origTrace{}
	db.List(Filter{}, func(s Summary) error {
		tr, err := db.GetSeq(s.Seq)
		if err != nil {
			t.Fatal(err)
		}
		p, _ := db.Problem(tr.ProblemID)
		marks, _ := db.Marks(tr.ID)
		ot := origTrace{id: tr.ID, labels: make([]expected, len(tr.Steps))}
		for i := range tr.Steps {
			if m := marks["ana"]; m != nil && mode != LabelsSource {
				if sm, ok := m.Steps[i]; ok {
					ot.labels[i] = expected{sm.Rating, sm.Hallucinated, sm.ErrorType}
					continue
				}
			}
			if mode == LabelsHuman {
				continue
			}
			e := expected{rating: tr.Steps[i].StepRating()}
			for _, l := range tr.Steps[i].Labels {
				e.halluc = e.halluc || (l.Flagged != nil && *l.Flagged)
				if l.Rating == stepwise.Bad && e.errorType == "" {
					e.errorType = l.Category
				}
			}
			ot.labels[i] = e
		}
		// Index by every prefix: TRL and Math-Shepherd carry a prefix.
		key := strings.TrimSpace(p.Text)
		for i := range tr.Steps {
			key += "\x00" + strings.TrimSpace(tr.Steps[i].Text)
			byKey[key] = append(byKey[key], ot)
		}
		return nil
	})
	return byKey
}

// reimport imports an exported file into a fresh store and pairs each
// trace with the original it came from (by problem and step texts).
func reimport(t *testing.T, path string, byKey map[string][]origTrace) (pairs [][2]any) {
	t.Helper()
	db := openTemp(t)
	importOK(t, db, path)
	db.List(Filter{}, func(s Summary) error {
		tr, _ := db.GetSeq(s.Seq)
		p, _ := db.Problem(tr.ProblemID)
		key := strings.TrimSpace(p.Text)
		for i := range tr.Steps {
			key += "\x00" + strings.TrimSpace(tr.Steps[i].Text)
		}
		cands := byKey[key]
		if len(cands) != 1 {
			return nil // ambiguous (PRMBench repeats solutions): not compared
		}
		pairs = append(pairs, [2]any{tr, cands[0]})
		return nil
	})
	return pairs
}

func exportTo(t *testing.T, db *DB, opts ExportOptions) (string, *ExportReport) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "out."+opts.Format+".jsonl")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := db.Export(context.Background(), f, opts)
	if err != nil {
		t.Fatalf("export %s: %v", opts.Format, err)
	}
	f.Close()
	return path, rep
}

func TestExportRoundTrips(t *testing.T) {
	db := exportStore(t)
	byKey := expectedLabels(t, db, LabelsMerged)
	for _, tc := range []struct {
		format string
		check  func(t *testing.T, got *stepwise.Trace, want origTrace)
	}{
		{"processbench", func(t *testing.T, got *stepwise.Trace, want origTrace) {
			fe := -1
			for i, e := range want.labels {
				if e.rating == stepwise.Bad {
					fe = i
					break
				}
			}
			if g := got.FirstError(); g == nil || *g != fe {
				t.Errorf("%s: first error %v, want %d", want.id, g, fe)
			}
		}},
		{"prm800k", func(t *testing.T, got *stepwise.Trace, want origTrace) {
			last := -1
			for i, e := range want.labels {
				if e.rating != stepwise.Unlabeled {
					last = i
				}
			}
			for i, e := range want.labels {
				r := got.Steps[i].StepRating()
				if i > last {
					e = expected{}
				}
				fl := got.Steps[i].Labels[0].Flagged
				if r != e.rating || (fl != nil && *fl) != e.halluc {
					t.Errorf("%s step %d: %v halluc %v, want %+v", want.id, i, r, fl, e)
				}
			}
		}},
		{"prmbench", func(t *testing.T, got *stepwise.Trace, want origTrace) {
			first := true
			for i, e := range want.labels {
				l := got.Steps[i].Labels[0]
				if (l.Rating == stepwise.Bad) != (e.rating == stepwise.Bad) {
					t.Errorf("%s step %d: %v, want %v", want.id, i, l.Rating, e.rating)
				}
				if e.rating == stepwise.Bad && first {
					first = false
					if l.Category != e.errorType {
						t.Errorf("%s step %d: classification %q, want %q", want.id, i, l.Category, e.errorType)
					}
				}
			}
		}},
		{"trl", checkPrefix},
		{"math-shepherd", checkPrefix},
		{"steps-jsonl", func(t *testing.T, got *stepwise.Trace, want origTrace) {
			for i, e := range want.labels {
				g := expected{rating: got.Steps[i].StepRating()}
				if len(got.Steps[i].Labels) > 0 {
					l := got.Steps[i].Labels[0]
					g.halluc, g.errorType = l.Flagged != nil && *l.Flagged, l.Category
				}
				if e.rating == stepwise.Unlabeled {
					e = expected{}
				}
				if g != e {
					t.Errorf("%s step %d: %+v, want %+v", want.id, i, g, e)
				}
			}
		}},
	} {
		t.Run(tc.format, func(t *testing.T) {
			path, rep := exportTo(t, db, ExportOptions{Format: tc.format})
			if rep.Written == 0 || rep.Traces != 404 {
				t.Fatalf("report %+v", rep)
			}
			pairs := reimport(t, path, byKey)
			if tc.format != "steps-jsonl" && len(pairs) < rep.Written/2 {
				t.Fatalf("only %d of %d written traces matched an original", len(pairs), rep.Written)
			}
			t.Logf("%s: %d traces written, %d compared, skipped %v", tc.format, rep.Written, len(pairs), rep.Skipped)
			for _, p := range pairs {
				tc.check(t, p[0].(*stepwise.Trace), p[1].(origTrace))
			}
		})
	}
}

// checkPrefix: TRL and Math-Shepherd carry the labeled prefix, true/+ for
// any step not labeled bad.
func checkPrefix(t *testing.T, got *stepwise.Trace, want origTrace) {
	n := 0
	for n < len(want.labels) && want.labels[n].rating != stepwise.Unlabeled {
		n++
	}
	if len(got.Steps) != n {
		t.Errorf("%s: %d steps, want the labeled prefix of %d", want.id, len(got.Steps), n)
		return
	}
	for i := range n {
		if (got.Steps[i].StepRating() == stepwise.Bad) != (want.labels[i].rating == stepwise.Bad) {
			t.Errorf("%s step %d: %v, want %v", want.id, i, got.Steps[i].StepRating(), want.labels[i].rating)
		}
	}
}

func TestExportHumanLabels(t *testing.T) {
	db := exportStore(t)
	// Human only: the four traces ana labeled; gsm8k-0 by her mark at 2.
	path, rep := exportTo(t, db, ExportOptions{Format: "processbench", Labels: LabelsHuman})
	if rep.Traces != 4 {
		t.Fatalf("human export considered %d traces, want ana's 4: %+v", rep.Traces, rep)
	}
	recs := readJSONL(t, path)
	// gsm8k-0 (mark at 2: 0,1 good, 2 bad) and the PRMBench trace (step 0
	// bad) have a known first error; gsm8k-1 (only step 3) and the PRM800K
	// trace (only step 0 neutral) do not.
	if len(recs) != 2 || recs[0]["id"] != "gsm8k-0" || recs[0]["label"] != 2.0 || recs[1]["label"] != 0.0 {
		t.Fatalf("records %v", recs)
	}
	// Source only ignores ana: gsm8k-0 back at 1.
	path, _ = exportTo(t, db, ExportOptions{Format: "processbench", Labels: LabelsSource,
		Filter: Filter{Dataset: "processbench", Limit: 1}})
	recs = readJSONL(t, path)
	if len(recs) != 1 || recs[0]["label"] != 1.0 {
		t.Fatalf("source records %v", recs)
	}
	// A date range before ana's events leaves human labels out.
	_, rep = exportTo(t, db, ExportOptions{Format: "steps-jsonl", Labels: LabelsHuman, LabeledOnly: true,
		Until: time.Now().Add(-time.Hour)})
	if rep.Written != 0 {
		t.Fatalf("events before the range: %+v", rep)
	}
	_, rep = exportTo(t, db, ExportOptions{Format: "steps-jsonl", Labels: LabelsHuman, Annotator: "bo"})
	if rep.Traces != 0 {
		t.Fatalf("annotator bo has no events: %+v", rep)
	}
}

func readJSONL(t *testing.T, path string) []map[string]any {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out []map[string]any
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(nil, 1<<24)
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		out = append(out, m)
	}
	return out
}

func TestExportAnnotationsRoundTrip(t *testing.T) {
	db := exportStore(t)
	if _, err := db.Undo("processbench/gsm8k:gsm8k-1", "ana", 0); err != nil {
		t.Fatal(err)
	}
	path, rep := exportTo(t, db, ExportOptions{Format: FormatAnnotations})
	if rep.Written != 5 {
		t.Fatalf("wrote %d events, want 5", rep.Written)
	}
	dst := openTemp(t)
	importOK(t, dst, gsm8kPB, prm800kPhase2, prmBenchFile)
	f, _ := os.Open(path)
	defer f.Close()
	mrep, err := dst.MergeEvents(context.Background(), f, path, MergeOptions{})
	if err != nil || mrep.Added != 5 {
		t.Fatalf("merge %+v %v", mrep, err)
	}
	db.List(Filter{}, func(s Summary) error {
		a, _ := db.Marks(s.ID)
		b, _ := dst.Marks(s.ID)
		if len(a) != len(b) {
			t.Fatalf("%s: %d vs %d annotators", s.ID, len(a), len(b))
		}
		for who, m := range a {
			ga, _ := json.Marshal(m.Steps)
			gb, _ := json.Marshal(b[who].Steps)
			// Event seqs are the same here (both stores were empty).
			if !bytes.Equal(ga, gb) || !sameFirstError(m.FirstError, b[who].FirstError) {
				t.Fatalf("%s %s: %s vs %s", s.ID, who, ga, gb)
			}
		}
		return nil
	})
	// Dataset filter on the log.
	_, rep = exportTo(t, db, ExportOptions{Format: FormatAnnotations, Filter: Filter{Dataset: "prmbench"}})
	if rep.Written != 1 {
		t.Fatalf("prmbench events %d", rep.Written)
	}
}

func sameFirstError(a, b *int) bool { return (a == nil) == (b == nil) && (a == nil || *a == *b) }

func TestExportStepsParquet(t *testing.T) {
	db := exportStore(t)
	jpath, _ := exportTo(t, db, ExportOptions{Format: "steps-jsonl", Filter: Filter{Dataset: "processbench"}})
	ppath, _ := exportTo(t, db, ExportOptions{Format: "steps-parquet", Filter: Filter{Dataset: "processbench"}})
	f, err := os.Open(ppath)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	st, _ := f.Stat()
	pf, err := parquet.OpenFile(f, st.Size())
	if err != nil {
		t.Fatalf("parquet file does not open: %v", err)
	}
	// The schema a pandas/pyarrow reader sees: names, optional columns, types.
	want := map[string]string{"label": "optional int64", "first_error": "optional int64",
		"final_answer_correct": "optional boolean", "text": "required byte_array", "step": "required int64",
		"hallucinated": "required boolean"}
	for _, col := range pf.Schema().Fields() {
		w, ok := want[col.Name()]
		if !ok {
			continue
		}
		got := "required "
		if col.Optional() {
			got = "optional "
		}
		got += strings.ToLower(col.Type().Kind().String())
		if got != w {
			t.Errorf("column %s: %s, want %s", col.Name(), got, w)
		}
		delete(want, col.Name())
	}
	if len(want) > 0 {
		t.Errorf("missing columns %v", want)
	}
	rows, err := parquet.Read[formats.StepRow](f, st.Size())
	if err != nil {
		t.Fatal(err)
	}
	js := readJSONL(t, jpath)
	// 200 ProcessBench GSM8K traces; python3 counts their steps: 1,016.
	if len(rows) != len(js) || len(rows) == 0 {
		t.Fatalf("%d parquet rows, %d jsonl rows", len(rows), len(js))
	}
	for i, r := range rows {
		b, _ := json.Marshal(r)
		var m map[string]any
		json.Unmarshal(b, &m)
		gb, _ := json.Marshal(m)
		wb, _ := json.Marshal(js[i])
		if !bytes.Equal(gb, wb) {
			t.Fatalf("row %d differs:\nparquet %s\njsonl   %s", i, gb, wb)
		}
	}
}

func TestExportDPOAndSFT(t *testing.T) {
	db := openTemp(t)
	// One problem, three traces: s0 correct (all good), s1 and s2 wrong;
	// another problem with only a correct trace.
	mk := func(problem, id string, fe int, correct bool) formats.Item {
		steps := []string{"a " + id, "b " + id, "c " + id}
		tr := &stepwise.Trace{SourceID: id, Dataset: "t", Correct: &correct}
		raw := strings.Join(steps, "\n")
		tr.Raw = raw
		pos := 0
		for i, s := range steps {
			l := stepwise.Label{Rating: stepwise.Good, Scope: stepwise.ScopeStep}
			if i == fe {
				l.Rating = stepwise.Bad
			}
			tr.Steps = append(tr.Steps, stepwise.Step{Span: stepwise.Span{Start: pos, End: pos + len(s)}, Text: s,
				Labels: []stepwise.Label{l}})
			pos += len(s) + 1
		}
		return formats.Item{Problem: &stepwise.Problem{Text: problem}, Trace: tr}
	}
	items := []formats.Item{mk("P", "s0", -1, true), mk("P", "s1", 1, false), mk("P", "s2", 0, true), mk("Q", "q0", -1, true)}
	if _, _, err := db.Add(items); err != nil {
		t.Fatal(err)
	}
	path, rep := exportTo(t, db, ExportOptions{Format: "dpo"})
	recs := readJSONL(t, path)
	// max(1 correct, 2 wrong) = 2 pairs for P; none for Q.
	if rep.Written != 2 || len(recs) != 2 {
		t.Fatalf("dpo %+v %v", rep, recs)
	}
	for i, want := range []string{"t:s1", "t:s2"} {
		if recs[i]["chosen_id"] != "t:s0" || recs[i]["rejected_id"] != want || recs[i]["prompt"] != "P" {
			t.Errorf("pair %d: %v", i, recs[i])
		}
	}
	path, rep = exportTo(t, db, ExportOptions{Format: "sft"})
	recs = readJSONL(t, path)
	if rep.Written != 2 || recs[0]["id"] != "t:s0" || recs[1]["id"] != "t:q0" || recs[0]["completion"] != "a s0\nb s0\nc s0" {
		t.Fatalf("sft %+v %v", rep, recs)
	}
	// A human marks s0's step 2 wrong: s0 is no longer correct, no pair.
	if _, err := db.Annotate(stepwise.Annotation{Annotator: "ana", TraceID: "t:s0", Step: 2, Rating: stepwise.Bad}); err != nil {
		t.Fatal(err)
	}
	_, rep = exportTo(t, db, ExportOptions{Format: "dpo"})
	if rep.Written != 0 {
		t.Fatalf("dpo after relabel: %+v", rep)
	}
}

func TestExportSkipsQualityControl(t *testing.T) {
	b, err := os.ReadFile(prm800kPhase2)
	if err != nil {
		t.Fatal(err)
	}
	line, _, _ := bytes.Cut(b, []byte("\n"))
	qc := bytes.Replace(line, []byte(`"is_quality_control_question": false`), []byte(`"is_quality_control_question": true`), 1)
	if bytes.Equal(qc, line) {
		qc = bytes.Replace(line, []byte(`"is_quality_control_question":false`), []byte(`"is_quality_control_question":true`), 1)
	}
	if bytes.Equal(qc, line) {
		t.Fatal("sample line has no is_quality_control_question field to flip")
	}
	path := filepath.Join(t.TempDir(), "qc.jsonl")
	os.WriteFile(path, append(qc, '\n'), 0o644)
	db := openTemp(t)
	importOK(t, db, path)
	_, rep := exportTo(t, db, ExportOptions{Format: "prm800k"})
	if rep.Written != 0 || rep.Skipped["PRM800K quality-control or screening record"] != 1 {
		t.Fatalf("QC record exported: %+v", rep)
	}
	_, rep = exportTo(t, db, ExportOptions{Format: "prm800k", IncludeQC: true})
	if rep.Written != 1 {
		t.Fatalf("QC record not exported with IncludeQC: %+v", rep)
	}
}

// TestExportResolve: three annotators label steps of gsm8k-0 in order ana,
// bo, cy. Step 1: bad, bad, good — latest gives cy's good, majority bo's
// bad. Step 2: bad, good — a tie: both rules give bo's good (the latest).
func TestExportResolve(t *testing.T) {
	db := annotatedStore(t)
	for _, ev := range []stepwise.Annotation{
		{Annotator: "ana", Step: 1, Rating: stepwise.Bad, ErrorType: "logic"},
		{Annotator: "bo", Step: 1, Rating: stepwise.Bad, Hallucinated: true},
		{Annotator: "cy", Step: 1, Rating: stepwise.Good},
		{Annotator: "ana", Step: 2, Rating: stepwise.Bad},
		{Annotator: "bo", Step: 2, Rating: stepwise.Good},
	} {
		ev.TraceID = "gsm8k-0"
		mustAnnotate(t, db, ev)
	}
	for _, c := range []struct {
		rule  Resolve
		step1 [3]any // rating, annotator, hallucinated
	}{
		{ResolveLatest, [3]any{"good", "cy", false}},
		{ResolveMajority, [3]any{"bad", "bo", true}},
	} {
		path, _ := exportTo(t, db, ExportOptions{Format: "steps-jsonl", Labels: LabelsHuman, Resolve: c.rule,
			Filter: Filter{Dataset: "processbench/gsm8k", Limit: 1}})
		rows := readJSONL(t, path)
		if len(rows) != 4 || rows[1]["source_id"] != "gsm8k-0" {
			t.Fatalf("%s: %d rows", c.rule, len(rows))
		}
		if got := [3]any{rows[1]["rating"], rows[1]["annotator"], rows[1]["hallucinated"]}; got != c.step1 {
			t.Errorf("%s: step 1 %v, want %v", c.rule, got, c.step1)
		}
		if rows[2]["rating"] != "good" || rows[2]["annotator"] != "bo" {
			t.Errorf("%s: step 2 %v by %v, want good by bo", c.rule, rows[2]["rating"], rows[2]["annotator"])
		}
	}
	if _, err := ParseResolve("vote"); err == nil {
		t.Fatal("unknown rule accepted")
	}
}
