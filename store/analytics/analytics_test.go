package analytics

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/stepwise-dev/stepwise"
)

// fakeSource hands analytics annotated traces from memory: the whole of
// its view of the store.
type fakeSource []*Annotated

func (f fakeSource) EachAnnotated(ctx context.Context, dataset string, withTrace bool, fn func(*Annotated) error) error {
	for _, at := range f {
		if dataset != "" && at.Dataset != dataset {
			continue
		}
		cp := *at
		if !withTrace {
			cp.Trace = nil
		}
		if err := fn(&cp); err != nil {
			return err
		}
	}
	return ctx.Err()
}

func ev(seq uint64, who string, step int, r stepwise.Rating, errType string, gold bool) stepwise.Annotation {
	return stepwise.Annotation{Seq: seq, Annotator: who, Time: time.Unix(int64(seq), 0), Step: step, Rating: r,
		ErrorType: errType, Gold: gold}
}

// Two annotators disagree on step 1 of one trace and agree on step 0; a
// third labels the other trace, a gold item, which counts for nobody's data.
func sample() fakeSource {
	tr := &stepwise.Trace{Steps: make([]stepwise.Step, 3)}
	return fakeSource{
		{Seq: 1, ID: "d:1", Dataset: "d", Steps: 3, Trace: tr, Events: []stepwise.Annotation{
			ev(1, "ann", 0, stepwise.Good, "", false), ev(2, "ann", 1, stepwise.Bad, "calc", false),
			ev(3, "bob", 0, stepwise.Good, "", false), ev(4, "bob", 1, stepwise.Good, "", false)}},
		{Seq: 2, ID: "e:2", Dataset: "e", Steps: 3, Trace: tr, Events: []stepwise.Annotation{
			ev(5, "cat", 2, stepwise.Bad, "logic", true)}},
	}
}

func TestConflictsFromEvents(t *testing.T) {
	var got []Conflict
	err := Conflicts(context.Background(), sample(), ConflictFilter{}, func(c Conflict) error { got = append(got, c); return nil })
	if err != nil {
		t.Fatal(err)
	}
	want := []Conflict{{TraceID: "d:1", TraceSeq: 1, Dataset: "d", Step: 1, Kinds: []string{KindRating},
		Marks: map[string]stepwise.StepMark{}}}
	if len(got) != 1 || got[0].Step != want[0].Step || got[0].TraceID != "d:1" || !reflect.DeepEqual(got[0].Kinds, want[0].Kinds) ||
		got[0].Marks["ann"].Rating != stepwise.Bad || got[0].Marks["bob"].Rating != stepwise.Good {
		t.Fatalf("conflicts %+v", got)
	}
	got = nil
	Conflicts(context.Background(), sample(), ConflictFilter{Annotators: []string{"ann"}}, func(c Conflict) error { got = append(got, c); return nil })
	if len(got) != 0 {
		t.Fatalf("one annotator has no conflicts: %+v", got)
	}
}

func TestLabelDistributionFromEvents(t *testing.T) {
	got, err := LabelDistribution(context.Background(), sample(), "")
	if err != nil {
		t.Fatal(err)
	}
	want := []LabelCounts{
		{Annotator: "", Good: 3, Bad: 1, ErrorTypes: map[string]int{"calc": 1}, Verdicts: map[string]int{}},
		{Annotator: "ann", Good: 1, Bad: 1, ErrorTypes: map[string]int{"calc": 1}, Verdicts: map[string]int{}},
		{Annotator: "bob", Good: 2, ErrorTypes: map[string]int{}, Verdicts: map[string]int{}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("label counts:\n got %+v\nwant %+v", got, want)
	}
}

func TestAgreementFromEvents(t *testing.T) {
	r, err := Agreement(context.Background(), sample(), AgreementOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(r.Annotators, []string{"ann", "bob", "cat"}) {
		t.Fatalf("annotators %v", r.Annotators)
	}
	rating := r.Kinds[0]
	if rating.Kind != KindRating || len(rating.Pairs) != 1 || rating.Pairs[0].Observed.Value != 0.5 || rating.Pairs[0].Observed.N != 2 {
		t.Fatalf("rating agreement %+v", rating)
	}
	// The gold item is scored against the dataset's labels, of which the
	// trace has none: cat has no gold accuracy to report.
	if len(r.Gold) != 1 || r.Gold[0].Annotator != "cat" || r.Gold[0].Items != 0 {
		t.Fatalf("gold %+v", r.Gold)
	}
}
