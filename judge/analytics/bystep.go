package analytics

import (
	"context"
	"slices"

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
	// Proof counts the checked steps by status: each step's verification
	// checks summed as the trace list's proof strip sums them
	// (store.StepStatus); steps never checked, or checked with nothing
	// found to check, are left out. Proved, Disproved and Unknown group
	// them: proved (also trusting the compiler); disproved; and every
	// other status but skipped (failed, sorry, timeout, unsupported, ...),
	// where the check showed the step neither right nor wrong.
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

// stripBatch is how many traces' proof strips one read transaction takes.
const stripBatch = 4096

// ByStep counts proof statuses and judge flags by step index. Rows run
// from step 0 to the longest trace's last step, one per index. It reads
// the summaries, the proof strips and the judged traces' newest runs, not
// the traces' bodies: a few seconds for a million traces, where reading
// every trace's evidence takes minutes.
func ByStep(ctx context.Context, db *store.DB, f store.Filter) ([]StepRow, error) {
	var rows []StepRow
	var seqs []uint64
	var steps []int
	err := db.List(f, func(s store.Summary) error {
		for len(rows) < s.Steps {
			rows = append(rows, StepRow{Step: len(rows), Proof: map[string]int{}})
		}
		for i := range s.Steps {
			rows[i].Traces++
		}
		seqs, steps = append(seqs, s.Seq), append(steps, s.Steps)
		return ctx.Err()
	})
	if err != nil {
		return nil, err
	}
	if err := countStrips(ctx, db, rows, seqs, steps); err != nil {
		return nil, err
	}
	// List gives the traces in seq order, so membership is a binary search
	// (a filter's offset and limit count in List, not in EachJudged).
	err = db.EachJudged(ctx, f, func(s store.Summary, h store.RunHead) error {
		if _, ok := slices.BinarySearch(seqs, s.Seq); ok {
			countJudge(rows, &h, min(s.Steps, len(rows)))
		}
		return nil
	})
	return rows, err
}

// countStrips adds the traces' proof strips to the rows, a batch of
// traces per read.
func countStrips(ctx context.Context, db *store.DB, rows []StepRow, seqs []uint64, steps []int) error {
	for from := 0; from < len(seqs); from += stripBatch {
		if err := ctx.Err(); err != nil {
			return err
		}
		to := min(len(seqs), from+stripBatch)
		strips, err := db.ProofStrips(seqs[from:to])
		if err != nil {
			return err
		}
		for k, strip := range strips {
			for i := 0; i < len(strip) && i < steps[from+k]; i++ {
				if st, ok := store.StripStatus(strip[i]); ok {
					countProof(&rows[i], st)
				}
			}
		}
	}
	return nil
}

// countProof adds a checked step's status to its row.
func countProof(r *StepRow, st stepwise.ProofStatus) {
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
