package offline

import (
	"context"
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/stepwise-dev/stepwise"
)

// knownLabelErrors are (source id, 0-based step) pairs of steps a dataset
// labels correct (or a reference solution states) that really are wrong,
// each with its arithmetic. The two ProcessBench label errors issue 14
// names (OmniMath 47.25 × 8.75 = 414.375, a factorization 1547 = 23 × 67)
// are in records the samples do not hold; TestLabelContradicted restates
// them.
var knownLabelErrors = map[[2]string]string{
	// MATH test/algebra/351, reference solution: "(-4)^2 + 4 \cdot 1 \cdot
	// (-1) = 20" is 16 - 4 = 12 as written; the discriminant it means is
	// (-4)^2 - 4·1·(-1) = 20 (a sign typo in the reference text).
	{"test/algebra/351.json", "2"}: "(-4)^2 + 4·1·(-1) = 12, not 20",
}

// precisionRow is the offline evidence against one dataset's labels.
type precisionRow struct {
	traces, firstErrors, found int
	// flags on steps the dataset labels correct before its first error
	// (or in a trace it calls all correct): false alarms.
	falseAlarms int
	// flags on steps labeled correct after the first error (PRMBench labels
	// every unmodified step correct), on first-error steps, on later steps
	// labeled wrong, on unlabeled steps.
	afterError, onFirstError, onWrong, onUnlabeled int
	// flags in traces with a right and a wrong final answer (GSM8K model
	// solutions carry no step labels).
	inRight, inWrong int
	// known: flags on the listed dataset errors.
	known int
}

// labeledSamples are the samples with labels: dataset labels per step,
// reference solutions correct by construction, model solutions graded.
var labeledSamples = []string{
	"../../testdata/samples/processbench/gsm8k_0-99_and_200-299.json",
	"../../testdata/samples/processbench/math_0-49_and_500-549.json",
	"../../testdata/samples/processbench/olympiadbench_0-24_and_501-525.json",
	"../../testdata/samples/processbench/omnimath_0-24_and_500-524.json",
	"../../testdata/samples/prmbench/prmbench_subset400_sample.jsonl",
	"../../testdata/samples/prm800k/prm800k_phase1_train_sample.jsonl",
	"../../testdata/samples/prm800k/prm800k_phase2_train_sample.jsonl",
	"../../testdata/samples/deltabench/deltabench_v1_examples_first5.jsonl",
	"../../testdata/samples/gsm8k/test_first200.jsonl",
	"../../testdata/samples/gsm8k/example_model_solutions_first50.jsonl",
	"../../testdata/heldout/gsm8k/test_201-314.jsonl",
	"../../testdata/heldout/gsm8k/test_315-482.jsonl",
	"../../testdata/heldout/gsm8k/train_1-138.jsonl",
	"../../testdata/samples/math500/test_first200.jsonl",
}

// mathFiles are the 28 MATH problems, one JSON file each.
func mathFiles(t *testing.T) []string {
	files, err := filepath.Glob("../../testdata/samples/math/test/*/*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("MATH sample: %v %v", files, err)
	}
	return files
}

// TestEvidencePrecisionTable measures the offline evidence (arithmetic
// disproved exactly — the same decision `stepwise verify` makes, see
// TestOneArithmeticDecider — and every error-severity analyzer finding)
// against the labels of every labeled sample, and fails on a false alarm:
// a flag on a step the dataset labels correct before its first error, or
// on a reference solution. Run with -v to print the table (README,
// "Evidence precision").
func TestEvidencePrecisionTable(t *testing.T) {
	rows := map[string]*precisionRow{}
	for _, path := range append(append([]string(nil), labeledSamples...), mathFiles(t)...) {
		heldOut := strings.Contains(path, "/heldout/")
		for _, it := range loadItems(t, path) {
			tr := it.Trace
			ds := tr.Dataset
			if heldOut {
				ds += " (held out)"
			}
			row := rows[ds]
			if row == nil {
				row = &precisionRow{}
				rows[ds] = row
			}
			row.traces++
			rep, err := Run(context.Background(), tr, it.Problem, Options{Arithmetic: VerifyChecker{}})
			if err != nil {
				t.Fatal(err)
			}
			flags := map[int]string{}
			for _, f := range rep.Findings {
				if f.Severity == Error && f.Step >= 0 {
					flags[f.Step] = f.Code + ": " + f.Message
				}
			}
			row.tally(t, tr, flags)
		}
	}
	names := make([]string, 0, len(rows))
	for n := range rows {
		names = append(names, n)
	}
	sort.Strings(names)
	var b strings.Builder
	fmt.Fprintf(&b, "\n%-34s %6s %6s %6s %7s %6s %6s %6s %6s %6s %6s %6s %6s\n", "dataset", "traces", "1st", "found",
		"recall", "false", "known", "after", "on1st", "wrong", "unlab", "right", "wrongA")
	for _, n := range names {
		r := rows[n]
		recall := "-"
		if r.firstErrors > 0 {
			recall = fmt.Sprintf("%.2f", float64(r.found)/float64(r.firstErrors))
		}
		fmt.Fprintf(&b, "%-34s %6d %6d %6d %7s %6d %6d %6d %6d %6d %6d %6d %6d\n", n, r.traces, r.firstErrors, r.found,
			recall, r.falseAlarms, r.known, r.afterError, r.onFirstError, r.onWrong, r.onUnlabeled, r.inRight, r.inWrong)
	}
	t.Log(b.String())
}

// tally files one trace's flags against its labels.
func (r *precisionRow) tally(t *testing.T, tr *stepwise.Trace, flags map[int]string) {
	fe := tr.FirstError()
	reference := tr.Model == "reference" && tr.Correct != nil && *tr.Correct
	if fe != nil && *fe >= 0 {
		r.firstErrors++
		if _, ok := flags[*fe]; ok {
			r.found++
		}
	}
	for step, why := range flags {
		rating := tr.Steps[step].StepRating()
		switch {
		case knownLabelErrors[[2]string{tr.SourceID, fmt.Sprint(step)}] != "":
			r.known++
		case reference || (fe != nil && (*fe == -1 || step < *fe)) && rating != stepwise.Bad:
			r.falseAlarms++
			t.Errorf("false alarm: %s %s step %d: %s", tr.Dataset, tr.SourceID, step, why)
		case fe != nil && step == *fe:
			r.onFirstError++
		case rating == stepwise.Good:
			r.afterError++
		case rating == stepwise.Bad:
			r.onWrong++
		default:
			r.onUnlabeled++
		}
		if tr.Correct != nil && !reference {
			if *tr.Correct {
				r.inRight++
			} else {
				r.inWrong++
			}
		}
	}
}
