package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// duckdbRead reads a Parquet file with DuckDB (.ci/duckdb-read.mjs), an
// independent reader. CI installs it; elsewhere the test skips without it.
func duckdbRead(t *testing.T, file string) (rows int, columns map[string]string) {
	t.Helper()
	script, _ := filepath.Abs(filepath.Join("..", "..", ".ci", "duckdb-read.mjs"))
	if _, err := os.Stat(filepath.Join(filepath.Dir(script), "node_modules", "@duckdb", "node-api")); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("@duckdb/node-api is not installed in .ci (CI must install it)")
		}
		t.Skip("DuckDB for node not installed (npm install --prefix .ci --no-save @duckdb/node-api)")
	}
	out, err := exec.Command("node", script, file).CombinedOutput()
	if err != nil {
		t.Fatalf("duckdb: %v\n%s", err, out)
	}
	var r struct {
		Rows    int        `json:"rows"`
		Columns [][]string `json:"columns"`
	}
	if err := json.Unmarshal(out, &r); err != nil {
		t.Fatalf("duckdb output %q: %v", out, err)
	}
	columns = map[string]string{}
	for _, c := range r.Columns {
		columns[c[0]] = c[1]
	}
	return r.Rows, columns
}

// TestHuggingFaceExport: an export to a dataset folder writes data/ and a
// card whose front matter names the config, the features and the licence;
// DuckDB reads the Parquet file back with every row and column; and the
// folder imports again as a dataset folder.
func TestHuggingFaceExport(t *testing.T) {
	db := importInto(t, filepath.Join(sampleDir, "processbench", "gsm8k_0-99_and_200-299.json"))
	labels := `{"trace_id":"gsm8k-1","step":0,"rating":"good"}` + "\n" + `{"trace_id":"gsm8k-1","step":0,"rating":"bad","annotator":"bo"}` + "\n"
	if code, _, errs := runCLI(t, labels, "--db", db, "label", "--from", "-", "--annotator", "ana"); code != exitOK {
		t.Fatal(errs)
	}
	dir := filepath.Join(t.TempDir(), "export")
	if code, _, errs := runCLI(t, "", "--db", db, "export", "--format", "steps-parquet", "--hf", dir); code != exitOK {
		t.Fatal(errs)
	}
	card, err := os.ReadFile(filepath.Join(dir, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"---\nlicense: apache-2.0\n", "config_name: steps", "path: data/steps.parquet",
		"- name: trace_id\n    dtype: string", "- name: step\n    dtype: int64", "num_examples: ", "QwenLM/ProcessBench",
		"Annotators: ana, bo", "earliest wrong step"} {
		if !strings.Contains(string(card), want) {
			t.Errorf("the card lacks %q:\n%s", want, card)
		}
	}
	code, out, errs := runCLI(t, "", "--db", db, "export", "--format", "steps-jsonl")
	if code != exitOK {
		t.Fatal(errs)
	}
	wantRows := strings.Count(out, "\n")
	rows, cols := duckdbRead(t, filepath.Join(dir, "data", "steps.parquet"))
	if rows != wantRows || cols["trace_id"] != "VARCHAR" || cols["step"] != "BIGINT" || cols["final_answer_correct"] != "BOOLEAN" {
		t.Fatalf("DuckDB reads %d rows (want %d), columns %v", rows, wantRows, cols)
	}
	// The folder imports back (the card a companion).
	again := importInto(t, dir)
	if n := len(listedTraces(t, again)); n != 200 {
		t.Errorf("the exported folder imports %d traces, want 200", n)
	}
}

// TestStepsParquetWithPRMReadByDuckDB: a steps-parquet export with a PRM's
// scores as a column, read back by DuckDB: the column is a nullable double.
func TestStepsParquetWithPRMReadByDuckDB(t *testing.T) {
	db := importInto(t, filepath.Join(sampleDir, "processbench", "gsm8k_0-99_and_200-299.json"))
	scores := filepath.Join(t.TempDir(), "prm.jsonl")
	os.WriteFile(scores, []byte(`{"source_id":"gsm8k-0","model":"qwen-prm","scores":[0.9,0.2,0.5,0.7]}`+"\n"), 0o644)
	if code, _, errs := runCLI(t, "", "--db", db, "prm", "import", scores); code != exitOK {
		t.Fatal(errs)
	}
	out := filepath.Join(t.TempDir(), "steps.parquet")
	if code, _, errs := runCLI(t, "", "--db", db, "export", "--format", "steps-parquet", "-o", out); code != exitOK {
		t.Fatal(errs)
	}
	_, cols := duckdbRead(t, out)
	if cols["prm_qwen-prm"] != "DOUBLE" {
		t.Fatalf("DuckDB columns %v: no prm_qwen-prm double", cols)
	}
}
