package tui

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/stepwise-dev/stepwise"
	"github.com/stepwise-dev/stepwise/judge"
	"github.com/stepwise-dev/stepwise/judge/judgerun"
	"github.com/stepwise-dev/stepwise/store"
	"github.com/stepwise-dev/stepwise/themes/termsafe"
	"github.com/stepwise-dev/stepwise/tui/render"
)

// judgeScreen shows a judge run: live, as its stages stream in, or a saved
// one — criteria, then each analysis (generated code highlighted, with its
// sandboxed output), then the verdict — or the list of a trace's runs.
type judgeScreen struct {
	fixedSize
	noMouse
	c     *programContext
	lines []string
	top   int
	// runs lists the trace's saved runs (list mode), newest first.
	runs    []store.RunHead
	cursor  int
	listing bool

	run     *stepwise.Analysis // the run shown
	live    []liveStage        // stages of the running judge, in order
	running bool
	// job is the running judge's job: its events and result carry it.
	job      int
	req      int
	traceIDs []string
	// askReq tags the estimate of the run the user asked for, pairReq
	// the search for a trace to pair with.
	askReq, pairReq int
	// dirty: streamed text arrived since the last layout (flush).
	dirty bool
}

func newJudgeScreen(c *programContext) *judgeScreen { return &judgeScreen{c: c} }

func (j *judgeScreen) where() string   { return "judge view" }
func (j *judgeScreen) title() string   { return "judge" }
func (j *judgeScreen) hints() []action { return []action{actDown, actBack, actHelp} }

func (j *judgeScreen) update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case judgeReq:
		return j.ask(msg.ids...)
	case judgePairReq:
		return j.findPartner(msg.id)
	case partnerMsg:
		return j.partnerFound(msg)
	case judgeRunsReq:
		return j.list(msg.id)
	case judgeEstimateMsg:
		j.estimated(msg)
	case judgeEventMsg:
		j.streamed(msg)
	case judgeDoneMsg:
		j.done(msg)
	case judgeRunsMsg:
		j.runsLoaded(msg)
	case judgeRunMsg:
		j.runLoaded(msg)
	}
	return nil
}

// flush lays out the text streamed in since the last Update.
func (j *judgeScreen) flush() tea.Cmd {
	if j.dirty {
		j.dirty = false
		j.build()
	}
	return nil
}

// partnerMsg brings the trace a pairwise judge run pairs with id.
type partnerMsg struct {
	req     int
	id      string
	partner string
	err     error
}

// findPartner looks, in the background, for another trace of id's
// problem (one with the other outcome if there is one) to judge it against.
func (j *judgeScreen) findPartner(id string) tea.Cmd {
	j.pairReq = j.c.req()
	db, req := j.c.db, j.pairReq
	return func() tea.Msg {
		partner, err := judgerun.Partner(db, id)
		return partnerMsg{req: req, id: id, partner: partner, err: err}
	}
}

func (j *judgeScreen) partnerFound(msg partnerMsg) tea.Cmd {
	if msg.req != j.pairReq {
		return nil
	}
	if msg.err != nil || msg.partner == "" {
		err := msg.err
		if err == nil {
			err = errNoPartner
		}
		j.c.setError("pairwise judge: " + err.Error())
		return nil
	}
	return j.ask(msg.id, msg.partner)
}

// judgeEstimateMsg is the plan and estimate of a run the user asked for.
type judgeEstimateMsg struct {
	req   int
	ids   []string
	lines []string // judgerun.Describe
	err   error
}

// liveStage is a stage as it streams.
type liveStage struct {
	name  string
	text  string
	stage *stepwise.AnalysisStage // set when the stage finished
}

// judgeEventMsg is one event of a running judge: streamed text of a
// stage, a finished stage, the verdict.
type judgeEventMsg struct {
	job int
	e   judge.Event
}

// merge takes in more streamed text of the same stage, so that a model
// streaming hundreds of tokens a second is shown a few times a second.
func (a judgeEventMsg) merge(later tea.Msg) (tea.Msg, bool) {
	b, ok := later.(judgeEventMsg)
	if !ok || a.job != b.job || a.e.Kind != judge.EventDelta || b.e.Kind != judge.EventDelta ||
		a.e.Job != b.e.Job || a.e.StageName != b.e.StageName {
		return nil, false
	}
	if b.e.Restart {
		// The call is being retried: what it streamed is void.
		a.e.Delta, a.e.Restart = b.e.Delta, true
	} else {
		a.e.Delta += b.e.Delta
	}
	return a, true
}

