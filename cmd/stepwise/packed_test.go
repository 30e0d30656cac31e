package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
	"github.com/parquet-go/parquet-go"
)

// listedTraces lists a store's traces as `ls --json` gives them, without the
// fields that name the file they came from.
func listedTraces(t *testing.T, db string) []map[string]any {
	t.Helper()
	code, out, errs := runCLI(t, "", "--db", db, "ls", "--json")
	if code != exitOK {
		t.Fatalf("ls: %s", errs)
	}
	var rows []map[string]any
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		var r map[string]any
		if err := json.Unmarshal([]byte(l), &r); err != nil {
			t.Fatal(err)
		}
		delete(r, "path")
		delete(r, "line")
		rows = append(rows, r)
	}
	return rows
}

func importInto(t *testing.T, paths ...string) string {
	t.Helper()
	db := filepath.Join(t.TempDir(), "s.db")
	code, out, errs := runCLI(t, "", append([]string{"--db", db, "import"}, paths...)...)
	if code != exitOK {
		t.Fatalf("import %v: %d\n%s\n%s", paths, code, out, errs)
	}
	return db
}

func sameRows(t *testing.T, what string, a, b []map[string]any) {
	t.Helper()
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	if len(a) == 0 || !bytes.Equal(ja, jb) {
		for i := range min(len(a), len(b)) {
			x, _ := json.Marshal(a[i])
			y, _ := json.Marshal(b[i])
			if !bytes.Equal(x, y) {
				t.Logf("first difference, row %d:\n%s\n%s", i, x, y)
				break
			}
		}
		t.Fatalf("%s: %d and %d traces differ\n%.600s\n%.600s", what, len(a), len(b), ja, jb)
	}
}

// TestCompressedImport: a gzip- or zstd-compressed JSONL file imports as the
// plain file does, whatever its name.
func TestCompressedImport(t *testing.T) {
	src := filepath.Join(sampleDir, "gsm8k", "test_first200.jsonl")
	raw, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	want := listedTraces(t, importInto(t, src))
	dir := t.TempDir()
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(raw)
	zw.Close()
	zs, _ := zstd.NewWriter(nil)
	for name, data := range map[string][]byte{
		"test_first200.jsonl.gz": gz.Bytes(), "test_first200.jsonl.zst": zs.EncodeAll(raw, nil), "no-extension": gz.Bytes(),
	} {
		p := filepath.Join(dir, name)
		os.WriteFile(p, data, 0o644)
		got := listedTraces(t, importInto(t, p))
		for _, r := range got {
			r["format"] = want[0]["format"]
		}
		sameRows(t, name, want, got)
	}
}

// TestStepsParquetReimports: stepwise's own steps-parquet export, which
// could not be read back, imports as the steps-jsonl export of the same
// store does.
func TestStepsParquetReimports(t *testing.T) {
	db := importInto(t, filepath.Join(sampleDir, "processbench", "gsm8k_0-99_and_200-299.json"))
	dir := t.TempDir()
	for _, f := range []string{"steps-jsonl", "steps-parquet"} {
		if code, _, errs := runCLI(t, "", "--db", db, "export", "--format", f, "-o", filepath.Join(dir, f)); code != exitOK {
			t.Fatal(errs)
		}
	}
	sameRows(t, "steps-parquet vs steps-jsonl", listedTraces(t, importInto(t, filepath.Join(dir, "steps-jsonl"))),
		listedTraces(t, importInto(t, filepath.Join(dir, "steps-parquet"))))
}

// pbRow is a ProcessBench record as the Hugging Face dataset's Parquet
// files hold it (id, generator, problem, steps, final_answer_correct,
// label).
type pbRow struct {
	ID                 string   `parquet:"id" json:"id"`
	Generator          string   `parquet:"generator" json:"generator"`
	Problem            string   `parquet:"problem" json:"problem"`
	Steps              []string `parquet:"steps,list" json:"steps"`
	FinalAnswerCorrect bool     `parquet:"final_answer_correct" json:"final_answer_correct"`
	Label              int64    `parquet:"label" json:"label"`
}

