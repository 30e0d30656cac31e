package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/stepwise-dev/stepwise/tui/demo"
)

// runDemo opens the workbench on a store built from the bundled real
// samples. It lives beside the default store (demo.db) unless --db names
// another file, and is rebuilt when the bundled data changes or on --reset.
func runDemo(ctx context.Context, e *env, args []string) int {
	fs := newFlags(e, "demo", "[--reset] [--notice]", "Open the workbench on a demo store built from bundled real samples.")
	reset := fs.Bool("reset", false, "rebuild the demo store from scratch")
	notice := fs.Bool("notice", false, "print where the demo data comes from, and exit")
	build := fs.Bool("build-only", false, "build the demo store and exit (for scripts and tests)")
	if _, err := parse(fs, args); err != nil {
		return flagExit(err)
	}
	if *notice {
		fmt.Fprint(e.stdout, demo.Notice())
		return exitOK
	}
	if !e.dbExplicit {
		e.dbPath = filepath.Join(filepath.Dir(e.dbPath), "demo.db")
	}
	if code := ensureDemo(ctx, e, *reset); code != exitOK {
		return code
	}
	if *build {
		fmt.Fprintln(e.stdout, e.dbPath)
		return exitOK
	}
	return openWorkbench(ctx, e, "demo")
}

func ensureDemo(ctx context.Context, e *env, reset bool) int {
	db, code := openStore(e, false)
	if db == nil {
		return code
	}
	have, err := db.Setting("demo_version")
	if err == nil && have == demo.Version() && !reset {
		db.Close()
		return exitOK
	}
	db.Close()
	if err := os.Remove(e.dbPath); err != nil && !os.IsNotExist(err) {
		fmt.Fprintln(e.stderr, "stepwise demo:", err)
		return exitError
	}
	db, code = openStore(e, false)
	if db == nil {
		return code
	}
	defer db.Close()
	rep, err := demo.Build(ctx, db)
	if err == nil {
		err = db.SetSetting("demo_version", demo.Version())
	}
	if err != nil {
		fmt.Fprintln(e.stderr, "stepwise demo:", err)
		return exitError
	}
	fmt.Fprintf(e.stderr, "built the demo store %s: %d traces from bundled samples (stepwise demo --notice for sources)\n", e.dbPath, rep.Imported)
	return exitOK
}