// judgeEvery is how often a running judge's streamed text is shown.
const judgeEvery = 100 * time.Millisecond

type judgeDoneMsg struct {
	job   int
	saved judgerun.Saved
	err   error
}

type judgeRunsMsg struct {
	req  int
	runs []store.RunHead
	err  error
}

type judgeRunMsg struct {
	req int
	run *stepwise.Analysis
	err error
}

// ask estimates a judge run on one trace or a pair and asks before
// anything is sent: a long trace makes several requests of its whole text.
func (j *judgeScreen) ask(ids ...string) tea.Cmd {
	if !j.configured() {
		return nil
	}
	j.askReq = j.c.req()
	req, db, r := j.askReq, j.c.db, j.c.opts.Judge
	j.c.setInfo("estimating the judge run…")
	return func() tea.Msg {
		p, err := judgerun.PlanIDs(db, ids...)
		if err != nil {
			return judgeEstimateMsg{req: req, err: err}
		}
		est, err := judgerun.Estimate(db, r, p)
		lines := judgerun.Describe(r, p, est)
		for i := range lines {
			lines[i] = termsafe.Line(lines[i])
		}
		return judgeEstimateMsg{req: req, ids: ids, lines: lines, err: err}
	}
}

// estimated shows the plan and the estimate and asks for the go-ahead.
func (j *judgeScreen) estimated(msg judgeEstimateMsg) {
	if msg.req != j.askReq {
		return
	}
	if msg.err != nil {
		j.c.setError("judge: " + msg.err.Error())
		return
	}
	j.c.setInfo(strings.Join(msg.lines[:2], " · "))
	ids := msg.ids
	j.c.ask(newConfirm(j.c, strings.Join(msg.lines[2:], " · ")+" — send?", func() tea.Cmd {
		return j.start(ids...)
	}))
}

// configured says why the judge cannot run when it is not set up.
func (j *judgeScreen) configured() bool {
	if j.c.opts.Judge != nil {
		return true
	}
	why := "no judge configured"
	if j.c.opts.JudgeErr != nil {
		why = j.c.opts.JudgeErr.Error()
	}
	j.c.setError("judge: " + why)
	return false
}

// start runs the judge on one trace (single) or two (a pair of one problem).
func (j *judgeScreen) start(ids ...string) tea.Cmd {
	if !j.configured() {
		return nil
	}
	if j.c.current() != scrJudge {
		j.c.push(scrJudge)
	}
	*j = judgeScreen{c: j.c, running: true, traceIDs: ids, req: j.c.req()}
	mode := "single-trace"
	if len(ids) == 2 {
		mode = "pairwise"
	}
	db, r := j.c.db, j.c.opts.Judge
	var cmd tea.Cmd
	j.job, cmd = j.c.startJob(jobSpec{name: "judge " + mode, every: judgeEvery,
		run: func(ctx context.Context, out *jobOut) tea.Msg {
			saved, err := judgerun.Judge(ctx, db, r, func(e judge.Event) { out.send(judgeEventMsg{job: out.id, e: e}) }, ids...)
			return judgeDoneMsg{job: out.id, saved: saved, err: err}
		}})
	j.build()
	return cmd
}

// streamed folds a running judge's event into the view.
func (j *judgeScreen) streamed(msg judgeEventMsg) {
	if msg.job != j.job || !j.running {
		return
	}
	j.event(msg.e)
	j.dirty = j.c.current() == scrJudge
}

func (j *judgeScreen) event(e judge.Event) {
	switch e.Kind {
	case judge.EventStage:
		if e.Stage == nil {
			return
		}
		for i := range j.live {
			if j.live[i].name == e.Stage.Name && j.live[i].stage == nil {
				j.live[i].stage = e.Stage
				return
			}
		}
		j.live = append(j.live, liveStage{name: e.Stage.Name, stage: e.Stage})
	case judge.EventDelta:
		for i := range j.live {
			if j.live[i].name == e.StageName && j.live[i].stage == nil {
				if e.Restart {
					j.live[i].text = ""
				}
				j.live[i].text += e.Delta
				return
			}
		}
		j.live = append(j.live, liveStage{name: e.StageName, text: e.Delta})
	case judge.EventDone:
		j.run = e.Analysis
	}
}

