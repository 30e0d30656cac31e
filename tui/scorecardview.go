package tui

import (
	"fmt"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/stepwise-dev/stepwise/judge/judgerun"
	"github.com/stepwise-dev/stepwise/judge/scorecard"
	"github.com/stepwise-dev/stepwise/store"
	"github.com/stepwise-dev/stepwise/themes/termsafe"
)

// scorecardScreen scores every evidence source — formal checks, offline
// analyzers, each judge, each annotator, each PRM — against the dataset's
// labels, per dataset, for the traces in scope: what `stepwise eval`
// prints.
type scorecardScreen struct {
	table
	fixedSize
	noMouseClick
	c   *programContext
	req int
}

type scorecardMsg struct {
	req  int
	rows []scorecard.Row
	err  error
}

func newScorecardScreen(c *programContext) *scorecardScreen { return &scorecardScreen{c: c} }

func (s *scorecardScreen) where() string       { return "scorecard view" }
func (s *scorecardScreen) title() string       { return "scorecard" }
func (s *scorecardScreen) view() string        { return s.table.render(s.c) }
func (s *scorecardScreen) hints() []action     { return []action{actDown, actBack, actHelp} }
func (s *scorecardScreen) handlers() []handler { return s.moves(s.c) }

func (s *scorecardScreen) wheel(delta int) tea.Cmd {
	s.move(s.c, delta)
	return nil
}

func (s *scorecardScreen) update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case openScorecardReq:
		return s.load(msg.filter)
	case scorecardMsg:
		s.loaded(msg)
	}
	return nil
}

func (s *scorecardScreen) load(f store.Filter) tea.Cmd {
	c := s.c
	if c.current() != scrScorecard {
		c.push(scrScorecard)
	}
	title := "Evidence scorecard against the dataset's labels"
	if f.Dataset != "" {
		title += " — " + f.Dataset
	}
	s.table = table{heading: title, loading: true,
		header: fmt.Sprintf("%-26s %-30s %5s %9s %9s %5s %5s %5s %5s %6s %s", "DATASET", "SOURCE", "COVER",
			"ACC_ERR", "ACC_OK", "F1", "S_P", "S_R", "S_F1", "STEPS", "BEST-OF-N / MAJORITY")}
	s.req = c.req()
	db, req, ctx := c.db, s.req, c.life
	return func() tea.Msg {
		rows, err := judgerun.Scorecard(ctx, db, judgerun.EvalOptions{Filter: f})
		return scorecardMsg{req: req, rows: rows, err: err}
	}
}

func (s *scorecardScreen) loaded(msg scorecardMsg) {
	if msg.req != s.req {
		return
	}
	s.loading = false
	if msg.err != nil {
		s.c.setError("scorecard: " + msg.err.Error())
		return
	}
	s.rows = s.rows[:0]
	for _, r := range msg.rows {
		s.rows = append(s.rows, scorecardRow(r))
	}
	if len(s.rows) == 0 {
		s.note = "no evidence yet: verify (V), analyze, judge (A) or import PRM scores, then come back"
	}
}

// scorecardRow is one source on one dataset, as a line.
func scorecardRow(r scorecard.Row) string {
	f := func(v *float64) string {
		if v == nil {
			return "-"
		}
		return fmt.Sprintf("%.2f", *v)
	}
	n := func(v *float64, k int) string { return fmt.Sprintf("%s/%d", f(v), k) }
	bon := ""
	if b := r.BestOfN; b != nil {
		bon = fmt.Sprintf("%.2f / %.2f (%d)", b.Accuracy, b.Baseline, b.Problems)
	}
	return fmt.Sprintf("%-26s %-30s %5.2f %9s %9s %5s %5s %5s %5s %6d %s", clipLine(r.Dataset, 26), clipLine(r.Source, 30),
		r.Coverage, n(r.ProcessBench.AccError, r.ProcessBench.NError), n(r.ProcessBench.AccCorrect, r.ProcessBench.NCorrect),
		f(r.ProcessBench.F1), f(r.Steps.Precision), f(r.Steps.Recall), f(r.Steps.F1), r.Steps.N, bon)
}

// clipLine neutralizes untrusted text (a source or dataset name) and cuts
// it to n runes.
func clipLine(s string, n int) string {
	r := []rune(termsafe.Line(s))
	if len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return string(r)
}

// prmNote is the line under step i with each PRM's score of it ("PRM
// qwen-prm 0.12"), low scores (below 0.5: the PRM calls the step wrong)
// marked as bad; "" when no PRM scored the step.
func prmNote(c *programContext, ps []store.PRMScores, i int) string {
	var parts []string
	for _, p := range ps {
		if i >= len(p.Steps) || p.Steps[i] == store.NoScore {
			continue
		}
		part := fmt.Sprintf("%s %.2f", termsafe.Line(p.Model), p.Steps[i])
		if p.Steps[i] < judgerun.DefaultPRMThreshold {
			part = c.st.bad.Render(part)
		}
		parts = append(parts, part)
	}
	if len(parts) == 0 {
		return ""
	}
	return truncate(c.st.dim.Render("PRM ")+strings.Join(parts, "  "), c.width-gutterWidth-1)
}
