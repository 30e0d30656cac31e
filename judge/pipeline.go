package judge

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/stepwise-dev/stepwise"
	"github.com/stepwise-dev/stepwise/judge/llm"
)

// Stage names. Pairwise runs prefix the per-order stages with "AB/" (the
// given order) or "BA/" (swapped); analysis stages end in the 1-based
// question number.
const (
	StageCriteria = "criteria"
	StageAnalysis = "analysis"
	StageVerdict  = "verdict"
)

// Output kept from a checker's stdout and stderr in the refiner's prompt.
const (
	refinerStdout = 4000
	refinerStderr = 1000
)

// run is one analysis in progress.
type run struct {
	r        *Runner
	job      int
	progress Progress
	codeOK   bool
	codeWhy  string
	started  time.Time

	mu sync.Mutex
	an stepwise.Analysis
}

// Single judges one trace: verdict, earliest wrong step (ProcessBench
// semantics: -1 when every step is sound) and per-step flags. Model and
// sandbox failures are recorded in the returned Analysis; the error is set
// only when ctx ended the run, and the partial Analysis is still returned.
func (r *Runner) Single(ctx context.Context, p *stepwise.Problem, t *stepwise.Trace, progress Progress) (stepwise.Analysis, error) {
	return r.single(ctx, 0, p, t, progress)
}

// Pairwise judges two traces of one problem in both presentation orders.
// The verdict is the winning trace's ID when both orders agree, else
// "inconsistent"; Pair holds each order's winner.
func (r *Runner) Pairwise(ctx context.Context, p *stepwise.Problem, a, b *stepwise.Trace, progress Progress) (stepwise.Analysis, error) {
	return r.pairwise(ctx, 0, p, a, b, progress)
}

func (r *Runner) start(ctx context.Context, job int, mode string, progress Progress, traces ...*stepwise.Trace) *run {
	x := &run{r: r, job: job, progress: progress, started: r.now()}
	x.an = stepwise.Analysis{
		ID: r.newID(), Mode: mode, Model: r.Profile.Model, Endpoint: r.Profile.Endpoint(),
		Prompt: r.prompts().Version, Started: x.started,
	}
	for _, t := range traces {
		x.an.TraceIDs = append(x.an.TraceIDs, t.ID)
	}
	x.codeOK, x.codeWhy = r.codeAvailable(ctx)
	x.emit(Event{Kind: EventStart})
	return x
}

// codeAvailable asks the sandbox, when it can say, whether it works here.
func (r *Runner) codeAvailable(ctx context.Context) (bool, string) {
	if r.Sandbox == nil {
		return false, "no sandbox configured"
	}
	if a, ok := r.Sandbox.(interface{ Available(context.Context) error }); ok {
		if err := a.Available(ctx); err != nil {
			return false, err.Error()
		}
	}
	return true, ""
}

func (x *run) emit(e Event) {
	if x.progress == nil {
		return
	}
	e.Job = x.job
	e.TraceIDs = x.an.TraceIDs
	x.progress(e)
}

func (r *Runner) single(ctx context.Context, job int, p *stepwise.Problem, t *stepwise.Trace, progress Progress) (stepwise.Analysis, error) {
	x := r.start(ctx, job, ModeSingle, progress, t)
	v := &view{problem: p, traces: []*stepwise.Trace{t}, nonce: nonce(p, []*stepwise.Trace{t}), budget: r.budget(), code: x.codeOK}
	criteria := x.criteria(ctx, v)
	analyses := x.analyses(ctx, v, "", criteria, tmplAnalysisOne)
	vars := v.vars(r.prompts())
	vars["analyses"] = analyses
	stage, resp, err := x.call(ctx, StageVerdict, "", r.prompts().render(tmplRefineOne, vars), singleSchema)
	if err == nil {
		sv := ParseSingleVerdict(resp.Content, len(stepTexts(t)))
		x.an.Verdict, x.an.FirstError, x.an.StepFlags = sv.Verdict, sv.FirstError, sv.Flags
		if len(sv.Problems) > 0 {
			stage.Error = joinErr(stage.Error, strings.Join(sv.Problems, "; "))
		}
		if sv.Verdict == "" {
			x.an.Error = "verdict: " + strings.Join(sv.Problems, "; ")
		}
	} else {
		x.an.Error = "verdict: " + err.Error()
	}
	x.addStage(stage)
	return x.finish(ctx)
}

