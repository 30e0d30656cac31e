package schema

import (
	"encoding/binary"
	"strconv"

	"github.com/stepwise-dev/stepwise/store/internal/postings"
	"github.com/stepwise-dev/stepwise/store/internal/record"
)

// Indexed fields, all kept in postings: sets of trace seqs per (field,
// value). Filters intersect them by leapfrogging over seqs. The store
// re-exports them (store.FieldDataset, ...).
const (
	FieldDataset   = "dataset"
	FieldModel     = "model"
	FieldCorrect   = "correct"   // true | false | unknown
	FieldLabel     = "label"     // none | error | correct | partial (stepwise.LabelState)
	FieldTruncated = "truncated" // true | false
	FieldProblem   = "problem"
	FieldFormat    = "format"
	// Sort-only fields: their values are fixed-width big-endian numbers, so
	// scanning the field's postings visits traces in numeric order.
	FieldSteps      = "steps"
	FieldFirstError = "first_error"
)

// Sparse sort fields: a trace has a term only when the source recorded the
// value (usage) or the trace called a tool (tool use), so the many traces
// without cost no posting work at import. Values are SortNumbers: tokens
// are prompt plus completion tokens (reasoning tokens are part of the
// completion in the sources that report them), latency milliseconds, cost
// micro-dollars.
const (
	FieldTokens    = "tokens"
	FieldLatency   = "latency"
	FieldCost      = "cost"
	FieldToolCalls = "tool_calls"
	FieldSearch    = "search_calls"
	FieldRounds    = "rounds"
	FieldRepeated  = "repeated_calls"
	FieldFailed    = "failed_calls"
)

// SparseFields lists the sparse sort fields.
var SparseFields = []string{FieldTokens, FieldLatency, FieldCost, FieldToolCalls, FieldSearch, FieldRounds, FieldRepeated, FieldFailed}

// Posting fields of human labels, kept by the annotation writer rather
// than the import (a summary's terms never include them).
const (
	FieldAnnotated = "annotated" // value "true": the trace has annotation events
	FieldAnnotator = "annotator" // value: an annotator with events on the trace
)

// TermCount is how many terms a summary has at most.
const TermCount = 9 + 8

// Terms lists the index terms of a summary.
func Terms(s *record.Summary) []postings.Term {
	return AppendTerms(make([]postings.Term, 0, TermCount), s)
}

// AppendTerms appends the index terms of a summary, in the order
// CountedTerms refers to.
func AppendTerms(ts []postings.Term, s *record.Summary) []postings.Term {
	ts = append(ts, []postings.Term{
		{Field: FieldDataset, Value: s.Dataset},
		{Field: FieldModel, Value: s.Model},
		{Field: FieldCorrect, Value: CorrectValue(s.Correct)},
		{Field: FieldLabel, Value: string(s.LabelState)},
		{Field: FieldTruncated, Value: strconv.FormatBool(s.Truncated)},
		{Field: FieldProblem, Value: s.ProblemID},
		{Field: FieldFormat, Value: s.Source.Format},
		{Field: FieldSteps, Value: SortNumber(uint32(min(s.Steps, 1<<31)))},
		{Field: FieldFirstError, Value: SortNumber(FirstErrorRank(s.FirstError))},
	}...)
	return AppendSparseTerms(ts, s)
}

// AppendSparseTerms appends the terms of the sparse fields s has a value of.
func AppendSparseTerms(ts []postings.Term, s *record.Summary) []postings.Term {
	for _, f := range SparseFields {
		if v, ok := SparseValue(s, f); ok {
			ts = append(ts, postings.Term{Field: f, Value: SortNumber(v)})
		}
	}
	return ts
}

// SparseValue is a summary's value of a sparse field, in the field's unit,
// and whether it has one.
func SparseValue(s *record.Summary, field string) (uint32, bool) {
	if u := s.Usage; u != nil {
		switch field {
		case FieldTokens:
			n := u.PromptTokens + u.CompletionTokens
			return clampU32(float64(n)), n > 0
		case FieldLatency:
			return clampU32(u.LatencySeconds * 1000), u.LatencySeconds > 0
		case FieldCost:
			return clampU32(u.CostUSD * 1e6), u.CostUSD > 0
		}
	}
	if t := s.Tools; t.Calls > 0 {
		switch field {
		case FieldToolCalls:
			return uint32(min(t.Calls, 1<<31)), true
		case FieldSearch:
			return uint32(min(t.Search, 1<<31)), true
		case FieldRounds:
			return uint32(min(t.Rounds, 1<<31)), true
		case FieldRepeated:
			return uint32(min(t.Repeated, 1<<31)), true
		case FieldFailed:
			return uint32(min(t.Failed, 1<<31)), true
		}
	}
	return 0, false
}

// clampU32 rounds a non-negative measure into a sort number.
func clampU32(f float64) uint32 {
	switch {
	case f <= 0:
		return 0
	case f >= 1<<32-1:
		return 1<<32 - 1
	}
	return uint32(f + 0.5)
}

// SortNumber encodes n so that byte order is numeric order.
func SortNumber(n uint32) string {
	return string(binary.BigEndian.AppendUint32(nil, n))
}

// FirstErrorRank orders first errors: none labeled, then all correct (-1),
// then by step.
func FirstErrorRank(fe *int) uint32 {
	switch {
	case fe == nil:
		return 0
	case *fe < 0:
		return 1
	}
	return uint32(*fe) + 2
}

// CountedFields are kept as running counts, overall and per dataset, so
// that stats and the library screen never scan traces; CountedTerms are
// their positions in a summary's terms (TestCountedTerms checks the two
// agree). The dataset comes first: the import's tally relies on it.
var (
	CountedFields = [CountedCount]string{FieldDataset, FieldModel, FieldCorrect, FieldLabel,
		FieldTruncated, FieldFormat}
	CountedTerms = [CountedCount]int{0, 1, 2, 3, 4, 6}
)

// CountedCount is the number of counted fields.
const CountedCount = 6

// CorrectValue is the correct field's value of a verdict.
func CorrectValue(c *bool) string {
	switch {
	case c == nil:
		return "unknown"
	case *c:
		return "true"
	}
	return "false"
}

// CountKey is the key of a running count: "field\0value", or
// "dataset\0D\0field\0value" for the per-dataset breakdown.
func CountKey(dataset, field, value string) string {
	if dataset == "" {
		return field + "\x00" + value
	}
	return FieldDataset + "\x00" + dataset + "\x00" + field + "\x00" + value
}

// DatasetMatches is the rule of every dataset filter: a name matches itself
// and its subsets ("processbench" matches "processbench/gsm8k").
func DatasetMatches(want, have string) bool {
	return want == "" || have == want || (len(have) > len(want) && have[:len(want)] == want && have[len(want)] == '/')
}
