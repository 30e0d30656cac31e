package main

import (
	"context"
	"fmt"
	"hash/fnv"
	"slices"
	"strings"

	"github.com/stepwise-dev/stepwise/cmd/stepwise/config"
	"github.com/stepwise-dev/stepwise/judge/analytics"
	"github.com/stepwise-dev/stepwise/store"
)

// bucketedProblems computes the problems' sampled accuracy and difficulty
// (analytics.ProblemAccuracy: the counts `stepwise problems` gives,
// without its answer clusters) over every trace f selects (its offset and
// limit aside: they count the traces listed, not those measured).
func bucketedProblems(ctx context.Context, db *store.DB, f store.Filter) ([]analytics.Problem, error) {
	cfg, err := config.Load()
	if err != nil {
		return nil, err
	}
	f.Offset, f.Limit = 0, 0
	ps, err := analytics.ProblemAccuracy(ctx, db, f, cfg.DifficultyBuckets())
	if err != nil {
		return nil, fmt.Errorf("difficulty: %w", err)
	}
	return ps, nil
}

// balancedBuckets are the buckets a balanced export draws from: every
// graded one ("unknown" problems have no sampled accuracy to balance).
var balancedBuckets = []string{"easy", "medium", "hard", "unsolved"}

// selectBalanced narrows f to as many problems from each difficulty bucket
// as the smallest non-empty bucket holds, so a training set is not
// dominated by the easy problems most datasets are full of. Within a
// bucket the problems are taken in the order of a hash of their id:
// reproducible, and not the import order, which often groups a topic.
// It returns the per-bucket count (0 when no problem is graded) and the
// buckets drawn from.
func selectBalanced(ctx context.Context, db *store.DB, f *store.Filter) (int, []string, error) {
	ps, err := bucketedProblems(ctx, db, *f)
	if err != nil {
		return 0, nil, err
	}
	byBucket := map[string][]string{}
	for _, p := range ps {
		if slices.Contains(balancedBuckets, p.Difficulty) {
			byBucket[p.Difficulty] = append(byBucket[p.Difficulty], p.ProblemID)
		}
	}
	k := 0
	for _, b := range balancedBuckets {
		if n := len(byBucket[b]); n > 0 && (k == 0 || n < k) {
			k = n
		}
	}
	ids, used := []string{}, []string{}
	for _, b := range balancedBuckets {
		bucket := byBucket[b]
		if len(bucket) == 0 {
			continue
		}
		used = append(used, b)
		slices.SortFunc(bucket, func(x, y string) int { return cmpHash(x, y) })
		ids = append(ids, bucket[:k]...)
	}
	f.Problems = ids
	return k, used, nil
}

// cmpHash orders problem ids by a hash of the id (FNV-1a), ties by id.
func cmpHash(x, y string) int {
	hx, hy := fnv1a(x), fnv1a(y)
	switch {
	case hx < hy:
		return -1
	case hx > hy:
		return 1
	}
	return strings.Compare(x, y)
}

func fnv1a(s string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(s))
	return h.Sum64()
}
