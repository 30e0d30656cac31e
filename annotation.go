package stepwise

import (
	"sort"
	"time"
)

// Annotation is one append-only annotation event. Current labels are the
// fold of all events (FoldAnnotations); an undo is a new event that points
// at the one it reverts, and undoing an undo is a redo.
type Annotation struct {
	Seq       uint64    `json:"seq"`
	Annotator string    `json:"annotator"`
	Time      time.Time `json:"time"`
	TraceID   string    `json:"trace_id"`
	// Step is the 0-based step index, or -1 for a trace-level event.
	Step         int    `json:"step"`
	Rating       Rating `json:"rating"`
	Hallucinated bool   `json:"hallucinated,omitempty"`
	ErrorType    string `json:"error_type,omitempty"`
	Note         string `json:"note,omitempty"`
	// FirstError marks Step as the earliest wrong step (ProcessBench
	// semantics): the steps before it become correct, the steps after it
	// unknown. With Step -1 it says no step is wrong.
	FirstError bool `json:"first_error,omitempty"`
	// Verdict is a trace-level verdict ("correct", "wrong", ...).
	Verdict string `json:"verdict,omitempty"`
	// Undoes is the Seq of the event this one reverts.
	Undoes uint64 `json:"undoes,omitempty"`
	// ElapsedMS is the time spent on the item before this event.
	ElapsedMS int64 `json:"elapsed_ms,omitempty"`
	// Gold marks an event made on a hidden quality-control item.
	Gold bool `json:"gold,omitempty"`
	// Question names a label schema's question ("schema/question"): the
	// event answers it (Answer; nil clears the answer) instead of rating
	// the step. Step is the step, or -1 for a trace question.
	Question string  `json:"question,omitempty"`
	Answer   *Answer `json:"answer,omitempty"`
}

// StepMark is an annotator's current label of one step.
type StepMark struct {
	Rating       Rating `json:"rating"`
	Hallucinated bool   `json:"hallucinated,omitempty"`
	ErrorType    string `json:"error_type,omitempty"`
	Note         string `json:"note,omitempty"`
	// Implied is set when the label follows from a first-error mark rather
	// than being given to this step.
	Implied bool `json:"implied,omitempty"`
	// Event is the Seq of the event that set the label.
	Event uint64    `json:"event"`
	Time  time.Time `json:"time"`
}

// TraceMarks is one annotator's current labels on one trace.
type TraceMarks struct {
	Annotator string           `json:"annotator"`
	Steps     map[int]StepMark `json:"steps"`
	// FirstError is the step marked as the earliest error (-1: the
	// annotator said no step is wrong); nil when first-error mode was not
	// used or a later event replaced it.
	FirstError *int      `json:"first_error,omitempty"`
	Verdict    string    `json:"verdict,omitempty"`
	ElapsedMS  int64     `json:"elapsed_ms"`
	Updated    time.Time `json:"updated"`
	Events     int       `json:"events"`
	// Answers are the current answers to label schemas' questions.
	Answers map[AnswerKey]AnswerMark `json:"answers,omitempty"`
}

// Rating returns the annotator's rating of step i (Unlabeled when none).
func (m *TraceMarks) Rating(i int) Rating { return m.Steps[i].Rating }

// FoldAnnotations replays one trace's events (any order; they are sorted by
// Seq) into each annotator's current labels. nSteps bounds first-error
// marks: the steps before the mark become good, the mark bad, and the steps
// after it lose their labels (unknown, not correct).
func FoldAnnotations(events []Annotation, nSteps int) map[string]*TraceMarks {
	evs := append([]Annotation(nil), events...)
	sort.Slice(evs, func(i, j int) bool { return evs[i].Seq < evs[j].Seq })
	reverted := revertedSet(evs)
	out := map[string]*TraceMarks{}
	for _, e := range evs {
		m := out[e.Annotator]
		if m == nil {
			m = &TraceMarks{Annotator: e.Annotator, Steps: map[int]StepMark{}}
			out[e.Annotator] = m
		}
		m.Events++
		m.ElapsedMS += e.ElapsedMS
		if e.Time.After(m.Updated) {
			m.Updated = e.Time
		}
		if e.Undoes != 0 || reverted[e.Seq] {
			continue
		}
		m.apply(e, nSteps)
	}
	return out
}

