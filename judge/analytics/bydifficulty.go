package analytics

import (
	"slices"
	"sort"
)

// BucketNames are the difficulty buckets from easy to unsolved, then
// "unknown" (no graded sample).
func BucketNames() []string { return []string{"easy", "medium", "hard", "unsolved", "unknown"} }

// DifficultyRow is the samples on the problems of one difficulty bucket:
// one model's (ByDifficulty) or every model's (AccuracyByDifficulty).
type DifficultyRow struct {
	Model      string   `json:"model,omitempty"`
	Difficulty string   `json:"difficulty"`
	Problems   int      `json:"problems"`
	Samples    int      `json:"samples"`
	Graded     int      `json:"graded"`
	Correct    int      `json:"correct"`
	Accuracy   *float64 `json:"accuracy"`
}

// ModelDifficulty is a DifficultyRow of one model.
type ModelDifficulty = DifficultyRow

// ByDifficulty breaks each model's samples down by the difficulty of their
// problems (the bucket over every model's samples, as Problems computes
// it): how a model does on the problems that are hard for the field, not
// only on average. Rows are ordered by model, then by bucket from easy to
// unsolved, "unknown" last.
func ByDifficulty(ps []Problem) []ModelDifficulty { return byBucket(ps, true) }

// AccuracyByDifficulty sums the problems of each difficulty bucket, every
// model together, from easy to unsolved, "unknown" last; empty buckets are
// left out.
func AccuracyByDifficulty(ps []Problem) []DifficultyRow { return byBucket(ps, false) }

func byBucket(ps []Problem, perModel bool) []DifficultyRow {
	type key struct{ model, bucket string }
	rows := map[key]*DifficultyRow{}
	add := func(k key, samples, graded, correct int) {
		r := rows[k]
		if r == nil {
			r = &DifficultyRow{Model: k.model, Difficulty: k.bucket}
			rows[k] = r
		}
		r.Problems++
		r.Samples += samples
		r.Graded += graded
		r.Correct += correct
	}
	for _, p := range ps {
		if !perModel {
			add(key{"", p.Difficulty}, p.Samples, p.Graded, p.Correct)
			continue
		}
		for name, m := range p.ByModel {
			add(key{name, p.Difficulty}, m.Samples, m.Graded, m.Correct)
		}
	}
	out := make([]DifficultyRow, 0, len(rows))
	for _, r := range rows {
		r.Accuracy = ratio(r.Correct, r.Graded)
		out = append(out, *r)
	}
	rank := func(b string) int { return slices.Index(BucketNames(), b) }
	sort.Slice(out, func(i, j int) bool {
		if out[i].Model != out[j].Model {
			return out[i].Model < out[j].Model
		}
		return rank(out[i].Difficulty) < rank(out[j].Difficulty)
	})
	return out
}
