package main

import (
	"context"
	"fmt"
	"sort"
	"text/tabwriter"

	"github.com/stepwise-dev/stepwise/cmd/stepwise/config"
	"github.com/stepwise-dev/stepwise/store"
	"github.com/stepwise-dev/stepwise/themes/termsafe"
)

func runStats(ctx context.Context, e *env, args []string) int {
	fs := newFlags(e, "stats", "[--json]", "Counts by dataset, model, correctness and label state.")
	asJSON := fs.Bool("json", false, "print as JSON")
	goldFrom := fs.String("gold-from", "", "score gold items against dataset (its labels) or annotator:NAME (an adjudicator's); default [gold] from in config.toml")
	if _, err := parse(fs, args); err != nil {
		return flagExit(err)
	}
	cfg, err := config.Load()
	if err != nil {
		return failed(e, "stepwise stats:", err)
	}
	if *goldFrom != "" {
		if _, err := config.ParseGoldFrom(*goldFrom); err != nil {
			return usageError(e.stderr, fs, "--gold-from: "+err.Error())
		}
		cfg.Gold.From = *goldFrom
	}
	db, code := openStore(e, true)
	if db == nil {
		return code
	}
	defer db.Close()
	st, err := db.Stats()
	if err != nil {
		return failed(e, "stepwise stats:", err)
	}
	human, err := loadHumanStats(ctx, db, "", cfg.Gold)
	if err != nil {
		return failed(e, "stepwise stats:", err)
	}
	if *asJSON {
		writeJSON(e.stdout, struct {
			*store.Stats
			Human *humanStats `json:"human"`
		}{st, human})
		return exitOK
	}
	fmt.Fprintf(e.stdout, "%s: %d traces, %d problems, %.1f MB\n", st.Path, st.Traces, st.Problems, float64(st.Bytes)/1e6)
	tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "\nDATASET\tTRACES\tCORRECT\tWRONG\tUNKNOWN\tLABELED ERR\tLABELED OK\tPARTIAL\tUNLABELED\tTRUNCATED")
	for _, d := range sortedKeys(st.Datasets) {
		m := st.Datasets[d]
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\n", termsafe.Line(d), st.By[store.FieldDataset][d],
			m["correct"]["true"], m["correct"]["false"], m["correct"]["unknown"],
			m["label"]["error"], m["label"]["correct"], m["label"]["partial"], m["label"]["none"], m["truncated"]["true"])
	}
	fmt.Fprintln(tw, "\nMODEL\tTRACES")
	models := st.By[store.FieldModel]
	names := sortedKeys(models)
	sort.SliceStable(names, func(i, j int) bool { return models[names[i]] > models[names[j]] })
	for _, m := range names {
		name := m
		if name == "" {
			name = "(unknown)"
		}
		fmt.Fprintf(tw, "%s\t%d\n", termsafe.Line(name), models[m])
	}
	fmt.Fprintln(tw, "\nLABEL STATE\tTRACES")
	for _, l := range []string{"error", "correct", "partial", "none"} {
		fmt.Fprintf(tw, "%s\t%d\n", l, st.By[store.FieldLabel][l])
	}
	tw.Flush()
	printHumanStats(e.stdout, human)
	printQuestionAgreement(e.stdout, human.Questions)
	return exitOK
}

func runVacuum(ctx context.Context, e *env, args []string) int {
	fs := newFlags(e, "vacuum", "", "Compact the store file (bbolt never shrinks it by itself).")
	if _, err := parse(fs, args); err != nil {
		return flagExit(err)
	}
	db, code := openStore(e, false)
	if db == nil {
		return code
	}
	defer db.Close()
	res, err := db.Vacuum(ctx)
	if err != nil {
		return failed(e, "stepwise vacuum:", err)
	}
	fmt.Fprintf(e.stdout, "compacted %s: %.1f MB -> %.1f MB\n", db.Path(), float64(res.Before)/1e6, float64(res.After)/1e6)
	return exitOK
}
