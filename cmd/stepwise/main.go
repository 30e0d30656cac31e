// Command stepwise is a terminal workbench for chain-of-thought traces:
// import them into a store, browse them, and (in the TUI) read, check and
// annotate them step by step.
//
// It is the top of the dependency graph: it wires the configuration
// (cmd/stepwise/config), the store, the services of verify/... and
// judge/... and the workbench (tui), and imports nothing under tui/.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/stepwise-dev/stepwise/store"
	"github.com/stepwise-dev/stepwise/themes/termsafe"
)

// Exit codes a script can rely on.
const (
	exitOK       = 0
	exitError    = 1 // the command failed
	exitUsage    = 2 // bad flags or arguments
	exitLocked   = 3 // another stepwise process holds the store
	exitPartial  = 4 // import finished, but some records or files were skipped
	exitNotFound = 5 // no trace with that id
)

// env is what every command gets: its streams and the store location.
type env struct {
	stdout, stderr io.Writer
	stdin          io.Reader
	dbPath         string
	dbExplicit     bool // --db or STEPWISE_DB named the store
	theme          string
	annotator      string // --annotator
	// isTerminal reports whether stderr is a terminal (progress bars).
	isTerminal bool
	// wait bounds each wait for another process using the store (--wait).
	wait time.Duration
	// ctx is the run's context (cancelled by an interrupt), for work done
	// on opening the store (an automatic re-grade).
	ctx context.Context
}

// defaultWait is how long a command waits for another stepwise process
// to finish the transaction it is in (an export of a big store, an import
// batch) before it gives up with exitLocked. An idle workbench holds
// nothing, so nobody waits for one.
const defaultWait = 30 * time.Second

type command struct {
	name    string
	args    string
	summary string
	run     func(ctx context.Context, e *env, args []string) int
}

func commands() []command {
	return []command{
		{"demo", "", "open the workbench on bundled real samples", runDemo},
		{"open", "FILE|DIR...", "import files, then open the workbench", runOpen},
		{"import", "FILE|DIR...", "import trace files (format detected from content)", runImport},
		{"ls", "[filters]", "list traces (--json: one object per line)", runLs},
		{"show", "ID", "print one trace with its steps and labels (--json: the whole trace)", runShow},
		{"stats", "", "counts by dataset, model, correctness and label state", runStats},
		{"vacuum", "", "compact the store file", runVacuum},
		{"check", "", "read the whole store looking for damage", runCheck},
		{"recover", "DAMAGED NEW", "copy what can be read of a damaged store into a new one", runRecover},
		{"formats", "", "list the formats stepwise can import", runFormats},
		{"judge", "[filters]", "judge traces with an LLM (or one ID, a pair of IDs); estimate first; --pairwise, --json", runJudge},
		{"analyze", "[filters]", "run the offline analyzers (no LLM) and store their findings", runAnalyze},
		{"eval", "[filters]", "score every evidence source against the dataset's labels or an annotator (--json)", runEval},
		{"prm", "import FILE... | score [filters]", "import process reward model scores, or score traces with a vLLM-served PRM", runPRM},
		{"verify", "[filters]", "formalize and check steps, save the results (--json: one object per check)", runVerify},
		{"doctor", "", "which verification backends are usable, and how to enable the others", runDoctor},
		{"export", "--format F", "export labeled traces (processbench, prm800k, trl, ..., annotations)", runExport},
		{"label", "ID STEP RATING", "record an annotation event from a script (--from FILE for many)", runLabel},
		{"merge", "FILE...", "merge other annotators' event logs", runMerge},
		{"problems", "[filters]", "per problem: sampled accuracy, pass@k, majority answer, difficulty (--json)", runProblems},
		{"checkpoints", "PROBLEM_ID", "the answers each sample commits to along the way; --fault-tolerance", runCheckpoints},
		{"agents", "[filters] | --rounds ID", "tool use of agent traces, accuracy by search intensity; --rounds: a trace's call refinements", runAgents},
		{"freq", "FIELD", "a frequency table of a field (value, count, percent, bar; --json)", runFreq},
		{"hist", "FIELD", "a histogram of steps, first errors or characters (--json)", runHist},
		{"bystep", "[filters]", "proof statuses and judge flags by step index (--json)", runByStep},
		{"models", "[filters]", "per model: accuracy, steps, tokens, cost (--json)", runModels},
		{"errortypes", "[filters]", "propose error types from bad cases' keyphrases; accept, merge, split, rename them", runErrorTypes},
		{"regrade", "[filters]", "grade final answers again with this version's answer grader", runRegrade},
	}
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	// The first SIGINT or SIGTERM cancels the command, which stops at a
	// safe point (an import after its current batch); a second one ends the
	// program at once, as if it had not been caught (the store survives a
	// kill: bbolt commits are atomic).
	go func() {
		<-ctx.Done()
		stop()
	}()
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	e := &env{stdout: stdout, stderr: stderr, stdin: stdin, isTerminal: isTerminal(stderr), ctx: ctx}
	args, g, err := globalFlags(args)
	if err != nil {
		fmt.Fprintln(stderr, "stepwise:", err)
		return exitUsage
	}
	e.theme, e.annotator = g.theme, g.annotator
	e.wait = defaultWait
	if g.wait != "" {
		if e.wait, err = time.ParseDuration(g.wait); err != nil || e.wait <= 0 {
			fmt.Fprintf(stderr, "stepwise: --wait %q: want a duration such as 30s or 2m\n", g.wait)
			return exitUsage
		}
	}
	e.dbExplicit = g.db != "" || os.Getenv("STEPWISE_DB") != ""
	if g.db != "" {
		e.dbPath = g.db
	} else if e.dbPath, err = store.DefaultPath(); err != nil {
		fmt.Fprintln(stderr, "stepwise:", err)
		return exitError
	}
	if len(args) == 0 || args[0][0] == '-' {
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
			usage(stdout)
			return exitOK
		}
		return runWorkbench(ctx, e, args)
	}
	if args[0] == "help" {
		usage(stdout)
		return exitOK
	}
	for _, c := range commands() {
		if c.name == args[0] {
			return c.run(ctx, e, args[1:])
		}
	}
	fmt.Fprintf(stderr, "stepwise: unknown command %q (see `stepwise help`)\n", args[0])
	return exitUsage
}

