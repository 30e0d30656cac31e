package store

import (
	"bytes"
	"encoding/binary"
	"strconv"
)

// Indexed fields, all kept in postings (postings.go): sets of trace seqs
// per (field, value). Filters intersect them by leapfrogging over seqs.
// Stores of schema 5 and before kept the problem id as one index key per
// trace (field \0 value \0 u64 seq); the migration to 6 moves them.
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

// postingFields are the fields of terms, indexed by postings. (Schema 1
// kept every field as per-trace index keys, schemas 2 to 5 the problem id;
// the migrations move those of the fields listed here into postings.)
var postingFields = map[string]bool{FieldDataset: true, FieldModel: true, FieldCorrect: true, FieldLabel: true,
	FieldTruncated: true, FieldProblem: true, FieldFormat: true, FieldSteps: true, FieldFirstError: true}

// term is one (field, value) pair of a trace.
type term struct{ field, value string }

// termCount is how many terms a summary has.
const termCount = 9

// terms lists the index terms of a summary.
func terms(s *Summary) []term { return appendTerms(make([]term, 0, termCount), s) }

func appendTerms(ts []term, s *Summary) []term {
	return append(ts, []term{
		{FieldDataset, s.Dataset},
		{FieldModel, s.Model},
		{FieldCorrect, correctValue(s.Correct)},
		{FieldLabel, string(s.LabelState)},
		{FieldTruncated, strconv.FormatBool(s.Truncated)},
		{FieldProblem, s.ProblemID},
		{FieldFormat, s.Source.Format},
		{FieldSteps, sortNumber(uint32(min(s.Steps, 1<<31)))},
		{FieldFirstError, sortNumber(firstErrorRank(s.FirstError))},
	}...)
}

// sortNumber encodes n so that byte order is numeric order.
func sortNumber(n uint32) string {
	return string(binary.BigEndian.AppendUint32(nil, n))
}

// firstErrorRank orders first errors: none labeled, then all correct (-1),
// then by step.
func firstErrorRank(fe *int) uint32 {
	switch {
	case fe == nil:
		return 0
	case *fe < 0:
		return 1
	}
	return uint32(*fe) + 2
}

// countedFields are kept as running counts, overall and per dataset, so that
// stats and the library screen never scan traces; countedTerms are their
// positions in a summary's terms (TestCountedTerms checks the two agree).
// The dataset comes first: counter.keys relies on it.
var (
	countedFields = [countedCount]string{FieldDataset, FieldModel, FieldCorrect, FieldLabel,
		FieldTruncated, FieldFormat}
	countedTerms = [countedCount]int{0, 1, 2, 3, 4, 6}
)

const countedCount = 6

func correctValue(c *bool) string {
	switch {
	case c == nil:
		return "unknown"
	case *c:
		return "true"
	}
	return "false"
}

// indexKey is a per-trace index key of schemas 1 to 5 (the migrations read
// them; tests write them to build old stores).
func indexKey(field, value string, seq uint64) []byte {
	k := make([]byte, 0, len(field)+len(value)+10)
	k = append(k, field...)
	k = append(k, 0)
	k = append(k, value...)
	k = append(k, 0)
	return binary.BigEndian.AppendUint64(k, seq)
}

// indexPrefix is the prefix of every key of field=value.
func indexPrefix(field, value string) []byte {
	k := make([]byte, 0, len(field)+len(value)+2)
	k = append(k, field...)
	k = append(k, 0)
	k = append(k, value...)
	return append(k, 0)
}

// seqOfIndexKey returns the trace seq at the end of an index key.
func seqOfIndexKey(k []byte) uint64 {
	if len(k) < 8 {
		return 0
	}
	return binary.BigEndian.Uint64(k[len(k)-8:])
}

// valueOfIndexKey splits an index key into its value.
func valueOfIndexKey(k []byte) string {
	i := bytes.IndexByte(k, 0)
	if i < 0 || len(k) < i+10 {
		return ""
	}
	return string(k[i+1 : len(k)-9])
}

// countKey is the key of a running count: "field\0value", or
// "dataset\0D\0field\0value" for the per-dataset breakdown.
func countKey(dataset, field, value string) string {
	if dataset == "" {
		return field + "\x00" + value
	}
	return FieldDataset + "\x00" + dataset + "\x00" + field + "\x00" + value
}
