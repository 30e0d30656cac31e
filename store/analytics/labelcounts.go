package analytics

import (
	"context"
	"sort"

	"github.com/stepwise-dev/stepwise"
)

// LabelCounts is what one annotator's current labels say, summed over the
// traces they labeled: how many steps they rated good, neutral or wrong,
// how many they flagged hallucinated, the error types they gave, and their
// trace verdicts. Annotator "" sums everyone.
type LabelCounts struct {
	Annotator    string         `json:"annotator"`
	Good         int            `json:"good"`
	Neutral      int            `json:"neutral"`
	Bad          int            `json:"bad"`
	Hallucinated int            `json:"hallucinated"`
	ErrorTypes   map[string]int `json:"error_types,omitempty"`
	Verdicts     map[string]int `json:"verdicts,omitempty"`
}

// LabelDistribution folds the events of every labeled trace of a dataset
// ("" for all) into each annotator's label counts, gold items left out.
// It reads only traces with events: its cost follows the labels, not the
// store. Rows: everyone first, then annotators by name.
func LabelDistribution(ctx context.Context, src Source, dataset string) ([]LabelCounts, error) {
	by := map[string]*LabelCounts{}
	get := func(name string) *LabelCounts {
		c := by[name]
		if c == nil {
			c = &LabelCounts{Annotator: name, ErrorTypes: map[string]int{}, Verdicts: map[string]int{}}
			by[name] = c
		}
		return c
	}
	err := src.EachAnnotated(ctx, dataset, false, func(at *Annotated) error {
		for name, m := range stepwise.FoldAnnotations(dataEvents(at.Events), at.Steps) {
			for _, c := range []*LabelCounts{get(""), get(name)} {
				c.add(m)
			}
		}
		return ctx.Err()
	})
	if err != nil {
		return nil, err
	}
	out := make([]LabelCounts, 0, len(by))
	for _, c := range by {
		out = append(out, *c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Annotator < out[j].Annotator })
	return out, nil
}

func (c *LabelCounts) add(m *stepwise.TraceMarks) {
	for _, sm := range m.Steps {
		switch sm.Rating {
		case stepwise.Good:
			c.Good++
		case stepwise.Neutral:
			c.Neutral++
		case stepwise.Bad:
			c.Bad++
		}
		if sm.Hallucinated {
			c.Hallucinated++
		}
		if sm.ErrorType != "" {
			c.ErrorTypes[sm.ErrorType]++
		}
	}
	if m.Verdict != "" {
		c.Verdicts[m.Verdict]++
	}
}
