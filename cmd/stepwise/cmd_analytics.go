package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/stepwise-dev/stepwise/cmd/stepwise/config"
	"github.com/stepwise-dev/stepwise/judge/analytics"
	"github.com/stepwise-dev/stepwise/store"
	"github.com/stepwise-dev/stepwise/themes/termsafe"
)

// runProblems prints per-problem statistics over the sampled solutions.
func runProblems(ctx context.Context, e *env, args []string) int {
	fs := newFlags(e, "problems", "[filters] [--json]",
		"Per problem, over its sampled solutions (reference solutions are not samples): sampled accuracy, pass@k,\n"+
			"distinct answers, the majority answer and whether it is right, the difficulty bucket, and the same per model.")
	var f store.Filter
	filterFlags(fs, &f)
	asJSON := fs.Bool("json", false, "one JSON object per problem")
	byDifficulty := fs.Bool("by-difficulty", false, "the accuracy of each difficulty bucket, every model together")
	if code, ok := parseNoArgs(e, fs, args, &f); !ok {
		return code
	}
	if *byDifficulty {
		return runProblemsByDifficulty(ctx, e, f, *asJSON)
	}
	cfg, err := config.Load()
	if err != nil {
		return failed(e, "stepwise problems:", err)
	}
	db, code := openStore(e, true)
	if db == nil {
		return code
	}
	defer db.Close()
	ps, err := analytics.Problems(ctx, db, f, cfg.DifficultyBuckets())
	if err != nil {
		return failed(e, "stepwise problems:", err)
	}
	if *asJSON {
		writeJSONLines(e.stdout, ps)
		return exitOK
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "PROBLEM\tDATASET\tSAMPLES\tCORRECT\tACCURACY\tANSWERS\tMAJORITY\tDIFFICULTY")
	for _, p := range ps {
		maj := termsafe.Line(p.MajorityAnswer)
		if p.MajorityCorrect != nil {
			maj += map[bool]string{true: " ✓", false: " ✗"}[*p.MajorityCorrect]
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%s\t%d\t%s\t%s\n", p.ProblemID, termsafe.Line(p.Dataset), p.Samples, p.Correct,
			pct(p.Accuracy), p.DistinctAnswers, maj, p.Difficulty)
	}
	tw.Flush()
	return exitOK
}

// runProblemsByDifficulty prints the accuracy of each difficulty bucket.
func runProblemsByDifficulty(ctx context.Context, e *env, f store.Filter, asJSON bool) int {
	db, code := openStore(e, true)
	if db == nil {
		return code
	}
	defer db.Close()
	cfg, err := config.Load()
	if err != nil {
		return failed(e, "stepwise problems:", err)
	}
	// Offset and limit count the traces listed, not those measured (as
	// for --difficulty).
	f.Offset, f.Limit = 0, 0
	ps, err := analytics.ProblemAccuracy(ctx, db, f, cfg.DifficultyBuckets())
	if err != nil {
		return failed(e, "stepwise problems:", err)
	}
	rows := analytics.AccuracyByDifficulty(ps)
	if asJSON {
		writeJSONLines(e.stdout, rows)
		return exitOK
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "DIFFICULTY\tPROBLEMS\tSAMPLES\tCORRECT\tACCURACY")
	for _, r := range rows {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%s\n", r.Difficulty, r.Problems, r.Samples, r.Correct, pct(r.Accuracy))
	}
	tw.Flush()
	return exitOK
}

