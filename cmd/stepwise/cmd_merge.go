package main

import (
	"context"
	"fmt"
	"os"

	"github.com/stepwise-dev/stepwise/store"
	"github.com/stepwise-dev/stepwise/themes/termsafe"
)

func runMerge(ctx context.Context, e *env, args []string) int {
	fs := newFlags(e, "merge", "FILE...",
		"Merge other annotators' event logs (stepwise export --format annotations). Events are matched by\n"+
			"their stable id: merging a log twice adds nothing. A bad line is reported as file:line and skipped.")
	strict := fs.Bool("strict", false, "stop at the first bad line")
	asJSON := fs.Bool("json", false, "print the summary as JSON")
	paths, err := parse(fs, args)
	if err != nil {
		return flagExit(err)
	}
	if len(paths) == 0 {
		return usageError(e.stderr, fs, "no event logs to merge")
	}
	db, code := openStore(e, false)
	if db == nil {
		return code
	}
	defer db.Close()
	total := &store.MergeReport{}
	for _, p := range paths {
		f, err := os.Open(p)
		if err != nil {
			return failed(e, "stepwise merge:", err)
		}
		rep, err := db.MergeEvents(ctx, f, p, store.MergeOptions{Strict: *strict})
		f.Close()
		if rep != nil {
			total.Added += rep.Added
			total.Duplicates += rep.Duplicates
			total.Skipped += rep.Skipped
			total.Problems = append(total.Problems, rep.Problems...)
		}
		if err != nil {
			fmt.Fprintln(e.stderr, "stepwise merge:", termsafe.Line(err.Error()))
			if *strict {
				return exitPartial
			}
			return exitError
		}
	}
	if *asJSON {
		writeJSON(e.stdout, total)
	} else {
		for _, p := range total.Problems {
			fmt.Fprintln(e.stderr, termsafe.Line(p))
		}
		fmt.Fprintf(e.stdout, "merged %d events, %d already present, %d skipped\n", total.Added, total.Duplicates, total.Skipped)
	}
	if total.Skipped > 0 {
		return exitPartial
	}
	return exitOK
}
