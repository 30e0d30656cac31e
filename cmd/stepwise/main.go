// Command stepwise is a terminal workbench for chain-of-thought traces:
// import them into a store, browse them, and (in the TUI) read, check and
// annotate them step by step.
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
	"syscall"

	"github.com/stepwise-dev/stepwise/store"
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
}

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
		{"formats", "", "list the formats stepwise can import", runFormats},
		{"judge", "[filters]", "judge traces with an LLM (or one ID, a pair of IDs); estimate first; --pairwise, --json", runJudge},
		{"analyze", "[filters]", "run the offline analyzers (no LLM) and store their findings", runAnalyze},
		{"verify", "[filters]", "formalize and check steps, save the results (--json: one object per check)", runVerify},
		{"doctor", "", "which verification backends are usable, and how to enable the others", runDoctor},
		{"export", "--format F", "export labeled traces (processbench, prm800k, trl, ..., annotations)", runExport},
		{"label", "ID STEP RATING", "record an annotation event from a script (--from FILE for many)", runLabel},
		{"merge", "FILE...", "merge other annotators' event logs", runMerge},
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
	e := &env{stdout: stdout, stderr: stderr, stdin: stdin, isTerminal: isTerminal(stderr)}
	args, g, err := globalFlags(args)
	if err != nil {
		fmt.Fprintln(stderr, "stepwise:", err)
		return exitUsage
	}
	e.theme, e.annotator = g.theme, g.annotator
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
type globals struct{ db, theme, annotator string }

// globalFlags takes --db PATH and --theme NAME (or --flag=value) from
// anywhere in the arguments.
func globalFlags(args []string) ([]string, globals, error) {
	var rest []string
	var g globals
	targets := map[string]*string{"db": &g.db, "theme": &g.theme, "annotator": &g.annotator}
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
	fmt.Fprintln(w, "Themes: dark, light, high-contrast, or a user theme in $XDG_CONFIG_HOME/stepwise/themes/;")
	fmt.Fprintln(w, "the default follows the terminal's background. NO_COLOR=1 turns colour off.")
	fmt.Fprintln(w, "Run `stepwise COMMAND -h` for a command's flags.")
}

// openStore opens the store, turning a held lock into a plain message and
// the locked exit code.
func openStore(e *env, readOnly bool) (*store.DB, int) {
	if readOnly {
		if _, err := os.Stat(e.dbPath); errors.Is(err, os.ErrNotExist) {
			fmt.Fprintf(e.stderr, "stepwise: no store at %s yet; import traces first: stepwise import FILE...\n", e.dbPath)
			return nil, exitError
		}
	}
	db, err := store.Open(e.dbPath, store.Options{ReadOnly: readOnly})
	if errors.Is(err, store.ErrNeedsMigration) {
		// An older store: migrate it (a read-write open does), then read.
		if rw, werr := store.Open(e.dbPath, store.Options{}); werr == nil {
			rw.Close()
			fmt.Fprintf(e.stderr, "stepwise: migrated %s to schema %d\n", e.dbPath, store.SchemaVersion)
			db, err = store.Open(e.dbPath, store.Options{ReadOnly: true})
		}
	}
	if err != nil {
		fmt.Fprintln(e.stderr, "stepwise:", err)
		if errors.Is(err, store.ErrLocked) {
			return nil, exitLocked
		}
		return nil, exitError
	}
	return db, exitOK
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
