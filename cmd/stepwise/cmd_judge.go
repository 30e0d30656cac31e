package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/stepwise-dev/stepwise"
	"github.com/stepwise-dev/stepwise/cmd/stepwise/config"
	"github.com/stepwise-dev/stepwise/judge"
	"github.com/stepwise-dev/stepwise/judge/judgerun"
	"github.com/stepwise-dev/stepwise/store"
	"github.com/stepwise-dev/stepwise/themes/termsafe"
)

// judgeFlags are `stepwise judge`'s own flags.
type judgeFlags struct {
	filter                        store.Filter
	pairwise, asJSON, yes, dryRun bool
	noCode, agreement             bool
	profile, model, prompts       string
	concurrency                   int
	fs                            *flag.FlagSet
	ids                           []string
}

func parseJudgeFlags(e *env, args []string) (*judgeFlags, int) {
	j := &judgeFlags{}
	fs := newFlags(e, "judge", "[filters] | ID [ID2]",
		"Judge traces with an LLM (ARJudge-style: questions, analyses, verdict) and store every run.\n"+
			"One ID judges that trace, two judge them as a pair; otherwise the filters select the traces.\n"+
			"The token and cost estimate is shown first; on a terminal you confirm it (--yes skips).")
	j.fs = fs
	filterFlags(fs, &j.filter)
	fs.BoolVar(&j.pairwise, "pairwise", false, "judge pairs of traces of the same problem (correct against wrong first); --limit and --offset count pairs")
	fs.BoolVar(&j.asJSON, "json", false, "one JSON object per finished analysis per line")
	fs.BoolVar(&j.yes, "yes", false, "start without asking")
	fs.BoolVar(&j.dryRun, "dry-run", false, "print the estimate and stop; nothing is sent")
	fs.BoolVar(&j.noCode, "no-code", false, "no code analyses (the sandbox is not used)")
	fs.BoolVar(&j.agreement, "agreement", false, "print stored runs' agreement with the dataset's labels (and with --annotator's marks); nothing is sent")
	fs.StringVar(&j.profile, "profile", "", "judge profile from the config file's [judge.profiles.NAME] (default: [judge] profile)")
	fs.StringVar(&j.model, "judge-model", "", "the judge's model name, overriding the profile's")
	fs.StringVar(&j.prompts, "prompts", "", "directory of prompt overrides (NAME.txt, see judge/README.md)")
	fs.IntVar(&j.concurrency, "concurrency", 0, "jobs at once (default: the config's [judge] concurrency, else the profile's request cap)")
	pos, err := parse(fs, args)
	if err != nil {
		return nil, flagExit(err)
	}
	if err := j.filter.Validate(); err != nil {
		return nil, usageError(e.stderr, fs, err.Error())
	}
	j.ids = pos
	switch {
	case len(pos) > 2:
		return nil, usageError(e.stderr, fs, "give one trace id, two for a pair, or filters")
	case len(pos) > 0 && j.pairwise:
		return nil, usageError(e.stderr, fs, "--pairwise pairs a filter's traces; for one pair give its two ids")
	case len(pos) > 0 && !j.filter.IsZero():
		return nil, usageError(e.stderr, fs, "give trace ids or filters, not both")
	case j.concurrency < 0:
		return nil, usageError(e.stderr, fs, "--concurrency must not be negative")
	}
	return j, exitOK
}

func runJudge(ctx context.Context, e *env, args []string) int {
	j, code := parseJudgeFlags(e, args)
	if j == nil {
		return code
	}
	if j.agreement {
		return runAgreement(ctx, e, j)
	}
	cfg, err := config.Load()
	if err != nil {
		return failed(e, "stepwise judge:", err)
	}
	r, err := judgerun.NewRunner(cfg.Judge, judgerun.Options{Profile: j.profile, Model: j.model, Prompts: j.prompts,
		ConfigDir: cfg.Dir, NoCode: j.noCode})
	if err != nil {
		fmt.Fprintln(e.stderr, "stepwise judge:", err)
		if errors.Is(err, judgerun.ErrNoModel) {
			return exitUsage
		}
		return exitError
	}
	db, code := openStore(e, j.dryRun)
	if db == nil {
		return code
	}
	defer db.Close()
	plan, code := makePlan(e, db, j)
	if plan == nil {
		return code
	}
	if len(plan.Units) == 0 {
		fmt.Fprintln(e.stderr, "stepwise judge: no traces match; nothing to judge")
		return exitOK
	}
	est, err := judgerun.Estimate(db, r, plan)
	if err != nil {
		return failed(e, "stepwise judge:", err)
	}
	if j.dryRun {
		if j.asJSON {
			writeJSON(e.stdout, estimateJSON(r, plan, est))
		} else {
			printEstimate(e.stdout, r, plan, est)
		}
		return exitOK
	}
	printEstimate(e.stderr, r, plan, est)
	if e.isTerminal && !j.yes && !confirm(e, "Start? [y/N] ") {
		fmt.Fprintln(e.stderr, "stepwise judge: not started; nothing was sent")
		return exitError
	}
	conc := j.concurrency
	if conc == 0 {
		conc = cfg.Judge.Concurrency
	}
	return judgeBatch(ctx, e, db, r, plan, conc, j.asJSON)
}

