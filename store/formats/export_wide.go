package formats

import (
	"fmt"
	"math"
	"reflect"

	"github.com/parquet-go/parquet-go"

	"github.com/stepwise-dev/stepwise"
)

// wideRows holds a batch of Parquet rows with extra columns: a struct type
// made at run time, StepRow embedded (its columns first, as without
// extras), then one optional double per PRM (export_prm.go), then one
// optional field per answer column typed by the question's kind
// (export_answers.go), so that parquet-go writes each column from a struct
// field as it does for StepRow.
type wideRows struct {
	typ    reflect.Type
	rows   reflect.Value     // []typ, parquetBatch long
	any    []any             // &rows[i]
	step   []*StepRow        // &rows[i].StepRow
	score  [][]**float64     // &rows[i].P<c>
	answer [][]reflect.Value // rows[i].A<c>, settable
	floats []float64         // the scores the batch points at
}

// answerFieldType is the Go type of an answer column of kind k, and its
// tag's options: lists are LIST columns, null apart from empty.
func answerFieldType(k stepwise.QuestionKind) (reflect.Type, string) {
	switch k {
	case stepwise.KindBoolean:
		return reflect.TypeFor[*bool](), ",optional"
	case stepwise.KindNumber:
		return reflect.TypeFor[*float64](), ",optional"
	case stepwise.KindManyOf, stepwise.KindTexts:
		return reflect.TypeFor[[]string](), ",list,optional"
	case stepwise.KindSpan:
		return reflect.TypeFor[[]SpanCell](), ",list,optional"
	}
	return reflect.TypeFor[*string](), ",optional" // one-of, text
}

func newWideRows(prm []string, answers []AnswerColumn) *wideRows {
	fields := []reflect.StructField{{Name: "StepRow", Type: reflect.TypeFor[StepRow](), Anonymous: true}}
	for c, col := range PRMColumnNames(prm) {
		fields = append(fields, reflect.StructField{Name: fmt.Sprintf("P%d", c), Type: reflect.TypeFor[*float64](),
			Tag: reflect.StructTag(`parquet:"` + col + `,optional" json:"` + col + `"`)})
	}
	for c, col := range answers {
		typ, opts := answerFieldType(col.Kind)
		fields = append(fields, reflect.StructField{Name: fmt.Sprintf("A%d", c), Type: typ,
			Tag: reflect.StructTag(`parquet:"` + col.Name + opts + `" json:"` + col.Name + `"`)})
	}
	p := &wideRows{typ: reflect.StructOf(fields)}
	p.rows = reflect.MakeSlice(reflect.SliceOf(p.typ), parquetBatch, parquetBatch)
	for i := range parquetBatch {
		r := p.rows.Index(i)
		p.any = append(p.any, r.Addr().Interface())
		p.step = append(p.step, r.Field(0).Addr().Interface().(*StepRow))
		ptrs := make([]**float64, len(prm))
		for c := range ptrs {
			ptrs[c] = r.Field(1 + c).Addr().Interface().(**float64)
		}
		p.score = append(p.score, ptrs)
		vals := make([]reflect.Value, len(answers))
		for c := range vals {
			vals[c] = r.Field(1 + len(prm) + c)
		}
		p.answer = append(p.answer, vals)
	}
	p.floats = make([]float64, 0, parquetBatch*len(prm))
	return p
}

func (p *wideRows) schema() *parquet.Schema { return parquet.SchemaOf(reflect.New(p.typ).Interface()) }

// set fills row n with a step's row, its PRM scores (NaN: none) and its
// answer cells (answerCell's values; nil: null).
func (p *wideRows) set(n int, row *StepRow, scores []float64, cells []any) {
	*p.step[n] = *row
	for c, ptr := range p.score[n] {
		*ptr = nil
		if !math.IsNaN(scores[c]) {
			p.floats = append(p.floats, scores[c])
			*ptr = &p.floats[len(p.floats)-1]
		}
	}
	for c, v := range p.answer[n] {
		if cells[c] == nil {
			v.SetZero()
			continue
		}
		v.Set(reflect.ValueOf(cells[c]))
	}
}
