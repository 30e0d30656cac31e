package store

import (
	"context"
	"fmt"
	"math"
	"testing"

	"github.com/stepwise-dev/stepwise"
)

// twoAnnotators labels gsm8k-0 (A, 4 steps) and gsm8k-1 (B, 7 steps); the
// source (ProcessBench label 1) says step 0 good, step 1 bad, later unknown.
//
//	        ana                  bo
//	A0      good                 good
//	A1      bad (calculation)    bad (logic)
//	A2      good                 bad, hallucinated
//	A3      neutral              neutral
//	B0      good                 good
//	B1      good                 bad
//
// cy answers hidden gold items on gsm8k-2: step 0 good (source good),
// step 1 good (source bad), step 3 good (source unknown: not scored).
func twoAnnotators(t *testing.T) *DB {
	db := annotatedStore(t)
	A, B, C := "processbench/gsm8k:gsm8k-0", "processbench/gsm8k:gsm8k-1", "processbench/gsm8k:gsm8k-2"
	g, n, b := stepwise.Good, stepwise.Neutral, stepwise.Bad
	evs := []stepwise.Annotation{
		{Annotator: "ana", TraceID: A, Step: 0, Rating: g},
		{Annotator: "ana", TraceID: A, Step: 1, Rating: b, ErrorType: "calculation"},
		{Annotator: "ana", TraceID: A, Step: 2, Rating: g},
		{Annotator: "ana", TraceID: A, Step: 3, Rating: n},
		{Annotator: "ana", TraceID: B, Step: 0, Rating: g},
		{Annotator: "ana", TraceID: B, Step: 1, Rating: g},
		{Annotator: "bo", TraceID: A, Step: 0, Rating: g},
		{Annotator: "bo", TraceID: A, Step: 1, Rating: b, ErrorType: "logic"},
		{Annotator: "bo", TraceID: A, Step: 2, Rating: b, Hallucinated: true},
		{Annotator: "bo", TraceID: A, Step: 3, Rating: n},
		{Annotator: "bo", TraceID: B, Step: 0, Rating: g},
		{Annotator: "bo", TraceID: B, Step: 1, Rating: b},
		{Annotator: "cy", TraceID: C, Step: 0, Rating: g, Gold: true},
		{Annotator: "cy", TraceID: C, Step: 1, Rating: g, Gold: true},
		{Annotator: "cy", TraceID: C, Step: 3, Rating: g, Gold: true},
	}
	if _, err := db.AnnotateMany(evs); err != nil {
		t.Fatal(err)
	}
	return db
}

func approx(t *testing.T, what string, got, want float64) {
	t.Helper()
	if math.IsNaN(want) != math.IsNaN(got) || (!math.IsNaN(want) && math.Abs(got-want) > 1e-9) {
		t.Errorf("%s = %v, want %v", what, got, want)
	}
}

