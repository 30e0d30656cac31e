package answer

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The datasets bundled under testdata/samples (attribution in
// testdata/NOTICE and testdata/SOURCES.md) grade their own answers: each
// test below measures the grader against a verdict or a gold answer the
// dataset states.

const samples = "../../testdata/samples"

func readJSONL[T any](t testing.TB, path string) []T {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out []T
	for i, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		var v T
		if err := json.Unmarshal([]byte(line), &v); err != nil {
			t.Fatalf("%s:%d: %v", path, i+1, err)
		}
		out = append(out, v)
	}
	return out
}

// TestMATH500GoldAgainstSolution: MATH-500's stated answer is the boxed
// answer of its reference solution.
func TestMATH500GoldAgainstSolution(t *testing.T) {
	type rec struct{ Problem, Solution, Answer string }
	recs := readJSONL[rec](t, filepath.Join(samples, "math500/test_first200.jsonl"))
	agree := 0
	for i, r := range recs {
		v := Grade(r.Solution, r.Answer, Options{})
		if v.Outcome == Equal {
			agree++
			continue
		}
		t.Logf("record %d: %v (%s): solution's %q against answer %q", i+1, v.Outcome, v.Method, v.Predicted, v.Gold)
	}
	t.Logf("MATH-500: the answer matches its solution's boxed answer in %d/%d", agree, len(recs))
	if agree < len(recs)*99/100 {
		t.Errorf("only %d/%d", agree, len(recs))
	}
}

// TestMATHSolutionsHaveAnswers: every MATH reference solution yields an
// answer, and it reads (parses) as math or a short text.
func TestMATHSolutionsHaveAnswers(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(samples, "math/test/*/*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no MATH files: %v", err)
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var r struct{ Solution string }
		if err := json.Unmarshal(b, &r); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		a, ok := Extract(r.Solution)
		if !ok || a.How != "boxed" {
			t.Errorf("%s: no boxed answer (%+v)", f, a)
			continue
		}
		if _, ok := parse(a.Text); !ok {
			t.Errorf("%s: answer %q does not parse", f, a.Text)
		}
	}
}

// TestGSM8KModelSolutions: GSM8K's example model solutions carry is_correct
// for four models; the grader, given the reference solution's "A: x" (or
// #### x) answer, must agree.
func TestGSM8KModelSolutions(t *testing.T) {
	type sol struct {
		IsCorrect bool   `json:"is_correct"`
		Solution  string `json:"solution"`
	}
	raw := readJSONL[map[string]json.RawMessage](t, filepath.Join(samples, "gsm8k/example_model_solutions_first50.jsonl"))
	n, agree := 0, 0
	for i, r := range raw {
		var gold string
		if err := json.Unmarshal(r["ground_truth"], &gold); err != nil {
			t.Fatal(err)
		}
		for model, v := range r {
			if model == "question" || model == "ground_truth" {
				continue
			}
			var s sol
			if err := json.Unmarshal(v, &s); err != nil {
				t.Fatal(err)
			}
			n++
			g := Grade(s.Solution, gold, Options{})
			if g.Outcome != Unknown && (g.Outcome == Equal) == s.IsCorrect {
				agree++
				continue
			}
			t.Logf("record %d %s: is_correct %v, graded %v (%s): %q against %q", i+1, model, s.IsCorrect, g.Outcome, g.Method, g.Predicted, g.Gold)
		}
	}
	t.Logf("GSM8K model solutions: agreement with is_correct %d/%d", agree, n)
	if n == 0 || agree < n*99/100 {
		t.Errorf("agreement %d/%d is below 99%%", agree, n)
	}
}

// TestGSM8KGoldMarker: the #### line of every GSM8K reference answer is
// found, and equals the number it states.
func TestGSM8KGoldMarker(t *testing.T) {
	type rec struct{ Question, Answer string }
	for i, r := range readJSONL[rec](t, filepath.Join(samples, "gsm8k/test_first200.jsonl")) {
		a, ok := Extract(r.Answer)
		k := strings.LastIndex(r.Answer, "####")
		want := strings.TrimSpace(r.Answer[k+4:])
		if !ok || a.How != "marker" || Compare(a.Text, want, Options{}).Outcome != Equal {
			t.Errorf("record %d: extracted %+v, want %q", i+1, a, want)
		}
	}
}

