package main

import (
	"context"
	"flag"
	"fmt"
	"slices"

	"github.com/stepwise-dev/stepwise/cmd/stepwise/config"
	"github.com/stepwise-dev/stepwise/judge/analytics"
	"github.com/stepwise-dev/stepwise/store"
)

// difficulties are the buckets `--difficulty` takes: analytics.Buckets'
// names, "unknown" for problems with no graded sample.
var difficulties = []string{"easy", "medium", "hard", "unsolved", "unknown"}

// difficultyFlag adds --difficulty to a command that selects traces.
func difficultyFlag(fs *flag.FlagSet) *string {
	return fs.String("difficulty", "", "only traces of problems in this difficulty bucket, by sampled accuracy over the traces the other filters select: "+
		fmt.Sprint(difficulties)+" (thresholds: [difficulty] in config.toml)")
}

// checkDifficulty validates a --difficulty value before the store opens.
func checkDifficulty(bucket string) error {
	if bucket != "" && !slices.Contains(difficulties, bucket) {
		return fmt.Errorf("--difficulty %q: want one of %v", bucket, difficulties)
	}
	return nil
}

// selectDifficulty narrows f to the problems in a difficulty bucket. The
// bucket is computed as `stepwise problems` computes it, over the traces
// the rest of f selects (so with --model M, the problems hard for M), and
// the store then selects their traces: Offset and Limit count those.
func selectDifficulty(ctx context.Context, db *store.DB, f *store.Filter, bucket string) error {
	if bucket == "" {
		return nil
	}
	cfg, err := config.Load()
	if err != nil {
		return err
	}
	scope := *f
	scope.Offset, scope.Limit = 0, 0
	ps, err := analytics.Problems(ctx, db, scope, cfg.DifficultyBuckets())
	if err != nil {
		return fmt.Errorf("difficulty: %w", err)
	}
	ids := []string{}
	for _, p := range ps {
		if p.Difficulty == bucket {
			ids = append(ids, p.ProblemID)
		}
	}
	f.Problems = ids
	return nil
}
