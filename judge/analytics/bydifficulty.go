package analytics

import "sort"

// ModelDifficulty is one model's samples on the problems of one difficulty
// bucket.
type ModelDifficulty struct {
	Model      string   `json:"model"`
	Difficulty string   `json:"difficulty"`
	Problems   int      `json:"problems"`
	Samples    int      `json:"samples"`
	Graded     int      `json:"graded"`
	Correct    int      `json:"correct"`
	Accuracy   *float64 `json:"accuracy"`
}

// ByDifficulty breaks each model's samples down by the difficulty of their
// problems (the bucket over every model's samples, as Problems computes
// it): how a model does on the problems that are hard for the field, not
// only on average. Rows are ordered by model, then by bucket from easy to
// unsolved, "unknown" last.
func ByDifficulty(ps []Problem) []ModelDifficulty {
	type key struct{ model, bucket string }
	rows := map[key]*ModelDifficulty{}
	for _, p := range ps {
		for name, m := range p.ByModel {
			k := key{name, p.Difficulty}
			r := rows[k]
			if r == nil {
				r = &ModelDifficulty{Model: name, Difficulty: p.Difficulty}
				rows[k] = r
			}
			r.Problems++
			r.Samples += m.Samples
			r.Graded += m.Graded
			r.Correct += m.Correct
		}
	}
	out := make([]ModelDifficulty, 0, len(rows))
	for _, r := range rows {
		r.Accuracy = ratio(r.Correct, r.Graded)
		out = append(out, *r)
	}
	rank := map[string]int{"easy": 0, "medium": 1, "hard": 2, "unsolved": 3, "unknown": 4}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Model != out[j].Model {
			return out[i].Model < out[j].Model
		}
		return rank[out[i].Difficulty] < rank[out[j].Difficulty]
	})
	return out
}
