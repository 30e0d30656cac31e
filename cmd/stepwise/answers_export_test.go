package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/parquet-go/parquet-go"
)

// answersSchemas asks a question of every kind; "all_x/y" and "all/x_y"
// both become the column q_all_x_y, so one of them gets a suffix.
const answersSchemas = `name = "all"
[[question]]
id = "ok"
scope = "trace"
kind = "boolean"
prompt = "ok?"
[[question]]
id = "score"
scope = "trace"
kind = "number"
prompt = "score"
[[question]]
id = "pick"
scope = "step"
kind = "one-of"
prompt = "pick"
options = ["a", "b"]
[[question]]
id = "tags"
scope = "step"
kind = "many-of"
prompt = "tags"
options = ["x", "y", "z"]
[[question]]
id = "why"
scope = "trace"
kind = "text"
prompt = "why"
[[question]]
id = "phrases"
scope = "trace"
kind = "texts"
prompt = "phrases"
[[question]]
id = "words"
scope = "step"
kind = "span"
prompt = "words"
[[question]]
id = "x_y"
scope = "trace"
kind = "boolean"
prompt = "x_y"
`

// hostileText is an answer an attacker could write: escape sequences
// (a terminal title, a clipboard write), quotes, a newline.
const hostileText = "\x1b]0;pwned\x07\x1b]52;c;ZWNobyBoaQ==\x07\"q\"\r\n\\"

// setupAnswers imports ProcessBench's GSM8K sample with schemas of its own
// configuration and labels answers of each kind on gsm8k-0: three
// annotators disagree on step 1's pick (latest "b", majority "a"); one
// answer is undone, one is gold.
func setupAnswers(t *testing.T) string {
	t.Helper()
	cfg := t.TempDir()
	os.MkdirAll(filepath.Join(cfg, "schemas"), 0o755)
	os.WriteFile(filepath.Join(cfg, "schemas", "all.toml"), []byte(answersSchemas), 0o644)
	os.WriteFile(filepath.Join(cfg, "schemas", "all_x.toml"),
		[]byte("name = \"all_x\"\n[[question]]\nid = \"y\"\nscope = \"step\"\nkind = \"text\"\nprompt = \"y\"\n"), 0o644)
	t.Setenv("STEPWISE_CONFIG", filepath.Join(cfg, "config.toml"))
	db := importInto(t, filepath.Join(sampleDir, "processbench", "gsm8k_0-99_and_200-299.json"))
	hostile, _ := json.Marshal(hostileText)
	ev := func(who string, minute, step int, q, answer string) string {
		return fmt.Sprintf(`{"trace_id":"gsm8k-0","annotator":%q,"time":"2026-01-01T00:%02d:00Z","step":%d,"question":%q,"answer":%s}`,
			who, minute, step, q, answer) + "\n"
	}
	lines := ev("ana", 1, -1, "all/ok", `{"bool":false}`) +
		ev("ana", 1, -1, "all/score", `{"number":2.5}`) +
		ev("ana", 1, 1, "all/pick", `{"choice":"a"}`) +
		ev("bo", 2, 1, "all/pick", `{"choice":"a"}`) +
		ev("cy", 3, 1, "all/pick", `{"choice":"b"}`) +
		ev("ana", 1, 1, "all/tags", `{"choices":["z","x"]}`) +
		ev("ana", 1, 2, "all/tags", `{"choices":[]}`) +
		ev("ana", 1, -1, "all/why", `{"text":`+string(hostile)+`}`) +
		ev("ana", 1, -1, "all/phrases", `{"texts":["p1","p 2"]}`) +
		ev("ana", 1, 0, "all/words", `{"spans":[{"start":0,"end":4},{"start":5,"end":8}]}`) +
		ev("ana", 1, -1, "all/x_y", `{"bool":true}`) +
		ev("ana", 1, 3, "all_x/y", `{"text":"step three"}`) +
		strings.Replace(ev("ana", 1, 2, "all/pick", `{"choice":"b"}`), `{"trace_id"`, `{"gold":true,"trace_id"`, 1)
	if code, _, errs := runCLI(t, lines, "--db", db, "label", "--from", "-", "--annotator", "ana"); code != exitOK {
		t.Fatal(errs)
	}
	// An answer, then its undo: neither appears.
	code, out, errs := runCLI(t, ev("ana", 4, 3, "all/pick", `{"choice":"a"}`), "--db", db, "label", "--from", "-", "--annotator", "ana")
	m := regexp.MustCompile(`saved event (\d+):`).FindStringSubmatch(out)
	if code != exitOK || m == nil {
		t.Fatalf("%d %q %s", code, out, errs)
	}
	seq, _ := strconv.Atoi(m[1])
	undo := fmt.Sprintf(`{"trace_id":"gsm8k-0","annotator":"ana","step":3,"undoes":%d}`+"\n", seq)
	if code, _, errs := runCLI(t, undo, "--db", db, "label", "--from", "-", "--annotator", "ana"); code != exitOK {
		t.Fatal(errs)
	}
	return db
}

