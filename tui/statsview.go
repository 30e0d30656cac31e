package tui

import (
	"fmt"
	"sort"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/stepwise-dev/stepwise"
	"github.com/stepwise-dev/stepwise/judge/analytics"
	"github.com/stepwise-dev/stepwise/judge/judgerun"
	"github.com/stepwise-dev/stepwise/store"
	"github.com/stepwise-dev/stepwise/store/agree"
	"github.com/stepwise-dev/stepwise/themes/termsafe"
)

// statsScreen shows annotation progress, what the labels say (ratings,
// hallucination flags, error types, as bars), and agreement: Krippendorff's
// α per label kind, Cohen's κ per annotator pair, human against dataset
// labels, and accuracy on hidden gold items.
type statsScreen struct {
	table
	fixedSize
	noMouseClick
	c   *programContext
	req int
	// ft is SRCA's fault tolerance, read by a command of its own (it
	// reads every trace, the rest only summaries and labels): nil until
	// it arrives; its rows are the last, from ftRow.
	ft    *analytics.FaultTolerance
	ftErr error
	ftRow int
}

// faultToleranceMsg answers the stats view's fault-tolerance read.
type faultToleranceMsg struct {
	req int
	ft  analytics.FaultTolerance
	err error
}

type statsMsg struct {
	req      int
	agree    *store.Agreement
	progress []store.LabelProgress
	labels   []store.LabelCounts
	// judge against the dataset's labels and against yours
	judgeData, judgeHuman judgerun.Agreement
	err                   error
}

func newStatsScreen(c *programContext) *statsScreen { return &statsScreen{c: c} }

func (s *statsScreen) where() string       { return "stats view" }
func (s *statsScreen) title() string       { return "stats" }
func (s *statsScreen) view() string        { return s.table.render(s.c) }
func (s *statsScreen) hints() []action     { return []action{actDown, actBack, actHelp} }
func (s *statsScreen) handlers() []handler { return s.moves(s.c) }

func (s *statsScreen) wheel(delta int) tea.Cmd {
	s.move(s.c, delta)
	return nil
}

func (s *statsScreen) update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case openStatsReq:
		return s.load(msg.dataset)
	case statsMsg:
		s.loaded(msg)
	case faultToleranceMsg:
		if msg.req == s.req {
			s.ft, s.ftErr = &msg.ft, msg.err
			if s.ftRow >= 0 {
				s.rows = append(s.rows[:s.ftRow], s.ftRows()...)
			}
		}
	}
	return nil
}

func (s *statsScreen) load(dataset string) tea.Cmd {
	c := s.c
	if c.current() != scrStats {
		c.push(scrStats)
	}
	title := "Annotation progress and agreement"
	if dataset != "" {
		title += " — " + dataset
	}
	s.table = table{heading: title, loading: true}
	s.req = c.req()
	s.ft, s.ftErr, s.ftRow = nil, nil, -1
	db, req, ctx, who, goldFrom := c.db, s.req, c.life, c.opts.Annotator, c.opts.GoldFrom
	read := func() tea.Msg {
		prog, err := db.Progress()
		if err != nil {
			return statsMsg{req: req, err: err}
		}
		labels, err := db.LabelDistribution(ctx, dataset)
		if err != nil {
			return statsMsg{req: req, err: err}
		}
		a, err := db.Agreement(ctx, store.AgreementOptions{Dataset: dataset, GoldFrom: goldFrom})
		if err != nil {
			return statsMsg{req: req, err: err}
		}
		f := store.Filter{Dataset: dataset}
		jd, err := judgerun.DatasetAgreement(ctx, db, f)
		if err != nil {
			return statsMsg{req: req, err: err}
		}
		jh, err := judgerun.HumanAgreement(ctx, db, f, who)
		return statsMsg{req: req, agree: a, progress: prog, labels: labels, judgeData: jd, judgeHuman: jh, err: err}
	}
	readFT := func() tea.Msg {
		ft, err := analytics.DatasetFaultTolerance(ctx, db, store.Filter{Dataset: dataset})
		if err != nil {
			err = fmt.Errorf("checkpoint fault tolerance: %w", err)
		}
		return faultToleranceMsg{req: req, ft: ft, err: err}
	}
	return tea.Batch(read, readFT)
}

