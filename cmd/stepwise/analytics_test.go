package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"math"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stepwise-dev/stepwise"
	"github.com/stepwise-dev/stepwise/judge/analytics"
)

// TestProblemsAndModelsOnGSM8KSolutions is the check, computed
// independently from the source file: each problem's accuracy is its
// correct models over 4, each model's accuracy its share of is_correct,
// exactly — with the GSM8K reference solutions of the same problems in the
// store too, which are not samples.
func TestProblemsAndModelsOnGSM8KSolutions(t *testing.T) {
	src := filepath.Join(sampleDir, "gsm8k", "example_model_solutions_first50.jsonl")
	db := importInto(t, src, filepath.Join(sampleDir, "gsm8k", "test_first200.jsonl"))
	b, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	models := []string{"6b_finetuning", "6b_verification", "175b_finetuning", "175b_verification"}
	wantProblem := map[string]float64{} // question → accuracy
	modelRight := map[string]int{}
	records := 0
	for _, l := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		var r map[string]json.RawMessage
		if err := json.Unmarshal([]byte(l), &r); err != nil {
			t.Fatal(err)
		}
		var q string
		json.Unmarshal(r["question"], &q)
		right := 0
		for _, m := range models {
			var s struct {
				IsCorrect bool `json:"is_correct"`
			}
			json.Unmarshal(r[m], &s)
			if s.IsCorrect {
				right++
				modelRight[m]++
			}
		}
		wantProblem[q] = float64(right) / 4
		records++
	}
	code, out, errs := runCLI(t, "", "--db", db, "problems", "--json")
	if code != exitOK {
		t.Fatal(errs)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != records {
		t.Fatalf("%d problems, want %d", len(lines), records)
	}
	for _, l := range lines {
		var p struct {
			ProblemID string             `json:"problem_id"`
			Samples   int                `json:"samples"`
			Accuracy  float64            `json:"accuracy"`
			PassAt    map[string]float64 `json:"pass_at"`
			ByModel   map[string]struct {
				Samples int `json:"samples"`
			} `json:"by_model"`
			Difficulty string `json:"difficulty"`
		}
		json.Unmarshal([]byte(l), &p)
		code, out, _ := runCLI(t, "", "--db", db, "ls", "--json", "--problem", p.ProblemID, "--limit", "1")
		var tr struct {
			ID string `json:"id"`
		}
		json.Unmarshal([]byte(out), &tr)
		_, show, _ := runCLI(t, "", "--db", db, "show", "--json", tr.ID)
		var sh struct {
			Problem struct{ Text string } `json:"problem"`
		}
		json.Unmarshal([]byte(show), &sh)
		want, ok := wantProblem[sh.Problem.Text]
		if code != exitOK || !ok || p.Samples != 4 || p.Accuracy != want || len(p.ByModel) != 4 {
			t.Fatalf("problem %s: %d samples, accuracy %v (want 4 and %v): %s", p.ProblemID, p.Samples, p.Accuracy, want, l)
		}
		if want == 0 && p.Difficulty != "unsolved" || want >= 0.7 && p.Difficulty != "easy" {
			t.Errorf("problem %s: accuracy %v, difficulty %s", p.ProblemID, want, p.Difficulty)
		}
		if p.PassAt["4"] != math.Min(1, math.Ceil(want)) {
			t.Errorf("pass@4 of %v right of 4: %v", want, p.PassAt["4"])
		}
	}
	code, out, errs = runCLI(t, "", "--db", db, "models", "--json")
	if code != exitOK {
		t.Fatal(errs)
	}
	got := map[string]float64{}
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		var m struct {
			Model    string  `json:"model"`
			Traces   int     `json:"traces"`
			Accuracy float64 `json:"accuracy"`
		}
		json.Unmarshal([]byte(l), &m)
		got[m.Model] = m.Accuracy
		if m.Model == analytics.Reference {
			t.Error("reference solutions are counted as a model")
		}
	}
	for _, m := range models {
		if want := float64(modelRight[m]) / float64(records); got[m] != want {
			t.Errorf("%s: accuracy %v, want %v", m, got[m], want)
		}
	}
}

