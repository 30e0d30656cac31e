package analytics

import (
	"context"
	"sort"

	"github.com/stepwise-dev/stepwise"
	"github.com/stepwise-dev/stepwise/store"
)

// StepRow is what the evidence says of the steps at one index, over the
// traces a filter selects: where in a trace proofs fail and judges flag.
type StepRow struct {
	// Step is the 0-based step index; Traces counts the traces that have a
	// step there.
	Step   int `json:"step"`
	Traces int `json:"traces"`
	// Proof counts the steps with a formalization by their summed status
	// (store.StepStatus: the checks in place of the shipped statuses).
	// Proved, Disproved and Unknown group them: proved (also trusting the
	// compiler); disproved; and every other status but skipped (failed,
	// sorry, timeout, unsupported, a dataset's unchecked status, ...),
	// where the step is neither shown right nor shown wrong.
	Proof     map[string]int `json:"proof"`
	Proved    int            `json:"proved"`
	Disproved int            `json:"disproved"`
	Unknown   int            `json:"unknown"`
	// Judged counts the steps of traces with a single-trace judge verdict
	// (the newest); JudgeFlagged those the judge flagged; JudgeFirstError
	// those it named as the trace's first error.
	Judged          int `json:"judged"`
	JudgeFlagged    int `json:"judge_flagged"`
	JudgeFirstError int `json:"judge_first_error"`
}

// ByStep counts proof statuses and judge flags by step index. Rows run
// from step 0 to the longest trace's last step, one per index.
func ByStep(ctx context.Context, db *store.DB, f store.Filter) ([]StepRow, error) {
	var rows []StepRow
	err := db.EachEvidence(ctx, f, func(ev *store.TraceEvidence) error {
		t := ev.Trace
		for len(rows) < len(t.Steps) {
			rows = append(rows, StepRow{Step: len(rows), Proof: map[string]int{}})
		}
		stepwise.ApplyChecks(t, ev.CheckMap())
		for i, s := range t.Steps {
			rows[i].Traces++
			countProof(&rows[i], s.Formalizations)
		}
		countJudge(rows, ev.Judgement, len(t.Steps))
		return nil
	})
	return rows, err
}

// countProof adds a step's summed proof status to its row.
func countProof(r *StepRow, fs []stepwise.Formalization) {
	if len(fs) == 0 {
		return
	}
	st := store.StepStatus(fs)
	r.Proof[string(st)]++
	switch st {
	case stepwise.StatusProved, stepwise.StatusProvedTrustingCompiler:
		r.Proved++
	case stepwise.StatusDisproved:
		r.Disproved++
	case stepwise.StatusSkipped:
	default:
		r.Unknown++
	}
}

// countJudge adds a trace's newest single-trace verdict to the rows of its
// steps (a pairwise run says nothing of single steps).
func countJudge(rows []StepRow, j *store.RunHead, steps int) {
	if j == nil || !j.Single() {
		return
	}
	for i := range steps {
		rows[i].Judged++
	}
	flagged := map[int]bool{}
	for _, fl := range j.StepFlags {
		if fl.Step >= 0 && fl.Step < steps && !flagged[fl.Step] {
			flagged[fl.Step] = true
			rows[fl.Step].JudgeFlagged++
		}
	}
	if fe := j.FirstError; fe != nil && *fe >= 0 && *fe < steps {
		rows[*fe].JudgeFirstError++
	}
}

// DifficultyRow is the samples of the problems of one difficulty bucket,
// every model together.
type DifficultyRow struct {
	Difficulty string   `json:"difficulty"`
	Problems   int      `json:"problems"`
	Samples    int      `json:"samples"`
	Graded     int      `json:"graded"`
	Correct    int      `json:"correct"`
	Accuracy   *float64 `json:"accuracy"`
}

// AccuracyByDifficulty sums the problems of each difficulty bucket, from
// easy to unsolved, "unknown" last; empty buckets are left out.
func AccuracyByDifficulty(ps []Problem) []DifficultyRow {
	by := map[string]*DifficultyRow{}
	for _, p := range ps {
		r := by[p.Difficulty]
		if r == nil {
			r = &DifficultyRow{Difficulty: p.Difficulty}
			by[p.Difficulty] = r
		}
		r.Problems++
		r.Samples += p.Samples
		r.Graded += p.Graded
		r.Correct += p.Correct
	}
	out := make([]DifficultyRow, 0, len(by))
	for _, r := range by {
		r.Accuracy = ratio(r.Correct, r.Graded)
		out = append(out, *r)
	}
	sort.Slice(out, func(i, j int) bool { return difficultyRank(out[i].Difficulty) < difficultyRank(out[j].Difficulty) })
	return out
}

// difficultyRank orders the buckets from easy to unsolved, then unknown.
func difficultyRank(b string) int {
	switch b {
	case "easy":
		return 0
	case "medium":
		return 1
	case "hard":
		return 2
	case "unsolved":
		return 3
	}
	return 4
}