func (s *statsScreen) loaded(msg statsMsg) {
	if msg.req != s.req {
		return
	}
	s.loading = false
	if msg.err != nil {
		s.c.setError("stats: " + msg.err.Error())
		return
	}
	s.rows = nil
	add := func(format string, args ...any) { s.rows = append(s.rows, fmt.Sprintf(format, args...)) }
	add("PROGRESS (traces and steps with a current human label)")
	for _, p := range msg.progress {
		who := p.Annotator
		if who == "" {
			who = "anyone"
		}
		add("  %-30s %-14s %6d / %-6d traces  %7d steps  %6.1f min", termsafe.Line(p.Dataset), termsafe.Line(who),
			p.Traces, p.TotalTraces, p.Steps, float64(p.ElapsedMS)/60000)
	}
	s.rows = append(s.rows, labelRows(s.c, msg.labels)...)
	a := msg.agree
	add("")
	add("AGREEMENT between %d annotators (α: Krippendorff, nominal; κ: Cohen, per pair)", len(a.Annotators))
	for _, k := range a.Kinds {
		line := fmt.Sprintf("  %-14s α %s", k.Kind, coef(k.Alpha))
		if k.AlphaOrdinal != nil {
			line += "   ordinal α " + coef(*k.AlphaOrdinal)
		}
		add("%s", line)
		for _, p := range k.Pairs {
			add("      %s × %s: κ %s, observed %s", termsafe.Line(p.A), termsafe.Line(p.B), coef(p.Kappa), coef(p.Observed))
		}
	}
	add("")
	add("HUMAN vs DATASET step ratings")
	for _, h := range a.HumanVsSource {
		who := h.Annotator
		if who == "" {
			who = "everyone"
		}
		add("  %-20s κ %s, observed %s", termsafe.Line(who), coef(h.Kappa), coef(h.Observed))
	}
	for _, j := range []struct {
		name string
		a    judgerun.Agreement
	}{{"the dataset's labels", msg.judgeData}, {"your labels", msg.judgeHuman}} {
		add("")
		add("JUDGE vs %s (%d judged traces)", j.name, j.a.Traces)
		if j.a.Traces == 0 {
			add("  no judged trace with such labels yet (A runs the judge on a trace)")
			continue
		}
		fe := j.a.FirstError
		add("  first error  ProcessBench F1 %s (erroneous %d/%d, correct %d/%d)", fe.F1, fe.ErroneousMatch, fe.Erroneous, fe.CorrectMatch, fe.Correct)
		st := j.a.Steps
		add("  step flags   precision %s, recall %s, κ %s", st.Precision, st.Recall, st.Kappa)
		add("  verdicts     %d of %d agree, κ %s", j.a.Verdict.Agree, j.a.Verdict.N, j.a.Verdict.Kappa)
	}
	if len(a.Gold) > 0 {
		add("")
		add("GOLD (hidden check items)")
		for _, g := range a.Gold {
			add("  %-20s %d of %d right: %s", termsafe.Line(g.Annotator), g.Correct, g.Items, coef(g.Accuracy))
		}
	}
	s.ftRow = len(s.rows)
	s.rows = append(s.rows, s.ftRows()...)
}

// ftRows say how many wrong traces held the right answer at some
// checkpoint (SRCA's case for keeping checkpoint answers as candidates).
func (s *statsScreen) ftRows() []string {
	out := []string{"", "CHECKPOINTS (SRCA): wrong traces that held the right answer on the way"}
	ft := s.ft
	switch {
	case s.ftErr != nil:
		return append(out, "  could not read them: "+termsafe.Line(s.ftErr.Error()))
	case ft == nil:
		return append(out, "  counting the traces that held the gold answer…")
	case ft.EndedWrong == 0:
		return append(out, fmt.Sprintf("  %d graded traces with a gold answer, none ended wrong", ft.Traces))
	}
	return append(out, fmt.Sprintf("  %d graded traces with a gold answer, %d ended wrong, %d of those held the right answer at a checkpoint (%.1f%%)",
		ft.Traces, ft.EndedWrong, ft.HeldThenWrong, 100**ft.Share))
}

// coef prints a coefficient with the number of units it rests on.
func coef(c agree.Coefficient) string {
	if !c.Defined() {
		return fmt.Sprintf("n/a (n=%d)", c.N)
	}
	return fmt.Sprintf("%.3f (n=%d)", c.Value, c.N)
}

// labelRows chart what the current human labels say: per annotator the
// step ratings as a bar of rating glyphs (one per 1/24 of the labels), the
// hallucinated share, and the most given error types and verdicts.
func labelRows(c *programContext, counts []store.LabelCounts) []string {
	out := []string{"", "LABELS (current human labels; gold items left out)"}
	if len(counts) == 0 {
		return append(out, "  none yet")
	}
	glyph := func(r stepwise.Rating) string { return c.st.theme.Styles.Rating(r).Glyph }
	for _, c := range counts {
		who := c.Annotator
		if who == "" {
			who = "everyone"
		}
		n := c.Good + c.Neutral + c.Bad
		const width = 24
		bar := ""
		if n > 0 {
			g := c.Good * width / n
			u := c.Neutral * width / n
			bar = strings.Repeat(glyph(stepwise.Good), g) + strings.Repeat(glyph(stepwise.Neutral), u) +
				strings.Repeat(glyph(stepwise.Bad), width-g-u)
		}
		out = append(out, fmt.Sprintf("  %-20s %s  %d good · %d neutral · %d wrong · %d hallucinated", termsafe.Line(who),
			padRight(bar, width), c.Good, c.Neutral, c.Bad, c.Hallucinated))
		if t := topCounts(c.ErrorTypes, 5); t != "" {
			out = append(out, "  "+strings.Repeat(" ", 21)+"error types: "+t)
		}
		if t := topCounts(c.Verdicts, 5); t != "" {
			out = append(out, "  "+strings.Repeat(" ", 21)+"verdicts: "+t)
		}
	}
	return out
}

// topCounts lists the k largest counts ("logic 12 · calculation 8").
func topCounts(m map[string]int, k int) string {
	names := make([]string, 0, len(m))
	for n := range m {
		names = append(names, n)
	}
	sort.Slice(names, func(i, j int) bool {
		if m[names[i]] != m[names[j]] {
			return m[names[i]] > m[names[j]]
		}
		return names[i] < names[j]
	})
	var parts []string
	for _, n := range names[:min(k, len(names))] {
		parts = append(parts, fmt.Sprintf("%s %d", termsafe.Line(n), m[n]))
	}
	if len(names) > k {
		parts = append(parts, fmt.Sprintf("+%d more", len(names)-k))
	}
	return strings.Join(parts, " · ")
}