func (j *judgeScreen) done(msg judgeDoneMsg) {
	if msg.job != j.job {
		return
	}
	j.running = false
	switch {
	case msg.err != nil && msg.saved.Analysis.ID == "":
		j.c.setError("judge: " + msg.err.Error())
	case msg.err != nil:
		j.c.setError("judge: " + msg.err.Error() + " (the partial run is saved)")
	default:
		j.c.setInfo(fmt.Sprintf("judge: %s, %d tokens, $%.4f — saved", orDash(msg.saved.Analysis.Verdict),
			msg.saved.Analysis.Usage.PromptTokens+msg.saved.Analysis.Usage.CompletionTokens, msg.saved.Analysis.Usage.CostUSD))
	}
	if msg.saved.Analysis.ID != "" {
		a := msg.saved.Analysis
		j.run = &a
	}
	if j.c.current() == scrJudge {
		j.build()
	}
	j.c.post(judgeFinishedMsg{})
}

// list shows the saved runs of a trace.
func (j *judgeScreen) list(id string) tea.Cmd {
	if j.c.current() != scrJudge {
		j.c.push(scrJudge)
	}
	*j = judgeScreen{c: j.c, listing: true, req: j.c.req(), traceIDs: []string{id}}
	db, req := j.c.db, j.req
	j.build()
	return func() tea.Msg {
		runs, err := db.Runs(id)
		return judgeRunsMsg{req: req, runs: runs, err: err}
	}
}

func (j *judgeScreen) runsLoaded(msg judgeRunsMsg) {
	if msg.req != j.req {
		return
	}
	if msg.err != nil {
		j.c.setError("judge runs: " + msg.err.Error())
	}
	j.runs = msg.runs
	j.build()
}

func (j *judgeScreen) runLoaded(msg judgeRunMsg) {
	if msg.req != j.req {
		return
	}
	if msg.err != nil {
		j.c.setError("judge run: " + msg.err.Error())
		return
	}
	j.listing, j.run, j.top = false, msg.run, 0
	j.build()
}

func (j *judgeScreen) handlers() []handler {
	return append(moveHandlers(j.key), on(actOpen, func() tea.Cmd { return j.key(actOpen) }))
}

// key moves through the runs (list mode) or scrolls the run shown.
func (j *judgeScreen) key(a action) tea.Cmd {
	h := j.c.bodyHeight()
	if j.listing {
		switch a {
		case actDown:
			j.cursor = min(j.cursor+1, max(0, len(j.runs)-1))
		case actUp:
			j.cursor = max(j.cursor-1, 0)
		case actOpen:
			if j.cursor >= len(j.runs) {
				j.c.setError("no judge runs on this trace yet: A runs the judge, P a pairwise comparison")
				return nil
			}
			j.req = j.c.req()
			db, req, seq := j.c.db, j.req, j.runs[j.cursor].Seq
			return func() tea.Msg {
				run, err := db.AnalysisSeq(seq)
				return judgeRunMsg{req: req, run: run, err: err}
			}
		}
		j.build()
		return nil
	}
	switch a {
	case actDown:
		j.top++
	case actUp:
		j.top--
	case actPageDown, actHalfDown:
		j.top += h / 2
	case actPageUp, actHalfUp:
		j.top -= h / 2
	case actTop:
		j.top = 0
	case actBottom:
		j.top = len(j.lines) - h
	}
	j.top = max(0, min(j.top, len(j.lines)-1))
	return nil
}