// TestPRM800KGroundTruth: PRM800K's ground_truth_answer is the boxed
// answer of its ground_truth_solution.
func TestPRM800KGroundTruth(t *testing.T) {
	type rec struct {
		Question struct {
			GroundTruthSolution string `json:"ground_truth_solution"`
			GroundTruthAnswer   string `json:"ground_truth_answer"`
		} `json:"question"`
	}
	files, _ := filepath.Glob(filepath.Join(samples, "prm800k/*.jsonl"))
	n := 0
	for _, f := range files {
		for i, r := range readJSONL[rec](t, f) {
			q := r.Question
			if q.GroundTruthSolution == "" || q.GroundTruthAnswer == "" {
				continue
			}
			n++
			if v := Grade(q.GroundTruthSolution, q.GroundTruthAnswer, Options{}); v.Outcome != Equal {
				t.Errorf("%s:%d: %v (%s): %q against %q", f, i+1, v.Outcome, v.Method, v.Predicted, v.Gold)
			}
		}
	}
	if n == 0 {
		t.Fatal("no PRM800K records with a ground truth")
	}
}

// processBenchGolds maps a problem's text to a gold answer, from the bundled
// datasets ProcessBench draws its problems from (GSM8K, MATH, MATH-500).
func processBenchGolds(t *testing.T) map[string]string {
	golds := map[string]string{}
	type gsm struct{ Question, Answer string }
	for _, r := range readJSONL[gsm](t, filepath.Join(samples, "gsm8k/test_first200.jsonl")) {
		golds[strings.TrimSpace(r.Question)] = r.Answer
	}
	type m5 struct{ Problem, Answer string }
	for _, r := range readJSONL[m5](t, filepath.Join(samples, "math500/test_first200.jsonl")) {
		golds[strings.TrimSpace(r.Problem)] = r.Answer
	}
	files, _ := filepath.Glob(filepath.Join(samples, "math/test/*/*.json"))
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var r struct{ Problem, Solution string }
		if err := json.Unmarshal(b, &r); err != nil {
			t.Fatal(err)
		}
		golds[strings.TrimSpace(r.Problem)] = r.Solution
	}
	return golds
}

type pbRecord struct {
	ID                 string   `json:"id"`
	Problem            string   `json:"problem"`
	Steps              []string `json:"steps"`
	FinalAnswerCorrect bool     `json:"final_answer_correct"`
}

// TestProcessBenchFinalAnswerCorrect grades ProcessBench traces and compares
// with the dataset's final_answer_correct. ProcessBench ships no gold
// answer: a trace is graded when its problem's gold is in a bundled dataset,
// or against a trace of the same problem that ProcessBench marks correct.
// Every trace must yield an answer.
// noAnswer lists the ProcessBench traces whose text states no final answer
// the grader can find, and why; any other trace must yield one.
var noAnswer = map[string]string{
	"gsm8k-63":         "ends \"spends $225.00 on dry cleaning over 5 weeks\": two numbers, neither stated after is/=",
	"gsm8k-75":         "ends \"will last 21 weeks for the family of 5 that consumes 0.2 kg\": three numbers",
	"gsm8k-238":        "ends \"a total of 34 hours on meditation and yoga practice in 4 weeks\": two numbers",
	"olympiadbench-10": "ends saying more information is needed: no answer given",
}

func TestProcessBenchFinalAnswerCorrect(t *testing.T) {
	golds := processBenchGolds(t)
	files, _ := filepath.Glob(filepath.Join(samples, "processbench/*.json"))
	n, agree, traces, found := 0, 0, 0, 0
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var recs []pbRecord
		if err := json.Unmarshal(b, &recs); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		right := map[string][]string{}
		for _, r := range recs {
			if r.FinalAnswerCorrect {
				right[strings.TrimSpace(r.Problem)] = append(right[strings.TrimSpace(r.Problem)], r.ID)
			}
		}
		text := map[string]string{}
		for _, r := range recs {
			text[r.ID] = strings.Join(r.Steps, "\n\n")
		}
		for _, r := range recs {
			traces++
			_, ok := Extract(text[r.ID])
			if ok {
				found++
			}
			if why, listed := noAnswer[r.ID]; ok == listed {
				t.Errorf("%s %s: answer found %v, listed as having none %v (%s)", filepath.Base(f), r.ID, ok, listed, why)
			}
			gold, ok := golds[strings.TrimSpace(r.Problem)]
			if !ok {
				for _, id := range right[strings.TrimSpace(r.Problem)] {
					if id != r.ID {
						gold, ok = text[id], true
						break
					}
				}
			}
			if !ok {
				continue
			}
			n++
			v := Grade(text[r.ID], gold, Options{})
			if v.Outcome != Unknown && (v.Outcome == Equal) == r.FinalAnswerCorrect {
				agree++
				continue
			}
			t.Logf("%s %s: final_answer_correct %v, graded %v (%s): %q against %q", filepath.Base(f), r.ID, r.FinalAnswerCorrect, v.Outcome, v.Method, v.Predicted, v.Gold)
		}
	}
	t.Logf("ProcessBench: answer found in %d/%d traces; agreement with final_answer_correct %d/%d graded", found, traces, agree, n)
	if n < 50 || agree < n*99/100 {
		t.Errorf("agreement %d/%d is below 99%% (or too few graded)", agree, n)
	}
}
