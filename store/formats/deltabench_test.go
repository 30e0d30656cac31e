package formats

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/stepwise-dev/stepwise"
)

var deltaSample = sample("deltabench", "deltabench_v1_examples_first5.jsonl")

func TestDeltaBenchSample(t *testing.T) {
	longCoTExpectDetected(t, deltaSample, "deltabench")
	items := readAll(t, deltaSample, "", nil)
	if len(items) != 5 {
		t.Fatalf("got %d traces, want 5", len(items))
	}
	// Per record, counted with python from long_cot.split("\n\n") and the
	// labeling rules: steps, good, bad, unlabeled, 0-based first error,
	// sections, labeled sections.
	want := []struct {
		id                                 string
		steps, good, bad, unl, first, nsec int
		labeledSecs                        int
		badSection                         int
	}{
		{"f11c7a6bbf5754fee116b638d99a33a6", 362, 49, 1, 312, 49, 34, 7, 7},
		{"676adb9206bdd7cd09a9a20abec112da", 198, 33, 1, 164, 33, 13, 7, 7},
		{"15b7ef6c3f5ca4ec9900c20e585c7e15", 78, 75, 1, 2, 37, 26, 26, 14},
		{"17af0b1210d442d79a4a9a512102eab0", 156, 12, 1, 143, 12, 15, 2, 2},
		{"d5bbdb2d68e9123f5953cd893bdbc7cc", 168, 65, 1, 102, 65, 38, 16, 16},
	}
	for i, w := range want {
		tr := items[i].Trace
		strip := tr.Strip()
		good, bad, unl := strings.Count(strip, "+"), strings.Count(strip, "x"), strings.Count(strip, ".")
		if tr.SourceID != w.id || len(tr.Steps) != w.steps || good != w.good || bad != w.bad || unl != w.unl {
			t.Errorf("%s: %d steps, good %d bad %d unlabeled %d; want %+v", tr.SourceID, len(tr.Steps), good, bad, unl, w)
		}
		if fe := tr.FirstError(); fe == nil || *fe != w.first {
			t.Errorf("%s: first error %v, want %d", tr.SourceID, fe, w.first)
		}
		labeled := 0
		for k, s := range tr.Sections {
			if len(s.Labels) == 0 {
				continue
			}
			labeled++
			if isBad := s.Labels[0].Rating == stepwise.Bad; isBad != (k+1 == w.badSection) {
				t.Errorf("%s: section %d rating %v", tr.SourceID, k+1, s.Labels[0].Rating)
			}
		}
		if len(tr.Sections) != w.nsec || labeled != w.labeledSecs {
			t.Errorf("%s: %d sections (%d labeled), want %d (%d)", tr.SourceID, len(tr.Sections), labeled, w.nsec, w.labeledSecs)
		}
		for _, s := range tr.Steps {
			if len(s.Labels) != 1 {
				t.Fatalf("%s: step %d has %d labels, want exactly 1 (explicit unlabeled included)", tr.SourceID, s.Index, len(s.Labels))
			}
		}
		if tr.Correct == nil || *tr.Correct || tr.CorrectBy != "source: final_correct" {
			t.Errorf("%s: correct %v (final_correct is 0)", tr.SourceID, tr.Correct)
		}
		longCoTCheckSections(t, tr)
	}
}

func TestDeltaBenchFirstRecord(t *testing.T) {
	items := readAll(t, deltaSample, "", nil)
	it := items[0]
	tr := it.Trace
	if tr.Dataset != "deltabench" || tr.Segmenter == "" {
		t.Errorf("dataset %q segmenter %q", tr.Dataset, tr.Segmenter)
	}
	if !strings.HasPrefix(tr.Steps[0].Text, "Let's tackle this problem step by step. we need to find") ||
		tr.Steps[361].Text != "**final answer**\n\\boxed{29}" {
		t.Errorf("step texts %.40q / %q", tr.Steps[0].Text, tr.Steps[361].Text)
	}
	// error_step 50 (1-based) in section 7 (steps 43-51).
	s := tr.Steps[49]
	if !strings.HasPrefix(s.Text, "but k can have other prime factors besides 2, 3, 5, and 7") {
		t.Errorf("step 49 text %.50q", s.Text)
	}
	l := s.Labels[0]
	if l.Rating != stepwise.Bad || !l.FirstError || l.OrigIndex != 50 || l.Base != 1 || l.Origin != stepwise.OriginHuman ||
		l.Category != "Premise Error" ||
		l.Reason != "The model ignores other prime factors in k.\nCorrection: Other prime factors should be calculated." {
		t.Errorf("error step label %+v", l)
	}
	if r := tr.Steps[48].Labels[0]; r.Rating != stepwise.Good || r.OrigIndex != 50 {
		t.Errorf("step before the error: %+v", r)
	}
	if r := tr.Steps[50].Labels[0]; r.Rating != stepwise.Unlabeled {
		t.Errorf("step after the error in its section: %+v", r)
	}
	sec := tr.Sections[6]
	if sec.FirstStep != 42 || sec.EndStep != 51 || sec.Span != (stepwise.Span{Start: 2633, End: 3302}) ||
		sec.Kind != stepwise.SectionLabeled ||
		sec.Title != "Problem Analysis / Conditions needed on the exponents of the factors of k" {
		t.Errorf("section 7 %+v", sec)
	}
	if sl := sec.Labels[0]; sl.Scope != stepwise.ScopeSection || sl.OrigIndex != 7 || sl.Base != 1 || sl.Rating != stepwise.Bad {
		t.Errorf("section label %+v", sl)
	}
	// Sections 31-34 have no section_type: the title is the description.
	if got := tr.Sections[33].Title; got != `Final answer and box the result: \(\boxed{29}\)` {
		t.Errorf("untyped section title %q", got)
	}
	p := it.Problem
	if p.GoldAnswer != "30" || p.Level != "2" || p.Subject != "Number Theory" || p.SourceID != tr.SourceID {
		t.Errorf("problem %+v", p)
	}
	if tr.FinalAnswer != "29" {
		t.Errorf("final answer %q", tr.FinalAnswer)
	}
	m := tr.Meta
	if m["origin"] != "Omni-MATH_pascal" || m["task_l1"] != "math" || m["error_type"] != "Premise Error" ||
		m["strategy_shift_section_numbers"] != "[2]" || m["reason_error_section_numbers"] != "[7]" ||
		m["strategy_shift_steps"] != "2:4" || m["reflection_start_steps"] != "" {
		t.Errorf("meta %v", m)
	}
}

