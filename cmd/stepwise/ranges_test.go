package main

import (
	"encoding/json"
	"fmt"
	"math"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stepwise-dev/stepwise/judge/analytics"
)

// lsRows runs `ls --json` with args and decodes its rows.
func lsRows(t *testing.T, db string, args ...string) []lsJSON {
	t.Helper()
	code, out, errs := runCLI(t, "", append([]string{"--db", db, "ls", "--json"}, args...)...)
	if code != exitOK {
		t.Fatalf("ls %v: exit %d: %s", args, code, errs)
	}
	var rows []lsJSON
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		if line == "" {
			continue
		}
		var r lsJSON
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatalf("ls %v: %v in %q", args, err, line)
		}
		rows = append(rows, r)
	}
	return rows
}

func tokensOf(r lsJSON) (int, bool) {
	if r.Usage == nil || r.Usage.PromptTokens+r.Usage.CompletionTokens == 0 {
		return 0, false
	}
	return r.Usage.PromptTokens + r.Usage.CompletionTokens, true
}

// TestWhereAndSort: `ls --where` and `--sort` on the numeric fields agree
// with the usage and tool use `ls --json` reports for every trace.
func TestWhereAndSort(t *testing.T) {
	db := importInto(t, filepath.Join(sampleDir, "inspect_ai"), filepath.Join(sampleDir, "toolcall"))
	all := lsRows(t, db)
	var toks []int
	calls := 0
	for _, r := range all {
		if n, ok := tokensOf(r); ok {
			toks = append(toks, n)
		}
		if r.Tools != nil {
			calls++
		}
	}
	if len(toks) < 4 || calls < 10 {
		t.Fatalf("%d traces with tokens, %d with tool calls: too few to test", len(toks), calls)
	}
	slices.Sort(toks)
	mid := toks[len(toks)/2]
	want := 0
	for _, n := range toks {
		if n > mid {
			want++
		}
	}
	if got := lsRows(t, db, "--where", "tokens:>"+strconv.Itoa(mid)); len(got) != want {
		t.Errorf("--where tokens:>%d: %d traces, want %d", mid, len(got), want)
	}
	if got := lsRows(t, db, "--where", "tool_calls:>0"); len(got) != calls {
		t.Errorf("--where tool_calls:>0: %d traces, want %d", len(got), calls)
	}
	sorted := lsRows(t, db, "--sort", "tokens", "--desc")
	if len(sorted) != len(all) {
		t.Fatalf("--sort tokens: %d traces of %d", len(sorted), len(all))
	}
	for i, r := range sorted {
		n, ok := tokensOf(r)
		if i < len(toks) && (!ok || n != toks[len(toks)-1-i]) {
			t.Fatalf("--sort tokens --desc: row %d has %d tokens (%v), want %d", i, n, ok, toks[len(toks)-1-i])
		}
		if i >= len(toks) && ok {
			t.Fatalf("--sort tokens --desc: row %d has tokens after the traces without", i)
		}
	}
	page := lsRows(t, db, "--sort", "tokens", "--desc", "--offset", "1", "--limit", "2")
	if len(page) != 2 || page[0].ID != sorted[1].ID || page[1].ID != sorted[2].ID {
		t.Errorf("--offset 1 --limit 2 of the sorted list: %v", page)
	}
	for _, bad := range [][]string{{"--where", "tokens:>x"}, {"--where", "colour:>1"}, {"--sort", "colour"},
		{"--accuracy", "2"}, {"--accuracy", "0.5", "--difficulty", "hard"}, {"--difficulty", "tricky"}} {
		if code, _, _ := runCLI(t, "", append([]string{"--db", db, "ls"}, bad...)...); code != exitUsage {
			t.Errorf("ls %v: exit %d, want %d", bad, code, exitUsage)
		}
	}
}

// TestAccuracyFilter: `ls --accuracy` selects the traces of the problems
// `problems --json` gives an accuracy in range, reference solutions and
// all.
func TestAccuracyFilter(t *testing.T) {
	db := importInto(t, filepath.Join(sampleDir, "gsm8k", "example_model_solutions_first50.jsonl"),
		filepath.Join(sampleDir, "gsm8k", "test_first200.jsonl"))
	code, out, errs := runCLI(t, "", "--db", db, "problems", "--json")
	if code != exitOK {
		t.Fatalf("problems: %d %s", code, errs)
	}
	acc := map[string]*float64{}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var p analytics.Problem
		if err := json.Unmarshal([]byte(line), &p); err != nil {
			t.Fatal(err)
		}
		acc[p.ProblemID] = p.Accuracy
	}
	all := lsRows(t, db)
	for _, c := range []struct {
		expr string
		in   func(a float64) bool
	}{{"<0.5", func(a float64) bool { return a < 0.5 }}, {">=0.5", func(a float64) bool { return a >= 0.5 }},
		{"0.25..0.75", func(a float64) bool { return a >= 0.25 && a <= 0.75 }}, {"1", func(a float64) bool { return a == 1 }}} {
		want := 0
		for _, r := range all {
			if a := acc[r.ProblemID]; a != nil && c.in(*a) {
				want++
			}
		}
		if got := lsRows(t, db, "--accuracy", c.expr); len(got) != want || want == 0 {
			t.Errorf("--accuracy %s: %d traces, want %d", c.expr, len(got), want)
		}
	}
	ungraded := 0
	for _, r := range all {
		if acc[r.ProblemID] == nil {
			ungraded++
		}
	}
	if got := lsRows(t, db, "--accuracy", "ungraded"); len(got) != ungraded {
		t.Errorf("--accuracy ungraded: %d traces, want %d", len(got), ungraded)
	}
}

