package formats

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/parquet-go/parquet-go"

	"github.com/stepwise-dev/stepwise"
)

func TestAnswerColumnNames(t *testing.T) {
	got := AnswerColumnNames([]string{"sei/bad_case", "x/a_b", "x_a/b", "s/a \"b\"\x1b[31m", "lrm-safety/q.1"})
	want := []string{"q_sei_bad_case", "q_x_a_b", "q_x_a_b_2", "q_s_a__b___31m", "q_lrm-safety_q_1"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("%q, want %q", got, want)
	}
}

// answersItem is a trace of n steps with an answer of each kind: trace
// answers (boolean, number, text, texts), a one-of on every third step, a
// many-of on every fifth (empty on every tenth), a span on every seventh.
func answersItem(n int) (*ExportItem, []AnswerColumn) {
	tr := &stepwise.Trace{ID: "t:1", Dataset: "t"}
	yes, score := true, 2.5
	ans := make([]ItemAnswers, 7)
	for c := range ans {
		ans[c] = ItemAnswers{}
	}
	ans[0][-1] = &stepwise.Answer{Bool: &yes}
	ans[1][-1] = &stepwise.Answer{Number: &score}
	ans[2][-1] = &stepwise.Answer{Text: "\x1b[2J\"quoted\"\n\\"}
	ans[3][-1] = &stepwise.Answer{Texts: []string{"a", "b,c"}}
	for i := range n {
		tr.Steps = append(tr.Steps, stepwise.Step{Text: fmt.Sprint("step number ", i)})
		if i%3 == 0 {
			ans[4][i] = &stepwise.Answer{Choice: []string{"x", "y"}[i%2]}
		}
		if i%5 == 0 {
			ans[5][i] = &stepwise.Answer{Choices: []string{"p", "q"}}
			if i%10 == 0 {
				ans[5][i] = &stepwise.Answer{}
			}
		}
		if i%7 == 0 {
			ans[6][i] = &stepwise.Answer{Spans: []stepwise.Span{{Start: 0, End: 4}, {Start: 5, End: 11}}}
		}
	}
	cols := NewAnswerColumns(map[string]stepwise.QuestionKind{"s/a_bool": stepwise.KindBoolean, "s/b_num": stepwise.KindNumber,
		"s/c_text": stepwise.KindText, "s/d_texts": stepwise.KindTexts, "s/e_one": stepwise.KindOneOf,
		"s/f_many": stepwise.KindManyOf, "s/g_span": stepwise.KindSpan})
	it := &ExportItem{Problem: &stepwise.Problem{Text: "p"}, Trace: tr, Labels: make([]StepLabel, n), Answers: ans}
	return it, cols
}

// answerRow is a steps row's answer columns as read back.
type answerRow struct {
	Step  int64      `json:"step" parquet:"step"`
	Bool  *bool      `json:"q_s_a_bool" parquet:"q_s_a_bool,optional"`
	Num   *float64   `json:"q_s_b_num" parquet:"q_s_b_num,optional"`
	Text  *string    `json:"q_s_c_text" parquet:"q_s_c_text,optional"`
	Texts []string   `json:"q_s_d_texts" parquet:"q_s_d_texts,list,optional"`
	One   *string    `json:"q_s_e_one" parquet:"q_s_e_one,optional"`
	Many  []string   `json:"q_s_f_many" parquet:"q_s_f_many,list,optional"`
	Span  []SpanCell `json:"q_s_g_span" parquet:"q_s_g_span,list,optional"`
	PRM   *float64   `json:"prm_m" parquet:"prm_m,optional"`
}

// checkAnswerRow compares row i with what answersItem answered.
func checkAnswerRow(t *testing.T, r answerRow, i int) {
	t.Helper()
	bad := func(what string, got any) { t.Fatalf("row %d: %s = %#v", i, what, got) }
	if r.Step != int64(i) {
		bad("step", r.Step)
	}
	if r.Bool == nil || !*r.Bool || r.Num == nil || *r.Num != 2.5 || r.Text == nil || *r.Text != "\x1b[2J\"quoted\"\n\\" {
		bad("trace answers", []any{r.Bool, r.Num, r.Text})
	}
	if !slices.Equal(r.Texts, []string{"a", "b,c"}) {
		bad("texts", r.Texts)
	}
	if (r.One != nil) != (i%3 == 0) || r.One != nil && *r.One != []string{"x", "y"}[i%2] {
		bad("one-of", r.One)
	}
	switch {
	case i%10 == 0:
		if r.Many == nil || len(r.Many) != 0 {
			bad("an empty many-of (want [], not null)", r.Many)
		}
	case i%5 == 0:
		if !slices.Equal(r.Many, []string{"p", "q"}) {
			bad("many-of", r.Many)
		}
	case r.Many != nil:
		bad("an unanswered many-of", r.Many)
	}
	text := fmt.Sprint("step number ", i)
	want := []SpanCell{{0, 4, text[:4]}, {5, 11, text[5:11]}}
	if (i%7 == 0) != slices.Equal(r.Span, want) || i%7 != 0 && r.Span != nil {
		bad("span", r.Span)
	}
}

