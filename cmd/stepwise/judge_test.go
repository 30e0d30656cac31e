package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stepwise-dev/stepwise/judge/judgerun/judgetest"
	"github.com/stepwise-dev/stepwise/store"
)

// The judge CLI tests run the command in-process against judgetest, a
// local OpenAI-compatible double answering in the streaming wire format;
// the configuration file they write points every profile at it, so nothing
// reaches a real endpoint.

type judgeCLI struct {
	t  *testing.T
	db string
}

// newJudgeCLI imports sample files into a fresh store and writes a config whose
// "double" profile points at srv (no retries, priced at $1/$2 per million,
// key from STEPWISE_TEST_KEY).
func newJudgeCLI(t *testing.T, srv *judgetest.Server, files ...string) *judgeCLI {
	t.Helper()
	dir := t.TempDir()
	c := &judgeCLI{t: t, db: filepath.Join(dir, "s.db")}
	cfg := filepath.Join(dir, "config.toml")
	base := "http://127.0.0.1:1/v1" // refuses connections: never used when srv is nil
	if srv != nil {
		base = srv.BaseURL()
	}
	body := fmt.Sprintf(`[judge]
profile = "double"
[judge.profiles.double]
base_url = %q
model = "judge-double"
api_key_env = "STEPWISE_TEST_KEY"
input_price_per_m = 1.0
output_price_per_m = 2.0
retries = -1
`, base)
	if err := os.WriteFile(cfg, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("STEPWISE_CONFIG", cfg)
	t.Setenv("STEPWISE_TEST_KEY", "sk-test-key")
	t.Setenv("OPENAI_BASE_URL", "http://127.0.0.1:1/v1")
	t.Setenv("OPENAI_API_KEY", "")
	args := []string{"import"}
	for _, f := range files {
		args = append(args, filepath.Join("..", "..", "testdata", "samples", f))
	}
	if code, _, errOut := c.run(args...); code != exitOK {
		t.Fatalf("import: %d %s", code, errOut)
	}
	return c
}

func (c *judgeCLI) run(args ...string) (int, string, string) {
	return c.runIn(strings.NewReader(""), false, args...)
}

// runIn runs a command with the given stdin, as if stderr were a terminal
// when term is set.
func (c *judgeCLI) runIn(stdin *strings.Reader, term bool, args ...string) (int, string, string) {
	var out, errOut bytes.Buffer
	if !term {
		code := run(context.Background(), append([]string{"--db", c.db}, args...), stdin, &out, &errOut)
		return code, out.String(), errOut.String()
	}
	e := &env{stdout: &out, stderr: &errOut, stdin: stdin, dbPath: c.db, dbExplicit: true, isTerminal: true}
	code := runJudge(context.Background(), e, args[1:])
	return code, out.String(), errOut.String()
}

func (c *judgeCLI) openStore() *store.DB {
	c.t.Helper()
	db, err := store.Open(c.db, store.Options{ReadOnly: true})
	if err != nil {
		c.t.Fatal(err)
	}
	c.t.Cleanup(func() { db.Close() })
	return db
}

const (
	pbGSM8K   = "processbench/gsm8k_0-99_and_200-299.json"
	solutions = "gsm8k/example_model_solutions_first50.jsonl"
)

func TestJudgeDryRunSendsNothing(t *testing.T) {
	srv := judgetest.New(judgetest.Script{})
	defer srv.Close()
	c := newJudgeCLI(t, srv, pbGSM8K)
	code, out, errOut := c.run("judge", "--dataset", "processbench", "--limit", "3", "--dry-run")
	if code != exitOK || srv.Calls() != 0 {
		t.Fatalf("exit %d, %d calls: %s", code, srv.Calls(), errOut)
	}
	for _, want := range []string{"judge: 3 traces, one job each", "model judge-double at " + srv.BaseURL(), "prompts v1",
		"estimate: ~21 calls", "cost: ~$"} {
		if !strings.Contains(out, want) {
			t.Errorf("estimate lacks %q:\n%s", want, out)
		}
	}
	code, out, _ = c.run("judge", "--pairwise", "--dry-run", "--json")
	var est map[string]any
	if code != exitOK || json.Unmarshal([]byte(out), &est) != nil {
		t.Fatalf("--json estimate: %d %s", code, out)
	}
	// Counted with python: the 200 ProcessBench GSM8K records ask 189
	// problems; 11 are asked twice, each time once answered right and once
	// wrong, so 11 correct-against-wrong pairs and 178 traces alone.
	if est["jobs"] != 11.0 || est["mixed_pairs"] != 11.0 || est["traces"] != 22.0 || est["unpaired"] != 178.0 ||
		est["mode"] != "pairwise" {
		t.Fatalf("pairwise estimate: %v", est)
	}
	if runs, _ := c.openStore().Runs("processbench/gsm8k:gsm8k-0"); len(runs) != 0 {
		t.Fatalf("a dry run stored runs: %+v", runs)
	}
}

// analysisJSON is what a `judge --json` line must hold.
type analysisJSON struct {
	ID            string     `json:"id"`
	Run           uint64     `json:"run"`
	TraceIDs      []string   `json:"trace_ids"`
	Mode          string     `json:"mode"`
	Model         string     `json:"model"`
	PromptVersion string     `json:"prompt_version"`
	Verdict       string     `json:"verdict"`
	FirstError    *int       `json:"first_error"`
	Flags         []int      `json:"flags"`
	Consistent    *bool      `json:"consistent"`
	Winners       *[2]string `json:"winners"`
	Tokens        struct {
		Prompt, Completion, Reasoning int
	} `json:"tokens"`
	CostUSD float64 `json:"cost_usd"`
	Seconds float64 `json:"seconds"`
	Error   string  `json:"error"`
}

func parseRows(t *testing.T, out string) []analysisJSON {
	t.Helper()
	var rows []analysisJSON
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var r analysisJSON
		dec := json.NewDecoder(strings.NewReader(line))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&r); err != nil {
			t.Fatalf("line %q: %v", line, err)
		}
		rows = append(rows, r)
	}
	return rows
}