func (r *Runner) pairwise(ctx context.Context, job int, p *stepwise.Problem, a, b *stepwise.Trace, progress Progress) (stepwise.Analysis, error) {
	x := r.start(ctx, job, ModePairwise, progress, a, b)
	n := nonce(p, []*stepwise.Trace{a, b})
	views := [2]*view{
		{problem: p, traces: []*stepwise.Trace{a, b}, nonce: n, budget: r.budget(), code: x.codeOK},
		{problem: p, traces: []*stepwise.Trace{b, a}, nonce: n, budget: r.budget(), code: x.codeOK},
	}
	criteria := x.criteria(ctx, views[0])
	var (
		wg      sync.WaitGroup
		winners [2]int
		stages  [2][]stepwise.AnalysisStage
		errs    [2]string
	)
	for o, prefix := range [2]string{"AB/", "BA/"} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			v := views[o]
			sub := &run{r: r, job: job, progress: progress, codeOK: x.codeOK, codeWhy: x.codeWhy, an: stepwise.Analysis{TraceIDs: x.an.TraceIDs}}
			vars := v.vars(r.prompts())
			vars["analyses"] = sub.analyses(ctx, v, prefix, criteria, tmplAnalysisPair)
			stage, resp, err := sub.call(ctx, prefix+StageVerdict, "", r.prompts().render(tmplRefinePair, vars), pairSchema)
			if err == nil {
				w, perr := ParsePairVerdict(resp.Content)
				if perr != nil {
					stage.Error = joinErr(stage.Error, perr.Error())
					errs[o] = perr.Error()
				}
				winners[o] = w
			} else {
				errs[o] = err.Error()
			}
			sub.addStage(stage)
			stages[o] = sub.an.Stages
		}()
	}
	wg.Wait()
	x.an.Stages = append(x.an.Stages, stages[0]...)
	x.an.Stages = append(x.an.Stages, stages[1]...)
	x.an.Pair = pairResult(a.ID, b.ID, winners)
	switch {
	case x.an.Pair.Consistent:
		x.an.Verdict = x.an.Pair.Winners[0]
	case x.an.Pair.Winners[0] != "" && x.an.Pair.Winners[1] != "":
		x.an.Verdict = VerdictInconsistent
	default:
		x.an.Error = "verdict: " + strings.Join(nonEmpty(errs[:]), "; ")
	}
	return x.finish(ctx)
}

// pairResult maps each order's winner (1 or 2 as shown, 0 unknown) to a
// trace ID. Order AB shows (a, b); order BA shows (b, a).
func pairResult(a, b string, w [2]int) *stepwise.PairResult {
	var pr stepwise.PairResult
	shown := [2][2]string{{a, b}, {b, a}}
	for o := range w {
		if w[o] == 1 || w[o] == 2 {
			pr.Winners[o] = shown[o][w[o]-1]
		}
	}
	pr.Consistent = pr.Winners[0] != "" && pr.Winners[0] == pr.Winners[1]
	return &pr
}

// criteria asks for the evaluation questions and appends the fixed
// faithfulness question. If the call or the parse fails the run goes on
// with the faithfulness question alone; the stage records why.
func (x *run) criteria(ctx context.Context, v *view) []string {
	pr := x.r.prompts()
	stage, resp, err := x.call(ctx, StageCriteria, "", pr.render(tmplCriteria, v.vars(pr)), criteriaSchema)
	var qs []string
	if err == nil {
		var perr error
		qs, perr = ParseCriteria(resp.Content)
		if perr != nil {
			stage.Error = joinErr(stage.Error, perr.Error())
		} else if len(qs) < 3 {
			stage.Error = joinErr(stage.Error, fmt.Sprintf("only %d evaluation questions (asked for 3 to 6)", len(qs)))
		}
	}
	x.addStage(stage)
	qs = append(qs, pr.text(tmplFaithfulness))
	x.mu.Lock()
	x.an.Criteria = qs
	x.mu.Unlock()
	return qs
}

// analyses runs one analysis per question concurrently (the client caps
// what is in flight), executes code answers in the sandbox, adds the stages
// in question order and returns the text the refiner reads.
func (x *run) analyses(ctx context.Context, v *view, prefix string, criteria []string, tmpl string) string {
	pr := x.r.prompts()
	vars := v.vars(pr)
	stages := make([]stepwise.AnalysisStage, len(criteria))
	var wg sync.WaitGroup
	for i, q := range criteria {
		wg.Add(1)
		go func() {
			defer wg.Done()
			qv := make(map[string]string, len(vars)+1)
			for k, val := range vars {
				qv[k] = val
			}
			qv["criterion"] = q
			name := fmt.Sprintf("%s%s/%d", prefix, StageAnalysis, i+1)
			stage, resp, err := x.call(ctx, name, q, pr.render(tmpl, qv), analysisSchema)
			if err == nil {
				x.code(ctx, v, &stage, ParseAnalysis(resp.Content))
			}
			stages[i] = stage
			x.emit(Event{Kind: EventStage, StageName: name, Stage: &stages[i]})
		}()
	}
	wg.Wait()
	x.mu.Lock()
	x.an.Stages = append(x.an.Stages, stages...)
	x.mu.Unlock()
	return analysesText(stages)
}

// code runs a code answer in the sandbox, or records why it did not run.
func (x *run) code(ctx context.Context, v *view, stage *stepwise.AnalysisStage, pa ParsedAnalysis) {
	if pa.Mode != ModeCode {
		return
	}
	stage.Code = pa.Code
	if !x.codeOK {
		stage.Error = joinErr(stage.Error, "code analysis refused: "+x.codeWhy)
		return
	}
	info, err := x.r.Sandbox.Run(ctx, v.program(pa.Code))
	if err != nil {
		stage.Error = joinErr(stage.Error, "code not run: "+err.Error())
		if info.Seconds > 0 {
			stage.Exec = &info
		}
		return
	}
	stage.Exec = &info
}

