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

// Posting fields of human labels, kept by the annotation writer rather
// than the import (a summary's terms never include them).
const (
	FieldAnnotated = "annotated" // value "true": the trace has annotation events
	FieldAnnotator = "annotator" // value: an annotator with events on the trace
)

// TermCount is how many terms a summary has.
const TermCount = 9

// Terms lists the index terms of a summary.
func Terms(s *record.Summary) []postings.Term {
	return AppendTerms(make([]postings.Term, 0, TermCount), s)
}

// AppendTerms appends the index terms of a summary, in the order
// CountedTerms refers to.
func AppendTerms(ts []postings.Term, s *record.Summary) []postings.Term {
	return append(ts, []postings.Term{
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
