package formats

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/stepwise-dev/stepwise"
)

func TestPRM800KPhase2(t *testing.T) {
	items := readAll(t, sample("prm800k", "prm800k_phase2_train_sample.jsonl"), "", nil)
	if len(items) != 6 {
		t.Fatalf("got %d traces, want 6", len(items))
	}
	// Step counts and labeled counts read from the file with python3.
	wantSteps := []int{13, 19, 24, 14, 26, 26}
	wantLabeled := []int{7, 19, 3, 2, 3, 11}
	for i, it := range items {
		tr := it.Trace
		if tr.Source.Format != "prm800k" || tr.Dataset != "prm800k/phase2" || it.Problem.Split != "train" {
			t.Fatalf("record %d: format %q dataset %q split %q", i, tr.Source.Format, tr.Dataset, it.Problem.Split)
		}
		if len(tr.Steps) != wantSteps[i] {
			t.Errorf("record %d: %d steps, want %d", i, len(tr.Steps), wantSteps[i])
		}
		labeled := 0
		for j, s := range tr.Steps {
			if len(s.Labels) != 1 {
				t.Fatalf("record %d step %d: %d labels, want one explicit label", i, j, len(s.Labels))
			}
			if s.Labels[0].Rating != rUnl {
				labeled++
			}
			if s.Labels[0].OrigIndex != j || s.Labels[0].Base != 0 || s.Labels[0].Origin != stepwise.OriginHuman {
				t.Errorf("record %d step %d: label %+v", i, j, s.Labels[0])
			}
		}
		if labeled != wantLabeled[i] {
			t.Errorf("record %d: %d labeled steps, want %d", i, labeled, wantLabeled[i])
		}
		// Every record stops at its first -1: the last labeled step is bad.
		if fe := tr.FirstError(); fe == nil || *fe != wantLabeled[i]-1 {
			t.Errorf("record %d: first error %v, want %d", i, fe, wantLabeled[i]-1)
		}
		if last := tr.Steps[len(tr.Steps)-1]; last.Kind != stepwise.StepAnswer {
			t.Errorf("record %d: last step kind %s", i, last.Kind)
		}
	}
	tr := items[0].Trace
	want := []stepwise.Rating{rGood, rNeut, rGood, rGood, rGood, rGood, rBad, rUnl, rUnl, rUnl, rUnl, rUnl, rUnl}
	if got := traceRatingList(tr); !reflect.DeepEqual(got, want) {
		t.Errorf("record 0 ratings %v, want %v", got, want)
	}
	l := tr.Steps[6].Labels[0]
	if len(l.Alternatives) != 3 || l.Annotator != "cc88bf76-df08-4041-be67-3464279cb3b1" {
		t.Fatalf("step 6 label: %d alternatives, annotator %q", len(l.Alternatives), l.Annotator)
	}
	for _, a := range l.Alternatives {
		if a.Rating != rGood || a.Flagged == nil || *a.Flagged || a.Human {
			t.Errorf("alternative %+v, want rated good, flagged false", a)
		}
	}
	if l.Flagged != nil {
		t.Errorf("trajectory completion flagged = %v, want null", *l.Flagged)
	}
	if tr.Steps[12].Text != "# Answer\n\n7200" || tr.FinalAnswer != "7200" {
		t.Errorf("answer step %q, final answer %q", tr.Steps[12].Text, tr.FinalAnswer)
	}
	if items[0].Problem.GoldAnswer != "28800" || tr.Correct != nil {
		t.Errorf("gold %q correct %v, want 28800 and no verdict from the codec", items[0].Problem.GoldAnswer, tr.Correct)
	}
	if !strings.HasPrefix(items[0].Problem.Text, "A Senate committee has 5 Democrats") ||
		!strings.HasSuffix(items[0].Problem.GoldSolution, `\boxed{28800}$.`) {
		t.Errorf("problem %q / gold solution not read", items[0].Problem.Text[:30])
	}
	if tr.SourceID != "cc88bf76-df08-4041-be67-3464279cb3b1@2022-11-22T16:51:29.980606" {
		t.Errorf("source id %q", tr.SourceID)
	}
	wantMeta := map[string]string{
		"finish_reason": "found_error", "total_time": "164458", "generation": "6",
		"timestamp": "2022-11-22T16:51:29.980606", "is_quality_control_question": "false",
		"is_initial_screening_question": "false", "pre_generated_verifier_score": "0.0011546110201324836",
		"pre_generated_answer": "7200", "labeler": "cc88bf76-df08-4041-be67-3464279cb3b1",
	}
	for k, v := range wantMeta {
		if tr.Meta[k] != v {
			t.Errorf("meta %s = %q, want %q", k, tr.Meta[k], v)
		}
	}
	// Steps are the pre-generated steps joined by newlines.
	if !strings.HasPrefix(tr.Raw, tr.Steps[0].Text+"\n"+tr.Steps[1].Text+"\n") {
		t.Errorf("raw is not the steps joined by newlines")
	}
}