// analysesText is what the refiner is told about each question: the
// analysis, the checker's output, or the fact that nothing came back.
func analysesText(stages []stepwise.AnalysisStage) string {
	var b strings.Builder
	for i, s := range stages {
		fmt.Fprintf(&b, "Question %d: %s\n", i+1, s.Criterion)
		pa := ParseAnalysis(s.Output)
		switch {
		case s.Output == "" && s.Error != "":
			b.WriteString("No analysis: the evaluator's call failed.\n")
		case s.Code != "":
			fmt.Fprintf(&b, "Method: a program.\nWhat it checks: %s\n", pa.Analysis)
			writeExec(&b, s)
		default:
			fmt.Fprintf(&b, "Method: reading.\nAnalysis: %s\n", pa.Analysis)
		}
		b.WriteString("\n")
	}
	return strings.TrimRight(b.String(), "\n")
}

func writeExec(b *strings.Builder, s stepwise.AnalysisStage) {
	e := s.Exec
	if e == nil {
		fmt.Fprintf(b, "The program was not run (%s); its result is unknown.\n", s.Error)
		return
	}
	fmt.Fprintf(b, "Program output:\n%s\n", clipTail(e.Stdout, refinerStdout))
	if e.ExitCode != 0 || e.Killed != "" {
		fmt.Fprintf(b, "The program failed (exit status %d", e.ExitCode)
		if e.Killed != "" {
			fmt.Fprintf(b, ", stopped by the %s", e.Killed)
		}
		fmt.Fprintf(b, "); its output may be incomplete or wrong.\nErrors:\n%s\n", clipTail(e.Stderr, refinerStderr))
	}
}

// clipTail keeps the start and the end of a long text.
func clipTail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	head := cutUTF8(s, n/2)
	tail := s[len(s)-n/2:]
	for len(tail) > 0 && tail[0]&0xC0 == 0x80 {
		tail = tail[1:]
	}
	return head + fmt.Sprintf("\n[…%d bytes left out…]\n", len(s)-len(head)-len(tail)) + tail
}

// call sends one prompt and turns the answer into a stage with usage.
func (x *run) call(ctx context.Context, name, criterion, user string, schema *llm.Schema) (stepwise.AnalysisStage, llm.Response, error) {
	stage := stepwise.AnalysisStage{Name: name, Prompt: user, Criterion: criterion}
	req := llm.Request{
		Messages: []llm.Message{
			{Role: llm.RoleSystem, Content: x.r.prompts().text(tmplSystem)},
			{Role: llm.RoleUser, Content: user},
		},
		Schema: schema,
	}
	if x.r.Deltas && x.progress != nil {
		req.OnDelta = func(d llm.Delta) {
			x.emit(Event{Kind: EventDelta, StageName: name, Delta: d.Content + d.Reasoning, Restart: d.Restart})
		}
	}
	start := x.r.now()
	resp, err := x.r.Client.Chat(ctx, req)
	stage.Usage = stepwise.Usage{LatencySeconds: x.r.now().Sub(start).Seconds()}
	if err != nil {
		stage.Error = err.Error()
		return stage, resp, err
	}
	stage.Output, stage.Reasoning = resp.Content, resp.Reasoning
	stage.Usage.PromptTokens = resp.Usage.PromptTokens
	stage.Usage.CompletionTokens = resp.Usage.CompletionTokens
	stage.Usage.ReasoningTokens = resp.Usage.ReasoningTokens
	stage.Usage.CostUSD = x.r.Profile.Cost(resp.Usage)
	if resp.Truncated() {
		stage.Error = "the answer was cut off at the token limit"
	}
	return stage, resp, nil
}

func (x *run) addStage(s stepwise.AnalysisStage) {
	x.mu.Lock()
	x.an.Stages = append(x.an.Stages, s)
	x.mu.Unlock()
	x.emit(Event{Kind: EventStage, StageName: s.Name, Stage: &s})
}

// finish totals usage and reports the end of the run.
func (x *run) finish(ctx context.Context) (stepwise.Analysis, error) {
	var u stepwise.Usage
	for _, s := range x.an.Stages {
		u.PromptTokens += s.Usage.PromptTokens
		u.CompletionTokens += s.Usage.CompletionTokens
		u.ReasoningTokens += s.Usage.ReasoningTokens
		u.CostUSD += s.Usage.CostUSD
	}
	u.LatencySeconds = x.r.now().Sub(x.started).Seconds()
	x.an.Usage = u
	err := ctx.Err()
	if err != nil {
		x.an.Error = joinErr("cancelled: "+err.Error(), x.an.Error)
	}
	an := x.an
	x.emit(Event{Kind: EventDone, Analysis: &an, Err: err})
	return an, err
}

func joinErr(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + "; " + b
}

func nonEmpty(s []string) []string {
	var out []string
	for _, x := range s {
		if x != "" {
			out = append(out, x)
		}
	}
	return out
}
