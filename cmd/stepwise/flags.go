package main

import (
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/stepwise-dev/stepwise/cmd/stepwise/config"
	"github.com/stepwise-dev/stepwise/judge/analytics"
	"github.com/stepwise-dev/stepwise/store"
)

// newFlags makes a flag set that reports errors instead of exiting.
func newFlags(e *env, name, args, summary string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: stepwise %s %s\n\n%s\n\nflags:\n", name, args, summary)
		fs.PrintDefaults()
	}
	return fs
}

// parse parses flags anywhere among the arguments (`import a.json --strict`
// works as well as `import --strict a.json`) and returns the positionals.
// parseNoArgs parses the flags of a command that takes no positional
// arguments and checks its filter (nil: none). ok false means: return code.
func parseNoArgs(e *env, fs *flag.FlagSet, args []string, f *store.Filter) (code int, ok bool) {
	pos, err := parse(fs, args)
	if err != nil {
		return flagExit(err), false
	}
	if len(pos) > 0 {
		return usageError(e.stderr, fs, fmt.Sprintf("unexpected argument %q", pos[0])), false
	}
	if f != nil {
		if err := f.Validate(); err != nil {
			return usageError(e.stderr, fs, err.Error()), false
		}
	}
	return exitOK, true
}

func parse(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		if rest[0] == "--" {
			return append(pos, rest[1:]...), nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

// filterFlags registers the trace filters shared by ls, export, verify,
// judge and analyze. formatFlag names the flag of the source-codec filter:
// "format" everywhere but export, whose --format is the output format.
func filterFlags(fs *flag.FlagSet, f *store.Filter, formatFlag ...string) {
	fs.StringVar(&f.Dataset, "dataset", "", "only this dataset (and its subsets: processbench matches processbench/gsm8k)")
	fs.StringVar(&f.Model, "model", "", "only traces by this model")
	fs.StringVar(&f.Correct, "correct", "", "final answer: true, false or unknown")
	fs.StringVar(&f.Label, "label", "", "source label state: none, error, correct or partial")
	fs.StringVar(&f.Truncated, "truncated", "", "true or false")
	fs.StringVar(&f.Problem, "problem", "", "only traces of this problem id")
	name := "format"
	if len(formatFlag) > 0 {
		name = formatFlag[0]
	}
	fs.StringVar(&f.Format, name, "", "only traces imported by this codec")
	fs.StringVar(&f.Human, "human", "", "yes: traces with human labels; no: traces without")
	fs.StringVar(&f.Proof, "proof", "", "checked, unchecked, or a status at least one step has (disproved, proved, failed, ...)")
	fs.StringVar(&f.Finding, "finding", "", "only traces with an offline finding of this code (label_contradicted, arith_false, ...; see analyze)")
	fs.BoolFunc("conflict", "only traces where exact arithmetic contradicts the dataset's label (--finding label_contradicted)", func(string) error {
		f.Finding = store.CodeLabelContradicted
		return nil
	})
	fs.Func("where", "bound a numeric field, FIELD:RANGE with RANGE >N, >=N, <N, <=N, N..M or N (repeatable); fields: "+
		strings.Join(store.RangeFields(), ", ")+" (latency in seconds, cost in dollars)", func(v string) error {
		field, expr, _ := strings.Cut(v, ":")
		r, err := store.ParseRange(field, expr)
		f.Ranges = append(f.Ranges, r)
		return err
	})
	accuracyFlags(fs, f)
	fs.IntVar(&f.Limit, "limit", 0, "stop after N traces")
	fs.IntVar(&f.Offset, "offset", 0, "skip the first N traces")
}

// accuracyFlags adds --accuracy and --difficulty: both select the traces
// of problems by their sampled accuracy over the traces the other filters
// select (so with --model M, the problems hard for M).
func accuracyFlags(fs *flag.FlagSet, f *store.Filter) {
	set := func(r *store.AccuracyRange) error {
		if f.Accuracy != nil {
			return fmt.Errorf("--accuracy and --difficulty both select by sampled accuracy: give one, once")
		}
		f.Accuracy = r
		return nil
	}
	fs.Func("accuracy", "only traces of problems whose sampled accuracy is in RANGE: >A, >=A, <A, <=A, A..B, A, or ungraded", func(v string) error {
		r, err := store.ParseAccuracy(v)
		if err != nil {
			return err
		}
		return set(r)
	})
	fs.Func("difficulty", "only traces of problems in this difficulty bucket: "+strings.Join(analytics.BucketNames(), ", ")+
		" (thresholds: [difficulty] in config.toml)", func(v string) error {
		cfg, err := config.Load()
		if err != nil {
			return err
		}
		r, ok := cfg.DifficultyBuckets().Range(v)
		if !ok {
			return fmt.Errorf("want one of %s", strings.Join(analytics.BucketNames(), ", "))
		}
		return set(r)
	})
}

// mapFlag collects repeated --map field=key flags.
type mapFlag map[string]string

func (m mapFlag) String() string { return fmt.Sprint(map[string]string(m)) }

func (m mapFlag) Set(v string) error {
	k, val, ok := strings.Cut(v, "=")
	if !ok || k == "" || val == "" {
		return fmt.Errorf("want FIELD=KEY, got %q", v)
	}
	m[k] = val
	return nil
}

// usageError prints a usage problem and returns the usage exit code.
func usageError(w io.Writer, fs *flag.FlagSet, msg string) int {
	fmt.Fprintf(w, "stepwise %s: %s\n", fs.Name(), msg)
	fs.Usage()
	return exitUsage
}