// TestStepsJSONLAnswerColumns: every row carries its step's answers and
// its trace's, typed by kind, null where unanswered; hostile text stays
// data (JSON escapes it, a reader gets it back byte for byte).
func TestStepsJSONLAnswerColumns(t *testing.T) {
	it, cols := answersItem(23)
	var buf bytes.Buffer
	w := newStepsJSONLWriter(&buf)
	if err := w.(AnswerColumner).SetAnswerColumns(cols); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write(it); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
	if len(lines) != 23 {
		t.Fatalf("%d lines", len(lines))
	}
	for i, l := range lines {
		if strings.ContainsRune(l, 0x1b) {
			t.Fatalf("line %d holds a raw escape: %q", i, l)
		}
		var r answerRow
		if err := json.Unmarshal([]byte(l), &r); err != nil {
			t.Fatalf("line %d: %v\n%s", i, err, l)
		}
		checkAnswerRow(t, r, i)
		if i == 1 && !strings.Contains(l, `"q_s_e_one":null`) {
			t.Fatalf("an unanswered one-of is not null: %s", l)
		}
	}
}

// TestStepsParquetAnswerColumns: the same through Parquet, with a PRM
// column beside, over more rows than a batch (the cells of a batch are
// cut by row).
func TestStepsParquetAnswerColumns(t *testing.T) {
	const n = parquetBatch + 9
	it, cols := answersItem(n)
	it.PRM = [][]float64{make([]float64, n)}
	for i := range n {
		it.PRM[0][i] = float64(i) / n
	}
	var buf bytes.Buffer
	w := newStepsParquetWriter(&buf)
	if err := w.(PRMColumner).SetPRMColumns([]string{"m"}); err != nil {
		t.Fatal(err)
	}
	if err := w.(AnswerColumner).SetAnswerColumns(cols); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write(it); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	rows, err := parquet.Read[answerRow](bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != n {
		t.Fatalf("%d rows, want %d", len(rows), n)
	}
	for i, r := range rows {
		checkAnswerRow(t, r, i)
		if r.PRM == nil || *r.PRM != float64(i)/n {
			t.Fatalf("row %d: PRM %v", i, r.PRM)
		}
	}
}

// TestAnswerCellShape: an answer that does not have its column's shape (a
// question whose answers disagree on its kind) is null, not a zero value.
func TestAnswerCellShape(t *testing.T) {
	yes := true
	for _, c := range []struct {
		k    stepwise.QuestionKind
		a    stepwise.Answer
		null bool
	}{
		{stepwise.KindText, stepwise.Answer{Bool: &yes}, true},
		{stepwise.KindManyOf, stepwise.Answer{Text: "t"}, true},
		{stepwise.KindSpan, stepwise.Answer{}, false}, // empty: an empty list
		{stepwise.KindBoolean, stepwise.Answer{}, true},
		{stepwise.KindBoolean, stepwise.Answer{Bool: &yes}, false},
	} {
		if got := isNull(answerCell(c.k, &c.a, "")); got != c.null {
			t.Errorf("%s %+v: null %v, want %v", c.k, c.a, got, c.null)
		}
	}
	// A span past the text (the text changed) selects what it can.
	if got := spanCells([]stepwise.Span{{Start: 2, End: 9}, {Start: 12, End: 14}}, "abcdef"); got[0].Text != "cdef" || got[1].Text != "" {
		t.Errorf("spans past the text: %+v", got)
	}
}

// TestSpanCellsStayUTF8: a span that cuts a character (a stale span) gives
// valid UTF-8 text.
func TestSpanCellsStayUTF8(t *testing.T) {
	text := "x = π/2"
	cut := strings.Index(text, "π") + 1 // inside π's two bytes
	cells := spanCells([]stepwise.Span{{Start: 0, End: cut}}, text)
	if !utf8.ValidString(cells[0].Text) || !strings.HasPrefix(cells[0].Text, "x = ") {
		t.Fatalf("cell %q", cells[0].Text)
	}
}
