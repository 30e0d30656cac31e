package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"sort"
	"time"

	"github.com/stepwise-dev/stepwise/store"
	"github.com/stepwise-dev/stepwise/store/formats"
	"github.com/stepwise-dev/stepwise/themes/termsafe"
)

func runImport(ctx context.Context, e *env, args []string) int {
	fs := newFlags(e, "import", "[flags] FILE|DIR...", "Import trace files into the store. The format of each file is detected from its content.")
	imp := importFlags(fs)
	quiet := fs.Bool("quiet", false, "no progress bar, no per-record messages (summary only)")
	asJSON := fs.Bool("json", false, "print the summary as JSON")
	paths, err := parse(fs, args)
	if err != nil {
		return flagExit(err)
	}
	if len(paths) == 0 {
		return usageError(e.stderr, fs, "no files to import")
	}
	opts := imp.options()
	db, code := openStore(e, false)
	if db == nil {
		return code
	}
	defer db.Close()
	bar := newProgressBar(e.stderr, e.isTerminal && !*quiet && !*asJSON)
	opts.OnProgress = bar.update
	msgs := &messageLimit{n: map[string]int{}}
	opts.OnProblem = func(err error) {
		if !*quiet {
			msgs.print(e.stderr, bar, err)
		}
	}
	opts.OnWarning = opts.OnProblem
	start := time.Now()
	restoreGC := batchGC()
	rep, err := db.Import(ctx, paths, opts)
	restoreGC()
	bar.clear()
	if rep != nil && rep.Files > 0 {
		if rerr := db.RecordImport(store.ImportRun{Time: start.UTC().Format(time.RFC3339), Paths: paths, Report: rep}); rerr != nil && err == nil {
			err = rerr
		}
	}
	if *asJSON {
		writeJSON(e.stdout, rep)
	} else if err == nil || (rep != nil && rep.Files > 0) {
		printReport(e, rep, time.Since(start)) // not "0 traces from 0 files" above an error
	}
	switch {
	case errors.Is(err, store.ErrStrict):
		fmt.Fprintln(e.stderr, "stepwise import:", termsafe.Line(err.Error()))
		return exitPartial
	case errors.Is(err, context.Canceled):
		fmt.Fprintln(e.stderr, "stepwise import: interrupted; what was committed stays, run the same import again to finish it")
		return exitError
	case err != nil:
		return failed(e, "stepwise import:", err)
	case rep.Skipped > 0:
		return exitPartial
	}
	return exitOK
}

func flagExit(err error) int {
	if errors.Is(err, flag.ErrHelp) {
		return exitOK
	}
	return exitUsage
}

func printReport(e *env, rep *store.ImportReport, took time.Duration) {
	if rep == nil {
		return
	}
	fmt.Fprintf(e.stdout, "imported %d traces from %d files in %s: %d new, %d duplicates, %d skipped, %d warnings\n",
		rep.Imported+rep.Duplicates, rep.Files, took.Round(time.Millisecond), rep.Imported, rep.Duplicates, rep.Skipped, rep.Warnings)
	for _, name := range sortedKeys(rep.Formats) {
		fmt.Fprintf(e.stdout, "  format %-16s %d files\n", name, rep.Formats[name])
	}
	if rep.Symlinks > 0 {
		fmt.Fprintf(e.stdout, "  followed %d symbolic links inside the directories\n", rep.Symlinks)
	}
	if rep.Companions > 0 {
		fmt.Fprintf(e.stdout, "  passed over %d files that belong to data read from others (an unzipped Inspect log's header, summaries, journal)\n", rep.Companions)
	}
	for _, reason := range sortedKeys(rep.SkippedBy) {
		fmt.Fprintf(e.stdout, "  skipped %5d  %s\n", rep.SkippedBy[reason], termsafe.Line(reason))
	}
	for _, reason := range sortedKeys(rep.WarningsBy) {
		fmt.Fprintf(e.stdout, "  warning %5d  %s\n", rep.WarningsBy[reason], termsafe.Line(reason))
	}
}

// messageLimit prints the first few messages of each kind (problems with
// the same reason, as the summary groups them) and then one line saying the
// rest are counted: a file of a million identical bad records must not
// print a million lines.
type messageLimit struct {
	n map[string]int
}

// messagesPerReason is how many messages of one reason are printed.
const messagesPerReason = 3

func (m *messageLimit) print(w io.Writer, bar *progressBar, err error) {
	kind := "problem"
	var warning *formats.Warning
	if errors.As(err, &warning) {
		kind = "warning"
	}
	reason := store.ReasonOf(err)
	key := kind + "\x00" + reason
	m.n[key]++
	switch n := m.n[key]; {
	case n <= messagesPerReason:
		bar.clear()
		fmt.Fprintln(w, termsafe.Line(err.Error()))
	case n == messagesPerReason+1:
		bar.clear()
		fmt.Fprintf(w, "  (more %ss like this are counted in the summary: %s)\n", kind, termsafe.Line(reason))
	}
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func runFormats(_ context.Context, e *env, args []string) int {
	fs := newFlags(e, "formats", "", "List the formats stepwise can import.")
	if _, err := parse(fs, args); err != nil {
		return flagExit(err)
	}
	for _, c := range formats.Codecs() {
		fmt.Fprintf(e.stdout, "%-16s %s\n", c.Name(), c.Describe())
	}
	return exitOK
}

// importFlagSet holds the flags import and open share.
type importFlagSet struct {
	opts    store.ImportOptions
	mapping mapFlag
}

func importFlags(fs *flag.FlagSet) *importFlagSet {
	f := &importFlagSet{mapping: mapFlag{}}
	o := &f.opts
	fs.StringVar(&o.Format, "format", "", "force a format (see `stepwise formats`)")
	fs.BoolVar(&o.Strict, "strict", false, "stop at the first bad record instead of skipping it")
	fs.StringVar(&o.Decode.Dataset, "dataset", "", "dataset name for the imported traces (default: from the format)")
	fs.StringVar(&o.Decode.Model, "model", "", "model name for the imported traces (default: from the data)")
	fs.Var(f.mapping, "map", "generic format: FIELD=KEY (fields: id, problem, steps, answer, gold, model, correct, label, dataset); repeat")
	fs.StringVar(&o.Decode.StepSeparator, "step-sep", "\n\n", "generic format: separator when steps is one string")
	fs.IntVar(&o.Decode.LabelBase, "label-base", 0, "generic format: index base of the label field (0 or 1)")
	return f
}

func (f *importFlagSet) options() store.ImportOptions {
	o := f.opts
	o.Grader = grader()
	if len(f.mapping) > 0 {
		o.Decode.Mapping = f.mapping
	}
	return o
}