func TestPRM800KSharedProblem(t *testing.T) {
	items := readAll(t, sample("prm800k", "prm800k_phase2_train_sample.jsonl"), "", nil)
	ids := map[string]int{}
	shared := ""
	for _, it := range items {
		if it.Problem.GoldAnswer == "504" {
			if shared == "" {
				shared = it.Problem.ID
			}
			if it.Problem.ID != shared {
				t.Errorf("record with ground truth 504 has problem id %s, want %s", it.Problem.ID, shared)
			}
		}
		ids[it.Problem.ID]++
		if it.Trace.ProblemID != it.Problem.ID {
			t.Errorf("trace problem id %s != %s", it.Trace.ProblemID, it.Problem.ID)
		}
	}
	// python3: 4 of the 6 sample records have ground truth 504, one problem text.
	if shared == "" || ids[shared] != 4 || len(ids) != 3 {
		t.Errorf("problem ids %v, want 4 records on one problem and 3 problems in all", ids)
	}
	srcIDs := map[string]bool{}
	for _, it := range items {
		srcIDs[it.Trace.SourceID] = true
	}
	if len(srcIDs) != 6 {
		t.Errorf("%d distinct source ids, want 6", len(srcIDs))
	}
}

func TestPRM800KPhase1(t *testing.T) {
	items := readAll(t, sample("prm800k", "prm800k_phase1_train_sample.jsonl"), "", nil)
	if len(items) != 2 {
		t.Fatalf("got %d traces, want 2", len(items))
	}
	tr := items[0].Trace
	if tr.Dataset != "prm800k/phase1" || len(tr.Steps) != 6 {
		t.Fatalf("record 0: dataset %q, %d steps", tr.Dataset, len(tr.Steps))
	}
	// The labeler wrote step 1 (human_completion, rating null): unknown, with
	// the five rejected model completions as alternatives, all rated -1.
	if got, want := traceRatingList(tr), []stepwise.Rating{rGood, rUnl, rGood, rGood, rGood, rGood}; !reflect.DeepEqual(got, want) {
		t.Errorf("ratings %v, want %v", got, want)
	}
	if !strings.HasPrefix(tr.Steps[1].Text, "We have $3p+e=1.24$ and $5p+e=") {
		t.Errorf("step 1 is not the human completion: %q", tr.Steps[1].Text)
	}
	alts := tr.Steps[1].Labels[0].Alternatives
	if len(alts) != 5 {
		t.Fatalf("step 1: %d alternatives, want 5", len(alts))
	}
	for _, a := range alts {
		if a.Rating != rBad {
			t.Errorf("step 1 alternative rated %v, want bad", a.Rating)
		}
	}
	if src := tr.Steps[1].Labels[0].Source; src != "prm800k.label.steps.human_completion.rating" {
		t.Errorf("human step label source %q", src)
	}
	if tr.Meta["human_written_steps"] != "1" {
		t.Errorf("human_written_steps = %q", tr.Meta["human_written_steps"])
	}
	// Step 5 is completions[4] (chosen_completion 4), the others alternatives.
	last := tr.Steps[5]
	if last.Text != "That means a pencil costs 29 cents.\n\n# Answer\n\n29" || last.Kind != stepwise.StepAnswer {
		t.Errorf("last step %q kind %s", last.Text, last.Kind)
	}
	var altRatings []stepwise.Rating
	for _, a := range last.Labels[0].Alternatives {
		altRatings = append(altRatings, a.Rating)
	}
	if want := []stepwise.Rating{rNeut, rGood, rGood, rGood}; !reflect.DeepEqual(altRatings, want) {
		t.Errorf("step 5 alternatives %v, want %v", altRatings, want)
	}
	if tr.FinalAnswer != "29" || tr.Correct != nil || tr.Meta["finish_reason"] != "solution" {
		t.Errorf("final %q correct %v finish %q", tr.FinalAnswer, tr.Correct, tr.Meta["finish_reason"])
	}
	if _, ok := tr.Meta["generation"]; ok {
		t.Errorf("null generation kept in meta")
	}
}

