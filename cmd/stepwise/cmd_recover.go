package main

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/stepwise-dev/stepwise/store"
	"github.com/stepwise-dev/stepwise/themes/termsafe"
)

// runCheck reads the whole store looking for damage.
func runCheck(ctx context.Context, e *env, args []string) int {
	fs := newFlags(e, "check", "[--json]", "Read the whole store looking for damage (bbolt's page check, every summary, every body block's checksum).")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	if _, err := parse(fs, args); err != nil {
		return flagExit(err)
	}
	db, code := openStore(e, true)
	if db == nil {
		return code
	}
	defer db.Close()
	rep, err := db.Check(ctx)
	if *asJSON && rep != nil {
		json.NewEncoder(e.stdout).Encode(rep)
	}
	if err != nil {
		return failed(e, "stepwise check:", err)
	}
	if !*asJSON {
		fmt.Fprintf(e.stdout, "%s: no damage found (%d pages, %d traces, %d body blocks checked)\n", db.Path(), rep.Pages, rep.Traces, rep.Blocks)
	}
	return exitOK
}

// runRecover copies what can be read of a damaged store into a new one.
func runRecover(ctx context.Context, e *env, args []string) int {
	fs := newFlags(e, "recover", "DAMAGED NEW [--json]", "Copy what can be read of a damaged store into a new store: traces, annotation events, verification results, judge runs.")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	pos, err := parse(fs, args)
	if err != nil {
		return flagExit(err)
	}
	if len(pos) != 2 {
		return usageError(e.stderr, fs, "want the damaged store and a new file")
	}
	rep, err := store.Recover(ctx, pos[0], pos[1])
	if err != nil {
		return failed(e, "stepwise recover:", err)
	}
	if *asJSON {
		json.NewEncoder(e.stdout).Encode(rep)
	} else {
		fmt.Fprintf(e.stdout, "recovered into %s: %d traces (%d unreadable), %d annotation events (%d unreadable), verification results of %d traces (%d unreadable), %d judge runs (%d unreadable)\n",
			pos[1], rep.Traces, rep.TracesLost, rep.Events, rep.EventsLost, rep.Checks, rep.ChecksLost, rep.Runs, rep.RunsLost)
		for _, u := range rep.Unreadable {
			fmt.Fprintln(e.stdout, "  unreadable as a whole:", u)
		}
		for _, l := range rep.Lost {
			fmt.Fprintln(e.stdout, "  lost:", termsafe.Line(l))
		}
		fmt.Fprintln(e.stdout, "offline findings and the proof cache are not copied: run `stepwise analyze` and `stepwise verify` on the new store")
	}
	if rep.TracesLost+rep.EventsLost+rep.ChecksLost+rep.RunsLost+len(rep.Unreadable) > 0 {
		return exitPartial
	}
	return exitOK
}