// build lays out the screen's lines.
func (j *judgeScreen) build() {
	w := j.c.width - 2
	var out []string
	add := func(l ...string) { out = append(out, l...) }
	para := func(text string, style func(...string) string) {
		for _, l := range wrapText(text, w-4) {
			add("    " + style(l))
		}
	}
	plain := func(s ...string) string { return strings.Join(s, "") }
	if j.listing {
		add(j.c.st.title.Render("Judge runs of "+termsafe.Line(strings.Join(j.traceIDs, ", "))), "")
		if len(j.runs) == 0 {
			add(j.c.st.muted.Render("  none yet: A runs the judge on a trace, P compares it with another trace of its problem"))
		}
		for i, r := range j.runs {
			line := fmt.Sprintf(" %-8s %-19s %-24s %-10s %s", r.Mode, r.Started.Local().Format("2006-01-02 15:04"),
				termsafe.Line(r.Model), termsafe.Line(orDash(r.Verdict)), termsafe.Line(r.Prompt))
			if i == j.cursor {
				line = j.c.st.selected.Render(padRight(line, j.c.width))
			}
			add(line)
		}
		j.lines = out
		return
	}
	title := "Judge"
	if j.running {
		title += " — running (ctrl+x cancels)"
	}
	add(j.c.st.title.Render(title+": "+termsafe.Line(strings.Join(j.traceIDs, " vs "))), "")
	if a := j.run; a != nil {
		add(kv(j.c, "model", a.Model+"  "+a.Endpoint), kv(j.c, "prompts", a.Prompt), kv(j.c, "verdict", orDash(a.Verdict)))
		if a.FirstError != nil {
			add(kv(j.c, "first error", firstErrorWord(*a.FirstError)))
		}
		if a.Pair != nil {
			add(kv(j.c, "orders", fmt.Sprintf("%s / %s — consistent: %v", orDash(a.Pair.Winners[0]), orDash(a.Pair.Winners[1]), a.Pair.Consistent)))
		}
		u := a.Usage
		add(kv(j.c, "usage", fmt.Sprintf("%d prompt + %d completion tokens (%d reasoning), %.1f s, $%.4f",
			u.PromptTokens, u.CompletionTokens, u.ReasoningTokens, u.LatencySeconds, u.CostUSD)))
		if a.Error != "" {
			add(j.c.st.bad.Render("  error: " + termsafe.Line(a.Error)))
		}
		if len(a.StepFlags) > 0 {
			add("", j.c.st.header.Render("flagged steps"))
			for _, f := range a.StepFlags {
				add(fmt.Sprintf("  %s step %d: %s", j.c.st.theme.Styles.Flag.Render(), f.Step, termsafe.Line(f.Reason)))
			}
		}
		if len(a.Criteria) > 0 {
			add("", j.c.st.header.Render("criteria"))
			for i, c := range a.Criteria {
				add(fmt.Sprintf("  %d. %s", i+1, termsafe.Line(c)))
			}
		}
	}
	stages := j.live
	if !j.running && j.run != nil && len(j.run.Stages) > 0 {
		stages = nil
		for i := range j.run.Stages {
			stages = append(stages, liveStage{name: j.run.Stages[i].Name, stage: &j.run.Stages[i]})
		}
	}
	for _, s := range stages {
		add("", j.c.st.header.Render("stage: "+termsafe.Line(s.name)))
		if s.stage == nil {
			para(s.text+" ▍", j.c.st.muted.Render)
			continue
		}
		st := s.stage
		if st.Criterion != "" {
			add(kv(j.c, "question", st.Criterion))
		}
		if st.Reasoning != "" {
			add(kv(j.c, "reasoning", ""))
			para(st.Reasoning, j.c.st.muted.Render)
		}
		if st.Output != "" {
			para(st.Output, plain)
		}
		if st.Code != "" {
			add(kv(j.c, "code", ""))
			res := j.c.render.Render(j.c.st.theme, render.Request{Format: render.Code, Lang: "python",
				ID: "judge/" + s.name + "/" + fmt.Sprint(len(st.Code)), Text: st.Code, Options: render.Options{Width: w - 4}})
			for _, l := range res.Lines {
				add("    " + l)
			}
		}
		if e := st.Exec; e != nil {
			add(kv(j.c, "ran", fmt.Sprintf("exit %d in %.2f s %s", e.ExitCode, e.Seconds, e.Killed)))
			if e.Stdout != "" {
				add(kv(j.c, "stdout", ""))
				para(e.Stdout, plain)
			}
			if e.Stderr != "" {
				add(kv(j.c, "stderr", ""))
				para(e.Stderr, j.c.st.bad.Render)
			}
		}
		if st.Error != "" {
			add(j.c.st.bad.Render("  failed: " + termsafe.Line(st.Error)))
		}
	}
	if j.running && len(stages) == 0 {
		add(j.c.st.muted.Render("  waiting for the model…"))
	}
	j.lines = out
	if j.running {
		j.top = max(0, len(j.lines)-j.c.bodyHeight()) // follow the stream
	}
}

func firstErrorWord(fe int) string {
	if fe < 0 {
		return "none: every step sound"
	}
	return fmt.Sprintf("step %d", fe)
}

func (j *judgeScreen) view() string {
	end := min(len(j.lines), j.top+j.c.bodyHeight())
	if j.top >= end {
		return ""
	}
	return strings.Join(j.lines[j.top:end], "\n")
}

// errNoPartner explains a pairwise request without a second trace.
var errNoPartner = errors.New("no other trace of this problem to compare with")