// TestPassAtK against hand computations: n=4, c=1: pass@1 = 1/4, pass@2 =
// 1 − C(3,2)/C(4,2) = 1 − 3/6 = 1/2; n=5, c=2: pass@3 = 1 − C(3,3)/C(5,3) =
// 1 − 1/10.
func TestPassAtK(t *testing.T) {
	for _, c := range []struct {
		n, c, k int
		want    float64
	}{{4, 1, 1, 0.25}, {4, 1, 2, 0.5}, {5, 2, 3, 0.9}, {5, 0, 3, 0}, {5, 3, 3, 1}} {
		if got := analytics.PassAtK(c.n, c.c, c.k); math.Abs(got-c.want) > 1e-12 {
			t.Errorf("pass@%d with %d of %d right: %v, want %v", c.k, c.c, c.n, got, c.want)
		}
	}
}

// TestNoFalseToolFindingsOnLlamaFactory: LLaMA-Factory traces give results
// ids and calls none, and end with the model's calls: the analyzers found
// 35 unanswered calls and 21 orphan results there, all false. None now.
func TestNoFalseToolFindingsOnLlamaFactory(t *testing.T) {
	db := importInto(t, filepath.Join(sampleDir, "toolcall"))
	code, out, errs := runCLI(t, "", "--db", db, "analyze", "--json")
	if code != exitOK {
		t.Fatal(errs)
	}
	traces := 0
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		traces++
		if strings.Contains(l, "tool_unanswered") || strings.Contains(l, "tool_orphan") {
			t.Errorf("a false tool finding: %.300s", l)
		}
	}
	if traces < 100 {
		t.Fatalf("%d traces analyzed", traces)
	}
}

// TestCheckpointGrid: a sample that reaches the gold answer, leaves it and
// ends wrong is found where it reaches and leaves, and counts for the
// fault tolerance; one that stays right does not.
func TestCheckpointGrid(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "cp.jsonl")
	os.WriteFile(data, []byte(
		`{"id":"a","problem":"What is 2+3?","gold":"5","steps":["2+3 is 5, so the answer is 5.","Check: \\boxed{5}","Wait, carry the one: the answer is \\boxed{6}"]}`+"\n"+
			`{"id":"b","problem":"What is 2+3?","gold":"5","steps":["The answer is \\boxed{4}","No: \\boxed{5}"]}`+"\n"), 0o644)
	db := filepath.Join(dir, "s.db")
	if code, _, errs := runCLI(t, "", "--db", db, "import", "--format", "generic", "--map", "id=id", "--map", "problem=problem",
		"--map", "steps=steps", "--map", "gold=gold", data); code != exitOK {
		t.Fatal(errs)
	}
	rows := listedTraces(t, db)
	code, out, errs := runCLI(t, "", "--db", db, "checkpoints", "--json", rows[0]["problem_id"].(string))
	if code != exitOK {
		t.Fatal(errs)
	}
	var g analytics.ProblemCheckpoints
	if err := json.Unmarshal([]byte(out), &g); err != nil || len(g.Samples) != 2 {
		t.Fatalf("grid %s: %v", out, err)
	}
	a, b := g.Samples[0], g.Samples[1]
	if a.Reached == nil || *a.Reached != 0 || a.Left == nil || *a.Left != 2 || a.Correct == nil || *a.Correct {
		t.Fatalf("sample a: %+v", a)
	}
	if b.Reached == nil || *b.Reached != 1 || b.Left != nil {
		t.Fatalf("sample b: %+v", b)
	}
	code, out, _ = runCLI(t, "", "--db", db, "checkpoints", "--fault-tolerance", "--json")
	var ft analytics.FaultTolerance
	json.Unmarshal([]byte(out), &ft)
	if code != exitOK || ft.Traces != 2 || ft.EndedWrong != 1 || ft.HeldThenWrong != 1 {
		t.Fatalf("fault tolerance %+v", ft)
	}
}