func TestPRM800KPhase1GiveUp(t *testing.T) {
	items := readAll(t, sample("prm800k", "prm800k_phase1_train_sample.jsonl"), "", nil)
	tr := items[1].Trace
	// 30 label steps; the last has no chosen or human completion, so the
	// trajectory has 29 steps and the 7 unrated candidates go to Meta.
	if len(tr.Steps) != 29 || tr.Meta["finish_reason"] != "give_up" {
		t.Fatalf("%d steps, finish %q", len(tr.Steps), tr.Meta["finish_reason"])
	}
	var cand []stepwise.Alternative
	if err := json.Unmarshal([]byte(tr.Meta["unchosen_last_step"]), &cand); err != nil || len(cand) != 7 {
		t.Fatalf("unchosen_last_step: %v, %d candidates", err, len(cand))
	}
	if cand[0].Text != "We can use ${8\\choose 3}=56$." || cand[0].Rating != rUnl {
		t.Errorf("candidate 0 %+v", cand[0])
	}
	if tr.Meta["human_written_steps"] != "1,5,6,14,18,19,21,22,26,27" {
		t.Errorf("human_written_steps %q", tr.Meta["human_written_steps"])
	}
	unlabeled := 0
	for _, r := range traceRatingList(tr) {
		if r == rUnl {
			unlabeled++
		}
		if r == rBad {
			t.Errorf("a trajectory step is rated bad")
		}
	}
	if unlabeled != 10 || tr.FinalAnswer != "" || tr.Correct != nil {
		t.Errorf("%d unlabeled (want 10), final %q, correct %v", unlabeled, tr.FinalAnswer, tr.Correct)
	}
	if alts := tr.Steps[10].Labels[0].Alternatives; len(alts) != 6 || tr.Steps[10].StepRating() != rGood {
		t.Errorf("step 10 (chosen 5 of 7): %d alternatives, rating %v", len(alts), tr.Steps[10].StepRating())
	}
}

// The tongyx361 examples hold the same records as concatenated pretty-printed
// objects; they must decode to the same traces.
func TestPRM800KPrettyConcatenated(t *testing.T) {
	pretty := constructed("prm800k_phase2_pretty_concatenated.json")
	a := readAll(t, sample("prm800k", "prm800k_phase2_train_sample.jsonl"), "", nil)
	b := readAll(t, pretty, "", nil)
	if len(a) != 6 || len(b) != 6 {
		t.Fatalf("jsonl %d, pretty %d traces", len(a), len(b))
	}
	for i := range a {
		if b[i].Trace.Source.Format != "prm800k" {
			t.Fatalf("pretty file detected as %q", b[i].Trace.Source.Format)
		}
		ta, tb := *a[i].Trace, *b[i].Trace
		ta.Source, tb.Source = stepwise.SourceRef{}, stepwise.SourceRef{}
		if !reflect.DeepEqual(ta, tb) {
			t.Errorf("record %d decodes differently from the JSONL copy", i)
		}
		pa, pb := *a[i].Problem, *b[i].Problem
		pa.Split = "" // the JSONL file name says "train"; the constructed one does not
		if !reflect.DeepEqual(pa, pb) {
			t.Errorf("record %d problem differs: %+v vs %+v", i, pa, pb)
		}
	}
	if b[1].Trace.Source.Line <= b[0].Trace.Source.Line {
		t.Errorf("line numbers not tracked: %d then %d", b[0].Trace.Source.Line, b[1].Trace.Source.Line)
	}
}

