package main

import (
	"context"
	"fmt"

	"github.com/stepwise-dev/stepwise/tui"
)

// runWorkbench opens the TUI on the store.
func runWorkbench(ctx context.Context, e *env, args []string) int {
	fs := newFlags(e, "", "", "Open the workbench on the store.")
	if _, err := parse(fs, args); err != nil {
		return flagExit(err)
	}
	return openWorkbench(ctx, e, "")
}

func openWorkbench(ctx context.Context, e *env, title string) int {
	db, code := openStore(e, false)
	if db == nil {
		return code
	}
	defer db.Close()
	if err := tui.Run(ctx, tui.Options{DB: db, Title: title}); err != nil {
		fmt.Fprintln(e.stderr, "stepwise:", err)
		return exitError
	}
	return exitOK
}

// runOpen imports files, then opens the workbench on them.
func runOpen(ctx context.Context, e *env, args []string) int {
	if code := runImport(ctx, e, args); code != exitOK && code != exitPartial {
		return code
	}
	return openWorkbench(ctx, e, "")
}