// TestFreqAndHist: the frequency table and the histogram count what
// `ls --json` lists, recomputed here.
func TestFreqAndHist(t *testing.T) {
	db := importInto(t, filepath.Join(sampleDir, "processbench"))
	rows := listedTraces(t, db)
	byDataset := map[string]int{}
	var firstErrors []int
	for _, r := range rows {
		byDataset[r["dataset"].(string)]++
		if fe, ok := r["first_error"].(float64); ok && fe >= 0 {
			firstErrors = append(firstErrors, int(fe))
		}
	}
	code, out, errs := runCLI(t, "", "--db", db, "freq", "dataset", "--json")
	if code != exitOK {
		t.Fatal(errs)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != len(byDataset) {
		t.Fatalf("%d values, want %d", len(lines), len(byDataset))
	}
	for _, l := range lines {
		var r analytics.Row
		json.Unmarshal([]byte(l), &r)
		if r.Count != byDataset[r.Value] || math.Abs(r.Percent-100*float64(r.Count)/float64(len(rows))) > 1e-9 {
			t.Errorf("%s: %+v, want %d", r.Value, r, byDataset[r.Value])
		}
	}
	code, out, errs = runCLI(t, "", "--db", db, "hist", "first_error", "--bins", "5", "--json")
	if code != exitOK {
		t.Fatal(errs)
	}
	var h struct {
		Bins    []analytics.Bin `json:"bins"`
		Missing int             `json:"missing"`
	}
	json.Unmarshal([]byte(out), &h)
	total := 0
	for _, b := range h.Bins {
		n := 0
		for _, v := range firstErrors {
			if v >= b.Low && v < b.High {
				n++
			}
		}
		if n != b.Count {
			t.Errorf("bin %d-%d: %d, counted %d", b.Low, b.High, b.Count, n)
		}
		total += b.Count
	}
	if total != len(firstErrors) || total+h.Missing != len(rows) || len(h.Bins) > 5 {
		t.Fatalf("%d binned + %d missing of %d traces (%d with a first error), %d bins", total, h.Missing, len(rows), len(firstErrors), len(h.Bins))
	}
}

// TestModelsTokensAndPrices: token sums come from the traces' usage, and a
// price table gives a cost where the source records tokens only, computed
// here from the file.
func TestModelsTokensAndPrices(t *testing.T) {
	src := filepath.Join("..", "..", "testdata", "constructed", "r1_api_responses.jsonl")
	b, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	type usage struct{ prompt, completion, reasoning int }
	want := map[string]usage{}
	for _, l := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		var r struct {
			Response struct {
				Model string `json:"model"`
				Usage struct {
					Prompt     int `json:"prompt_tokens"`
					Completion int `json:"completion_tokens"`
					Details    struct {
						Reasoning int `json:"reasoning_tokens"`
					} `json:"completion_tokens_details"`
				} `json:"usage"`
			} `json:"response"`
		}
		json.Unmarshal([]byte(l), &r)
		u := r.Response.Usage
		want[r.Response.Model] = usage{u.Prompt, u.Completion, u.Details.Reasoning}
	}
	db := importInto(t, src)
	cfg := filepath.Join(t.TempDir(), "config.toml")
	os.WriteFile(cfg, []byte("[prices]\n\"deepseek-reasoner\" = { input_per_m = 0.55, output_per_m = 2.19 }\n"), 0o644)
	t.Setenv("STEPWISE_CONFIG", cfg)
	code, out, errs := runCLI(t, "", "--db", db, "models", "--json")
	if code != exitOK {
		t.Fatal(errs)
	}
	seen := 0
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		var m struct {
			Model  string `json:"model"`
			Tokens struct {
				Prompt, Completion, Reasoning int
			} `json:"tokens"`
			CostUSD *float64 `json:"cost_usd"`
		}
		json.Unmarshal([]byte(l), &m)
		w, ok := want[m.Model]
		if !ok || m.Tokens.Prompt != w.prompt || m.Tokens.Completion != w.completion || m.Tokens.Reasoning != w.reasoning {
			t.Errorf("%s: tokens %+v, want %+v", m.Model, m.Tokens, w)
		}
		seen++
		if m.Model != "deepseek-reasoner" {
			if m.CostUSD != nil {
				t.Errorf("%s has no price and no recorded cost, yet costs %v", m.Model, *m.CostUSD)
			}
			continue
		}
		c := (float64(w.prompt)*0.55 + float64(max(w.completion, w.reasoning))*2.19) / 1e6
		if m.CostUSD == nil || math.Abs(*m.CostUSD-c) > 1e-12 {
			t.Errorf("deepseek-reasoner cost %v, want %v", m.CostUSD, c)
		}
	}
	if seen != len(want) {
		t.Fatalf("%d models, want %d", seen, len(want))
	}
}

