package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/stepwise-dev/stepwise"
	"github.com/stepwise-dev/stepwise/cmd/stepwise/config"
	"github.com/stepwise-dev/stepwise/store"
	"github.com/stepwise-dev/stepwise/store/formats"
	"github.com/stepwise-dev/stepwise/store/hfdataset"
)

func runExport(ctx context.Context, e *env, args []string) int {
	fs := newFlags(e, "export", "--format F [filters] [-o FILE]",
		"Export traces with their labels (or the annotation event log) in a format the field trains and evaluates on.\n"+
			"Formats: "+exportFormatList()+".\n"+
			"--annotator (a global flag) keeps one annotator's labels.")
	var opts store.ExportOptions
	fs.StringVar(&opts.Format, "format", "", "output format (required)")
	filterFlags(fs, &opts.Filter, "source-format")
	labels := fs.String("labels", "merged", "human, source, or merged (a human label where there is one, else the dataset's)")
	resolve := fs.String("resolve", "latest", "when annotators differ on a step: latest (an adjudicator's later label wins) or majority (the most given rating; ties to the latest)")
	fs.BoolVar(&opts.LabeledOnly, "labeled-only", false, "skip traces without a label")
	since := fs.String("since", "", "only human labels made at or after this date (2006-01-02 or RFC 3339)")
	until := fs.String("until", "", "only human labels made before this date")
	fs.BoolVar(&opts.IncludeQC, "include-qc", false, "keep PRM800K quality-control and screening records")
	out := fs.String("o", "-", "output file (- for standard output)")
	hf := fs.String("hf", "", "write a Hugging Face dataset folder instead: DIR/data/<config> and a README.md dataset card")
	asJSON := fs.Bool("json", false, "print the summary as JSON")
	balanced := fs.Bool("balance-difficulty", false, "as many problems from each difficulty bucket (easy, medium, hard, unsolved) as the smallest holds")
	if code, ok := parseNoArgs(e, fs, args, &opts.Filter); !ok {
		return code
	}
	if *balanced && opts.Filter.Accuracy != nil {
		return usageError(e.stderr, fs, "--balance-difficulty draws from every bucket; --difficulty and --accuracy pick some: give one of them")
	}
	if opts.Format == "" {
		return usageError(e.stderr, fs, "--format is required ("+exportFormatList()+")")
	}
	if _, err := formats.LookupExport(opts.Format); err != nil && opts.Format != store.FormatAnnotations && opts.Format != store.FormatLabels {
		return usageError(e.stderr, fs, err.Error())
	}
	opts.Labels = store.LabelMode(*labels)
	var err error
	if opts.Resolve, err = store.ParseResolve(*resolve); err != nil {
		return usageError(e.stderr, fs, "--resolve: "+err.Error())
	}
	opts.Annotator = e.annotator
	if opts.Since, err = parseDate(*since); err != nil {
		return usageError(e.stderr, fs, "--since: "+err.Error())
	}
	if opts.Until, err = parseDate(*until); err != nil {
		return usageError(e.stderr, fs, "--until: "+err.Error())
	}
	if opts.Questions, err = questionKinds(opts.Format); err != nil {
		return failed(e, "stepwise export:", err)
	}
	db, code := openStore(e, true)
	if db == nil {
		return code
	}
	defer db.Close()
	if *balanced {
		k, used, err := selectBalanced(ctx, db, &opts.Filter)
		if err != nil {
			return failed(e, "stepwise export:", err)
		}
		fmt.Fprintf(e.stderr, "balanced by difficulty: %d problems from each of %s\n", k, strings.Join(used, ", "))
	}
	start := time.Now()
	if *hf != "" {
		res, err := hfdataset.Write(ctx, db, hfdataset.Options{Dir: *hf, Export: opts})
		if err != nil {
			return failed(e, "stepwise export:", err)
		}
		fmt.Fprintf(e.stderr, "wrote the dataset folder %s: %s (%d records) and %s\n", *hf, res.DataFile, res.Report.Written, res.Card)
		return exitOK
	}
	rep, err := exportTo(ctx, db, *out, e.stdout, opts)
	if err != nil {
		return failed(e, "stepwise export:", err)
	}
	if *asJSON {
		writeJSON(e.stderr, rep)
		return exitOK
	}
	where := *out
	if where == "-" {
		where = "standard output"
	}
	took := time.Since(start).Round(time.Millisecond)
	if opts.Format == store.FormatAnnotations {
		fmt.Fprintf(e.stderr, "exported %d events to %s in %s\n", rep.Written, where, took)
	} else {
		fmt.Fprintf(e.stderr, "exported %d records from %d traces as %s to %s in %s\n", rep.Written, rep.Traces, opts.Format, where, took)
	}
	reasons := make([]string, 0, len(rep.Skipped))
	for r := range rep.Skipped {
		reasons = append(reasons, r)
	}
	sort.Strings(reasons)
	for _, r := range reasons {
		fmt.Fprintf(e.stderr, "  skipped %d: %s\n", rep.Skipped[r], r)
	}
	return exitOK
}