// globals are the flags every command takes, anywhere on the line.
type globals struct{ db, theme, annotator, wait string }

// globalFlags takes --db PATH and --theme NAME (or --flag=value) from
// anywhere in the arguments.
func globalFlags(args []string) ([]string, globals, error) {
	var rest []string
	var g globals
	targets := map[string]*string{"db": &g.db, "theme": &g.theme, "annotator": &g.annotator, "wait": &g.wait}
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			return append(rest, args[i:]...), g, nil
		}
		name, value, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		dst, ok := targets[name]
		if !ok || !strings.HasPrefix(a, "-") {
			rest = append(rest, a)
			continue
		}
		if !hasValue {
			if i+1 >= len(args) {
				return nil, g, fmt.Errorf("--%s needs a value", name)
			}
			i++
			value = args[i]
		}
		*dst = value
	}
	return rest, g, nil
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "stepwise: a workbench for chain-of-thought traces")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "usage: stepwise [--db PATH] [--theme NAME]   open the workbench")
	fmt.Fprintln(w, "       stepwise [--db PATH] COMMAND [flags]")
	fmt.Fprintln(w)
	cs := commands()
	sort.Slice(cs, func(i, j int) bool { return cs[i].name < cs[j].name })
	for _, c := range cs {
		fmt.Fprintf(w, "  %-8s %-12s %s\n", c.name, c.args, c.summary)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "The store is $STEPWISE_DB, else $XDG_DATA_HOME/stepwise/stepwise.db; --db overrides both.")
	fmt.Fprintln(w, "Commands share the store with an open workbench and with each other; --wait D (default 30s)")
	fmt.Fprintln(w, "bounds the wait for another process's transaction.")
	fmt.Fprintln(w, "Themes: dark, light, high-contrast, or a user theme in $XDG_CONFIG_HOME/stepwise/themes/;")
	fmt.Fprintln(w, "the default follows the terminal's background. NO_COLOR=1 turns colour off.")
	fmt.Fprintln(w, "Run `stepwise COMMAND -h` for a command's flags.")
}

// openStore opens the store, turning a held lock into a plain message and
// the locked exit code.
func openStore(e *env, readOnly bool) (*store.DB, int) {
	return openStoreFor(e, readOnly, true)
}

// openStoreFor is openStore; announce says, on stderr, when a transaction
// waits for another process (not under the workbench, which owns the
// screen and says so itself).
func openStoreFor(e *env, readOnly, announce bool) (*store.DB, int) {
	if readOnly {
		if _, err := os.Stat(e.dbPath); errors.Is(err, os.ErrNotExist) {
			fmt.Fprintf(e.stderr, "stepwise: no store at %s yet; import traces first: stepwise import FILE...\n", e.dbPath)
			return nil, exitError
		}
	}
	opts := store.Options{ReadOnly: readOnly, Timeout: e.wait}
	if announce {
		var once sync.Once
		opts.OnWait = func(holder string) {
			once.Do(func() {
				if holder == "" {
					holder = "another stepwise process"
				}
				fmt.Fprintf(e.stderr, "stepwise: waiting for the store (in use by %s; up to %s, --wait changes it)\n", holder, e.wait)
			})
		}
	}
	db, err := store.Open(e.dbPath, opts)
	if errors.Is(err, store.ErrNeedsMigration) {
		// An older store: migrate it (a read-write open does), then read.
		rwOpts := opts
		rwOpts.ReadOnly = false
		if rw, werr := store.Open(e.dbPath, rwOpts); werr == nil {
			rw.Close()
			fmt.Fprintf(e.stderr, "stepwise: migrated %s to schema %d\n", e.dbPath, store.SchemaVersion)
			db, err = store.Open(e.dbPath, opts)
		}
	}
	if err != nil {
		fmt.Fprintln(e.stderr, "stepwise:", err)
		if errors.Is(err, store.ErrLocked) {
			return nil, exitLocked
		}
		return nil, exitError
	}
	if !readOnly {
		if err := autoRegrade(e, db); err != nil {
			db.Close()
			fmt.Fprintln(e.stderr, "stepwise: re-grading final answers:", err)
			return nil, exitError
		}
	}
	return db, exitOK
}

// failed prints a command's error and returns its exit code: exitLocked
// when another process kept the store past --wait, else exitError. Errors
// can carry text from traces and endpoints, so they are made safe to print.
func failed(e *env, prefix string, err error) int {
	fmt.Fprintln(e.stderr, prefix, termsafe.Line(err.Error()))
	if errors.Is(err, store.ErrLocked) {
		return exitLocked
	}
	return exitError
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