func makePlan(e *env, db *store.DB, j *judgeFlags) (*judgerun.Plan, int) {
	var (
		plan *judgerun.Plan
		err  error
	)
	if len(j.ids) > 0 {
		plan, err = judgerun.PlanIDs(db, j.ids...)
	} else {
		plan, err = judgerun.PlanFilter(db, j.filter, j.pairwise)
	}
	if err != nil {
		fmt.Fprintln(e.stderr, "stepwise judge:", termsafe.Line(err.Error()))
		var amb *store.AmbiguousError
		if errors.Is(err, store.ErrNotFound) || errors.As(err, &amb) {
			return nil, exitNotFound
		}
		return nil, exitUsage
	}
	return plan, exitOK
}

// confirm asks on the terminal and reads one line of stdin.
func confirm(e *env, question string) bool {
	fmt.Fprint(e.stderr, question)
	line, _ := bufio.NewReader(e.stdin).ReadString('\n')
	switch strings.ToLower(strings.TrimSpace(line)) {
	case "y", "yes":
		return true
	}
	return false
}

func printEstimate(w io.Writer, r *judge.Runner, p *judgerun.Plan, est judge.Estimate) {
	for _, l := range judgerun.Describe(r, p, est) {
		fmt.Fprintln(w, termsafe.Line(l))
	}
}

// estimateJSON is the `judge --dry-run --json` object.
func estimateJSON(r *judge.Runner, p *judgerun.Plan, est judge.Estimate) map[string]any {
	mode := judge.ModeSingle
	if p.Pairwise {
		mode = judge.ModePairwise
	}
	return map[string]any{
		"jobs": est.Jobs, "mode": mode, "traces": p.Traces(), "mixed_pairs": p.Mixed, "unpaired": p.Unpaired,
		"model": r.Profile.Model, "endpoint": r.Profile.Endpoint(), "prompt_version": r.Prompts.Version,
		"calls": est.Calls, "prompt_tokens": est.PromptTokens, "completion_tokens": est.CompletionTokens,
		"max_completion_tokens": est.MaxCompletionTokens, "cost_usd": est.CostUSD, "max_cost_usd": est.MaxCostUSD,
	}
}

// thousands writes 123456 as 123,456.

// analysisRow is the stable `judge --json` line.
type analysisRow struct {
	ID            string   `json:"id"`
	Run           uint64   `json:"run"`
	TraceIDs      []string `json:"trace_ids"`
	Mode          string   `json:"mode"`
	Model         string   `json:"model"`
	PromptVersion string   `json:"prompt_version"`
	Verdict       string   `json:"verdict"`
	FirstError    *int     `json:"first_error"`
	Flags         []int    `json:"flags"`
	// Consistent and Winners are set for pairwise runs only.
	Consistent *bool      `json:"consistent,omitempty"`
	Winners    *[2]string `json:"winners,omitempty"`
	Tokens     struct {
		Prompt     int `json:"prompt"`
		Completion int `json:"completion"`
		Reasoning  int `json:"reasoning"`
	} `json:"tokens"`
	CostUSD float64 `json:"cost_usd"`
	Seconds float64 `json:"seconds"`
	Error   string  `json:"error,omitempty"`
}

func rowOf(seq uint64, a *stepwise.Analysis) analysisRow {
	row := analysisRow{ID: a.ID, Run: seq, TraceIDs: a.TraceIDs, Mode: a.Mode, Model: a.Model, PromptVersion: a.Prompt,
		Verdict: a.Verdict, FirstError: a.FirstError, Flags: []int{}, CostUSD: a.Usage.CostUSD,
		Seconds: a.Usage.LatencySeconds, Error: a.Error}
	for _, f := range a.StepFlags {
		row.Flags = append(row.Flags, f.Step)
	}
	if a.Pair != nil {
		c, w := a.Pair.Consistent, a.Pair.Winners
		row.Consistent, row.Winners = &c, &w
	}
	row.Tokens.Prompt, row.Tokens.Completion, row.Tokens.Reasoning = a.Usage.PromptTokens, a.Usage.CompletionTokens, a.Usage.ReasoningTokens
	return row
}

// resultLine is one finished analysis for people.
func resultLine(seq uint64, a *stepwise.Analysis) string {
	var b strings.Builder
	fmt.Fprintf(&b, "#%d %s  %s", seq, termsafe.Line(strings.Join(a.TraceIDs, " vs ")), verdictText(a))
	fmt.Fprintf(&b, "  %s tokens  $%.4f", judgerun.Thousands(a.Usage.PromptTokens+a.Usage.CompletionTokens), a.Usage.CostUSD)
	if a.Error != "" {
		fmt.Fprintf(&b, "  error: %s", termsafe.Line(clipText(a.Error, 160)))
	}
	return b.String()
}

func verdictText(a *stepwise.Analysis) string {
	switch {
	case a.Verdict == "":
		return "no verdict"
	case a.Pair != nil && a.Pair.Consistent:
		return "winner " + termsafe.Line(a.Verdict)
	case a.Pair != nil:
		return "inconsistent (the two orders disagree)"
	}
	s := termsafe.Line(a.Verdict) // an enum when parsed; a stored record is still data
	if a.FirstError != nil {
		s += ", first error " + firstErrText(a.FirstError)
	}
	if len(a.StepFlags) > 0 {
		var steps []string
		for _, f := range a.StepFlags {
			steps = append(steps, fmt.Sprint(f.Step))
		}
		s += ", flags " + strings.Join(steps, ",")
	}
	return s
}

func clipText(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && s[n]&0xC0 == 0x80 {
		n--
	}
	return s[:n] + "…"
}