// TestHuggingFaceFolder: a dataset folder as `huggingface-cli download`
// leaves it — data/*.parquet and a README.md card — imports as the JSON
// file it was made from, the card counted as a companion.
func TestHuggingFaceFolder(t *testing.T) {
	src := filepath.Join(sampleDir, "processbench", "gsm8k_0-99_and_200-299.json")
	b, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	var rows []pbRow
	if err := json.Unmarshal(b, &rows); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "ProcessBench")
	os.MkdirAll(filepath.Join(dir, "data"), 0o755)
	os.WriteFile(filepath.Join(dir, "README.md"), []byte("---\nlicense: apache-2.0\nconfigs:\n- config_name: gsm8k\n---\n# ProcessBench\n"), 0o644)
	// Two shards, as large datasets come.
	for i, part := range [][]pbRow{rows[:120], rows[120:]} {
		f, err := os.Create(filepath.Join(dir, "data", "gsm8k-0000"+string(rune('0'+i))+"-of-00002.parquet"))
		if err != nil {
			t.Fatal(err)
		}
		if err := parquet.Write(f, part); err != nil {
			t.Fatal(err)
		}
		f.Close()
	}
	db := filepath.Join(t.TempDir(), "s.db")
	code, out, errs := runCLI(t, "", "--db", db, "import", "--json", dir)
	if code != exitOK {
		t.Fatalf("import: %d %s %s", code, out, errs)
	}
	var rep struct {
		Companions int            `json:"companion_files"`
		Formats    map[string]int `json:"formats"`
	}
	json.Unmarshal([]byte(out), &rep)
	if rep.Companions != 1 || rep.Formats["processbench"] != 2 {
		t.Errorf("report %s", out)
	}
	got := listedTraces(t, db)
	want := listedTraces(t, importInto(t, src))
	sameRows(t, "ProcessBench from Parquet", want, got)
}

// parquetOfJSONL writes a JSONL file's records as a Parquet file whose
// schema is inferred from the first record (strings, integers, doubles,
// booleans, lists of them, nested objects; nulls as optional strings), as
// a dataset uploaded to Hugging Face is converted.
func parquetOfJSONL(t *testing.T, src, dst string) int {
	t.Helper()
	b, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	var rows []map[string]any
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	for dec.More() {
		var r map[string]any
		if err := dec.Decode(&r); err != nil {
			t.Fatal(err)
		}
		rows = append(rows, r)
	}
	schema := parquet.NewSchema("row", groupOf(rows))
	f, err := os.Create(dst)
	if err != nil {
		t.Fatal(err)
	}
	w := parquet.NewGenericWriter[map[string]any](f, schema)
	for _, r := range rows {
		if _, err := w.Write([]map[string]any{typed(r).(map[string]any)}); err != nil {
			t.Fatalf("%s: %v", src, err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	f.Close()
	return len(rows)
}

// groupOf infers a group from every record's fields (the union); a field
// some record lacks or leaves null is optional. (parquet-go writes a zero
// value of an optional leaf as null, so only those are.)
func groupOf(rows []map[string]any) parquet.Group {
	nodes := map[string]parquet.Node{}
	present := map[string]int{}
	for _, r := range rows {
		for k, v := range r {
			if v != nil {
				present[k]++
			}
			if _, ok := nodes[k]; !ok || v != nil {
				if n := nodeOf(v); n != nil {
					nodes[k] = n
				}
			}
		}
	}
	g := parquet.Group{}
	for k, n := range nodes {
		if present[k] < len(rows) {
			n = parquet.Optional(n)
		}
		g[k] = n
	}
	return g
}

func nodeOf(v any) parquet.Node {
	switch x := v.(type) {
	case string, nil:
		return parquet.String()
	case bool:
		return parquet.Leaf(parquet.BooleanType)
	case json.Number:
		if _, err := x.Int64(); err == nil {
			return parquet.Int(64)
		}
		return parquet.Leaf(parquet.DoubleType)
	case []any:
		var elem any
		nulls := false
		for _, e := range x {
			if e == nil {
				nulls = true
			} else if elem == nil {
				elem = e
			}
		}
		n := nodeOf(elem)
		if nulls {
			n = parquet.Optional(n)
		}
		return parquet.List(n)
	case map[string]any:
		return groupOf([]map[string]any{x})
	}
	return nil
}

// typed turns json.Numbers into the Go numbers the schema holds.
func typed(v any) any {
	switch x := v.(type) {
	case json.Number:
		if i, err := x.Int64(); err == nil {
			return i
		}
		f, _ := x.Float64()
		return f
	case []any:
		for i := range x {
			x[i] = typed(x[i])
		}
	case map[string]any:
		for k := range x {
			x[k] = typed(x[k])
		}
	}
	return v
}

// TestEveryCodecFromParquet: the records of several formats, shipped as
// Parquet, import as their JSONL files do.
func TestEveryCodecFromParquet(t *testing.T) {
	for _, src := range []string{
		filepath.Join("gsm8k", "test_first200.jsonl"), filepath.Join("math500", "test_first200.jsonl"),
		filepath.Join("prmbench", "prmbench_subset400_sample.jsonl"), filepath.Join("gsm8k", "example_model_solutions_first50.jsonl"),
		filepath.Join("longcot_skyt1", "aime24_sky-t1-32b-ckpt140.jsonl"),
	} {
		p := filepath.Join(t.TempDir(), filepath.Base(src)+".parquet")
		parquetOfJSONL(t, filepath.Join(sampleDir, src), p)
		sameRows(t, src, listedTraces(t, importInto(t, filepath.Join(sampleDir, src))), listedTraces(t, importInto(t, p)))
	}
}