func TestDeltaBenchSecondRecordGaps(t *testing.T) {
	items := readAll(t, deltaSample, "", nil)
	m := items[1].Trace.Meta
	// Sections end at step 194 of 198; section 8's content differs from the split.
	if m["sections_uncovered_steps"] != "195-198" || m["sections_content_mismatch"] != "8" {
		t.Errorf("meta %v", m)
	}
	// Record 5: strategy shifts and reflections per section (section:step).
	m5 := items[4].Trace.Meta
	if m5["reflection_start_steps"] != "5:20,6:22,8:33" ||
		m5["strategy_shift_steps"] != "1:1,3:9,6:27,7:28,9:34,10:40,12:47,14:57,16:65" {
		t.Errorf("record 5 step meta %q / %q", m5["reflection_start_steps"], m5["strategy_shift_steps"])
	}
	if l := items[4].Problem.Level; l != "5.25" {
		t.Errorf("level %q", l)
	}
}

func TestDeltaBenchEdgeCases(t *testing.T) {
	base := `{"id":"x","question":"q","long_cot":"a\n\n\n\nb\n\nc","final_correct":"1","sections":[{"start":"1","end":2,"description":"d"},{"start":3,"end":3}],`
	dec := func(labels string) ([]Item, error) {
		return deltaBench{}.Decode(Record{Data: []byte(base + `"sections_labeled_info":` + labels + `}`), Path: "p", Line: 1}, &Options{})
	}
	items, err := dec(`[{"section_number":1,"reasoning_correctness":1,"error_step":""},{"section_number":"2","reasoning_correctness":"0"}]`)
	if err != nil {
		t.Fatal(err)
	}
	tr := items[0].Trace
	// "a\n\n\n\nb\n\nc".split("\n\n") = ["a", "", "b", "c"]: the blank piece is kept.
	if len(tr.Steps) != 4 || tr.Steps[1].Text != "" || tr.Steps[2].Text != "b" {
		t.Fatalf("steps %+v", tr.Steps)
	}
	// Section 1 (steps 1-2) has an error but no error_step: its steps are
	// unknown; section 2 (step 3) is correct; step 4 is in no section.
	if got := tr.Strip(); got != "..+." {
		t.Errorf("strip %q, want \"..+.\"", got)
	}
	if l := tr.Sections[0].Labels; len(l) != 1 || l[0].Rating != stepwise.Bad {
		t.Errorf("section 1 labels %+v", l)
	}
	if !*tr.Correct {
		t.Errorf("final_correct \"1\" not read")
	}
	// A label that does not fit is left out with a warning, never the
	// record: the strip says what the other labels still give.
	for _, c := range []struct{ labels, want, strip string }{
		{`[{"section_number":1,"reasoning_correctness":"1","error_step":3},{"section_number":2,"reasoning_correctness":0}]`,
			"error_step 3 outside section 1", "..+."},
		{`[{"section_number":9,"reasoning_correctness":"1"},{"section_number":2,"reasoning_correctness":0}]`,
			"section_number 9: no such section (have 2); its label is left out", "..+."},
		{`[{"section_number":9,"reasoning_correctness":""}]`, "section_number 9: no such section (have 2); the entry carries no label", "...."},
		{`[{"section_number":1,"reasoning_correctness":"2"}]`, "want 0 or 1", "...."},
		{`[{"section_number":1,"reasoning_correctness":"0","error_step":1}]`, "section labeled correct", "...."},
		{`[{"section_number":1,"reasoning_correctness":"yes"},{"section_number":2,"reasoning_correctness":0}]`, "reasoning_correctness", "..+."},
		{`[{"section_number":"x","reasoning_correctness":"1"}]`, "section_number", "...."},
		{`[{"section_number":1,"error_step":2}]`, "without reasoning_correctness", "...."},
	} {
		items, err := dec(c.labels)
		if err != nil {
			t.Errorf("%s: the record was rejected: %v", c.labels, err)
			continue
		}
		w := strings.Join(items[0].Warnings, "; ")
		if len(items[0].Warnings) != 1 || !strings.Contains(w, c.want) {
			t.Errorf("%s: warnings %q, want one mentioning %q", c.labels, w, c.want)
		}
		if got := items[0].Trace.Strip(); got != c.strip {
			t.Errorf("%s: strip %q, want %q", c.labels, got, c.strip)
		}
	}
	// A section past the end is left out; a label naming it does not map.
	past := `{"id":"x","question":"q","long_cot":"a\n\nb","final_correct":"maybe","sections":[{"start":1,"end":1},{"start":2,"end":3}],` +
		`"sections_labeled_info":[{"section_number":1,"reasoning_correctness":"0"},{"section_number":2,"reasoning_correctness":"1","error_step":2}]}`
	items, err = (deltaBench{}).Decode(Record{Data: []byte(past)}, &Options{})
	if err != nil {
		t.Fatalf("section past the end: %v", err)
	}
	tr = items[0].Trace
	if len(tr.Sections) != 1 || tr.Strip() != "+." || tr.Correct != nil || len(items[0].Warnings) != 3 {
		t.Errorf("sections %d, strip %q, correct %v, warnings %q", len(tr.Sections), tr.Strip(), tr.Correct, items[0].Warnings)
	}
	// No question or no chain of thought: nothing to import.
	for _, bad := range []string{`{"id":"x","long_cot":"a","sections":[],"sections_labeled_info":[]}`,
		`{"id":"x","question":"q","sections":[],"sections_labeled_info":[]}`} {
		if _, err := (deltaBench{}).Decode(Record{Data: []byte(bad)}, &Options{}); err == nil {
			t.Errorf("%s: no error", bad)
		}
	}
}

