package stepwise

import "testing"

func ev(seq uint64, step int, r Rating) Annotation {
	return Annotation{Seq: seq, Annotator: "a", TraceID: "t", Step: step, Rating: r}
}

func TestFoldFirstErrorMode(t *testing.T) {
	first := Annotation{Seq: 1, Annotator: "a", Step: 2, FirstError: true, ErrorType: "calculation"}
	m := FoldAnnotations([]Annotation{ev(0, 4, Good), first}, 5)["a"]
	want := []Rating{Good, Good, Bad, Unlabeled, Unlabeled}
	for i, w := range want {
		if got := m.Rating(i); got != w {
			t.Errorf("step %d: %v, want %v", i, got, w)
		}
	}
	if !m.Steps[0].Implied || m.Steps[2].Implied || m.Steps[2].ErrorType != "calculation" {
		t.Errorf("implied flags or error type wrong: %+v", m.Steps)
	}
	if fe := m.EarliestBad(5); fe == nil || *fe != 2 {
		t.Errorf("EarliestBad = %v", fe)
	}
	none := FoldAnnotations([]Annotation{{Seq: 1, Annotator: "a", Step: -1, FirstError: true}}, 3)["a"]
	if fe := none.EarliestBad(3); fe == nil || *fe != -1 || none.Rating(2) != Good {
		t.Errorf("no-error mark: %v %v", fe, none.Steps)
	}
}

func TestFoldUndoRedo(t *testing.T) {
	evs := []Annotation{ev(1, 0, Bad), ev(2, 1, Good), {Seq: 3, Annotator: "a", Undoes: 1}}
	m := FoldAnnotations(evs, 2)["a"]
	if m.Rating(0) != Unlabeled || m.Rating(1) != Good {
		t.Fatalf("after undo: %v", m.Steps)
	}
	// Undoing the undo is a redo.
	evs = append(evs, Annotation{Seq: 4, Annotator: "a", Undoes: 3})
	if m := FoldAnnotations(evs, 2)["a"]; m.Rating(0) != Bad {
		t.Fatalf("after redo: %v", m.Steps)
	}
	// A later label overrides; clearing with Unlabeled removes it.
	evs = append(evs, ev(5, 0, Neutral), ev(6, 1, Unlabeled))
	m = FoldAnnotations(evs, 2)["a"]
	if m.Rating(0) != Neutral || m.Rating(1) != Unlabeled {
		t.Fatalf("override/clear: %v", m.Steps)
	}
	if m.Events != 6 {
		t.Fatalf("events %d", m.Events)
	}
}

func TestFoldKeepsAnnotatorsApart(t *testing.T) {
	evs := []Annotation{ev(1, 0, Bad), {Seq: 2, Annotator: "b", Step: 0, Rating: Good}}
	all := FoldAnnotations(evs, 1)
	if all["a"].Rating(0) != Bad || all["b"].Rating(0) != Good {
		t.Fatalf("%v %v", all["a"].Steps, all["b"].Steps)
	}
}