// runModels prints per-model statistics.
func runModels(ctx context.Context, e *env, args []string) int {
	fs := newFlags(e, "models", "[filters] [--json]",
		"Per model: traces, problems, accuracy, mean steps, tokens (prompt, completion, reasoning) and cost where recorded,\n"+
			"or priced from [prices] in config.toml (\"model\" = { input_per_m = 0.5, output_per_m = 1.5 }).")
	var f store.Filter
	filterFlags(fs, &f)
	asJSON := fs.Bool("json", false, "one JSON object per model")
	pairA := fs.String("compare", "", "compare this model with the --against model on the problems both attempted")
	pairB := fs.String("against", "", "the second model of --compare")
	byDifficulty := fs.Bool("by-difficulty", false, "each model's accuracy on the problems of each difficulty bucket")
	byDataset := fs.Bool("by-dataset", false, "one row per model and dataset")
	maj := fs.Bool("maj", false, "add maj@k: each model's majority-vote accuracy over k of its samples, averaged over problems (reads every problem's answers: slower)")
	if code, ok := parseNoArgs(e, fs, args, &f); !ok {
		return code
	}
	if (*pairA == "") != (*pairB == "") {
		return usageError(e.stderr, fs, "--compare and --against go together: name two models")
	}
	if *pairA != "" && *pairA == *pairB {
		return usageError(e.stderr, fs, "--compare and --against name the same model: name two different models")
	}
	if *pairA != "" {
		return runModelPair(ctx, e, f, *pairA, *pairB, *asJSON)
	}
	if *byDifficulty {
		return runModelsByDifficulty(ctx, e, f, *asJSON)
	}
	cfg, err := config.Load()
	if err != nil {
		return failed(e, "stepwise models:", err)
	}
	db, code := openStore(e, true)
	if db == nil {
		return code
	}
	defer db.Close()
	compute := analytics.Models
	if *byDataset {
		compute = analytics.ModelsByDataset
	}
	ms, err := compute(ctx, db, f, cfg.Prices)
	if err != nil {
		return failed(e, "stepwise models:", err)
	}
	if *maj {
		f.Offset, f.Limit = 0, 0
		ps, err := analytics.Problems(ctx, db, f, cfg.DifficultyBuckets())
		if err != nil {
			return failed(e, "stepwise models:", err)
		}
		analytics.AttachMajAt(ms, ps)
	}
	if *asJSON {
		writeJSONLines(e.stdout, ms)
		return exitOK
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "MODEL\tDATASET\tTRACES\tPROBLEMS\tACCURACY\tSTEPS\tPROMPT TOK\tCOMPL TOK\tREASON TOK\tCOST")
	for _, m := range ms {
		cost := "—"
		if m.CostUSD != nil {
			cost = fmt.Sprintf("$%.4f", *m.CostUSD)
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%s\t%.1f\t%d\t%d\t%d\t%s\n", termsafe.Line(m.Model), termsafe.Line(orAll(m.Dataset)), m.Traces, m.Problems,
			pct(m.Accuracy), m.MeanSteps, m.Tokens.Prompt, m.Tokens.Completion, m.Tokens.Reasoning, cost)
	}
	tw.Flush()
	if *maj {
		printMajAt(e.stdout, ms)
	}
	return exitOK
}

// printMajAt prints each row's maj@k, one column per k.
func printMajAt(w io.Writer, ms []analytics.Model) {
	ks := map[int]bool{}
	for _, m := range ms {
		for k := range m.MajAt {
			ks[k] = true
		}
	}
	order := slices.Sorted(maps.Keys(ks))
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprint(tw, "\nMODEL\tDATASET")
	for _, k := range order {
		fmt.Fprintf(tw, "\tMAJ@%d", k)
	}
	fmt.Fprintln(tw)
	for _, m := range ms {
		fmt.Fprintf(tw, "%s\t%s", termsafe.Line(m.Model), termsafe.Line(orAll(m.Dataset)))
		for _, k := range order {
			if v, ok := m.MajAt[k]; ok {
				fmt.Fprintf(tw, "\t%.1f%%", 100*v)
			} else {
				fmt.Fprint(tw, "\t—")
			}
		}
		fmt.Fprintln(tw)
	}
	tw.Flush()
}

// orAll names the rows of every dataset.
func orAll(dataset string) string {
	if dataset == "" {
		return "(all)"
	}
	return dataset
}

// runAgentsByDifficulty prints search intensity and accuracy per
// difficulty bucket.
func runAgentsByDifficulty(ctx context.Context, e *env, f store.Filter, asJSON bool) int {
	cfg, err := config.Load()
	if err != nil {
		return failed(e, "stepwise agents:", err)
	}
	db, code := openStore(e, true)
	if db == nil {
		return code
	}
	defer db.Close()
	f.Offset, f.Limit = 0, 0
	rows, err := analytics.IntensityByDifficulty(ctx, db, f, cfg.DifficultyBuckets())
	if err != nil {
		return failed(e, "stepwise agents:", err)
	}
	if asJSON {
		writeJSONLines(e.stdout, rows)
		return exitOK
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "DIFFICULTY\tTRACES\tSEARCH/TRACE\tCALLS/TRACE\tACCURACY")
	for _, r := range rows {
		fmt.Fprintf(tw, "%s\t%d\t%.2f\t%.2f\t%s\n", r.Difficulty, r.Traces, r.MeanSearchCalls, r.MeanToolCalls, pct(r.Accuracy))
	}
	tw.Flush()
	return exitOK
}

