package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"text/tabwriter"

	"github.com/stepwise-dev/stepwise/judge/judgerun"
	"github.com/stepwise-dev/stepwise/store"
	"github.com/stepwise-dev/stepwise/themes/termsafe"
)

func runEval(ctx context.Context, e *env, args []string) int {
	fs := newFlags(e, "eval", "[filters]",
		"Score every evidence source (formal checks, offline analyzers, each judge model and prompt version,\n"+
			"each annotator, each imported PRM) against reference labels, per dataset: ProcessBench accuracy on\n"+
			"erroneous and correct traces and their F1, step precision/recall/F1 of \"this step is wrong\",\n"+
			"coverage, and best-of-N selection accuracy against majority vote.")
	var f store.Filter
	filterFlags(fs, &f)
	reference := fs.String("reference", "dataset", "what to score against: dataset, or annotator:NAME")
	threshold := fs.Float64("prm-threshold", judgerun.DefaultPRMThreshold, "a PRM calls a step wrong when it scores it below this")
	asJSON := fs.Bool("json", false, "one JSON object per source and dataset per line")
	if code, ok := parseNoArgs(e, fs, args, &f); !ok {
		return code
	}
	if _, err := judgerun.ParseReference(*reference); err != nil {
		return usageError(e.stderr, fs, err.Error())
	}
	if *threshold <= 0 || *threshold > 1 {
		return usageError(e.stderr, fs, "--prm-threshold: want a probability in (0, 1]")
	}
	db, code := openStore(e, true)
	if db == nil {
		return code
	}
	defer db.Close()
	rows, err := judgerun.Scorecard(ctx, db, judgerun.EvalOptions{Filter: f, Reference: *reference, PRMThreshold: *threshold})
	if err != nil {
		fmt.Fprintln(e.stderr, "stepwise eval:", err)
		return exitError
	}
	out := bufio.NewWriter(e.stdout)
	defer out.Flush()
	if *asJSON {
		enc := json.NewEncoder(out)
		enc.SetEscapeHTML(false)
		for _, r := range rows {
			enc.Encode(r)
		}
		return exitOK
	}
	if len(rows) == 0 {
		fmt.Fprintln(out, "no evidence on the selected traces: run verify, analyze, judge, or import PRM scores")
		return exitOK
	}
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "DATASET\tSOURCE\tCOVER\tACC_ERR\tACC_OK\tF1\tSTEP_P\tSTEP_R\tSTEP_F1\tSTEPS\tBEST_OF_N\tMAJORITY\tPROBLEMS")
	for _, r := range rows {
		bon, maj, probs := "-", "-", "-"
		if b := r.BestOfN; b != nil {
			bon, maj, probs = fmt.Sprintf("%.2f", b.Accuracy), fmt.Sprintf("%.2f", b.Baseline), fmt.Sprint(b.Problems)
		}
		fmt.Fprintf(tw, "%s\t%s\t%.2f\t%s\t%s\t%s\t%s\t%s\t%s\t%d\t%s\t%s\t%s\n", termsafe.Line(r.Dataset), termsafe.Line(r.Source),
			r.Coverage, rate(r.ProcessBench.AccError, r.ProcessBench.NError), rate(r.ProcessBench.AccCorrect, r.ProcessBench.NCorrect),
			rate(r.ProcessBench.F1, -1), rate(r.Steps.Precision, -1), rate(r.Steps.Recall, -1), rate(r.Steps.F1, -1), r.Steps.N, bon, maj, probs)
	}
	tw.Flush()
	return exitOK
}

// rate prints a rate with its count ("0.50/12"), "-" when undefined.
func rate(v *float64, n int) string {
	if v == nil {
		return "-"
	}
	if n >= 0 {
		return fmt.Sprintf("%.2f/%d", *v, n)
	}
	return fmt.Sprintf("%.2f", *v)
}
