package formats

import (
	"slices"
	"strconv"
	"strings"

	"github.com/bytedance/sonic/encoder"

	"github.com/stepwise-dev/stepwise"
)

// Label schemas' answers as columns of the per-step exports: one column
// per question, q_<schema>_<question>, holding the resolved answer of the
// row's step (a step question) or of its trace (a trace question, the
// same on every row of the trace), null where there is none. The value's
// type follows the question's kind, so that pandas, datasets and DuckDB
// read each column as what it is rather than as JSON to parse:
//
//	boolean          bool
//	number           double
//	one-of, text     string
//	many-of, texts   list of strings
//	span             list of {start, end, text}: byte offsets into the
//	                 step's text and the text they select
//
// One column per question rather than one map column, for the reason PRM
// scores are (export_prm.go): datasets has no dtype for an Arrow map.

// AnswerColumn is one question exported as a column.
type AnswerColumn struct {
	// Name is the column's name (AnswerColumnNames).
	Name string `json:"name"`
	// Question is the question's id, "schema/question".
	Question string `json:"question"`
	// Kind is the question's kind: the schema's, else the one its
	// answers have (AnswerShape).
	Kind stepwise.QuestionKind `json:"kind"`
}

// AnswerColumner is an Exporter that carries schema answers as columns.
// The store calls SetAnswerColumns once, before the first Write, with the
// columns; every item's Answers then holds their answers in that order.
type AnswerColumner interface {
	SetAnswerColumns(cols []AnswerColumn) error
}

// ItemAnswers are one question's resolved answers on one trace, by step
// (-1: the trace).
type ItemAnswers map[int]*stepwise.Answer

// answerAt is the answer a row of step i shows: the step's, else the
// trace's.
func (a ItemAnswers) answerAt(i int) *stepwise.Answer {
	if v := a[i]; v != nil {
		return v
	}
	return a[-1]
}

// AnswerColumnNames are the column names of questions ("schema/question"):
// "q_", the schema, "_" and the question, with every character but
// letters, digits, _ and - replaced by _ (a schema's names are already so;
// the store takes others from scripts), a suffix _2, _3 ... telling apart
// names that become equal. The names are distinct from each other; they
// start with q_, which no StepRow or PRM column does.
func AnswerColumnNames(questions []string) []string { return columnNames("q_", "_-", questions) }

// AnswerShape is the kind an answer has by the field it sets, for a
// question no schema describes; ok is false for an empty answer (an empty
// many-of or span selection), which fits any list kind.
func AnswerShape(a *stepwise.Answer) (kind stepwise.QuestionKind, ok bool) {
	switch {
	case a.Bool != nil:
		return stepwise.KindBoolean, true
	case a.Number != nil:
		return stepwise.KindNumber, true
	case a.Choice != "":
		return stepwise.KindOneOf, true
	case a.Text != "":
		return stepwise.KindText, true
	case a.Choices != nil:
		return stepwise.KindManyOf, true
	case a.Texts != nil:
		return stepwise.KindTexts, true
	case a.Spans != nil:
		return stepwise.KindSpan, true
	}
	return "", false
}

// SpanCell is one selected range in a span column: byte offsets into the
// step's text and the text they select.
type SpanCell struct {
	Start int64  `json:"start" parquet:"start"`
	End   int64  `json:"end" parquet:"end"`
	Text  string `json:"text" parquet:"text"`
}

// answerCell is the value a column of kind k holds for answer a on a step
// whose text is text: a *bool, *float64, *string, []string or []SpanCell,
// or nil (null) when there is no answer or it does not have the column's
// shape (a question whose answers disagree on it).
func answerCell(k stepwise.QuestionKind, a *stepwise.Answer, text string) any {
	if a == nil {
		return nil
	}
	if shape, ok := AnswerShape(a); ok && shape != k {
		return nil
	}
	switch k {
	case stepwise.KindBoolean:
		return a.Bool
	case stepwise.KindNumber:
		return a.Number
	case stepwise.KindOneOf:
		return &a.Choice
	case stepwise.KindText:
		return &a.Text
	case stepwise.KindManyOf:
		return nonNil(a.Choices)
	case stepwise.KindTexts:
		return nonNil(a.Texts)
	case stepwise.KindSpan:
		return spanCells(a.Spans, text)
	}
	return nil
}

// nonNil keeps an empty answer an empty list, not a null.
func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// spanCells are a span answer's cells; a span past the text (the text
// changed, or the store took it from a script) selects what it can.
func spanCells(spans []stepwise.Span, text string) []SpanCell {
	out := make([]SpanCell, len(spans))
	for i, s := range spans {
		lo, hi := min(max(s.Start, 0), len(text)), min(max(s.End, 0), len(text))
		// A stale span can cut a character: the text column stays UTF-8.
		out[i] = SpanCell{Start: int64(s.Start), End: int64(s.End), Text: strings.ToValidUTF8(text[lo:max(lo, hi)], "\uFFFD")}
	}
	return out
}

// appendAnswerCells appends step i's cells of the columns.
func appendAnswerCells(dst []any, it *ExportItem, cols []AnswerColumn, i int) []any {
	text := it.Trace.Steps[i].Text
	for c, col := range cols {
		var a *stepwise.Answer
		if c < len(it.Answers) {
			a = it.Answers[c].answerAt(i)
		}
		dst = append(dst, answerCell(col.Kind, a, text))
	}
	return dst
}

// answerJSONKeys are the `,"q_<schema>_<question>":` prefixes of the JSONL
// columns.
func answerJSONKeys(cols []AnswerColumn) [][]byte {
	keys := make([][]byte, len(cols))
	for i, c := range cols {
		keys[i] = append(strconv.AppendQuote([]byte{','}, c.Name), ':')
	}
	return keys
}

// appendAnswerColumns closes a row's JSON object (line ends with "}") with
// step i's answer columns.
func appendAnswerColumns(line []byte, keys [][]byte, cols []AnswerColumn, it *ExportItem, i int, cells []any) ([]byte, []any, error) {
	line = line[:len(line)-1]
	cells = appendAnswerCells(cells[:0], it, cols, i)
	for c, k := range keys {
		line = append(line, k...)
		if isNull(cells[c]) {
			line = append(line, "null"...)
			continue
		}
		b, err := encoder.Encode(cells[c], lineJSON)
		if err != nil {
			return nil, cells, err
		}
		line = append(line, b...)
	}
	return append(line, '}'), cells, nil
}

// isNull reports whether a cell is null: no value, or a nil pointer.
func isNull(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case *bool:
		return x == nil
	case *float64:
		return x == nil
	case *string:
		return x == nil
	}
	return false
}

// sortedQuestions lists the keys of a set of questions in order.
func sortedQuestions(m map[string]stepwise.QuestionKind) []string {
	qs := make([]string, 0, len(m))
	for q := range m {
		qs = append(qs, q)
	}
	slices.Sort(qs)
	return qs
}

// NewAnswerColumns makes the columns of a set of questions and their
// kinds, in question order.
func NewAnswerColumns(kinds map[string]stepwise.QuestionKind) []AnswerColumn {
	qs := sortedQuestions(kinds)
	names := AnswerColumnNames(qs)
	out := make([]AnswerColumn, len(qs))
	for i, q := range qs {
		out[i] = AnswerColumn{Name: names[i], Question: q, Kind: kinds[q]}
	}
	return out
}