// revertedSet finds the events whose effect is undone: an undo reverts its
// target unless the undo is itself reverted (a redo), and so on down.
func revertedSet(evs []Annotation) map[uint64]bool {
	undoOf := map[uint64]uint64{} // target → the latest undo of it
	for _, e := range evs {
		if e.Undoes != 0 {
			undoOf[e.Undoes] = e.Seq
		}
	}
	reverted := map[uint64]bool{}
	var isReverted func(seq uint64, depth int) bool
	isReverted = func(seq uint64, depth int) bool {
		u, ok := undoOf[seq]
		if !ok || depth > len(evs) {
			return false
		}
		return !isReverted(u, depth+1)
	}
	for _, e := range evs {
		if isReverted(e.Seq, 0) {
			reverted[e.Seq] = true
		}
	}
	return reverted
}

func (m *TraceMarks) apply(e Annotation, nSteps int) {
	if e.Question != "" {
		m.answer(e)
		return
	}
	mark := StepMark{Rating: e.Rating, Hallucinated: e.Hallucinated, ErrorType: e.ErrorType, Note: e.Note,
		Event: e.Seq, Time: e.Time}
	switch {
	case e.FirstError:
		k := e.Step
		for i := 0; i < nSteps; i++ {
			switch {
			case k >= 0 && i == k:
				mark.Rating = Bad
				m.Steps[i] = mark
			case k < 0 || i < k:
				m.Steps[i] = StepMark{Rating: Good, Implied: true, Event: e.Seq, Time: e.Time}
			default:
				delete(m.Steps, i)
			}
		}
		fe := k
		if fe < -1 {
			fe = -1
		}
		m.FirstError = &fe
	case e.Step >= 0:
		if e.Rating == Unlabeled && !e.Hallucinated && e.ErrorType == "" && e.Note == "" {
			delete(m.Steps, e.Step)
		} else {
			m.Steps[e.Step] = mark
		}
	default:
		if e.Verdict != "" || e.Note != "" {
			m.Verdict = e.Verdict
		}
	}
}

// answer applies an event that answers (or clears) a schema question.
func (m *TraceMarks) answer(e Annotation) {
	k := AnswerKey{Step: max(e.Step, -1), Question: e.Question}
	if e.Answer == nil {
		delete(m.Answers, k)
		return
	}
	if m.Answers == nil {
		m.Answers = map[AnswerKey]AnswerMark{}
	}
	m.Answers[k] = AnswerMark{Answer: *e.Answer, Event: e.Seq}
}

// Strip is one character per step in Trace.Strip's alphabet ('+' good,
// '0' neutral, 'x' bad, '.' unlabeled) for the annotator's current labels.
func (m *TraceMarks) Strip(nSteps int) string {
	b := make([]byte, nSteps)
	for i := range b {
		b[i] = ".+0x"[m.Steps[i].Rating]
	}
	return string(b)
}

// EarliestBad is the first step the annotator labels bad; else -1 when a
// first-error mark said no step is wrong or every step is labeled and none
// is bad; else nil (the labels do not say).
func (m *TraceMarks) EarliestBad(nSteps int) *int {
	labeled := 0
	for i := 0; i < nSteps; i++ {
		r := m.Steps[i].Rating
		if r == Bad {
			return &i
		}
		if r != Unlabeled {
			labeled++
		}
	}
	if (m.FirstError != nil && *m.FirstError == -1) || (nSteps > 0 && labeled == nSteps) {
		v := -1
		return &v
	}
	return nil
}
