package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/stepwise-dev/stepwise/themes"
	"github.com/stepwise-dev/stepwise/tui"
	"github.com/stepwise-dev/stepwise/tui/config"
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
	opts, err := workbenchOptions(e)
	if err != nil {
		fmt.Fprintln(e.stderr, "stepwise:", err)
		return exitUsage
	}
	db, code := openStore(e, false)
	if db == nil {
		return code
	}
	defer db.Close()
	opts.DB, opts.Title = db, title
	if err := tui.Run(ctx, opts); err != nil {
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

// workbenchOptions reads the configuration file and the theme choice:
// --theme, else the config file's theme, else the terminal's background.
func workbenchOptions(e *env) (tui.Options, error) {
	cfg, err := config.Load()
	if err != nil {
		return tui.Options{}, err
	}
	opts := tui.Options{KeyOverrides: cfg.Keys, NoColor: themes.NoColorRequested(os.Getenv)}
	name := e.theme
	if name == "" {
		name = cfg.Theme
	}
	if name != "" {
		t, err := themes.Get(name, filepath.Join(cfg.Dir, "themes"))
		if err != nil {
			return opts, err
		}
		opts.Theme, opts.ThemeFixed = t, true
	}
	return opts, nil
}
