package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/stepwise-dev/stepwise/judge/judgerun"
	"github.com/stepwise-dev/stepwise/judge/prm"
	"github.com/stepwise-dev/stepwise/store"
)

// runPRM dispatches `stepwise prm import` and `stepwise prm score`.
func runPRM(ctx context.Context, e *env, args []string) int {
	if len(args) == 0 || (args[0] != "import" && args[0] != "score") {
		fmt.Fprintln(e.stderr, "usage: stepwise prm import FILE... [--name NAME] | stepwise prm score [filters] --url URL --model M")
		return exitUsage
	}
	if args[0] == "import" {
		return runPRMImport(e, args[1:])
	}
	return runPRMScore(ctx, e, args[1:])
}

func runPRMImport(e *env, args []string) int {
	fs := newFlags(e, "prm import", "FILE...",
		"Import per-step process reward model scores from JSONL: one line per trace, {\"id\" | \"trace_id\" |\n"+
			"\"source_id\": ..., \"model\": optional, \"scores\": [p, null, [negative, positive], ...]} with one score\n"+
			"per step (the probability that the step is correct). The PRM's name (the line's model, else --name)\n"+
			"is the evidence source; scoring a trace again replaces its scores.")
	name := fs.String("name", "", "the PRM's name for lines without a model")
	strict := fs.Bool("strict", false, "stop at the first bad line")
	files, err := parse(fs, args)
	if err != nil {
		return flagExit(err)
	}
	if len(files) == 0 {
		return usageError(e.stderr, fs, "name at least one score file")
	}
	db, code := openStore(e, false)
	if db == nil {
		return code
	}
	defer db.Close()
	stored, bad := 0, 0
	for _, path := range files {
		f, err := os.Open(path)
		if err != nil {
			fmt.Fprintln(e.stderr, "stepwise prm import:", err)
			return exitError
		}
		recs, errs := prm.ReadFile(f, path, *name)
		f.Close()
		if *strict && len(errs) > 0 {
			fmt.Fprintln(e.stderr, errs[0])
			return exitPartial
		}
		sum := judgerun.ImportPRM(db, recs, path)
		errs = append(errs, sum.Errors...)
		for _, err := range errs {
			fmt.Fprintln(e.stderr, err)
		}
		stored += sum.Stored
		bad += len(errs)
	}
	fmt.Fprintf(e.stderr, "stored PRM scores of %d traces; %d lines refused\n", stored, bad)
	if bad > 0 {
		return exitPartial
	}
	return exitOK
}

func runPRMScore(ctx context.Context, e *env, args []string) int {
	fs := newFlags(e, "prm score", "[filters]",
		"Score the selected traces with a process reward model served by vLLM (`vllm serve Qwen/Qwen2.5-Math-PRM-7B`):\n"+
			"each trace is sent to the server's /pooling endpoint as the problem and its steps, each followed by the\n"+
			"<extra_0> step tag, and the [negative, positive] pair returned per tag is stored as the step's score.")
	var f store.Filter
	filterFlags(fs, &f)
	url := fs.String("url", "", "the vLLM server's root, e.g. http://localhost:8000")
	model := fs.String("model", "", "the served model name")
	name := fs.String("name", "", "the PRM's name as an evidence source (default: --model)")
	keyEnv := fs.String("key-env", "", "the environment variable holding the server's API key, if it needs one")
	conc := fs.Int("concurrency", 4, "requests in flight")
	timeout := fs.Duration("timeout", 2*time.Minute, "one request's budget")
	force := fs.Bool("force", false, "score traces this PRM already scored")
	if code, ok := parseNoArgs(e, fs, args, &f); !ok {
		return code
	}
	if *url == "" || *model == "" {
		return usageError(e.stderr, fs, "--url and --model are required")
	}
	if !strings.HasPrefix(*url, "http://") && !strings.HasPrefix(*url, "https://") {
		return usageError(e.stderr, fs, "--url: want http:// or https://")
	}
	key := ""
	if *keyEnv != "" {
		if key = os.Getenv(*keyEnv); key == "" {
			return usageError(e.stderr, fs, fmt.Sprintf("--key-env: %s is not set", *keyEnv))
		}
	}
	db, code := openStore(e, false)
	if db == nil {
		return code
	}
	defer db.Close()
	c := prm.New(prm.Client{BaseURL: *url, Model: *model, APIKey: key, Concurrency: *conc, Timeout: *timeout})
	sum, err := judgerun.ScorePRM(ctx, db, f, c, judgerun.PRMScoreOptions{Name: *name, Force: *force,
		OnProgress: func(done, total int) {
			if e.isTerminal {
				fmt.Fprintf(e.stderr, "\r\x1b[Kscoring: %d/%d traces", done, total)
			}
		}})
	if e.isTerminal {
		fmt.Fprint(e.stderr, "\r\x1b[K")
	}
	for _, fe := range sum.Failed {
		fmt.Fprintln(e.stderr, fe)
	}
	fmt.Fprintf(e.stderr, "scored %d of %d traces with %s (%d already scored, %d failed)\n", sum.Scored, sum.Selected,
		c.Endpoint(), sum.Skipped, len(sum.Failed))
	switch {
	case errors.Is(err, context.Canceled):
		fmt.Fprintln(e.stderr, "stepwise prm score: cancelled; the traces scored so far are stored")
		return exitError
	case err != nil:
		fmt.Fprintln(e.stderr, "stepwise prm score:", err)
		return exitError
	case len(sum.Failed) > 0:
		return exitPartial
	}
	return exitOK
}