func TestAgreementByHand(t *testing.T) {
	db := twoAnnotators(t)
	r, err := db.Agreement(context.Background(), AgreementOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(r.Annotators) != "[ana bo cy]" {
		t.Fatalf("annotators %v", r.Annotators)
	}
	kinds := map[string]KindAgreement{}
	for _, k := range r.Kinds {
		kinds[k.Kind] = k
	}
	// Ratings, 6 shared steps, 4 agree: po = 4/6. ana g4 b1 n1, bo g2 b3
	// n1: pe = (4·2 + 1·3 + 1·1)/36 = 1/3; κ = (2/3 − 1/3)/(2/3) = 0.5.
	rt := kinds[KindRating]
	if len(rt.Pairs) != 1 || rt.Pairs[0].A != "ana" || rt.Pairs[0].B != "bo" || rt.Pairs[0].Kappa.N != 6 {
		t.Fatalf("rating pairs %+v", rt.Pairs)
	}
	approx(t, "rating κ", rt.Pairs[0].Kappa.Value, 0.5)
	approx(t, "rating observed", rt.Pairs[0].Observed.Value, 4.0/6)
	// α nominal: coincidences o_gg 4, o_bb 2, o_nn 2, o_gb = o_bg = 2;
	// n_g 6, n_b 4, n_n 2, n 12. α = 1 − 11·4 / (2·(24+12+8)) = 0.5.
	approx(t, "rating α", rt.Alpha.Value, 0.5)
	// α ordinal (bad < neutral < good): δ²(g,b) = (12 − 5)² = 49,
	// δ²(g,n) = (8 − 4)² = 16, δ²(b,n) = (6 − 3)² = 9. Observed 4·49 = 196;
	// expected 2·(6·4·49 + 6·2·16 + 4·2·9) = 2880; α = 1 − 11·196/2880.
	approx(t, "rating α ordinal", rt.AlphaOrdinal.Value, 1-11.0*196/2880)
	// Hallucination: ana all false, bo true on A2: po = 5/6, pe = 5/6, κ = 0.
	approx(t, "hallucinated κ", kinds[KindHallucinated].Pairs[0].Kappa.Value, 0)
	// Error type: the one step both rate bad (A1): calculation vs logic,
	// po = 0, pe = 0, κ = 0.
	et := kinds[KindErrorType].Pairs[0]
	if et.Kappa.N != 1 {
		t.Fatalf("error type pair %+v", et)
	}
	approx(t, "error type κ", et.Kappa.Value, 0)
	// First error: only A is known for both (1 and 1); pe = 1: undefined.
	fe := kinds[KindFirstError].Pairs[0]
	if fe.Kappa.N != 1 || fe.Kappa.Defined() {
		t.Fatalf("first error pair %+v", fe)
	}
	// Human vs source: ana (g,g)(b,b)(g,g)(g,b): po 3/4, pe 1/2, κ 0.5;
	// bo agrees on all four: κ 1; pooled: po 7/8, pe (5·4 + 3·4)/64 = 1/2,
	// κ 0.75.
	vs := map[string]SourceAgreement{}
	for _, s := range r.HumanVsSource {
		vs[s.Annotator] = s
	}
	approx(t, "ana vs source", vs["ana"].Kappa.Value, 0.5)
	approx(t, "bo vs source", vs["bo"].Kappa.Value, 1)
	approx(t, "all vs source", vs[""].Kappa.Value, 0.75)
	if vs[""].Kappa.N != 8 {
		t.Errorf("pooled n %d", vs[""].Kappa.N)
	}
	// Gold: cy, 2 scored items, 1 correct.
	if len(r.Gold) != 1 || r.Gold[0].Annotator != "cy" || r.Gold[0].Items != 2 || r.Gold[0].Correct != 1 {
		t.Fatalf("gold %+v", r.Gold)
	}
	// Gold against another annotator: cy's gsm8k-2 answers against ana's
	// labels there (none): nothing scored.
	r, _ = db.Agreement(context.Background(), AgreementOptions{GoldFrom: "ana"})
	if r.Gold[0].Items != 0 || r.Gold[0].Accuracy.Defined() {
		t.Fatalf("gold from ana %+v", r.Gold)
	}
}

func TestConflicts(t *testing.T) {
	db := twoAnnotators(t)
	var got []string
	err := db.Conflicts(context.Background(), ConflictFilter{}, func(c Conflict) error {
		got = append(got, fmt.Sprintf("%s/%d%v", c.TraceID[len("processbench/gsm8k:"):], c.Step, c.Kinds))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want := "[gsm8k-0/1[error_type] gsm8k-0/2[rating hallucinated] gsm8k-1/1[rating]]"
	if fmt.Sprint(got) != want {
		t.Fatalf("conflicts %v\nwant %s", got, want)
	}
	// A first-error disagreement: ana marks gsm8k-1 step 3 as the first error.
	mustAnnotate(t, db, stepwise.Annotation{Annotator: "ana", TraceID: "gsm8k-1", Step: 3, FirstError: true})
	var fe *Conflict
	db.Conflicts(context.Background(), ConflictFilter{Annotators: []string{"ana", "bo"}}, func(c Conflict) error {
		if c.Step == -1 {
			fe = &c
		}
		return nil
	})
	if fe == nil || fe.FirstErrors["ana"] != 3 || fe.FirstErrors["bo"] != 1 {
		t.Fatalf("first-error conflict %+v", fe)
	}
	n := 0
	db.Conflicts(context.Background(), ConflictFilter{Annotators: []string{"ana", "cy"}}, func(Conflict) error { n++; return nil })
	if n != 0 {
		t.Fatalf("ana vs cy (gold only) gave %d conflicts", n)
	}
}