func TestJudgeRunsStoresAndPrintsJSON(t *testing.T) {
	srv := judgetest.New(judgetest.Script{})
	defer srv.Close()
	c := newJudgeCLI(t, srv, pbGSM8K)
	code, out, errOut := c.run("judge", "--dataset", "processbench/gsm8k", "--limit", "3", "--json", "--no-code")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	rows := parseRows(t, out)
	if len(rows) != 3 || srv.Calls() != 3*6 {
		t.Fatalf("%d rows, %d calls", len(rows), srv.Calls())
	}
	db := c.openStore()
	seen := map[string]bool{}
	for _, r := range rows {
		if r.Mode != "single" || r.Model != "judge-double" || r.PromptVersion != "v1" || r.Verdict != "incorrect" ||
			r.FirstError == nil || *r.FirstError != 1 || fmt.Sprint(r.Flags) != "[1]" || r.Consistent != nil ||
			r.Tokens.Prompt == 0 || r.Tokens.Completion != 6*50 || r.CostUSD <= 0 || r.Error != "" || !strings.HasPrefix(r.ID, "an-") {
			t.Fatalf("row %+v", r)
		}
		seen[r.TraceIDs[0]] = true
		runs, err := db.Runs(r.TraceIDs[0])
		if err != nil || len(runs) != 1 || runs[0].ID != r.ID || runs[0].Seq != r.Run {
			t.Fatalf("stored runs of %s: %+v %v", r.TraceIDs[0], runs, err)
		}
		full, err := db.AnalysisSeq(r.Run)
		if err != nil || len(full.Stages) != 6 || full.Stages[1].Prompt == "" || full.Endpoint != srv.BaseURL() {
			t.Fatalf("stored analysis: %v", err)
		}
	}
	// The first three records of the file, in order of the filter.
	for _, id := range []string{"gsm8k-0", "gsm8k-1", "gsm8k-2"} {
		if !seen["processbench/gsm8k:"+id] {
			t.Errorf("%s not judged: %v", id, seen)
		}
	}
	// The key came from the variable the profile names, and never into output.
	if req := srv.Requests()[0]; req.Authorization != "Bearer sk-test-key" {
		t.Fatalf("authorization %q", req.Authorization)
	}
	if strings.Contains(out+errOut, "sk-test-key") {
		t.Fatal("the key reached the output")
	}
	// gsm8k-0..2 all have first error 1 (from the file), as the double says.
	if !strings.Contains(errOut, "judged 3 of 3 jobs (0 failed)") ||
		!strings.Contains(errOut, "exact on 3 of 3 erroneous (0 early, 0 late), 0 of 0 correct") {
		t.Fatalf("summary:\n%s", errOut)
	}
	// Agreement over the stored runs, without sending anything.
	calls := srv.Calls()
	code, out, _ = c.run("judge", "--agreement", "--json")
	var ag struct {
		Dataset struct {
			Traces     int
			FirstError struct {
				ErroneousMatch int `json:"erroneous_match"`
			} `json:"first_error"`
		}
	}
	if code != exitOK || json.Unmarshal([]byte(out), &ag) != nil || ag.Dataset.Traces != 3 ||
		ag.Dataset.FirstError.ErroneousMatch != 3 || srv.Calls() != calls {
		t.Fatalf("agreement %d %s", code, out)
	}
}

