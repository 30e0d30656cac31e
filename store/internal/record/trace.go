package record

import "github.com/stepwise-dev/stepwise"

// DecodeTrace decodes a trace from its stored summary and body. With
// copyRaw false the raw text (and so every step's text) is read in place
// (DecodeBodyRaw), and the trace must not outlive the transaction the
// values were read in.
func DecodeTrace(seq uint64, sv, bv []byte, copyRaw bool) (*stepwise.Trace, error) {
	s, err := DecodeSummary(seq, sv)
	if err != nil {
		return nil, err
	}
	t := &stepwise.Trace{
		ID: s.ID, SourceID: s.SourceID, Dataset: s.Dataset, ProblemID: s.ProblemID, Model: s.Model,
		Sample: s.Sample, FinalAnswer: s.FinalAnswer, Correct: s.Correct, Truncated: s.Truncated, Source: s.Source,
	}
	if err := DecodeBodyRaw(t, bv, copyRaw); err != nil {
		return t, err
	}
	if s.Graded&GradedVerdict != 0 {
		// The body keeps the source's CorrectBy; the grader's is the summary's.
		t.CorrectBy = s.CorrectBy
	}
	return t, nil
}