// runModelsByDifficulty prints each model's accuracy per difficulty bucket.
func runModelsByDifficulty(ctx context.Context, e *env, f store.Filter, asJSON bool) int {
	db, code := openStore(e, true)
	if db == nil {
		return code
	}
	defer db.Close()
	ps, err := bucketedProblems(ctx, db, f)
	if err != nil {
		return failed(e, "stepwise models:", err)
	}
	rows := analytics.ByDifficulty(ps)
	if asJSON {
		writeJSONLines(e.stdout, rows)
		return exitOK
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "MODEL\tDIFFICULTY\tPROBLEMS\tSAMPLES\tCORRECT\tACCURACY")
	for _, r := range rows {
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%d\t%s\n", termsafe.Line(r.Model), r.Difficulty, r.Problems, r.Samples, r.Correct, pct(r.Accuracy))
	}
	tw.Flush()
	return exitOK
}

// runModelPair prints the paired comparison of two models.
func runModelPair(ctx context.Context, e *env, f store.Filter, a, b string, asJSON bool) int {
	db, code := openStore(e, true)
	if db == nil {
		return code
	}
	defer db.Close()
	ps, err := analytics.Problems(ctx, db, f, analytics.Buckets{})
	if err != nil {
		return failed(e, "stepwise models:", err)
	}
	pr, err := analytics.ComparePair(ps, a, b)
	if err != nil {
		return failed(e, "stepwise models:", err)
	}
	if asJSON {
		json.NewEncoder(e.stdout).Encode(struct {
			A string `json:"model_a"`
			B string `json:"model_b"`
			analytics.Pair
		}{a, b, pr})
		return exitOK
	}
	A, B := termsafe.Line(a), termsafe.Line(b)
	fmt.Fprintf(e.stdout, "%s vs %s on %d problems both attempted (graded)\n", A, B, pr.Problems)
	fmt.Fprintf(e.stdout, "  per-problem accuracy:  %s %s, %s %s\n", A, pct(pr.AccuracyA), B, pct(pr.AccuracyB))
	fmt.Fprintf(e.stdout, "  wins / losses / ties:  %d / %d / %d (for %s)\n", pr.Wins, pr.Losses, pr.Ties, A)
	fmt.Fprintf(e.stdout, "  solved by both %d, only %s %d, only %s %d, neither %d\n", pr.BothSolved, A, pr.OnlyA, B, pr.OnlyB, pr.NeitherSolved)
	fmt.Fprintf(e.stdout, "  McNemar exact p = %.4g\n", pr.PValue)
	return exitOK
}

func pct(v *float64) string {
	if v == nil {
		return "—"
	}
	return fmt.Sprintf("%.1f%%", 100**v)
}

// runCheckpoints prints a problem's checkpoint grid, or the dataset's
// fault tolerance (SRCA).
func runCheckpoints(ctx context.Context, e *env, args []string) int {
	fs := newFlags(e, "checkpoints", "PROBLEM_ID | --fault-tolerance [filters] [--json]",
		"The answers each sample of a problem commits to along the way (SRCA's checkpoint answers): where it first\n"+
			"reaches the gold answer and where it leaves it. --fault-tolerance: over the selected traces, how many held the\n"+
			"right answer at a checkpoint and still ended wrong.")
	var f store.Filter
	filterFlags(fs, &f)
	ft := fs.Bool("fault-tolerance", false, "the dataset's share of wrong traces that held the right answer on the way")
	asJSON := fs.Bool("json", false, "print as JSON")
	pos, err := parse(fs, args)
	if err != nil {
		return flagExit(err)
	}
	if *ft == (len(pos) == 1) || len(pos) > 1 {
		return usageError(e.stderr, fs, "want a problem id, or --fault-tolerance")
	}
	db, code := openStore(e, true)
	if db == nil {
		return code
	}
	defer db.Close()
	enc := json.NewEncoder(e.stdout)
	enc.SetEscapeHTML(false)
	if *ft {
		r, err := analytics.DatasetFaultTolerance(ctx, db, f)
		if err != nil {
			return failed(e, "stepwise checkpoints:", err)
		}
		if *asJSON {
			enc.Encode(r)
			return exitOK
		}
		fmt.Fprintf(e.stdout, "%d graded traces with a gold answer, %d ended wrong, %d of those held the right answer at a checkpoint (%s)\n",
			r.Traces, r.EndedWrong, r.HeldThenWrong, pct(r.Share))
		return exitOK
	}
	g, err := analytics.Checkpoints(ctx, db, pos[0])
	if err != nil {
		return failed(e, "stepwise checkpoints:", err)
	}
	if *asJSON {
		enc.Encode(g)
		return exitOK
	}
	fmt.Fprintf(e.stdout, "problem %s, gold %s\n", g.ProblemID, termsafe.Line(g.Gold))
	for _, s := range g.Samples {
		var path []string
		for i, c := range s.Checkpoints {
			mark := "?"
			if r := s.Right[i]; r != nil {
				mark = map[bool]string{true: "✓", false: "✗"}[*r]
			}
			path = append(path, fmt.Sprintf("%s@%d%s", termsafe.Line(c.Answer), c.Step, mark))
		}
		fmt.Fprintf(e.stdout, "  %-40s %s\n", termsafe.Line(s.TraceID), strings.Join(path, " → "))
	}
	return exitOK
}