func TestJudgePairwiseAndIDs(t *testing.T) {
	// The right solution to the first problem computes 2 * 9 = 18.
	srv := judgetest.New(judgetest.Script{Prefer: "<<2*9=18>>"})
	defer srv.Close()
	c := newJudgeCLI(t, srv, solutions)
	code, out, errOut := c.run("judge", "--pairwise", "--limit", "1", "--json")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	rows := parseRows(t, out)
	// The first pair: 175b_finetuning (wrong) against 175b_verification (right).
	want := []string{"gsm8k/model-solutions:69c7cf8025", "gsm8k/model-solutions:4466cb756a"}
	if len(rows) != 1 || rows[0].Mode != "pairwise" || fmt.Sprint(rows[0].TraceIDs) != fmt.Sprint(want) ||
		rows[0].Consistent == nil || !*rows[0].Consistent || rows[0].Verdict != want[1] || rows[0].Winners[0] != want[1] {
		t.Fatalf("pair row %+v", rows)
	}
	if !strings.Contains(errOut, "pairwise consistency: 100% (1 of 1") || !strings.Contains(errOut, "the right trace won 1 of 1") {
		t.Fatalf("summary:\n%s", errOut)
	}
	// Two ids judge that pair; one id judges one trace; an unknown id is exit 5.
	if code, out, _ := c.run("judge", want[1], want[0]); code != exitOK || !strings.Contains(out, "winner "+want[1]) {
		t.Fatalf("ids: %d %s", code, out)
	}
	if code, out, _ := c.run("judge", want[0]); code != exitOK || !strings.Contains(out, "incorrect, first error 1, flags 1") {
		t.Fatalf("one id: %d %s", code, out)
	}
	if code, _, _ := c.run("judge", "no-such-trace"); code != exitNotFound {
		t.Fatalf("unknown id: exit %d", code)
	}
	if runs, _ := c.openStore().Runs(want[0]); len(runs) != 3 {
		t.Fatalf("runs of %s: %d", want[0], len(runs))
	}
}

func TestJudgeConfirmsOnATerminal(t *testing.T) {
	srv := judgetest.New(judgetest.Script{})
	defer srv.Close()
	c := newJudgeCLI(t, srv, pbGSM8K)
	code, _, errOut := c.runIn(strings.NewReader("n\n"), true, "judge", "--limit", "2")
	if code != exitError || srv.Calls() != 0 || !strings.Contains(errOut, "Start? [y/N]") || !strings.Contains(errOut, "nothing was sent") {
		t.Fatalf("declined: exit %d, %d calls\n%s", code, srv.Calls(), errOut)
	}
	code, out, errOut := c.runIn(strings.NewReader("y\n"), true, "judge", "--limit", "2")
	// On a terminal the progress line is drawn on stderr and cleared.
	if code != exitOK || srv.Calls() != 12 || strings.Count(out, "\n") != 2 || !strings.Contains(errOut, "\r\x1b[Kjudging: 0/2 done") {
		t.Fatalf("accepted: exit %d, %d calls\n%s%s", code, srv.Calls(), out, errOut)
	}
	code, _, _ = c.runIn(strings.NewReader(""), true, "judge", "--limit", "1", "--yes")
	if code != exitOK || srv.Calls() != 18 {
		t.Fatalf("--yes: exit %d, %d calls", code, srv.Calls())
	}
}

func TestJudgeFailuresAndUsage(t *testing.T) {
	srv := judgetest.New(judgetest.Script{Fail: 400})
	defer srv.Close()
	c := newJudgeCLI(t, srv, pbGSM8K)
	code, out, errOut := c.run("judge", "--limit", "2", "--json")
	if code != exitPartial {
		t.Fatalf("failed verdicts: exit %d\n%s", code, errOut)
	}
	for _, r := range parseRows(t, out) {
		if r.Error == "" || r.Verdict != "" || r.Run == 0 {
			t.Fatalf("failed row %+v", r)
		}
	}
	for name, args := range map[string][]string{
		"bad filter":     {"judge", "--correct", "maybe"},
		"three ids":      {"judge", "a", "b", "c"},
		"ids and filter": {"judge", "a", "--dataset", "x"},
		"ids pairwise":   {"judge", "a", "b", "--pairwise"},
	} {
		if code, _, errOut := c.run(args...); code != exitUsage {
			t.Errorf("%s: exit %d: %s", name, code, errOut)
		}
	}
	// No profile and no --judge-model: nothing to call.
	if err := os.WriteFile(os.Getenv("STEPWISE_CONFIG"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, errOut := c.run("judge"); code != exitUsage || !strings.Contains(errOut, "--judge-model") {
		t.Errorf("no model: exit %d: %s", code, errOut)
	}
}

func TestAnalyzeCommand(t *testing.T) {
	c := newJudgeCLI(t, nil, solutions)
	code, out, errOut := c.run("analyze", "--json")
	if code != exitOK || strings.Count(out, "\n") != 200 || !strings.Contains(errOut, "analyzed 200 of 200 traces (0 up to date)") {
		t.Fatalf("exit %d, %d lines\n%s", code, strings.Count(out, "\n"), errOut)
	}
	var row struct {
		ID       string
		Version  string
		Findings []store.Finding
	}
	if err := json.Unmarshal([]byte(strings.SplitN(out, "\n", 2)[0]), &row); err != nil || row.Version != "offline/2" {
		t.Fatalf("row %q: %v", out[:200], err)
	}
	code, _, errOut = c.run("analyze", "--model", "175b_verification")
	if code != exitOK || !strings.Contains(errOut, "analyzed 0 of 50 traces (50 up to date)") {
		t.Fatalf("second run: %d %s", code, errOut)
	}
	if f, _ := c.openStore().Findings(row.ID); f == nil || len(f.Findings) != len(row.Findings) {
		t.Fatalf("stored findings of %s: %+v", row.ID, f)
	}
}