// questionKinds are the kinds of the configured schemas' questions, which
// type the answer columns of a format that has them; nil for another
// format, so that a broken schema file fails only the exports that read it.
func questionKinds(format string) (map[string]stepwise.QuestionKind, error) {
	f, err := formats.LookupExport(format)
	if err != nil {
		return nil, nil // annotations, labels-jsonl
	}
	if _, ok := f.New(io.Discard).(formats.AnswerColumner); !ok {
		return nil, nil
	}
	cfg, err := config.Load()
	if err != nil {
		return nil, err
	}
	dir := "" // no configuration folder: the bundled schemas alone
	if cfg.Dir != "" {
		dir = filepath.Join(cfg.Dir, "schemas")
	}
	schemas, err := config.LoadSchemas(dir, cfg.Schemas)
	if err != nil {
		return nil, err
	}
	kinds := map[string]stepwise.QuestionKind{}
	for name, s := range schemas {
		for _, q := range s.Questions {
			kinds[stepwise.QuestionID(name, q.ID)] = q.Kind
		}
	}
	return kinds, nil
}

// exportTo writes into a temporary file beside the output and renames it at
// the end, so an interrupted export never leaves a half file under the name.
func exportTo(ctx context.Context, db *store.DB, path string, stdout io.Writer, opts store.ExportOptions) (*store.ExportReport, error) {
	if path == "-" {
		return db.Export(ctx, stdout, opts)
	}
	tmp, err := createBeside(path)
	if err != nil {
		return nil, err
	}
	rep, err := db.Export(ctx, tmp, opts)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		os.Remove(tmp.Name())
		return nil, err
	}
	return rep, nil
}

// createBeside creates the temporary file an output is written to, in the
// output's directory, with the mode the output should have: the mode of the
// file it replaces, else what a new file gets under the user's umask.
// os.CreateTemp makes files 0600, and the rename kept that, so an exported
// dataset could not be read by the group it was made for.
func createBeside(path string) (*os.File, error) {
	perm, keep := os.FileMode(0o666), false
	if st, err := os.Stat(path); err == nil && st.Mode().IsRegular() {
		perm, keep = st.Mode().Perm(), true
	}
	dir, base := filepath.Dir(path), filepath.Base(path)
	for range 100 {
		name := filepath.Join(dir, "."+base+".tmp-"+strconv.FormatUint(rand.Uint64(), 36))
		// The kernel applies the umask to the mode given here.
		f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_EXCL, perm)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if keep {
			if err := f.Chmod(perm); err != nil {
				f.Close()
				os.Remove(name)
				return nil, err
			}
		}
		return f, nil
	}
	return nil, fmt.Errorf("create a temporary file beside %s: too many exist", path)
}

func exportFormatList() string {
	var names []string
	for _, f := range formats.ExportFormats() {
		names = append(names, f.Name)
	}
	return strings.Join(append(names, store.FormatAnnotations, store.FormatLabels), ", ")
}

// parseDate reads 2006-01-02 (midnight UTC) or an RFC 3339 time; "" is zero.
func parseDate(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t, nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, errors.New("want a date (2006-01-02) or an RFC 3339 time")
	}
	return t, nil
}
