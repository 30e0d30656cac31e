package analytics

import (
	"context"

	"github.com/stepwise-dev/stepwise/store"
)

// ProblemAccuracy is Problems without what costs: each problem's samples,
// graded and correct counts, accuracy, difficulty bucket and per-model
// counts, but no pass@k and no answer clusters (comparing answers with the
// grader is most of Problems' time). It is what the difficulty buckets
// need — AccuracyByDifficulty and ByDifficulty take its problems — in
// about a second for a million traces. Problems come in the order their
// first sample was imported.
func ProblemAccuracy(ctx context.Context, db *store.DB, f store.Filter, b Buckets) ([]Problem, error) {
	var t accuracyTally
	err := db.List(f, func(s store.Summary) error {
		if IsSample(s.Model) {
			t.add(s)
		}
		return ctx.Err()
	})
	if err != nil {
		return nil, err
	}
	return t.problems(b), nil
}

// accuracyTally counts samples by problem and model. Models are few and
// numbered as they come, so a sample costs two map reads, not a map of
// models per problem; consecutive samples of one problem or one model
// (the usual import order) cost none.
type accuracyTally struct {
	index    map[string]int // problem id → position in out
	out      []Problem
	byModel  [][]ModelCount // per problem, by model number
	models   map[string]int
	names    []string
	lastP    string
	lastPi   int
	lastM    string
	lastMi   int
	anyAdded bool
}

func (t *accuracyTally) add(s store.Summary) {
	if t.index == nil {
		t.index, t.models = map[string]int{}, map[string]int{}
	}
	pi := t.problem(s)
	mi := t.model(s.Model)
	for len(t.byModel[pi]) <= mi {
		t.byModel[pi] = append(t.byModel[pi], ModelCount{})
	}
	p, m := &t.out[pi], &t.byModel[pi][mi]
	p.Samples++
	m.Samples++
	if s.Correct != nil {
		p.Graded++
		m.Graded++
		if *s.Correct {
			p.Correct++
			m.Correct++
		}
	}
}

// problem is the position of the sample's problem, added if new.
func (t *accuracyTally) problem(s store.Summary) int {
	if t.anyAdded && s.ProblemID == t.lastP {
		return t.lastPi
	}
	i, ok := t.index[s.ProblemID]
	if !ok {
		i = len(t.out)
		t.index[s.ProblemID] = i
		t.out = append(t.out, Problem{ProblemID: s.ProblemID, Dataset: s.Dataset})
		t.byModel = append(t.byModel, nil)
	}
	t.lastP, t.lastPi, t.anyAdded = s.ProblemID, i, true
	return i
}

// model is the model's number, given if new.
func (t *accuracyTally) model(name string) int {
	if len(t.names) > 0 && name == t.lastM {
		return t.lastMi
	}
	i, ok := t.models[name]
	if !ok {
		i = len(t.names)
		t.models[name] = i
		t.names = append(t.names, name)
	}
	t.lastM, t.lastMi = name, i
	return i
}

// problems finishes the counts: accuracies, buckets and per-model maps.
func (t *accuracyTally) problems(b Buckets) []Problem {
	for i := range t.out {
		p := &t.out[i]
		p.ByModel = map[string]ModelCount{}
		for mi, m := range t.byModel[i] {
			if m.Samples == 0 {
				continue
			}
			m.Accuracy = ratio(m.Correct, m.Graded)
			m.Difficulty = b.Bucket(m.Accuracy)
			p.ByModel[t.names[mi]] = m
		}
		p.Accuracy = ratio(p.Correct, p.Graded)
		p.Difficulty = b.Bucket(p.Accuracy)
	}
	return t.out
}