// wantAnswers are gsm8k-0's answer cells by step (JSON values as
// encoding/json reads them) under a rule; step text is the step's.
func wantAnswers(step int, rule, text string) map[string]any {
	w := map[string]any{"q_all_ok": false, "q_all_score": 2.5, "q_all_why": hostileText,
		"q_all_phrases": []any{"p1", "p 2"}, "q_all_x_y": true, "q_all_x_y_2": nil,
		"q_all_pick": nil, "q_all_tags": nil, "q_all_words": nil}
	switch step {
	case 0:
		w["q_all_words"] = []any{map[string]any{"start": 0.0, "end": 4.0, "text": text[:4]},
			map[string]any{"start": 5.0, "end": 8.0, "text": text[5:8]}}
	case 1:
		w["q_all_pick"] = map[string]string{"latest": "b", "majority": "a"}[rule]
		w["q_all_tags"] = []any{"z", "x"}
	case 2:
		w["q_all_tags"] = []any{} // answered: none of them
	case 3:
		w["q_all_x_y_2"] = "step three"
	}
	return w
}

// stepsJSONL exports steps-jsonl and returns gsm8k-0's rows; every other
// row's answer cells must be null.
func stepsJSONL(t *testing.T, db string, args ...string) ([]map[string]any, string) {
	t.Helper()
	code, out, errs := runCLI(t, "", append([]string{"--db", db, "export", "--format", "steps-jsonl"}, args...)...)
	if code != exitOK {
		t.Fatal(errs)
	}
	var rows []map[string]any
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		var r map[string]any
		if err := json.Unmarshal([]byte(l), &r); err != nil {
			t.Fatal(err)
		}
		if r["source_id"] == "gsm8k-0" {
			rows = append(rows, r)
			continue
		}
		for k, v := range r {
			if strings.HasPrefix(k, "q_") && v != nil {
				t.Fatalf("%v step %v has an answer it was not given: %s %v", r["source_id"], r["step"], k, v)
			}
		}
	}
	return rows, out
}

// TestAnswersInStepsJSONL: every answer written comes back in its cell,
// typed by its question's kind, under either resolution rule; the undone
// and the gold answers do not; other traces' cells are null; the export
// imports again.
func TestAnswersInStepsJSONL(t *testing.T) {
	db := setupAnswers(t)
	for _, rule := range []string{"latest", "majority"} {
		rows, out := stepsJSONL(t, db, "--resolve", rule)
		if len(rows) != 4 {
			t.Fatalf("%d rows of gsm8k-0", len(rows))
		}
		for i, r := range rows {
			got := map[string]any{}
			for k, v := range r {
				if strings.HasPrefix(k, "q_") {
					got[k] = v
				}
			}
			if want := wantAnswers(i, rule, r["text"].(string)); !reflect.DeepEqual(got, want) {
				t.Errorf("%s, step %d:\n got %v\nwant %v", rule, i, got, want)
			}
		}
		if strings.ContainsRune(out, 0x1b) || strings.ContainsRune(out, 0x07) {
			t.Error("an escape sequence reached the output raw")
		}
	}
	// An annotator's own: bo answered only the pick.
	rows, _ := stepsJSONL(t, db, "--annotator", "bo")
	if rows[1]["q_all_pick"] != "a" || rows[0]["q_all_ok"] != nil {
		t.Errorf("--annotator bo: %v", rows[1])
	}
	if _, has := rows[0]["q_all_ok"]; has {
		t.Error("--annotator bo: a column for a question bo did not answer")
	}
	// The source's labels carry no answer.
	if rows, _ := stepsJSONL(t, db, "--labels", "source"); rows[0]["q_all_ok"] != nil {
		t.Errorf("--labels source: %v", rows[0])
	}
	// The export imports again: the q_ columns are not in the way.
	file := filepath.Join(t.TempDir(), "steps.jsonl")
	if code, _, errs := runCLI(t, "", "--db", db, "export", "--format", "steps-jsonl", "-o", file); code != exitOK {
		t.Fatal(errs)
	}
	again := listedTraces(t, importInto(t, file))
	if len(again) != 200 || again[0]["dataset"] != "processbench/gsm8k" || again[0]["steps"] != 4.0 {
		t.Errorf("the export imports %d traces, the first %v; want 200 of processbench/gsm8k, the first of 4 steps", len(again), again[0])
	}
}

// answerParquetRow is a steps-parquet row's answer columns.
type answerParquetRow struct {
	SourceID string    `parquet:"source_id"`
	Step     int64     `parquet:"step"`
	Text     string    `parquet:"text"`
	OK       *bool     `parquet:"q_all_ok,optional"`
	Score    *float64  `parquet:"q_all_score,optional"`
	Pick     *string   `parquet:"q_all_pick,optional"`
	Tags     []string  `parquet:"q_all_tags,list,optional"`
	Why      *string   `parquet:"q_all_why,optional"`
	Phrases  []string  `parquet:"q_all_phrases,list,optional"`
	XY       *bool     `parquet:"q_all_x_y,optional"`
	XY2      *string   `parquet:"q_all_x_y_2,optional"`
	Words    []spanRow `parquet:"q_all_words,list,optional"`
}