// A record is skipped only when no trajectory can be read; a label that
// does not fit is left out with a warning, and its step stays unknown.
func TestPRM800KBadRecords(t *testing.T) {
	cases := map[string]string{
		"chosen range first": `{"labeler":"x","question":{"problem":"p"},"label":{"steps":[{"completions":[{"text":"a","rating":1}],"chosen_completion":3}]}}`,
		"gap first":          `{"labeler":"x","question":{"problem":"p"},"label":{"steps":[{"completions":[{"text":"a","rating":1}]},{"completions":[{"text":"b","rating":1}],"chosen_completion":0}]}}`,
		"no problem":         `{"labeler":"x","question":{},"label":{"steps":[]}}`,
		"no text":            `{"labeler":"x","question":{"problem":"p"},"label":{"steps":[{"completions":[{"rating":1}],"chosen_completion":0}]}}`,
		"phase 1 no label":   `{"labeler":"x","question":{"problem":"p"}}`,
	}
	for name, data := range cases {
		if _, err := (prm800k{}).Decode(Record{Data: []byte(data), Path: "x.jsonl", Line: 1}, &Options{}); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	step := func(text string, rating, chosen string) string {
		return `{"completions":[{"text":"` + text + `","rating":` + rating + `}],"chosen_completion":` + chosen + `}`
	}
	for name, c := range map[string]struct{ data, strip, warning string }{
		"rating 2": {`{"labeler":"x","question":{"problem":"p","pre_generated_steps":["a","b"]},"label":{"steps":[` +
			step("a", "2", "0") + `,` + step("b", "1", "0") + `]}}`, ".+", "rating 2 is not -1, 0 or 1"},
		"too many labels": {`{"labeler":"x","question":{"problem":"p","pre_generated_steps":["a"]},"label":{"steps":[` +
			step("a", "1", "0") + `,` + step("b", "1", "0") + `]}}`, "+", "2 entries for 1 pre_generated_steps"},
		"no matching text": {`{"labeler":"x","question":{"problem":"p","pre_generated_steps":["a","b"]},"label":{"steps":[` +
			step("z", "1", "0") + `,` + step("b", "-1", "null") + `]}}`, ".x", "no completion has the text of pre_generated_steps[0]"},
		"phase 2 no label": {`{"labeler":"x","question":{"problem":"p","pre_generated_steps":["a","b"]}}`, "..", "no label"},
		"chosen range later": {`{"labeler":"x","question":{"problem":"p"},"label":{"steps":[` +
			step("a", "1", "0") + `,` + step("b", "1", "4") + `,` + step("c", "1", "0") + `]}}`, "+", "chosen_completion 4 out of range"},
		"gap later": {`{"labeler":"x","question":{"problem":"p"},"label":{"steps":[` +
			step("a", "1", "0") + `,` + step("b", "1", "0") + `,` + step("c", "1", "null") + `,` + step("d", "1", "0") + `]}}`,
			"++", "neither chosen_completion nor human_completion"},
		"gold answer": {`{"labeler":"x","question":{"problem":"p","pre_generated_steps":["a"],"ground_truth_answer":{}},"label":{"steps":[` +
			step("a", "1", "0") + `]}}`, "+", "ground_truth_answer"},
	} {
		items, err := (prm800k{}).Decode(Record{Data: []byte(c.data), Path: "x.jsonl", Line: 1}, &Options{})
		if err != nil {
			t.Errorf("%s: rejected: %v", name, err)
			continue
		}
		it := items[0]
		if got := it.Trace.Strip(); got != c.strip || len(it.Warnings) != 1 || !strings.Contains(it.Warnings[0], c.warning) {
			t.Errorf("%s: strip %q warnings %q, want %q and one warning with %q", name, got, it.Warnings, c.strip, c.warning)
		}
	}
}

func FuzzDecodePRM800K(f *testing.F) {
	f.Add(`{"labeler":"x","timestamp":"t","question":{"problem":"p","pre_generated_steps":["a","# Answer\n\n1"],"ground_truth_answer":"1"},"label":{"steps":[{"completions":[{"text":"a","rating":1}],"chosen_completion":0}]}}`)
	f.Add(`{"labeler":"x","question":{"problem":"p","ground_truth_answer":2},"label":{"steps":[{"completions":[{"text":"a","rating":null},{"text":"b","rating":-1}],"human_completion":{"text":"h","rating":null,"source":"human","flagged":false},"chosen_completion":null},{"completions":[{"text":"c","rating":0}],"chosen_completion":null}]}}`)
	fuzzCodecDecode(f, prm800k{}, &Options{})
}

// The phase-2 sample records are laid out as PRM800K writes them: they keep
// no layout of their own, so their bodies (and content hashes) are what
// earlier versions stored, and re-importing them into an older store adds
// nothing. Phase 1 keeps its chosen completions.
func TestPRM800KLayoutMetaOnlyWhenNeeded(t *testing.T) {
	for _, c := range []struct {
		file   string
		layout bool
	}{{"prm800k_phase2_train_sample.jsonl", false}, {"prm800k_phase1_train_sample.jsonl", true}} {
		for _, it := range readAll(t, sample("prm800k", c.file), "", nil) {
			_, has := it.Trace.Meta["chosen_completions"]
			_, traj := it.Trace.Meta["trajectory_completions"]
			if has != c.layout || traj {
				t.Errorf("%s line %d: chosen_completions kept %v, trajectory_completions kept %v", c.file, it.Trace.Source.Line, has, traj)
			}
		}
	}
	// A phase-2 step chosen other than the usual way keeps the layout.
	rec := `{"labeler":"x","question":{"problem":"p","pre_generated_steps":["a","b"]},"label":{"steps":[` +
		`{"completions":[{"text":"a","rating":1}],"chosen_completion":null}]}}`
	items, err := (prm800k{}).Decode(Record{Data: []byte(rec)}, &Options{})
	if err != nil || items[0].Trace.Meta["chosen_completions"] != "[null]" {
		t.Errorf("unusual layout: %v %q", err, items[0].Trace.Meta["chosen_completions"])
	}
}