// TestHistOfTokens: `hist tokens` bins every trace with tokens, each in
// the bin its count falls in, and counts the rest as missing.
func TestHistOfTokens(t *testing.T) {
	db := importInto(t, filepath.Join(sampleDir, "inspect_ai"), filepath.Join(sampleDir, "toolcall"))
	all := lsRows(t, db)
	code, out, errs := runCLI(t, "", "--db", db, "hist", "tokens", "--bins", "4", "--json")
	if code != exitOK {
		t.Fatalf("hist tokens: %d %s", code, errs)
	}
	var h struct {
		Bins    []analytics.Bin `json:"bins"`
		Missing int             `json:"missing"`
	}
	if err := json.Unmarshal([]byte(out), &h); err != nil {
		t.Fatal(err)
	}
	counts := make([]int, len(h.Bins))
	missing := 0
	for _, r := range all {
		n, ok := tokensOf(r)
		if !ok {
			missing++
			continue
		}
		for i, b := range h.Bins {
			if n >= b.Low && n < b.High {
				counts[i]++
			}
		}
	}
	if missing != h.Missing || missing == len(all) {
		t.Errorf("missing %d, want %d of %d", h.Missing, missing, len(all))
	}
	for i, b := range h.Bins {
		if b.Count != counts[i] {
			t.Errorf("bin %d–%d: %d, want %d", b.Low, b.High, b.Count, counts[i])
		}
	}
}

// TestMajAtOnGSM8K: maj@1 is the accuracy (one vote is the sample), and
// maj@n is 1 or 0 as the majority answer is right when the largest
// cluster is alone at the top.
func TestMajAtOnGSM8K(t *testing.T) {
	db := importInto(t, filepath.Join(sampleDir, "gsm8k", "example_model_solutions_first50.jsonl"))
	code, out, errs := runCLI(t, "", "--db", db, "problems", "--json")
	if code != exitOK {
		t.Fatalf("problems: %d %s", code, errs)
	}
	checked, mixed := 0, 0
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var p analytics.Problem
		if err := json.Unmarshal([]byte(line), &p); err != nil {
			t.Fatal(err)
		}
		if len(p.MajAt) == 0 || p.Graded != p.Samples || p.Accuracy == nil {
			continue
		}
		checked++
		if m1 := p.MajAt[1]; math.Abs(m1-*p.Accuracy) > 1e-9 {
			t.Errorf("problem %s: maj@1 %g, accuracy %g", p.ProblemID, m1, *p.Accuracy)
		}
		if *p.Accuracy > 0 && *p.Accuracy < 1 {
			mixed++
		}
		mn, ok := p.MajAt[p.Samples]
		if !ok {
			t.Errorf("problem %s: no maj@%d in %v", p.ProblemID, p.Samples, p.MajAt)
		}
		// More than half right: on GSM8K the right (numeric) answers are one
		// cluster, larger than any other; none right: no right cluster.
		if *p.Accuracy > 0.5 && mn != 1 || *p.Accuracy == 0 && mn != 0 {
			t.Errorf("problem %s: accuracy %g, maj@n %g", p.ProblemID, *p.Accuracy, mn)
		}
	}
	if checked < 30 || mixed < 5 {
		t.Fatalf("%d problems checked, %d with mixed answers: too few", checked, mixed)
	}
}

