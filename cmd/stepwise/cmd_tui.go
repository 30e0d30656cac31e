package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/stepwise-dev/stepwise/cmd/stepwise/config"
	"github.com/stepwise-dev/stepwise/judge/judgerun"
	"github.com/stepwise-dev/stepwise/themes"
	"github.com/stepwise-dev/stepwise/tui"
	"github.com/stepwise-dev/stepwise/verify"
	"github.com/stepwise-dev/stepwise/verify/verifyrun"
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
	wb, err := workbenchOptions(e)
	if err != nil {
		fmt.Fprintln(e.stderr, "stepwise:", err)
		return exitUsage
	}
	wb.opts.Title = title
	return runTUI(ctx, e, wb)
}

// workbench is what the TUI is started with: its options, and the
// verification settings, which need the open store to become a verifier.
type workbench struct {
	opts   tui.Options
	verify verify.Config
}

func runTUI(ctx context.Context, e *env, wb workbench) int {
	db, code := openStoreFor(e, false, false)
	if db == nil {
		return code
	}
	defer db.Close()
	opts := wb.opts
	opts.DB = db
	v := verifyrun.New(db, wb.verify)
	defer v.Close()
	opts.Verifier = v
	if err := tui.Run(ctx, opts); err != nil {
		fmt.Fprintln(e.stderr, "stepwise:", err)
		return exitError
	}
	return exitOK
}

// runOpen opens the workbench and imports files into it as a background
// job, so the traces appear as they are committed.
func runOpen(ctx context.Context, e *env, args []string) int {
	fs := newFlags(e, "open", "[import flags] FILE|DIR...", "Open the workbench and import files into it in the background.")
	imp := importFlags(fs)
	paths, err := parse(fs, args)
	if err != nil {
		return flagExit(err)
	}
	if len(paths) == 0 {
		return usageError(e.stderr, fs, "no files to open")
	}
	wb, err := workbenchOptions(e)
	if err != nil {
		fmt.Fprintln(e.stderr, "stepwise:", err)
		return exitUsage
	}
	wb.opts.Import, wb.opts.ImportOptions = paths, imp.options()
	return runTUI(ctx, e, wb)
}

// workbenchOptions reads the configuration file and the theme choice:
// --theme, else the config file's theme, else the terminal's background.
func workbenchOptions(e *env) (workbench, error) {
	cfg, err := config.Load()
	if err != nil {
		return workbench{}, err
	}
	vcfg, err := cfg.Verify.EngineConfig(os.Getenv)
	if err != nil {
		return workbench{}, err
	}
	opts := tui.Options{KeyOverrides: cfg.Keys, NoColor: themes.NoColorRequested(os.Getenv),
		Annotator: annotatorName(e, cfg), Taxonomy: cfg.Taxonomy, Buckets: cfg.DifficultyBuckets(), Prices: cfg.Prices}
	opts.GoldFrom, opts.GoldRate = cfg.Gold.Adjudicator(), cfg.Gold.RateFor(opts.Annotator)
	if cfg.Embeddings.Configured() {
		// A bad embeddings section stops the CLI's errortypes; here the
		// error-types screen groups lexically and says why.
		if c, err := cfg.Embeddings.Client(os.Getenv); err == nil {
			opts.Embedder = c
		} else {
			opts.EmbedderErr = err.Error()
		}
	}
	// The label schemas and the per-dataset choice, as `stepwise label`
	// checks answers against them.
	schemas, err := config.LoadSchemas(filepath.Join(cfg.Dir, "schemas"), cfg.Schemas)
	if err != nil {
		return workbench{}, err
	}
	opts.Schemas, opts.SchemaFor = schemas, cfg.Schemas.For
	// The error-types taxonomy the CLI's `stepwise errortypes` uses.
	if p, err := (&errorTypeOptions{}).taxonomyPath(); err == nil {
		opts.TaxonomyPath = p
	}
	// The judge is optional: without a configured model the workbench
	// runs, and the judge keys say why they cannot.
	opts.Judge, opts.JudgeErr = judgerun.NewRunner(cfg.Judge, judgerun.Options{ConfigDir: cfg.Dir, Deltas: true})
	name := e.theme
	if name == "" {
		name = cfg.Theme
	}
	if name != "" {
		t, err := themes.Get(name, filepath.Join(cfg.Dir, "themes"))
		if err != nil {
			return workbench{}, err
		}
		opts.Theme, opts.ThemeFixed = t, true
	}
	return workbench{opts: opts, verify: vcfg}, nil
}

// annotatorName is --annotator, else the config file's annotator, else the
// login name.
func annotatorName(e *env, cfg *config.Config) string {
	switch {
	case e.annotator != "":
		return e.annotator
	case cfg.Annotator != "":
		return cfg.Annotator
	}
	return os.Getenv("USER")
}