// TestAgentsToolUse: on a constructed trace, calls, search calls, rounds,
// repeated and failed calls are counted as defined, and the intensity table
// groups traces by their search calls.
func TestAgentsToolUse(t *testing.T) {
	tr := &stepwise.Trace{ID: "x", Model: "m", Steps: []stepwise.Step{
		{Kind: stepwise.StepMessage},
		{Kind: stepwise.StepToolCall, Tool: &stepwise.Tool{Name: "web_search", Arguments: `{"q":"a"}`}},
		{Kind: stepwise.StepToolCall, Tool: &stepwise.Tool{Name: "fetch", Arguments: `{"u":1}`}},
		{Kind: stepwise.StepToolResult, Tool: &stepwise.Tool{}},
		{Kind: stepwise.StepToolResult, Tool: &stepwise.Tool{Error: "404"}},
		{Kind: stepwise.StepThinking},
		{Kind: stepwise.StepToolCall, Tool: &stepwise.Tool{Name: "web_search", Arguments: `{"q":"a"}`}},
		{Kind: stepwise.StepToolResult, Tool: &stepwise.Tool{}},
		{Kind: stepwise.StepAnswer},
	}}
	yes := true
	tr.Correct = &yes
	a, rows := analytics.AgentsOf([]*stepwise.Trace{tr, {ID: "y", Steps: []stepwise.Step{{Kind: stepwise.StepAnswer}}}})
	if len(a) != 1 {
		t.Fatalf("%d agent traces, want 1 (the other has no call)", len(a))
	}
	got := a[0]
	if got.ToolCalls != 3 || got.SearchCalls != 2 || got.Rounds != 2 || got.Repeated != 1 || got.Failed != 1 {
		t.Fatalf("%+v", got)
	}
	if len(rows) != 1 || rows[0].SearchCalls != 2 || rows[0].Accuracy == nil || *rows[0].Accuracy != 1 {
		t.Fatalf("intensity %+v", rows)
	}
}