// runFreq prints a frequency table of a field.
func runFreq(ctx context.Context, e *env, args []string) int {
	fs := newFlags(e, "freq", "FIELD [filters] [--json]",
		"Count the values of a field over the selected traces, most frequent first, with a bar (VisiData's Shift-F).\n"+
			"FIELD: "+strings.Join(analytics.FreqFields(), ", "))
	var f store.Filter
	filterFlags(fs, &f)
	asJSON := fs.Bool("json", false, "one JSON object per value")
	pos, err := parse(fs, args)
	if err != nil {
		return flagExit(err)
	}
	if len(pos) != 1 {
		return usageError(e.stderr, fs, "want one FIELD")
	}
	db, code := openStore(e, true)
	if db == nil {
		return code
	}
	defer db.Close()
	rows, err := analytics.Frequency(ctx, db, f, pos[0])
	if err != nil {
		return failed(e, "stepwise freq:", err)
	}
	if *asJSON {
		writeJSONLines(e.stdout, rows)
		return exitOK
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "%s\tCOUNT\tPERCENT\t\n", strings.ToUpper(pos[0]))
	for _, r := range rows {
		fmt.Fprintf(tw, "%s\t%d\t%.1f%%\t%s\n", termsafe.Line(r.Value), r.Count, r.Percent, strings.Repeat("█", int(r.Percent/2.5+0.5)))
	}
	tw.Flush()
	return exitOK
}

// runHist prints a histogram of a numeric field.
func runHist(ctx context.Context, e *env, args []string) int {
	fs := newFlags(e, "hist", "FIELD [filters] [--bins N] [--json]",
		"A histogram of a numeric field over the selected traces. FIELD: "+strings.Join(analytics.HistFields(), ", "))
	var f store.Filter
	filterFlags(fs, &f)
	bins := fs.Int("bins", 20, "the number of bins at most")
	asJSON := fs.Bool("json", false, "print the bins as JSON")
	pos, err := parse(fs, args)
	if err != nil {
		return flagExit(err)
	}
	if len(pos) != 1 {
		return usageError(e.stderr, fs, "want one FIELD")
	}
	db, code := openStore(e, true)
	if db == nil {
		return code
	}
	defer db.Close()
	hist, missing, err := analytics.Histogram(ctx, db, f, pos[0], *bins)
	if err != nil {
		return failed(e, "stepwise hist:", err)
	}
	if *asJSON {
		json.NewEncoder(e.stdout).Encode(map[string]any{"field": pos[0], "bins": hist, "missing": missing})
		return exitOK
	}
	most := 1
	for _, b := range hist {
		most = max(most, b.Count)
	}
	for _, b := range hist {
		fmt.Fprintf(e.stdout, "%7d–%-7d %7d %s\n", b.Low, b.High-1, b.Count, strings.Repeat("█", b.Count*40/most))
	}
	if missing > 0 {
		fmt.Fprintf(e.stdout, "(%d traces without a value)\n", missing)
	}
	return exitOK
}

