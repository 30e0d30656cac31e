package record

import (
	"encoding/binary"

	"github.com/stepwise-dev/stepwise"
	"github.com/stepwise-dev/stepwise/store/internal/damage"
)

// Summary is the small per-trace record that listing reads: everything a
// table row or `ls --json` needs, without the text. Bodies live apart, so a
// scan over a million summaries never touches the traces' text. The store
// re-exports it as store.Summary.
type Summary struct {
	Seq         uint64              `json:"-"`
	ID          string              `json:"id"`
	SourceID    string              `json:"source_id"`
	Dataset     string              `json:"dataset"`
	Model       string              `json:"model"`
	ProblemID   string              `json:"problem_id"`
	Sample      int                 `json:"sample"`
	Steps       int                 `json:"steps"`
	Chars       int                 `json:"chars"`
	FinalAnswer string              `json:"final_answer"`
	Correct     *bool               `json:"correct"`
	FirstError  *int                `json:"first_error"`
	LabelState  stepwise.LabelState `json:"label_state"`
	Truncated   bool                `json:"truncated"`
	// Strip has one character per step: see stepwise.Trace.Strip.
	Strip  string             `json:"strip"`
	Source stepwise.SourceRef `json:"source"`
	// CorrectBy says how Correct was decided: the source's field
	// ("source: final_answer_correct") or the answer grader's method and
	// version (stepwise.GradedBy). Summaries of version 1 leave it empty
	// (their body holds the source's).
	CorrectBy string `json:"correct_by"`
	// Graded says what the answer grader derived (GradedVerdict,
	// GradedAnswer), GraderVersion which grader did (0: none).
	Graded        uint8 `json:"-"`
	GraderVersion int   `json:"-"`
	// Usage is what the source recorded generating the trace cost (nil:
	// nothing); Tools counts its tool use. Summaries of versions 1 and 2
	// leave both empty until the schema-10 migration fills them.
	Usage *stepwise.Usage  `json:"usage,omitempty"`
	Tools stepwise.ToolUse `json:"tools"`
	// Checkpoints is what the answer grader found in the steps' answers
	// (stepwise.CheckpointGold, CheckpointHeld).
	Checkpoints uint8 `json:"-"`
}

// Graded bits: the verdict (Correct, CorrectBy) is the answer grader's; the
// final answer is one the grader found in the text.
const (
	GradedVerdict uint8 = 1 << iota
	GradedAnswer
)

// ApplyGrade stores an answer grader's verdict in a summary.
func ApplyGrade(s *Summary, g *stepwise.Grade) {
	s.GraderVersion, s.Graded, s.Checkpoints = g.Version, 0, g.Checkpoints
	if g.Answer != "" {
		s.FinalAnswer = g.Answer
		s.Graded |= GradedAnswer
	}
	if g.Verdict {
		s.Correct, s.CorrectBy = g.Correct, g.By
		s.Graded |= GradedVerdict
	}
}

// Summarize derives the summary of a decoded trace.
func Summarize(t *stepwise.Trace) Summary {
	return Summary{
		ID: t.ID, SourceID: t.SourceID, Dataset: t.Dataset, Model: t.Model,
		ProblemID: t.ProblemID, Sample: t.Sample, Steps: len(t.Steps), Chars: len(t.Raw),
		FinalAnswer: t.FinalAnswer, Correct: t.Correct, FirstError: t.FirstError(),
		LabelState: t.LabelState(), Truncated: t.Truncated, Strip: t.Strip(), Source: t.Source,
		CorrectBy: t.CorrectBy, Usage: usageOf(t.Usage), Tools: t.ToolUse(),
	}
}

// usageOf copies a trace's usage, nil when it records nothing.
func usageOf(u *stepwise.Usage) *stepwise.Usage {
	if u == nil || *u == (stepwise.Usage{}) {
		return nil
	}
	c := *u
	return &c
}

