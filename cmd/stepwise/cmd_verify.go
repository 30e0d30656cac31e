package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/stepwise-dev/stepwise"
	"github.com/stepwise-dev/stepwise/cmd/stepwise/config"
	"github.com/stepwise-dev/stepwise/judge/llm"
	"github.com/stepwise-dev/stepwise/store"
	"github.com/stepwise-dev/stepwise/themes/termsafe"
	"github.com/stepwise-dev/stepwise/verify"
	"github.com/stepwise-dev/stepwise/verify/verifyrun"
)

func runVerify(ctx context.Context, e *env, args []string) int {
	fs := newFlags(e, "verify", "[filters] [--trace ID]... [flags]",
		"Formalize and check the steps of the matching traces: imported Lean statements are re-checked, arithmetic\n"+
			"in the text is formalized by rule, and (with --autoformalize) other steps by an LLM. Results are saved\n"+
			"with the traces and cached by content, so checking again costs no backend call.")
	var f store.Filter
	filterFlags(fs, &f)
	var traces, steps listFlag
	fs.Var(&traces, "trace", "check this trace (id, source id or unique prefix); repeat for more")
	fs.Var(&steps, "step", "with one --trace: check only this 0-based step; repeat for more")
	backend := fs.String("backend", "", "use only this backend (see `stepwise doctor`)")
	timeout := fs.Duration("timeout", 0, "budget of one check (default: the configuration's, 5s SMT and 60s Lean)")
	concurrency := fs.Int("concurrency", 0, "checks at once (default: the configuration's, else the CPU count)")
	noCache := fs.Bool("no-cache", false, "check again even when a result is cached")
	auto := fs.String("autoformalize", "", "LLM formalizer for steps with nothing found to check: a [judge.profiles] name, or none (default: [verify] autoformalize)")
	asJSON := fs.Bool("json", false, "print one JSON object per checked formalization")
	quiet := fs.Bool("quiet", false, "no progress line and no per-problem lines (summary only)")
	pos, err := parse(fs, args)
	if err != nil {
		return flagExit(err)
	}
	if len(pos) > 0 {
		return usageError(e.stderr, fs, fmt.Sprintf("unexpected argument %q (trace ids go after --trace)", pos[0]))
	}
	target, msg := verifyTarget(f, traces, steps)
	if msg != "" {
		return usageError(e.stderr, fs, msg)
	}
	if *concurrency < 0 || *timeout < 0 {
		return usageError(e.stderr, fs, "--concurrency and --timeout must not be negative")
	}
	cfgFile, err := config.Load()
	if err != nil {
		fmt.Fprintln(e.stderr, "stepwise verify:", err)
		return exitUsage
	}
	cfg, err := cfgFile.Verify.EngineConfig(os.Getenv)
	if err != nil {
		fmt.Fprintln(e.stderr, "stepwise verify:", err)
		return exitUsage
	}
	if *concurrency > 0 {
		cfg.Concurrency = *concurrency
	}
	opts := verifyrun.Options{Backend: *backend, Timeout: *timeout, NoCache: *noCache}
	if opts.Auto, err = autoFormalizer(cfgFile, *auto); err != nil {
		fmt.Fprintln(e.stderr, "stepwise verify:", err)
		return exitUsage
	}
	db, code := openStore(e, false)
	if db == nil {
		return code
	}
	defer db.Close()
	v := verifyrun.New(db, cfg)
	defer v.Close()
	out := newVerifyOutput(e, *asJSON, *quiet)
	sum, err := v.Run(ctx, target, opts, out.update)
	out.finish()
	switch {
	case !*asJSON:
		printVerifySummary(e.stdout, sum)
	case !*quiet:
		printVerifySummary(e.stderr, sum) // stdout carries the JSON lines
	}
	var amb *store.AmbiguousError
	switch {
	case errors.Is(err, context.Canceled):
		fmt.Fprintf(e.stderr, "stepwise verify: interrupted; %d traces saved, run the same command to finish (cached checks cost nothing)\n", sum.TracesSaved)
		return exitError
	case errors.Is(err, store.ErrNotFound) || errors.As(err, &amb):
		fmt.Fprintln(e.stderr, "stepwise verify:", termsafe.Line(err.Error()))
		return exitNotFound
	case err != nil:
		return failed(e, "stepwise verify:", err)
	}
	return exitOK
}

