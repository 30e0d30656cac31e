package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// jsonLines decodes one JSON object per line.
func jsonLines[T any](t *testing.T, s string) []T {
	t.Helper()
	var out []T
	sc := bufio.NewScanner(strings.NewReader(s))
	sc.Buffer(make([]byte, 1<<20), 1<<26)
	for sc.Scan() {
		if strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		var v T
		if err := json.Unmarshal(sc.Bytes(), &v); err != nil {
			t.Fatalf("%v: %s", err, sc.Text())
		}
		out = append(out, v)
	}
	return out
}

type evalRow struct {
	Source       string  `json:"source"`
	Dataset      string  `json:"dataset"`
	Coverage     float64 `json:"coverage"`
	ProcessBench struct {
		AccError   *float64 `json:"acc_error"`
		AccCorrect *float64 `json:"acc_correct"`
		F1         *float64 `json:"f1"`
		NError     int      `json:"n_error"`
		NCorrect   int      `json:"n_correct"`
	} `json:"processbench"`
	Steps struct {
		Precision *float64 `json:"precision"`
		Recall    *float64 `json:"recall"`
		N         int      `json:"n"`
	} `json:"steps"`
}

// TestEvalRecomputedByHand recomputes the scorecard of the formal checks,
// the offline analyzers, an annotator and an imported PRM from what `ls
// --json`, `verify --json` and `analyze --json` print (and the labels and
// scores the test writes itself), without the scorecard package, on the
// 200 ProcessBench GSM8K sample traces, and compares with `eval --json`.
func TestEvalRecomputedByHand(t *testing.T) {
	c := newCLI(t, "")
	c.must("import", "../../testdata/samples/processbench/gsm8k_0-99_and_200-299.json")
	type lsRow struct {
		ID         string `json:"id"`
		Dataset    string `json:"dataset"`
		Steps      int    `json:"steps"`
		FirstError *int   `json:"first_error"`
		Strip      string `json:"strip"`
	}
	ls := jsonLines[lsRow](t, c.must("ls", "--json"))
	type vRow struct {
		TraceID string `json:"trace_id"`
		Step    int    `json:"step"`
		Status  string `json:"status"`
	}
	verified := jsonLines[vRow](t, c.must("verify", "--json"))
	type aRow struct {
		ID       string `json:"id"`
		Findings []struct {
			Severity string `json:"severity"`
			Step     int    `json:"step"`
		} `json:"findings"`
	}
	analyzed := jsonLines[aRow](t, c.must("analyze", "--json"))

	// An annotator labels the first ten traces: step 0 wrong in the even
	// ones, nothing wrong (first-error mode, -1) in the odd ones. A PRM
	// scores every trace 0.9 per step but 0.1 at step 1.
	var prmFile strings.Builder
	for i, r := range ls {
		if i < 10 {
			if i%2 == 0 {
				c.must("label", r.ID, "0", "bad", "--annotator", "ana", "--first-error")
			} else {
				c.must("label", r.ID, "-1", "good", "--annotator", "ana", "--first-error")
			}
		}
		scores := make([]string, r.Steps)
		for k := range scores {
			scores[k] = "0.9"
		}
		if r.Steps > 1 {
			scores[1] = "0.1"
		}
		fmt.Fprintf(&prmFile, `{"id": %q, "scores": [%s]}`+"\n", r.ID, strings.Join(scores, ","))
	}
	path := filepath.Join(t.TempDir(), "scores.jsonl")
	if err := os.WriteFile(path, []byte(prmFile.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	c.must("prm", "import", path, "--name", "toy-prm")

	// The flags of each source, from the three listings and the inputs.
	flags := map[string]map[string]map[int]bool{"formal": {}, "offline": {}, "annotator:ana": {}, "prm:toy-prm": {}}
	looked := map[string]map[string]bool{"formal": {}, "offline": {}, "annotator:ana": {}, "prm:toy-prm": {}}
	for _, r := range ls {
		looked["formal"][r.ID] = true // verify ran over every trace
		flags["prm:toy-prm"][r.ID] = map[int]bool{}
		if r.Steps > 1 {
			flags["prm:toy-prm"][r.ID][1] = true
		}
		looked["prm:toy-prm"][r.ID] = true
	}
	for i, r := range ls[:10] {
		looked["annotator:ana"][r.ID] = true
		flags["annotator:ana"][r.ID] = map[int]bool{}
		if i%2 == 0 {
			flags["annotator:ana"][r.ID][0] = true
		}
	}
	for _, v := range verified {
		if v.Status == "disproved" {
			if flags["formal"][v.TraceID] == nil {
				flags["formal"][v.TraceID] = map[int]bool{}
			}
			flags["formal"][v.TraceID][v.Step] = true
		}
	}
	for _, a := range analyzed {
		looked["offline"][a.ID] = true
		flags["offline"][a.ID] = map[int]bool{}
		for _, f := range a.Findings {
			if f.Severity == "error" && f.Step >= 0 {
				flags["offline"][a.ID][f.Step] = true
			}
		}
	}
	rows := jsonLines[evalRow](t, c.must("eval", "--json"))
	if len(rows) != 4 {
		t.Fatalf("%d rows: %+v", len(rows), rows)
	}
	for _, row := range rows {
		src := row.Source
		var nErr, hitErr, nOK, hitOK, tp, fp, fn, n, seen int
		for _, r := range ls {
			if !looked[src][r.ID] {
				continue
			}
			seen++
			pred := -1
			for s := range flags[src][r.ID] {
				if pred < 0 || s < pred {
					pred = s
				}
			}
			if r.FirstError != nil {
				if *r.FirstError >= 0 {
					nErr++
					if pred == *r.FirstError {
						hitErr++
					}
				} else {
					nOK++
					if pred == -1 {
						hitOK++
					}
				}
			}
			for s, ch := range r.Strip { // + good, x bad, . unlabeled
				if ch == '.' {
					continue
				}
				n++
				switch f := flags[src][r.ID][s]; {
				case ch == 'x' && f:
					tp++
				case ch != 'x' && f:
					fp++
				case ch == 'x':
					fn++
				}
			}
		}
		check := func(what string, got *float64, num, den int) {
			if den == 0 {
				if got != nil {
					t.Errorf("%s %s: %v, want undefined", src, what, *got)
				}
				return
			}
			if got == nil || math.Abs(*got-float64(num)/float64(den)) > 1e-9 {
				t.Errorf("%s %s: %v, want %d/%d", src, what, got, num, den)
			}
		}
		check("acc_error", row.ProcessBench.AccError, hitErr, nErr)
		check("acc_correct", row.ProcessBench.AccCorrect, hitOK, nOK)
		check("step precision", row.Steps.Precision, tp, tp+fp)
		check("step recall", row.Steps.Recall, tp, tp+fn)
		if row.ProcessBench.NError != nErr || row.ProcessBench.NCorrect != nOK || row.Steps.N != n {
			t.Errorf("%s counts %+v %+v, want %d %d %d", src, row.ProcessBench, row.Steps, nErr, nOK, n)
		}
		if want := float64(seen) / float64(len(ls)); math.Abs(row.Coverage-want) > 1e-9 {
			t.Errorf("%s coverage %v, want %v", src, row.Coverage, want)
		}
		if a, b := row.ProcessBench.AccError, row.ProcessBench.AccCorrect; a != nil && b != nil && *a+*b > 0 {
			if want := 2 * *a * *b / (*a + *b); row.ProcessBench.F1 == nil || math.Abs(*row.ProcessBench.F1-want) > 1e-9 {
				t.Errorf("%s f1 %v, want %v", src, row.ProcessBench.F1, want)
			}
		}
	}
	// Scored against the annotator: only the ten traces she labeled count.
	byAna := jsonLines[evalRow](t, c.must("eval", "--json", "--reference", "annotator:ana"))
	for _, r := range byAna {
		if r.ProcessBench.NError+r.ProcessBench.NCorrect > 10 {
			t.Errorf("%s against ana: %+v", r.Source, r.ProcessBench)
		}
		if r.Source == "annotator:ana" && (r.ProcessBench.F1 == nil || *r.ProcessBench.F1 != 1) {
			t.Errorf("ana against herself: %+v", r.ProcessBench)
		}
	}
	if code, _, _ := c.run("eval", "--reference", "someone"); code != exitUsage {
		t.Errorf("bad --reference: exit %d", code)
	}
}