// Summary versions: 2 adds CorrectBy and what the answer grader derived,
// 3 the usage, tool use and checkpoint flags.
const (
	SummaryVersion   = 3
	summaryVersionV2 = 2
	summaryVersionV1 = 1
)

// IsSummaryVersion reports whether b is a summary version this program
// reads: what a summary's encoding starts with.
func IsSummaryVersion(b byte) bool { return b >= summaryVersionV1 && b <= SummaryVersion }

// EncodeSummary encodes a summary in the current version.
func EncodeSummary(s *Summary) []byte {
	return EncodeSummaryTail(AppendSummaryHead(nil, s.ID), s)
}

// AppendSummaryHead appends what a summary's encoding starts with: the
// version and the id.
func AppendSummaryHead(b []byte, id string) []byte {
	e := enc{b: b}
	e.byte(SummaryVersion)
	e.str(id)
	return e.b
}

// EncodeSummaryHead prefixes an encoded tail with the version and the id.
func EncodeSummaryHead(id string, tail []byte) []byte {
	b := AppendSummaryHead(make([]byte, 0, 2+binary.MaxVarintLen64+len(id)+len(tail)), id)
	return append(b, tail...)
}

// EncodeSummaryTail appends everything after the id.
func EncodeSummaryTail(b []byte, s *Summary) []byte {
	e := enc{b: b}
	e.str(s.SourceID)
	e.str(s.Dataset)
	e.str(s.Model)
	e.str(s.ProblemID)
	e.int(s.Sample)
	e.int(s.Steps)
	e.int(s.Chars)
	e.str(s.FinalAnswer)
	e.optBool(s.Correct)
	e.optInt(s.FirstError)
	e.str(string(s.LabelState))
	e.bool(s.Truncated)
	e.str(s.Strip)
	e.str(s.Source.Format)
	e.str(s.Source.Path)
	e.int(s.Source.Line)
	e.str(s.CorrectBy)
	e.byte(s.Graded)
	e.int(s.GraderVersion)
	encUsage(&e, s.Usage)
	e.int(s.Tools.Calls)
	if s.Tools.Calls > 0 {
		e.int(s.Tools.Search)
		e.int(s.Tools.Rounds)
		e.int(s.Tools.Repeated)
		e.int(s.Tools.Failed)
	}
	e.byte(s.Checkpoints)
	return e.b
}

// DecodeSummary decodes the summary of trace seq, of either version.
func DecodeSummary(seq uint64, b []byte) (Summary, error) {
	d := dec{b: b}
	v := d.byte()
	if !IsSummaryVersion(v) && d.err == nil {
		return Summary{}, damage.Corrupt("trace %d: summary version %d is unknown: the store is damaged, or a newer program wrote it", seq, v)
	}
	s := Summary{Seq: seq}
	s.ID = d.str()
	s.SourceID = d.str()
	s.Dataset = d.str()
	s.Model = d.str()
	s.ProblemID = d.str()
	s.Sample = d.int()
	s.Steps = d.int()
	s.Chars = d.int()
	s.FinalAnswer = d.str()
	s.Correct = d.optBool()
	s.FirstError = d.optInt()
	s.LabelState = stepwise.LabelState(d.str())
	s.Truncated = d.bool()
	s.Strip = d.str()
	s.Source.Format = d.str()
	s.Source.Path = d.str()
	s.Source.Line = d.int()
	if v >= summaryVersionV2 {
		s.CorrectBy = d.str()
		s.Graded = d.byte()
		s.GraderVersion = d.int()
	}
	if v >= SummaryVersion {
		s.Usage = decUsage(&d)
		if s.Tools.Calls = d.int(); s.Tools.Calls > 0 {
			s.Tools.Search, s.Tools.Rounds, s.Tools.Repeated, s.Tools.Failed = d.int(), d.int(), d.int(), d.int()
		}
		s.Checkpoints = d.byte()
	}
	if d.err != nil {
		return Summary{}, damage.Corrupt("trace %d: an unreadable summary: %v", seq, d.err)
	}
	return s, nil
}