// verifyTarget checks the flag combination and builds the run's target.
func verifyTarget(f store.Filter, traces, steps listFlag) (verifyrun.Target, string) {
	if err := f.Validate(); err != nil {
		return verifyrun.Target{}, err.Error()
	}
	t := verifyrun.Target{Filter: f, TraceIDs: traces}
	if len(steps) > 0 {
		if len(traces) != 1 {
			return t, "--step needs exactly one --trace"
		}
		for _, s := range steps {
			var n int
			if _, err := fmt.Sscanf(s, "%d", &n); err != nil || n < 0 || fmt.Sprint(n) != s {
				return t, fmt.Sprintf("--step %q: want a step number counted from 0", s)
			}
			t.Steps = append(t.Steps, n)
		}
	}
	return t, ""
}

// autoFormalizer builds the LLM formalizer the flag or the configuration
// names; nil when none is.
func autoFormalizer(c *config.Config, flagValue string) (*verify.AutoFormalizer, error) {
	name := c.Verify.Autoformalize
	if flagValue != "" {
		name = flagValue
	}
	if name == "" || name == "none" {
		return nil, nil
	}
	p, err := c.Judge.ResolveProfile(name, os.Getenv)
	if err != nil {
		return nil, fmt.Errorf("autoformalize: %w", err)
	}
	client, err := llm.NewOpenAI(p)
	if err != nil {
		return nil, fmt.Errorf("autoformalize: %w", err)
	}
	return &verify.AutoFormalizer{LLM: client, Tries: c.Verify.AutoformalizeTries}, nil
}

// listFlag collects a repeated flag.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }

var _ flag.Value = (*listFlag)(nil)

// verifyOutput prints results as they come: JSON lines, or (as text) the
// results worth a look, above a progress line on a terminal.
type verifyOutput struct {
	e      *env
	w      *bufio.Writer
	enc    *json.Encoder
	quiet  bool
	bar    bool
	last   time.Time
	drawn  bool
	counts map[stepwise.ProofStatus]int
}

func newVerifyOutput(e *env, asJSON, quiet bool) *verifyOutput {
	o := &verifyOutput{e: e, w: bufio.NewWriterSize(e.stdout, 64<<10), quiet: quiet,
		bar: e.isTerminal && !quiet && !asJSON, counts: map[stepwise.ProofStatus]int{}}
	if asJSON {
		o.enc = json.NewEncoder(o.w)
		o.enc.SetEscapeHTML(false)
	}
	return o
}

// notable statuses are printed one per line in text mode.
var notable = map[stepwise.ProofStatus]bool{stepwise.StatusDisproved: true, stepwise.StatusVacuous: true,
	stepwise.StatusFailed: true, stepwise.StatusTimeout: true, stepwise.StatusBackendError: true,
	stepwise.StatusStatementError: true, stepwise.StatusSorry: true}

func (o *verifyOutput) update(u verifyrun.Update) {
	if r := u.Result; r != nil {
		o.counts[r.Formalization.Status]++
		switch {
		case o.enc != nil:
			o.enc.Encode(verifyRow(r))
		case !o.quiet && notable[r.Formalization.Status]:
			o.clearBar()
			fmt.Fprintln(o.w, problemLine(r))
			o.w.Flush()
		}
	}
	o.progress(u.Progress)
}

func (o *verifyOutput) progress(p verifyrun.Progress) {
	if !o.bar || time.Since(o.last) < 100*time.Millisecond {
		return
	}
	o.last = time.Now()
	frac := 0.0
	if p.Traces > 0 {
		frac = float64(p.TracesDone) / float64(p.Traces)
	}
	const width = 24
	done := int(frac * width)
	fmt.Fprintf(o.e.stderr, "\r\x1b[K%s %3.0f%%  %d/%d traces  %d/%d checks  %d proved  %d disproved",
		strings.Repeat("█", done)+strings.Repeat("░", width-done), frac*100, p.TracesDone, p.Traces,
		p.ChecksDone, p.Checks, o.counts[stepwise.StatusProved], o.counts[stepwise.StatusDisproved])
	o.drawn = true
}

func (o *verifyOutput) clearBar() {
	if o.drawn {
		fmt.Fprint(o.e.stderr, "\r\x1b[K")
		o.drawn = false
	}
}

func (o *verifyOutput) finish() {
	o.clearBar()
	o.w.Flush()
}

