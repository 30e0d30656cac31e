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
	// askReq tags the estimate of the run the user asked for.
	askReq int
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
func (j *judgeScreen) ask(m *Model, ids ...string) tea.Cmd {
	if !j.configured(m) {
		return nil
	}
	j.askReq = m.req()
	req, db, r := j.askReq, m.db, m.opts.Judge
	m.setInfo("estimating the judge run…")
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
func (j *judgeScreen) estimated(m *Model, msg judgeEstimateMsg) {
	if msg.req != j.askReq {
		return
	}
	if msg.err != nil {
		m.setError("judge: " + msg.err.Error())
		return
	}
	m.setInfo(strings.Join(msg.lines[:2], " · "))
	ids := msg.ids
	m.prompt = newConfirm(m, strings.Join(msg.lines[2:], " · ")+" — send?", func() tea.Cmd {
		return j.start(m, ids...)
	})
}

// configured says why the judge cannot run when it is not set up.
func (j *judgeScreen) configured(m *Model) bool {
	if m.opts.Judge != nil {
		return true
	}
	why := "no judge configured"
	if m.opts.JudgeErr != nil {
		why = m.opts.JudgeErr.Error()
	}
	m.setError("judge: " + why)
	return false
}

// start runs the judge on one trace (single) or two (a pair of one problem).
func (j *judgeScreen) start(m *Model, ids ...string) tea.Cmd {
	if !j.configured(m) {
		return nil
	}
	if m.current() != scrJudge {
		m.push(scrJudge)
	}
	*j = judgeScreen{running: true, traceIDs: ids, req: m.req()}
	mode := "single-trace"
	if len(ids) == 2 {
		mode = "pairwise"
	}
	db, r := m.db, m.opts.Judge
	var cmd tea.Cmd
	j.job, cmd = m.startJob(jobSpec{name: "judge " + mode, every: judgeEvery,
		run: func(ctx context.Context, out *jobOut) tea.Msg {
			saved, err := judgerun.Judge(ctx, db, r, func(e judge.Event) { out.send(judgeEventMsg{job: out.id, e: e}) }, ids...)
			return judgeDoneMsg{job: out.id, saved: saved, err: err}
		}})
	j.build(m)
	return cmd
}

// streamed folds a running judge's event into the view.
func (j *judgeScreen) streamed(m *Model, msg judgeEventMsg) {
	if msg.job != j.job || !j.running {
		return
	}
	j.event(msg.e)
	if m.current() == scrJudge {
		j.build(m)
	}
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

func (j *judgeScreen) done(m *Model, msg judgeDoneMsg) tea.Cmd {
	if msg.job != j.job {
		return nil
	}
	j.running = false
	switch {
	case msg.err != nil && msg.saved.Analysis.ID == "":
		m.setError("judge: " + msg.err.Error())
	case msg.err != nil:
		m.setError("judge: " + msg.err.Error() + " (the partial run is saved)")
	default:
		m.setInfo(fmt.Sprintf("judge: %s, %d tokens, $%.4f — saved", orDash(msg.saved.Analysis.Verdict),
			msg.saved.Analysis.Usage.PromptTokens+msg.saved.Analysis.Usage.CompletionTokens, msg.saved.Analysis.Usage.CostUSD))
	}
	if msg.saved.Analysis.ID != "" {
		a := msg.saved.Analysis
		j.run = &a
	}
	if m.current() == scrJudge {
		j.build(m)
	}
	return m.trace.reloadJudgement(m)
}

// list shows the saved runs of a trace.
func (j *judgeScreen) list(m *Model, id string) tea.Cmd {
	if m.current() != scrJudge {
		m.push(scrJudge)
	}
	*j = judgeScreen{listing: true, req: m.req(), traceIDs: []string{id}}
	db, req := m.db, j.req
	j.build(m)
	return func() tea.Msg {
		runs, err := db.Runs(id)
		return judgeRunsMsg{req: req, runs: runs, err: err}
	}
}

func (j *judgeScreen) runsLoaded(m *Model, msg judgeRunsMsg) {
	if msg.req != j.req {
		return
	}
	if msg.err != nil {
		m.setError("judge runs: " + msg.err.Error())
	}
	j.runs = msg.runs
	j.build(m)
}

func (j *judgeScreen) runLoaded(m *Model, msg judgeRunMsg) {
	if msg.req != j.req {
		return
	}
	if msg.err != nil {
		m.setError("judge run: " + msg.err.Error())
		return
	}
	j.listing, j.run, j.top = false, msg.run, 0
	j.build(m)
}

func (j *judgeScreen) key(m *Model, a action) tea.Cmd {
	h := m.bodyHeight()
	if j.listing {
		switch a {
		case actDown:
			j.cursor = min(j.cursor+1, max(0, len(j.runs)-1))
		case actUp:
			j.cursor = max(j.cursor-1, 0)
		case actOpen:
			if j.cursor >= len(j.runs) {
				m.setError("no judge runs on this trace yet: A runs the judge, P a pairwise comparison")
				return nil
			}
			j.req = m.req()
			db, req, seq := m.db, j.req, j.runs[j.cursor].Seq
			return func() tea.Msg {
				run, err := db.AnalysisSeq(seq)
				return judgeRunMsg{req: req, run: run, err: err}
			}
		}
		j.build(m)
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
func (j *judgeScreen) build(m *Model) {
	w := m.width - 2
	var out []string
	add := func(l ...string) { out = append(out, l...) }
	para := func(text string, style func(...string) string) {
		for _, l := range wrapText(text, w-4) {
			add("    " + style(l))
		}
	}
	plain := func(s ...string) string { return strings.Join(s, "") }
	if j.listing {
		add(m.st.title.Render("Judge runs of "+termsafe.Line(strings.Join(j.traceIDs, ", "))), "")
		if len(j.runs) == 0 {
			add(m.st.muted.Render("  none yet: A runs the judge on a trace, P compares it with another trace of its problem"))
		}
		for i, r := range j.runs {
			line := fmt.Sprintf(" %-8s %-19s %-24s %-10s %s", r.Mode, r.Started.Local().Format("2006-01-02 15:04"),
				termsafe.Line(r.Model), termsafe.Line(orDash(r.Verdict)), termsafe.Line(r.Prompt))
			if i == j.cursor {
				line = m.st.selected.Render(padRight(line, m.width))
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
	add(m.st.title.Render(title+": "+termsafe.Line(strings.Join(j.traceIDs, " vs "))), "")
	if a := j.run; a != nil {
		add(kv(m, "model", a.Model+"  "+a.Endpoint), kv(m, "prompts", a.Prompt), kv(m, "verdict", orDash(a.Verdict)))
		if a.FirstError != nil {
			add(kv(m, "first error", firstErrorWord(*a.FirstError)))
		}
		if a.Pair != nil {
			add(kv(m, "orders", fmt.Sprintf("%s / %s — consistent: %v", orDash(a.Pair.Winners[0]), orDash(a.Pair.Winners[1]), a.Pair.Consistent)))
		}
		u := a.Usage
		add(kv(m, "usage", fmt.Sprintf("%d prompt + %d completion tokens (%d reasoning), %.1f s, $%.4f",
			u.PromptTokens, u.CompletionTokens, u.ReasoningTokens, u.LatencySeconds, u.CostUSD)))
		if a.Error != "" {
			add(m.st.bad.Render("  error: " + termsafe.Line(a.Error)))
		}
		if len(a.StepFlags) > 0 {
			add("", m.st.header.Render("flagged steps"))
			for _, f := range a.StepFlags {
				add(fmt.Sprintf("  %s step %d: %s", m.st.theme.Styles.Flag.Render(), f.Step, termsafe.Line(f.Reason)))
			}
		}
		if len(a.Criteria) > 0 {
			add("", m.st.header.Render("criteria"))
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
		add("", m.st.header.Render("stage: "+termsafe.Line(s.name)))
		if s.stage == nil {
			para(s.text+" ▍", m.st.muted.Render)
			continue
		}
		st := s.stage
		if st.Criterion != "" {
			add(kv(m, "question", st.Criterion))
		}
		if st.Reasoning != "" {
			add(kv(m, "reasoning", ""))
			para(st.Reasoning, m.st.muted.Render)
		}
		if st.Output != "" {
			para(st.Output, plain)
		}
		if st.Code != "" {
			add(kv(m, "code", ""))
			res := m.render.Render(m.st.theme, render.Request{Format: render.Code, Lang: "python",
				ID: "judge/" + s.name + "/" + fmt.Sprint(len(st.Code)), Text: st.Code, Options: render.Options{Width: w - 4}})
			for _, l := range res.Lines {
				add("    " + l)
			}
		}
		if e := st.Exec; e != nil {
			add(kv(m, "ran", fmt.Sprintf("exit %d in %.2f s %s", e.ExitCode, e.Seconds, e.Killed)))
			if e.Stdout != "" {
				add(kv(m, "stdout", ""))
				para(e.Stdout, plain)
			}
			if e.Stderr != "" {
				add(kv(m, "stderr", ""))
				para(e.Stderr, m.st.bad.Render)
			}
		}
		if st.Error != "" {
			add(m.st.bad.Render("  failed: " + termsafe.Line(st.Error)))
		}
	}
	if j.running && len(stages) == 0 {
		add(m.st.muted.Render("  waiting for the model…"))
	}
	j.lines = out
	if j.running {
		j.top = max(0, len(j.lines)-m.bodyHeight()) // follow the stream
	}
}

func firstErrorWord(fe int) string {
	if fe < 0 {
		return "none: every step sound"
	}
	return fmt.Sprintf("step %d", fe)
}

func (j *judgeScreen) view(m *Model) string {
	end := min(len(j.lines), j.top+m.bodyHeight())
	if j.top >= end {
		return ""
	}
	return strings.Join(j.lines[j.top:end], "\n")
}

// errNoPartner explains a pairwise request without a second trace.
var errNoPartner = errors.New("no other trace of this problem to compare with")