// runAgents prints tool use per trace and accuracy by search intensity.
func runAgents(ctx context.Context, e *env, args []string) int {
	fs := newFlags(e, "agents", "[filters] [--json] | --rounds TRACE_ID [--json]",
		"Tool use of agent traces: per trace tool calls, search calls, rounds, repeated and failed calls; then the\n"+
			"accuracy of the traces by their number of search calls.\n"+
			"--rounds: one trace's refinements of a tool call over consecutive rounds (ToolACE-R), with the JSON diff of\n"+
			"the arguments from round to round, the stop round, and flip-flops where the data rates the calls.")
	var f store.Filter
	filterFlags(fs, &f)
	asJSON := fs.Bool("json", false, "one JSON object per trace, then {\"search_intensity\": [...]}; with --rounds, one object")
	rounds := fs.String("rounds", "", "show this trace's refinement rounds")
	byDifficulty := fs.Bool("by-difficulty", false, "tool use and accuracy of the agent traces per difficulty bucket of their problem")
	if code, ok := parseNoArgs(e, fs, args, &f); !ok {
		return code
	}
	if *rounds != "" {
		return runRounds(e, *rounds, *asJSON)
	}
	if *byDifficulty {
		return runAgentsByDifficulty(ctx, e, f, *asJSON)
	}
	db, code := openStore(e, true)
	if db == nil {
		return code
	}
	defer db.Close()
	ts, rows, err := analytics.Agents(ctx, db, f)
	if err != nil {
		return failed(e, "stepwise agents:", err)
	}
	if *asJSON {
		enc := json.NewEncoder(e.stdout)
		for _, t := range ts {
			enc.Encode(t)
		}
		enc.Encode(map[string]any{"search_intensity": rows})
		return exitOK
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "TRACE\tMODEL\tCALLS\tSEARCH\tROUNDS\tREPEATED\tFAILED")
	for _, t := range ts {
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%d\t%d\t%d\n", termsafe.Line(t.TraceID), termsafe.Line(t.Model), t.ToolCalls, t.SearchCalls, t.Rounds, t.Repeated, t.Failed)
	}
	tw.Flush()
	fmt.Fprintln(e.stdout, "\nSEARCH CALLS  TRACES  ACCURACY")
	for _, r := range rows {
		fmt.Fprintf(e.stdout, "%12d  %6d  %s\n", r.SearchCalls, r.Traces, pct(r.Accuracy))
	}
	return exitOK
}

// runRounds prints one trace's tool-call refinements.
func runRounds(e *env, id string, asJSON bool) int {
	db, code := openStore(e, true)
	if db == nil {
		return code
	}
	defer db.Close()
	t, err := db.Get(id)
	if err != nil {
		fmt.Fprintln(e.stderr, "stepwise agents:", termsafe.Line(err.Error()))
		var amb *store.AmbiguousError
		if errors.Is(err, store.ErrNotFound) || errors.As(err, &amb) {
			return exitNotFound
		}
		return exitError
	}
	r := analytics.Rounds(t)
	if asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetEscapeHTML(false)
		enc.Encode(r)
		return exitOK
	}
	fmt.Fprintf(e.stdout, "%s: %d tool calls in %d rounds, %d refinements\n", termsafe.Line(r.TraceID), r.ToolCalls, r.Rounds, len(r.Refinements))
	for _, ref := range r.Refinements {
		stop := ""
		if ref.StoppedOnRepeat {
			stop = ", the last repeating the call before it"
		}
		fmt.Fprintf(e.stdout, "\n%s: %d rounds, stopped at round %d%s; flip-flop %s\n", termsafe.Line(ref.Tool), len(ref.Rounds),
			ref.StopRound, stop, ref.FlipFlop)
		for _, rd := range ref.Rounds {
			fmt.Fprintf(e.stdout, "  round %d (step %d), correct %s, %s\n", rd.Round, rd.Step, rd.Correct, termsafe.Line(rd.Note()))
			if rd.Round == ref.Rounds[0].Round {
				fmt.Fprintln(e.stdout, "    "+termsafe.Line(rd.Arguments))
			} else if len(rd.Diff) == 0 {
				fmt.Fprintln(e.stdout, "    = the same call as the round before")
			}
			for _, l := range analytics.DiffLines(rd.Diff) {
				fmt.Fprintln(e.stdout, "    "+termsafe.Line(l))
			}
		}
	}
	return exitOK
}

// runByStep prints proof statuses and judge flags by step index.
func runByStep(ctx context.Context, e *env, args []string) int {
	fs := newFlags(e, "bystep", "[filters] [--json]",
		"By step index over the selected traces: the steps there, their proof statuses (checks in place of the shipped\n"+
			"statuses) grouped as proved, disproved and unknown, and the newest judge verdicts' flags and first errors.")
	var f store.Filter
	filterFlags(fs, &f)
	asJSON := fs.Bool("json", false, "one JSON object per step index")
	if code, ok := parseNoArgs(e, fs, args, &f); !ok {
		return code
	}
	db, code := openStore(e, true)
	if db == nil {
		return code
	}
	defer db.Close()
	rows, err := analytics.ByStep(ctx, db, f)
	if err != nil {
		return failed(e, "stepwise bystep:", err)
	}
	if *asJSON {
		writeJSONLines(e.stdout, rows)
		return exitOK
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "STEP\tTRACES\tPROVED\tDISPROVED\tUNKNOWN\tJUDGED\tFLAGGED\tFIRST ERROR")
	for _, r := range rows {
		fmt.Fprintf(tw, "%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\n", r.Step, r.Traces, r.Proved, r.Disproved, r.Unknown, r.Judged, r.JudgeFlagged, r.JudgeFirstError)
	}
	tw.Flush()
	return exitOK
}