// problemLine is one result worth a look, e.g.
// "disproved  gsm8k:1a2b#3  130000 * 0.15 = 195000  [rational: 130000 * 0.15 = 19500]".
func problemLine(r *verifyrun.StepResult) string {
	f := r.Formalization
	what := f.Statement
	if r.Claim != nil && r.Claim.Text != "" {
		what = r.Claim.Text
	}
	line := fmt.Sprintf("%-15s %s#%d  %s", f.Status, termsafe.Line(r.TraceID), r.Step, termsafe.Line(oneLine(what, 100)))
	detail := r.Result.Evidence.Counterexample
	if detail == "" {
		detail = r.Result.Detail
	}
	if detail != "" {
		line += "  [" + f.Backend + ": " + termsafe.Line(oneLine(detail, 100)) + "]"
	}
	return line
}

func oneLine(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}

// verifyJSON is the stable `verify --json` row: one checked formalization.
type verifyJSON struct {
	TraceID string `json:"trace_id"`
	Step    int    `json:"step"`
	// Index is the formalization's place among the step's checks.
	Index  int    `json:"index"`
	Origin string `json:"origin"`
	// Claim and ClaimSource are set for rule-based formalizations: the
	// arithmetic as found in the text, and how (calc, equation, latex, percent).
	Claim       string          `json:"claim,omitempty"`
	ClaimSource string          `json:"claim_source,omitempty"`
	Statement   string          `json:"statement"`
	Proof       string          `json:"proof,omitempty"`
	Status      string          `json:"status"`
	Claimed     string          `json:"claimed,omitempty"`
	Backend     string          `json:"backend"`
	Toolchain   string          `json:"toolchain,omitempty"`
	Messages    []string        `json:"messages,omitempty"`
	Evidence    verify.Evidence `json:"evidence"`
	Tried       []string        `json:"tried,omitempty"`
	ElapsedMS   float64         `json:"elapsed_ms"`
	Cached      bool            `json:"cached"`
	CacheKey    string          `json:"cache_key,omitempty"`
}

func verifyRow(r *verifyrun.StepResult) verifyJSON {
	f := r.Formalization
	row := verifyJSON{TraceID: r.TraceID, Step: r.Step, Index: r.Index, Origin: string(f.Origin),
		Statement: f.Statement, Proof: f.Proof, Status: string(f.Status), Claimed: string(r.Claimed),
		Backend: f.Backend, Toolchain: f.Toolchain, Messages: f.Messages, Evidence: r.Result.Evidence,
		Tried: r.Result.Tried, ElapsedMS: f.ElapsedMS, Cached: r.Result.Cached, CacheKey: f.CacheKey}
	if r.Claim != nil {
		row.Claim, row.ClaimSource = r.Claim.Text, r.Claim.Source
	}
	return row
}

// statusOrder is the summary's order: successes, refutations, the rest.
var statusOrder = []stepwise.ProofStatus{stepwise.StatusProved, stepwise.StatusProvedTrustingCompiler,
	stepwise.StatusDisproved, stepwise.StatusVacuous, stepwise.StatusFailed, stepwise.StatusSorry,
	stepwise.StatusStatementError, stepwise.StatusTimeout, stepwise.StatusBackendError,
	stepwise.StatusUnsupported, stepwise.StatusSkipped, stepwise.StatusStored}

// printVerifySummary writes the counts by status.
func printVerifySummary(w io.Writer, s verifyrun.Summary) {
	fmt.Fprintf(w, "checked %d formalizations in %d steps of %d traces in %s (%d traces saved)\n",
		s.ChecksDone, s.Steps, s.TracesDone, s.Elapsed.Round(time.Millisecond), s.TracesSaved)
	seen := map[stepwise.ProofStatus]bool{}
	for _, st := range statusOrder {
		seen[st] = true
		if n := s.ByStatus[st]; n > 0 {
			fmt.Fprintf(w, "  %-26s %d\n", st, n)
		}
	}
	for _, st := range sortedKeys(statusMap(s.ByStatus)) {
		if !seen[stepwise.ProofStatus(st)] {
			fmt.Fprintf(w, "  %-26s %d\n", termsafe.Line(st), s.ByStatus[stepwise.ProofStatus(st)])
		}
	}
	fmt.Fprintf(w, "backend calls %d, cached %d, joined in flight %d\n", s.BackendCalls, s.CacheHits, s.Deduped)
}

func statusMap(m map[stepwise.ProofStatus]int) map[string]int {
	out := make(map[string]int, len(m))
	for k, v := range m {
		out[string(k)] = v
	}
	return out
}
