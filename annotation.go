package stepwise

import "time"

// Annotation is one append-only annotation event. Current labels are the fold
// of all events; an undo is a new event that points at the one it reverts.
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
	FirstError   bool   `json:"first_error,omitempty"`
	// Verdict is a trace-level verdict ("correct", "wrong", ...).
	Verdict string `json:"verdict,omitempty"`
	// Undoes is the Seq of the event this one reverts.
	Undoes uint64 `json:"undoes,omitempty"`
	// Elapsed is the time spent on the item before this event.
	ElapsedMS int64 `json:"elapsed_ms,omitempty"`
}
