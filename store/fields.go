package store

import "github.com/stepwise-dev/stepwise/store/internal/schema"

// Indexed fields: a trace's value of each is kept in postings (sets of
// trace seqs per field and value), which filters intersect. See
// store/internal/schema.
const (
	FieldDataset   = schema.FieldDataset
	FieldModel     = schema.FieldModel
	FieldCorrect   = schema.FieldCorrect   // true | false | unknown
	FieldLabel     = schema.FieldLabel     // none | error | correct | partial (stepwise.LabelState)
	FieldTruncated = schema.FieldTruncated // true | false
	FieldProblem   = schema.FieldProblem
	FieldFormat    = schema.FieldFormat
	// Sort-only fields: their values are fixed-width big-endian numbers, so
	// scanning the field's postings visits traces in numeric order.
	FieldSteps      = schema.FieldSteps
	FieldFirstError = schema.FieldFirstError
	// Human labels, kept by the annotation writer.
	FieldAnnotated = schema.FieldAnnotated // value "true": the trace has annotation events
	FieldAnnotator = schema.FieldAnnotator // value: an annotator with events on the trace
)
