package main

import (
	"context"
	"fmt"

	"github.com/stepwise-dev/stepwise/store"
	"github.com/stepwise-dev/stepwise/verify/answer"
)

// grader is the answer grader every import and re-grade uses.
func grader() answer.Grader { return answer.Grader{} }

func runRegrade(ctx context.Context, e *env, args []string) int {
	fs := newFlags(e, "regrade", "[filters]", "Grade the final answers of stored traces again with this version's answer grader "+
		"(verdicts stated by a dataset stay). Without filters, the whole store, which then records the grader's version.")
	var f store.Filter
	filterFlags(fs, &f)
	asJSON := fs.Bool("json", false, "print the report as JSON")
	if code, ok := parseNoArgs(e, fs, args, &f); !ok {
		return code
	}
	db, code := openStore(e, false)
	if db == nil {
		return code
	}
	defer db.Close()
	rep, err := db.Regrade(ctx, grader(), f)
	if err != nil {
		fmt.Fprintln(e.stderr, "stepwise regrade:", err)
		return exitError
	}
	if *asJSON {
		writeJSON(e.stdout, rep)
		return exitOK
	}
	fmt.Fprintf(e.stdout, "re-graded %d traces with answer grader %d: %d verdicts changed, %d records updated\n",
		rep.Traces, rep.To, rep.Changed, rep.Updated)
	return exitOK
}

// autoRegrade re-grades the whole store when an older answer grader (or
// none) graded it, and says so when verdicts changed: opened for writing, a
// store is brought up to this version's grader.
func autoRegrade(e *env, db *store.DB) error {
	g := grader()
	v, err := db.GraderVersion()
	if err != nil || v >= g.GraderVersion() {
		return err
	}
	ctx := e.ctx
	if ctx == nil {
		ctx = context.Background()
	}
	rep, err := db.Regrade(ctx, g, store.Filter{})
	if err != nil {
		return err
	}
	if rep.Traces > 0 {
		fmt.Fprintf(e.stderr, "stepwise: re-graded %d traces with answer grader %d (was %d): %d verdicts changed\n",
			rep.Traces, rep.To, rep.From, rep.Changed)
	}
	return nil
}