type spanRow struct {
	Start int64  `parquet:"start"`
	End   int64  `parquet:"end"`
	Text  string `parquet:"text"`
}

// cells turns a Parquet row's answers into the JSON values wantAnswers
// has (null where the column is null).
func (r answerParquetRow) cells() map[string]any {
	out := map[string]any{}
	put := func(name string, isNil bool, v any) {
		out[name] = nil
		if !isNil {
			out[name] = v
		}
	}
	put("q_all_ok", r.OK == nil, deref(r.OK))
	put("q_all_score", r.Score == nil, deref(r.Score))
	put("q_all_pick", r.Pick == nil, deref(r.Pick))
	put("q_all_why", r.Why == nil, deref(r.Why))
	put("q_all_x_y", r.XY == nil, deref(r.XY))
	put("q_all_x_y_2", r.XY2 == nil, deref(r.XY2))
	strs := func(s []string) []any {
		out := []any{}
		for _, x := range s {
			out = append(out, x)
		}
		return out
	}
	put("q_all_tags", r.Tags == nil, strs(r.Tags))
	put("q_all_phrases", r.Phrases == nil, strs(r.Phrases))
	var spans []any
	for _, s := range r.Words {
		spans = append(spans, map[string]any{"start": float64(s.Start), "end": float64(s.End), "text": s.Text})
	}
	put("q_all_words", r.Words == nil, spans)
	return out
}

func deref[T any](p *T) any {
	if p == nil {
		return nil
	}
	return *p
}

// TestAnswersInStepsParquet: the same cells through Parquet, read with
// parquet-go and, where CI has it, DuckDB (column types), and the dataset
// card lists each column with its dtype.
func TestAnswersInStepsParquet(t *testing.T) {
	db := setupAnswers(t)
	for _, rule := range []string{"latest", "majority"} {
		file := filepath.Join(t.TempDir(), "steps.parquet")
		if code, _, errs := runCLI(t, "", "--db", db, "export", "--format", "steps-parquet", "--resolve", rule, "-o", file); code != exitOK {
			t.Fatal(errs)
		}
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		rows, err := parquet.Read[answerParquetRow](strings.NewReader(string(b)), int64(len(b)))
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, r := range rows {
			if r.SourceID != "gsm8k-0" {
				if r.OK != nil || r.Pick != nil || r.Tags != nil || r.Words != nil {
					t.Fatalf("%s step %d has answers it was not given", r.SourceID, r.Step)
				}
				continue
			}
			n++
			if want := wantAnswers(int(r.Step), rule, r.Text); !reflect.DeepEqual(r.cells(), want) {
				t.Errorf("%s, step %d:\n got %v\nwant %v", rule, r.Step, r.cells(), want)
			}
		}
		if n != 4 {
			t.Fatalf("%d rows of gsm8k-0", n)
		}
	}
	dir := filepath.Join(t.TempDir(), "hf")
	if code, _, errs := runCLI(t, "", "--db", db, "export", "--format", "steps-parquet", "--hf", dir); code != exitOK {
		t.Fatal(errs)
	}
	card, err := os.ReadFile(filepath.Join(dir, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"- name: q_all_ok\n    dtype: bool\n", "- name: q_all_score\n    dtype: float64\n",
		"- name: q_all_pick\n    dtype: string\n", "- name: q_all_tags\n    sequence: string\n",
		"- name: q_all_phrases\n    sequence: string\n", "- name: q_all_x_y_2\n    dtype: string\n",
		"- name: q_all_words\n    list:\n    - name: start\n      dtype: int64\n    - name: end\n      dtype: int64\n    - name: text\n      dtype: string\n",
		"| q_all_x_y_2 | all_x/y | text |"} {
		if !strings.Contains(string(card), want) {
			t.Errorf("the card lacks %q", want)
		}
	}
	// The Parquet export imports again too, its list columns aside.
	if again := listedTraces(t, importInto(t, dir)); len(again) != 200 || again[0]["steps"] != 4.0 {
		t.Errorf("the Parquet export imports %d traces, the first %v", len(again), again[0])
	}
	_, cols := duckdbRead(t, filepath.Join(dir, "data", "steps.parquet"))
	for name, typ := range map[string]string{"q_all_ok": "BOOLEAN", "q_all_score": "DOUBLE", "q_all_pick": "VARCHAR",
		"q_all_tags": "VARCHAR[]", "q_all_why": "VARCHAR", "q_all_x_y_2": "VARCHAR",
		"q_all_words": `STRUCT("start" BIGINT, "end" BIGINT, "text" VARCHAR)[]`} {
		if cols[name] != typ {
			t.Errorf("DuckDB reads %s as %q, want %s", name, cols[name], typ)
		}
	}
}