// TestDeltaBenchExtraLabelEntries: a real DeltaBench record lists more
// entries in sections_labeled_info than it has sections (entries 24 and on
// for 23 sections, carrying no labels). The record is built from the first
// sample record with two such entries added: it must import with the same
// labels as the record without them, and a warning per extra entry.
func TestDeltaBenchExtraLabelEntries(t *testing.T) {
	b, err := os.ReadFile(deltaSample)
	if err != nil {
		t.Fatal(err)
	}
	line, _, _ := bytes.Cut(b, []byte("\n"))
	var rec map[string]any
	if err := json.Unmarshal(line, &rec); err != nil {
		t.Fatal(err)
	}
	info := rec["sections_labeled_info"].([]any)
	n := len(rec["sections"].([]any))
	for k := n + 1; k <= n+2; k++ {
		info = append(info, map[string]any{"section_number": k, "strategy_shift": "", "strategy_shift_step": "",
			"reasoning_usefulness": "", "reasoning_correctness": "", "error_step": "", "explanation": "", "correction": "",
			"reflection": "", "reflection_start_step": ""})
	}
	rec["sections_labeled_info"] = info
	extra, _ := json.Marshal(rec)
	want, err := (deltaBench{}).Decode(Record{Data: line, Path: "d.jsonl", Line: 1}, &Options{})
	if err != nil {
		t.Fatal(err)
	}
	got, err := (deltaBench{}).Decode(Record{Data: extra, Path: "d.jsonl", Line: 1}, &Options{})
	if err != nil {
		t.Fatalf("the record was rejected: %v", err)
	}
	if g, w := got[0].Trace.Strip(), want[0].Trace.Strip(); g != w {
		t.Errorf("labels changed:\n%s\nwant\n%s", g, w)
	}
	if len(got[0].Warnings) != 2 || !strings.Contains(got[0].Warnings[0], fmt.Sprintf("section_number %d: no such section (have %d); the entry carries no label", n+1, n)) {
		t.Errorf("warnings %q", got[0].Warnings)
	}
	if len(want[0].Warnings) != 0 {
		t.Errorf("the real record has warnings: %q", want[0].Warnings)
	}
}

func FuzzDecodeDeltaBench(f *testing.F) {
	f.Add([]byte(`{"id":"x","question":"q","long_cot":"a\n\nb\n\nc","final_correct":0,"sections":[{"start":1,"end":2,"section_type":"t","content":"a\n\nb"}],` +
		`"sections_labeled_info":[{"section_number":1,"reasoning_correctness":"1","error_step":2,"explanation":"e","correction":"c"}],"stragegy_shift_section_numbers":[1]}`))
	f.Add([]byte(`{"question":"q","long_cot":"","sections":[],"sections_labeled_info":[{"section_number":"1"}]}`))
	f.Fuzz(func(t *testing.T, data []byte) { longCoTFuzzDecode(t, deltaBench{}, data) })
}