// TestModelsPairOnGSM8KSolutions recomputes `models --compare A --against
// B` from the source file: one sample per model and problem, so a win is
// A right and B wrong, and McNemar's p is summed with exact integers.
func TestModelsPairOnGSM8KSolutions(t *testing.T) {
	src := filepath.Join(sampleDir, "gsm8k", "example_model_solutions_first50.jsonl")
	db := importInto(t, src)
	b, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	const a, bm = "175b_verification", "6b_finetuning"
	var onlyA, onlyB, both, neither int
	for _, l := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		var r map[string]struct {
			IsCorrect bool `json:"is_correct"`
		}
		json.Unmarshal([]byte(l), &r) // the string fields fail to decode into the struct and are skipped
		ra, rb := r[a].IsCorrect, r[bm].IsCorrect
		switch {
		case ra && rb:
			both++
		case ra:
			onlyA++
		case rb:
			onlyB++
		default:
			neither++
		}
	}
	code, out, errs := runCLI(t, "", "--db", db, "models", "--compare", a, "--against", bm, "--json")
	if code != exitOK {
		t.Fatal(errs)
	}
	var got struct {
		ModelA        string  `json:"model_a"`
		Problems      int     `json:"problems"`
		Wins          int     `json:"wins"`
		Losses        int     `json:"losses"`
		Ties          int     `json:"ties"`
		OnlyA         int     `json:"only_a"`
		OnlyB         int     `json:"only_b"`
		BothSolved    int     `json:"both_solved"`
		NeitherSolved int     `json:"neither_solved"`
		PValue        float64 `json:"p_value"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if got.ModelA != a || got.Problems != onlyA+onlyB+both+neither || got.Wins != onlyA || got.Losses != onlyB ||
		got.Ties != both+neither || got.OnlyA != onlyA || got.OnlyB != onlyB || got.BothSolved != both || got.NeitherSolved != neither {
		t.Errorf("got %+v, want only_a %d only_b %d both %d neither %d", got, onlyA, onlyB, both, neither)
	}
	if onlyA+onlyB == 0 {
		t.Fatal("the sample has no discordant problem: the p-value is not exercised")
	}
	n, k := onlyA+onlyB, min(onlyA, onlyB)
	tail := new(big.Int)
	for i := 0; i <= k; i++ {
		tail.Add(tail, new(big.Int).Binomial(int64(n), int64(i)))
	}
	want, _ := new(big.Rat).SetFrac(new(big.Int).Mul(tail, big.NewInt(2)), new(big.Int).Lsh(big.NewInt(1), uint(n))).Float64()
	want = math.Min(want, 1)
	if math.Abs(got.PValue-want) > 1e-12 {
		t.Errorf("p = %v, want %v", got.PValue, want)
	}
	if code, _, _ := runCLI(t, "", "--db", db, "models", "--compare", a, "--against", a); code != exitUsage {
		t.Errorf("comparing a model with itself: exit %d, want %d", code, exitUsage)
	}
}

// TestDifficultyFilter recomputes each problem's bucket from the source
// file under thresholds set in the configuration (easy ≥ 1, hard ≤ ½),
// and checks that `ls --difficulty B` lists exactly the samples of those
// problems and `export --difficulty B` selects as many traces.
func TestDifficultyFilter(t *testing.T) {
	src := filepath.Join(sampleDir, "gsm8k", "example_model_solutions_first50.jsonl")
	db := importInto(t, src)
	cfg := filepath.Join(t.TempDir(), "config.toml")
	os.WriteFile(cfg, []byte("[difficulty]\neasy = 1.0\nhard = 0.5\n"), 0o644)
	t.Setenv("STEPWISE_CONFIG", cfg)
	want := map[string]int{} // bucket → samples
	for _, r := range gsm8kCorrect(t, src) {
		right := 0
		for _, m := range gsm8kModels {
			if r[m] {
				right++
			}
		}
		acc := float64(right) / 4
		bucket := "medium"
		switch {
		case acc >= 1:
			bucket = "easy"
		case acc == 0:
			bucket = "unsolved"
		case acc <= 0.5:
			bucket = "hard"
		}
		want[bucket] += 4
	}
	if len(want) < 3 {
		t.Fatalf("the sample spans %d buckets: too few to tell them apart", len(want))
	}
	total := 0
	for _, bucket := range analytics.BucketNames() {
		code, out, errs := runCLI(t, "", "--db", db, "ls", "--difficulty", bucket, "--json")
		if code != exitOK {
			t.Fatal(errs)
		}
		got := 0
		if out != "" {
			got = len(strings.Split(strings.TrimSpace(out), "\n"))
		}
		if got != want[bucket] {
			t.Errorf("ls --difficulty %s: %d traces, want %d", bucket, got, want[bucket])
		}
		total += got
		code, _, errs = runCLI(t, "", "--db", db, "export", "--format", "trl", "--difficulty", bucket, "--json", "-o", filepath.Join(t.TempDir(), "x.jsonl"))
		if code != exitOK {
			t.Fatal(errs)
		}
		var rep struct{ Traces int }
		if err := json.Unmarshal([]byte(errs), &rep); err != nil || rep.Traces != want[bucket] {
			t.Errorf("export --difficulty %s: %d traces (%v), want %d", bucket, rep.Traces, err, want[bucket])
		}
	}
	if total != 200 {
		t.Errorf("the buckets hold %d traces together, want all 200", total)
	}
	// A balanced export: as many problems from each graded bucket as the
	// smallest holds, four samples each.
	least, buckets := 0, 0
	for _, bucket := range []string{"easy", "medium", "hard", "unsolved"} {
		if n := want[bucket] / 4; n > 0 {
			buckets++
			if least == 0 || n < least {
				least = n
			}
		}
	}
	code, _, errs := runCLI(t, "", "--db", db, "export", "--format", "trl", "--balance-difficulty", "--json", "-o", filepath.Join(t.TempDir(), "b.jsonl"))
	if code != exitOK {
		t.Fatal(errs)
	}
	head, summary, _ := strings.Cut(errs, "\n")
	var rep struct{ Traces int }
	if err := json.Unmarshal([]byte(summary), &rep); err != nil || rep.Traces != least*buckets*4 {
		t.Errorf("export --balance-difficulty: %d traces (%v; %q), want %d", rep.Traces, err, head, least*buckets*4)
	}
	if !strings.Contains(head, fmt.Sprintf("%d problems from each", least)) {
		t.Errorf("export --balance-difficulty says %q", head)
	}
	if code, _, _ := runCLI(t, "", "--db", db, "export", "--format", "trl", "--balance-difficulty", "--difficulty", "easy"); code != exitUsage {
		t.Errorf("--balance-difficulty with --difficulty: exit %d, want %d", code, exitUsage)
	}
	if code, _, _ := runCLI(t, "", "--db", db, "ls", "--difficulty", "tricky"); code != exitUsage {
		t.Errorf("ls --difficulty tricky: exit %d, want %d", code, exitUsage)
	}
}

// TestModelsByDifficulty recomputes `models --by-difficulty` from the
// source file: each problem's bucket from its four models' is_correct at
// the default thresholds, then each model's right answers per bucket.
func TestModelsByDifficulty(t *testing.T) {
	src := filepath.Join(sampleDir, "gsm8k", "example_model_solutions_first50.jsonl")
	db := importInto(t, src)
	cfg := filepath.Join(t.TempDir(), "config.toml")
	os.WriteFile(cfg, nil, 0o644)
	t.Setenv("STEPWISE_CONFIG", cfg)
	type cell struct{ problems, correct int }
	want := map[[2]string]cell{}
	for _, r := range gsm8kCorrect(t, src) {
		right := 0
		for _, m := range gsm8kModels {
			if r[m] {
				right++
			}
		}
		acc := float64(right) / 4
		bucket := "medium"
		switch {
		case acc >= 0.7:
			bucket = "easy"
		case acc == 0:
			bucket = "unsolved"
		case acc <= 0.3:
			bucket = "hard"
		}
		for _, m := range gsm8kModels {
			c := want[[2]string{m, bucket}]
			c.problems++
			if r[m] {
				c.correct++
			}
			want[[2]string{m, bucket}] = c
		}
	}
	code, out, errs := runCLI(t, "", "--db", db, "models", "--by-difficulty", "--json")
	if code != exitOK {
		t.Fatal(errs)
	}
	got := map[[2]string]cell{}
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		var r analytics.ModelDifficulty
		if err := json.Unmarshal([]byte(l), &r); err != nil {
			t.Fatal(err)
		}
		if r.Samples != r.Problems || r.Graded != r.Samples {
			t.Errorf("%s/%s: %d samples, %d graded of %d problems; the file has one graded sample each", r.Model, r.Difficulty, r.Samples, r.Graded, r.Problems)
		}
		got[[2]string{r.Model, r.Difficulty}] = cell{r.Problems, r.Correct}
	}
	if len(want) < 8 {
		t.Fatalf("only %d model × bucket cells: too few to tell buckets apart", len(want))
	}
	if len(got) != len(want) {
		t.Errorf("%d cells, want %d", len(got), len(want))
	}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("%s/%s: %+v, want %+v", k[0], k[1], got[k], w)
		}
	}
}

// gsm8kModels are the four models of the GSM8K model-solutions file.
var gsm8kModels = []string{"6b_finetuning", "6b_verification", "175b_finetuning", "175b_verification"}

// gsm8kCorrect reads the model-solutions file itself: per record, each
// model's is_correct, the independent side of the analytics tests.
func gsm8kCorrect(t *testing.T, src string) []map[string]bool {
	t.Helper()
	b, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	var out []map[string]bool
	for _, l := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		var r map[string]struct {
			IsCorrect bool `json:"is_correct"`
		}
		json.Unmarshal([]byte(l), &r) // the question (a string) is skipped
		rec := map[string]bool{}
		for _, m := range gsm8kModels {
			rec[m] = r[m].IsCorrect
		}
		out = append(out, rec)
	}
	return out
}

// TestAgentsRounds: in glaive's record 28 the user asks for a 15% tip,
// then "What if I want to leave a 20% tip instead?": calculate_tip is
// called twice, and `agents --rounds` shows the change 15 → 20 asked by
// the user, the stop at the second round, and a flip-flop it cannot know
// (the sample rates no call).
func TestAgentsRounds(t *testing.T) {
	db := importInto(t, filepath.Join(sampleDir, "toolcall", "glaive_toolcall_en_demo_first100.json"))
	code, out, errs := runCLI(t, "", "--db", db, "agents", "--json")
	if code != exitOK {
		t.Fatal(errs)
	}
	var found *analytics.Refinement
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		var a analytics.AgentTrace
		if json.Unmarshal([]byte(l), &a); a.TraceID == "" {
			continue
		}
		code, out, errs := runCLI(t, "", "--db", db, "agents", "--rounds", a.TraceID, "--json")
		if code != exitOK {
			t.Fatal(errs)
		}
		var r analytics.TraceRounds
		if err := json.Unmarshal([]byte(out), &r); err != nil {
			t.Fatalf("%v: %s", err, out)
		}
		for i, ref := range r.Refinements {
			if ref.Tool == "calculate_tip" {
				found = &r.Refinements[i]
			}
		}
	}
	if found == nil {
		t.Fatal("no calculate_tip refinement")
	}
	if len(found.Rounds) != 2 || found.StopRound != found.Rounds[1].Round || found.StoppedOnRepeat || found.FlipFlop != "unknown" {
		t.Fatalf("%+v", found)
	}
	d := found.Rounds[1].Diff
	if len(d) != 1 || d[0].Path != "tip_percentage" || string(d[0].Old) != "15" || string(d[0].New) != "20" || !found.Rounds[1].UserBefore {
		t.Fatalf("round 2: %+v", found.Rounds[1])
	}
	var id string
	for _, r := range listedTraces(t, db) {
		if code, out, _ := runCLI(t, "", "--db", db, "agents", "--rounds", r["id"].(string)); code == exitOK && strings.Contains(out, "calculate_tip: 2 rounds") {
			id = r["id"].(string)
			if !strings.Contains(out, "~ tip_percentage: 15 → 20") || !strings.Contains(out, "flip-flop unknown") {
				t.Errorf("the listing:\n%s", out)
			}
		}
	}
	if id == "" {
		t.Error("no listing shows the calculate_tip refinement")
	}
	if code, out, _ := runCLI(t, "", "--db", db, "agents", "--rounds", found.Rounds[0].Arguments); code != exitNotFound {
		t.Errorf("an unknown trace: exit %d (%s)", code, out)
	}
	if code, out, _ := runCLI(t, "", "--db", db, "agents", "--rounds", "sharegpt/glaive"); code != exitNotFound || out != "" {
		t.Errorf("an ambiguous prefix: exit %d (%s)", code, out)
	}
}

// TestByStepAfterVerify: `bystep --json` against the rows `verify --json`
// printed, grouped here by step index (a step is disproved when any of its
// statements is, proved when every one is proved or needed no check), and
// the step counts against `ls --json`.
func TestByStepAfterVerify(t *testing.T) {
	c := newCLI(t, "")
	c.must("import", safeExample, safeFalse)
	type key struct {
		trace string
		step  int
	}
	statuses := map[key][]string{}
	sc := bufio.NewScanner(strings.NewReader(c.must("verify", "--json")))
	for sc.Scan() {
		var row struct {
			TraceID string `json:"trace_id"`
			Step    int    `json:"step"`
			Status  string `json:"status"`
		}
		if err := json.Unmarshal(sc.Bytes(), &row); err != nil {
			t.Fatal(err)
		}
		k := key{row.TraceID, row.Step}
		statuses[k] = append(statuses[k], row.Status)
	}
	proved, disproved := map[int]int{}, map[int]int{}
	for k, ss := range statuses {
		anyProved, allOK, anyBad := false, true, false
		for _, s := range ss {
			switch s {
			case "proved", "proved_trusting_compiler":
				anyProved = true
			case "skipped":
			case "disproved":
				anyBad = true
				allOK = false
			default:
				allOK = false
			}
		}
		switch {
		case anyBad:
			disproved[k.step]++
		case anyProved && allOK:
			proved[k.step]++
		}
	}
	if len(disproved) == 0 || len(proved) == 0 {
		t.Fatalf("verify proved %v and disproved %v: the test proves nothing", proved, disproved)
	}
	steps := map[int]int{}
	for _, r := range listedTraces(t, c.db) {
		for i := range int(r["steps"].(float64)) {
			steps[i]++
		}
	}
	out := c.must("bystep", "--json")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != len(steps) {
		t.Fatalf("%d rows, want one per step index (%d)", len(lines), len(steps))
	}
	for i, l := range lines {
		var r analytics.StepRow
		if err := json.Unmarshal([]byte(l), &r); err != nil {
			t.Fatal(err)
		}
		if r.Step != i || r.Traces != steps[i] || r.Proved != proved[i] || r.Disproved != disproved[i] {
			t.Errorf("row %d: %s; want traces %d, proved %d, disproved %d", i, l, steps[i], proved[i], disproved[i])
		}
	}
}

// TestProblemsByDifficulty: the buckets' sums are the problems' own, and
// every sample is in exactly one bucket.
func TestProblemsByDifficulty(t *testing.T) {
	db := importInto(t, filepath.Join(sampleDir, "gsm8k", "example_model_solutions_first50.jsonl"))
	code, out, errs := runCLI(t, "", "--db", db, "problems", "--json")
	if code != exitOK {
		t.Fatal(errs)
	}
	type sums struct{ problems, samples, correct int }
	want := map[string]sums{}
	total := 0
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		var p analytics.Problem
		json.Unmarshal([]byte(l), &p)
		s := want[p.Difficulty]
		want[p.Difficulty] = sums{s.problems + 1, s.samples + p.Samples, s.correct + p.Correct}
		total += p.Samples
	}
	code, out, errs = runCLI(t, "", "--db", db, "problems", "--by-difficulty", "--json")
	if code != exitOK {
		t.Fatal(errs)
	}
	got := 0
	lines := strings.Split(strings.TrimSpace(out), "\n")
	for _, l := range lines {
		var r analytics.DifficultyRow
		json.Unmarshal([]byte(l), &r)
		w := want[r.Difficulty]
		if r.Problems != w.problems || r.Samples != w.samples || r.Correct != w.correct {
			t.Errorf("%s: %s, want %+v", r.Difficulty, l, w)
		}
		got += r.Samples
	}
	if len(lines) != len(want) || got != total || len(want) < 2 {
		t.Fatalf("%d buckets (want %d), %d samples (want %d)", len(lines), len(want), got, total)
	}
}

// TestFaultToleranceAgreesWithTheGrids: the fault tolerance counted from
// the grader's checkpoint flags equals what the problems' checkpoint grids
// (read from the traces' text) give, on real samples.
func TestFaultToleranceAgreesWithTheGrids(t *testing.T) {
	db := importInto(t, filepath.Join(sampleDir, "processbench"), filepath.Join(sampleDir, "longcot_skyt1"),
		filepath.Join(sampleDir, "prmbench"), filepath.Join(sampleDir, "gsm8k"), filepath.Join(sampleDir, "deltabench"),
		filepath.Join(sampleDir, "prm800k"), filepath.Join(sampleDir, "math500"), filepath.Join(sampleDir, "math"))
	// No sample here holds the gold and ends wrong: a constructed one does
	// (the real samples check the rest of the count).
	data := filepath.Join(t.TempDir(), "cp.jsonl")
	os.WriteFile(data, []byte(`{"id":"a","problem":"What is 2+3?","gold":"5","steps":["So the answer is \\boxed{5}.","Wait: \\boxed{6}"]}`+"\n"), 0o644)
	if code, _, errs := runCLI(t, "", "--db", db, "import", "--format", "generic", "--map", "id=id", "--map", "problem=problem",
		"--map", "steps=steps", "--map", "gold=gold", data); code != exitOK {
		t.Fatal(errs)
	}
	code, out, errs := runCLI(t, "", "--db", db, "checkpoints", "--fault-tolerance", "--json")
	if code != exitOK {
		t.Fatal(errs)
	}
	var ft analytics.FaultTolerance
	if err := json.Unmarshal([]byte(out), &ft); err != nil {
		t.Fatal(err)
	}
	var want, solved analytics.FaultTolerance // solved: problems with a right sample
	problems := map[string]bool{}
	for _, r := range listedTraces(t, db) {
		problems[r["problem_id"].(string)] = true
	}
	for id := range problems {
		code, out, errs := runCLI(t, "", "--db", db, "checkpoints", "--json", id)
		if code != exitOK {
			t.Fatalf("checkpoints %s: %s", id, errs)
		}
		var g analytics.ProblemCheckpoints
		if err := json.Unmarshal([]byte(out), &g); err != nil {
			t.Fatal(err)
		}
		if g.Gold == "" {
			continue
		}
		var these analytics.FaultTolerance
		right := false
		for _, s := range g.Samples {
			if s.Correct == nil {
				continue
			}
			these.Traces++
			right = right || *s.Correct
			if !*s.Correct {
				these.EndedWrong++
				if s.Reached != nil {
					these.HeldThenWrong++
				}
			}
		}
		want.Traces, want.EndedWrong, want.HeldThenWrong = want.Traces+these.Traces, want.EndedWrong+these.EndedWrong, want.HeldThenWrong+these.HeldThenWrong
		if right {
			solved.Traces, solved.EndedWrong, solved.HeldThenWrong = solved.Traces+these.Traces, solved.EndedWrong+these.EndedWrong, solved.HeldThenWrong+these.HeldThenWrong
		}
	}
	// Over the problems some sample solved (--accuracy >0, decided over
	// every selected sample, not only the wrong ones).
	code, out, errs = runCLI(t, "", "--db", db, "checkpoints", "--fault-tolerance", "--accuracy", ">0", "--json")
	var ftSolved analytics.FaultTolerance
	if err := json.Unmarshal([]byte(out), &ftSolved); code != exitOK || err != nil {
		t.Fatalf("--accuracy >0: %d %s %v", code, errs, err)
	}
	if ftSolved.Traces != solved.Traces || ftSolved.EndedWrong != solved.EndedWrong || ftSolved.HeldThenWrong != solved.HeldThenWrong || solved.EndedWrong == 0 {
		t.Errorf("--accuracy >0: from the flags %+v, from the grids %+v", ftSolved, solved)
	}
	if ft.Traces != want.Traces || ft.EndedWrong != want.EndedWrong || ft.HeldThenWrong != want.HeldThenWrong {
		t.Errorf("from the flags %+v, from the grids %+v", ft, want)
	}
	if want.HeldThenWrong == 0 {
		t.Fatalf("no sample held the gold and ended wrong (%+v): the test proves little", want)
	}
}
