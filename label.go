package stepwise

import (
	"encoding/json"
	"fmt"
)

// Rating is a step's value under a label. The zero value is Unlabeled: a step
// the source did not judge (a ProcessBench step after the first error, a
// PRM800K step after the first -1) is unknown, never "correct".
type Rating int8

// Ratings, after PRM800K: +1 good, 0 neutral, -1 bad.
const (
	Unlabeled Rating = iota
	Good
	Neutral
	Bad
)

var ratingNames = [...]string{"unlabeled", "good", "neutral", "bad"}

func (r Rating) String() string {
	if int(r) < len(ratingNames) && r >= 0 {
		return ratingNames[r]
	}
	return fmt.Sprintf("rating(%d)", int8(r))
}

// PRM800K returns the rating as PRM800K writes it (+1, 0, -1) and false when
// the step is unlabeled.
func (r Rating) PRM800K() (int, bool) {
	switch r {
	case Good:
		return 1, true
	case Neutral:
		return 0, true
	case Bad:
		return -1, true
	}
	return 0, false
}

// RatingFromPRM800K maps +1/0/-1 to a Rating; anything else is Unlabeled.
func RatingFromPRM800K(v int) Rating {
	switch v {
	case 1:
		return Good
	case 0:
		return Neutral
	case -1:
		return Bad
	}
	return Unlabeled
}

// ParseRating reads a rating name ("good", "bad", ...) or a PRM800K number.
func ParseRating(s string) (Rating, error) {
	for i, n := range ratingNames {
		if s == n {
			return Rating(i), nil
		}
	}
	switch s {
	case "+1", "1", "+":
		return Good, nil
	case "0":
		return Neutral, nil
	case "-1", "-":
		return Bad, nil
	}
	return Unlabeled, fmt.Errorf("unknown rating %q (want good, neutral, bad, unlabeled, +1, 0 or -1)", s)
}

// MarshalJSON writes the rating's name.
func (r Rating) MarshalJSON() ([]byte, error) { return json.Marshal(r.String()) }

// UnmarshalJSON reads a rating's name.
func (r *Rating) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("rating: %w", err)
	}
	v, err := ParseRating(s)
	if err != nil {
		return err
	}
	*r = v
	return nil
}

// Scope is what a label is about.
type Scope string

// Label scopes.
const (
	ScopeStep    Scope = "step"
	ScopeSection Scope = "section"
	ScopeTrace   Scope = "trace"
)

// Origin is who or what produced a label.
type Origin string

// Label origins.
const (
	OriginHuman     Origin = "human"     // a person (PRM800K, ProcessBench, DeltaBench)
	OriginAutomatic Origin = "automatic" // a procedure (Math-Shepherd rollouts, answer matching)
	OriginModel     Origin = "model"     // a model's judgment (an LLM grader, PRMBench injection)
	OriginFormal    Origin = "formal"    // a proof checker
)

// Label is a source's judgment of a step, a section or a whole trace.
type Label struct {
	Rating Rating `json:"rating"`
	Scope  Scope  `json:"scope"`
	Origin Origin `json:"origin"`
	// Source names the dataset field the label came from ("processbench.label").
	Source string `json:"source"`
	// OrigIndex is the index as the source wrote it, in base Base (0 or 1);
	// -1 when the source gave no index (a label covering every step).
	OrigIndex int `json:"orig_index"`
	Base      int `json:"base"`
	// FirstError marks the earliest wrong step in ProcessBench semantics.
	FirstError bool `json:"first_error,omitempty"`
	// Category is an error type (PRMBench classification, DeltaBench error type).
	Category string `json:"category,omitempty"`
	Reason   string `json:"reason,omitempty"`
	// Flagged is PRM800K's per-completion flag.
	Flagged *bool `json:"flagged,omitempty"`
	// Alternatives are the other rated candidate steps PRM800K labelers saw.
	Alternatives []Alternative `json:"alternatives,omitempty"`
	// Annotator is the labeler's id where the source records it.
	Annotator string `json:"annotator,omitempty"`
}

// Alternative is a rated candidate step that was not part of the trajectory.
type Alternative struct {
	Text    string `json:"text"`
	Rating  Rating `json:"rating"`
	Flagged *bool  `json:"flagged,omitempty"`
	// Human marks a completion written by the labeler.
	Human bool `json:"human,omitempty"`
}

// LabelState summarizes a trace's source labels.
type LabelState string

// Label states.
const (
	LabelNone    LabelState = "none"    // the source labels no step
	LabelError   LabelState = "error"   // some step is labeled bad
	LabelCorrect LabelState = "correct" // every step labeled, none bad
	LabelPartial LabelState = "partial" // some steps labeled, none bad, some unknown
)

// StepRating is the source's verdict on one step: Bad if any step label says
// bad, else the first labeled value, else Unlabeled.
func (s *Step) StepRating() Rating {
	r := Unlabeled
	for _, l := range s.Labels {
		if l.Scope != ScopeStep && l.Scope != "" {
			continue
		}
		if l.Rating == Bad {
			return Bad
		}
		if r == Unlabeled {
			r = l.Rating
		}
	}
	return r
}

// FirstError is the 0-based index of the earliest step the source labels bad;
// -1 when every step is labeled and none is bad; nil when the source labels no
// step, or labels only some and finds no error.
func (t *Trace) FirstError() *int {
	labeled := 0
	for i := range t.Steps {
		switch t.Steps[i].StepRating() {
		case Bad:
			i := i
			return &i
		case Unlabeled:
		default:
			labeled++
		}
	}
	if labeled > 0 && labeled == len(t.Steps) {
		v := -1
		return &v
	}
	return nil
}

// LabelState derives the trace's label state from its step labels.
func (t *Trace) LabelState() LabelState {
	labeled, bad := 0, false
	for i := range t.Steps {
		switch t.Steps[i].StepRating() {
		case Bad:
			bad = true
			labeled++
		case Unlabeled:
		default:
			labeled++
		}
	}
	switch {
	case bad:
		return LabelError
	case labeled == 0:
		return LabelNone
	case labeled == len(t.Steps):
		return LabelCorrect
	}
	return LabelPartial
}

// Strip is one character per step for compact displays: '+' good, '0'
// neutral, 'x' bad, '.' unlabeled.
func (t *Trace) Strip() string {
	b := make([]byte, len(t.Steps))
	for i := range t.Steps {
		b[i] = ".+0x"[t.Steps[i].StepRating()]
	}
	return string(b)
}