// TestModelsByDataset: the model × dataset rows add up to each model's
// row, and each row's accuracy is its own count.
func TestModelsByDataset(t *testing.T) {
	db := importInto(t, filepath.Join(sampleDir, "processbench"), filepath.Join(sampleDir, "inspect_ai"))
	decode := func(args ...string) []analytics.Model {
		code, out, errs := runCLI(t, "", append([]string{"--db", db, "models", "--json"}, args...)...)
		if code != exitOK {
			t.Fatalf("models %v: %d %s", args, code, errs)
		}
		var ms []analytics.Model
		for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
			var m analytics.Model
			if err := json.Unmarshal([]byte(line), &m); err != nil {
				t.Fatal(err)
			}
			ms = append(ms, m)
		}
		return ms
	}
	totals := map[string]analytics.Model{}
	for _, m := range decode() {
		totals[m.Model] = m
	}
	sums := map[string][3]int{}
	split := 0
	for _, m := range decode("--by-dataset") {
		if m.Dataset == "" {
			t.Fatalf("a --by-dataset row without a dataset: %+v", m)
		}
		s := sums[m.Model]
		s[0], s[1], s[2] = s[0]+m.Traces, s[1]+m.Graded, s[2]+m.Correct
		if s != [3]int{m.Traces, m.Graded, m.Correct} {
			split++
		}
		sums[m.Model] = s
		if m.Graded > 0 && (m.Accuracy == nil || math.Abs(*m.Accuracy-float64(m.Correct)/float64(m.Graded)) > 1e-12) {
			t.Errorf("%s on %s: accuracy %v of %d/%d", m.Model, m.Dataset, m.Accuracy, m.Correct, m.Graded)
		}
	}
	for name, m := range totals {
		if sums[name] != [3]int{m.Traces, m.Graded, m.Correct} {
			t.Errorf("%s: by dataset %v, overall %d %d %d", name, sums[name], m.Traces, m.Graded, m.Correct)
		}
	}
	if split == 0 {
		t.Fatal("no model has traces on two datasets: nothing was split")
	}
	// First errors and mean tokens, from ls --json.
	fe, toks, with := map[string]map[string]int{}, map[string]int{}, map[string]int{}
	for _, r := range lsRows(t, db) {
		if fe[r.Model] == nil {
			fe[r.Model] = map[string]int{}
		}
		if r.FirstError != nil {
			k := "none"
			if *r.FirstError >= 0 {
				k = strconv.Itoa(*r.FirstError)
			}
			fe[r.Model][k]++
		}
		if n, ok := tokensOf(r); ok {
			toks[r.Model] += n
			with[r.Model]++
		}
	}
	withTokens := 0
	for name, m := range totals {
		if fmt.Sprint(m.FirstErrors) != fmt.Sprint(fe[name]) {
			t.Errorf("%s: first errors %v, ls says %v", name, m.FirstErrors, fe[name])
		}
		if with[name] > 0 {
			withTokens++
			if m.MeanTokens == nil || math.Abs(*m.MeanTokens-float64(toks[name])/float64(with[name])) > 1e-9 {
				t.Errorf("%s: mean tokens %v, ls says %d/%d", name, m.MeanTokens, toks[name], with[name])
			}
		}
	}
	if withTokens == 0 {
		t.Fatal("no model with tokens: mean tokens untested")
	}
}

// TestFreqOfToolCalls: `freq tool_calls` counts each number of calls as
// ls --json reports them, "none" for the traces without a call.
func TestFreqOfToolCalls(t *testing.T) {
	db := importInto(t, filepath.Join(sampleDir, "toolcall"), filepath.Join(sampleDir, "gsm8k", "test_first200.jsonl"))
	want := map[string]int{}
	for _, r := range lsRows(t, db) {
		k := "none"
		if r.Tools != nil {
			k = strconv.Itoa(r.Tools.Calls)
		}
		want[k]++
	}
	code, out, errs := runCLI(t, "", "--db", db, "freq", "tool_calls", "--json")
	if code != exitOK {
		t.Fatalf("freq: %d %s", code, errs)
	}
	got := map[string]int{}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var r analytics.Row
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatal(err)
		}
		got[r.Value] = r.Count
	}
	if fmt.Sprint(got) != fmt.Sprint(want) || len(want) < 3 {
		t.Errorf("freq tool_calls %v, ls says %v", got, want)
	}
}

// TestModelMajAtAndDifficulty: on the GSM8K model solutions each model has
// one sample per problem, so its maj@1 is its accuracy, and each problem's
// difficulty for a model is easy or unsolved as its one sample is right.
func TestModelMajAtAndDifficulty(t *testing.T) {
	db := importInto(t, filepath.Join(sampleDir, "gsm8k", "example_model_solutions_first50.jsonl"))
	code, out, errs := runCLI(t, "", "--db", db, "models", "--maj", "--json")
	if code != exitOK {
		t.Fatalf("models --maj: %d %s", code, errs)
	}
	n := 0
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var m analytics.Model
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatal(err)
		}
		n++
		if m.Accuracy == nil || m.Graded != m.Traces || math.Abs(m.MajAt[1]-*m.Accuracy) > 1e-12 {
			t.Errorf("%s: maj@1 %v, accuracy %v (%d graded of %d)", m.Model, m.MajAt, m.Accuracy, m.Graded, m.Traces)
		}
	}
	if n != 4 {
		t.Fatalf("%d models, want 4", n)
	}
	code, out, _ = runCLI(t, "", "--db", db, "problems", "--json")
	if code != exitOK {
		t.Fatal("problems failed")
	}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var p analytics.Problem
		if err := json.Unmarshal([]byte(line), &p); err != nil {
			t.Fatal(err)
		}
		for name, mc := range p.ByModel {
			want := map[bool]string{true: "easy", false: "unsolved"}[mc.Correct == 1]
			if mc.Graded == 1 && mc.Difficulty != want {
				t.Errorf("problem %s, %s: %d/%d right, difficulty %q", p.ProblemID, name, mc.Correct, mc.Graded, mc.Difficulty)
			}
		}
	}
	if code, out, _ := runCLI(t, "", "--db", db, "models", "--maj"); code != exitOK || !strings.Contains(out, "MAJ@1") {
		t.Errorf("models --maj table: %d\n%s", code, out)
	}
}
