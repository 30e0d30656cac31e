package tui

import (
	"errors"
	"fmt"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/stepwise-dev/stepwise"
	"github.com/stepwise-dev/stepwise/judge/analytics"
	"github.com/stepwise-dev/stepwise/judge/offline"
	"github.com/stepwise-dev/stepwise/store"
	"github.com/stepwise-dev/stepwise/themes/termsafe"
)

// samplesScreen shows every trace of one problem — the samples of a
// self-consistency run, or the same problem across datasets and models —
// grouped into clusters of equivalent final answers, with the sampled
// accuracy and each trace's checkpoint answers. From here a trace opens,
// or is compared side by side (or judged as a pair) with the trace the
// screen was opened from.
type samplesScreen struct {
	table
	c           *programContext
	origin      string // id of the trace the screen was opened from
	problem     *stepwise.Problem
	sums        []store.Summary
	checkpoints map[uint64][]offline.Checkpoint
	clusters    []offline.AnswerCluster
	stats       analytics.Problem // over the samples, as `stepwise problems` computes it
	more        bool
	// rowTrace maps a table row to its index in sums (-1: a cluster header).
	rowTrace []int
	width    int // the rows are laid out for this width
	req      int
}

// Limits of one samples screen: the traces listed, and those read whole
// for their checkpoint answers.
const (
	maxSamples     = 2000
	maxCheckpoints = 200
)

type samplesMsg struct {
	req         int
	problem     *stepwise.Problem
	sums        []store.Summary
	more        bool // the problem has more than maxSamples traces
	checkpoints map[uint64][]offline.Checkpoint
	stats       analytics.Problem
	clusters    []offline.AnswerCluster
	err         error
}

func newSamplesScreen(c *programContext) *samplesScreen { return &samplesScreen{c: c} }

func (s *samplesScreen) where() string { return "samples view" }
func (s *samplesScreen) title() string { return "samples" }
func (s *samplesScreen) view() string  { return s.table.render(s.c) }

func (s *samplesScreen) hints() []action {
	return []action{actOpen, actCompare, actCheckpoints, actJudgePair, actBack, actHelp}
}

func (s *samplesScreen) handlers() []handler {
	onTrace := func() string {
		if _, ok := s.selected(); !ok {
			return "move to a trace (a cluster header is not one)"
		}
		return ""
	}
	return append(s.moves(s.c),
		on(actOpen, s.open).unless(onTrace),
		on(actCompare, func() tea.Cmd {
			r, _ := s.selected()
			if r.ID == s.origin {
				s.c.setError("this is the trace you came from (◆): pick another to compare with")
				return nil
			}
			s.c.post(openCompareReq{left: s.origin, right: r.ID})
			return nil
		}).unless(onTrace),
		on(actCheckpoints, func() tea.Cmd {
			s.c.post(openCheckpointsReq{problem: s.problem.ID})
			return nil
		}).unless(func() string {
			if s.problem == nil {
				return "the samples are still loading"
			}
			return ""
		}),
		on(actJudgePair, func() tea.Cmd {
			r, _ := s.selected()
			if r.ID == s.origin {
				s.c.setError("this is the trace you came from (◆): pick another to judge against it")
				return nil
			}
			s.c.post(judgeReq{ids: []string{s.origin, r.ID}})
			return nil
		}).unless(onTrace),
	)
}

func (s *samplesScreen) wheel(delta int) tea.Cmd {
	s.move(s.c, delta)
	return nil
}

func (s *samplesScreen) click(row int) tea.Cmd {
	if !s.clickRow(row) {
		return nil
	}
	if _, ok := s.selected(); !ok {
		s.c.setError("move to a trace (a cluster header is not one)")
		return nil
	}
	return s.open()
}

func (s *samplesScreen) update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case openSamplesReq:
		return s.load(msg.origin, msg.problem)
	case samplesMsg:
		s.loaded(msg)
	case siblingReq:
		if msg.ref.sample > 0 {
			return s.sibling(msg.ref.sample-1, msg.next)
		}
	}
	return nil
}

// open shows the trace under the cursor.
func (s *samplesScreen) open() tea.Cmd {
	r, _ := s.selected()
	s.c.post(openTraceReq{ref: traceRef{seq: r.Seq, sample: s.cursor + 1}})
	return nil
}

// load lists the samples of a trace's problem (a background load); origin
// is the trace the screen is opened from.
func (s *samplesScreen) load(origin, problemID string) tea.Cmd {
	if s.c.current() != scrSamples {
		s.c.push(scrSamples)
	}
	s.table = table{heading: "Samples", loading: true, note: "no traces of this problem"}
	s.origin, s.problem, s.sums, s.rowTrace = origin, nil, nil, nil
	s.req = s.c.req()
	db, req, pid, b := s.c.db, s.req, problemID, s.c.buckets()
	return func() tea.Msg { return loadSamples(db, req, pid, b) }
}

func loadSamples(db *store.DB, req int, pid string, b analytics.Buckets) samplesMsg {
	msg := samplesMsg{req: req}
	if msg.problem, msg.err = db.Problem(pid); msg.err != nil {
		return msg
	}
	errFull := errors.New("enough samples") // stops the listing
	msg.err = db.List(store.Filter{Problem: pid}, func(s store.Summary) error {
		if len(msg.sums) == maxSamples {
			msg.more = true
			return errFull
		}
		msg.sums = append(msg.sums, s)
		return nil
	})
	if msg.err == errFull {
		msg.err = nil
	}
	if msg.err != nil {
		return msg
	}
	// The statistics and the clusters compare answers with the grader:
	// here, not in Update.
	msg.stats = analytics.ProblemOf(msg.sums, b)
	answers := make([]string, len(msg.sums))
	for i, r := range msg.sums {
		answers[i] = r.FinalAnswer
	}
	msg.clusters = offline.ClusterAnswers(answers, msg.problem.GoldAnswer)
	// Read after List: it holds a read transaction while calling back.
	msg.checkpoints = map[uint64][]offline.Checkpoint{}
	for _, s := range msg.sums[:min(len(msg.sums), maxCheckpoints)] {
		t, err := db.GetSeq(s.Seq)
		if err != nil {
			msg.err = err
			return msg
		}
		msg.checkpoints[s.Seq] = offline.Checkpoints(t)
	}
	return msg
}

func (s *samplesScreen) loaded(msg samplesMsg) {
	if msg.req != s.req {
		return
	}
	s.loading = false
	if msg.err != nil {
		s.c.setError("samples: " + msg.err.Error())
		return
	}
	s.problem, s.sums, s.checkpoints, s.more, s.stats = msg.problem, msg.sums, msg.checkpoints, msg.more, msg.stats
	s.clusters = msg.clusters
	s.layout()
	for row, i := range s.rowTrace {
		if i >= 0 && s.sums[i].ID == s.origin {
			s.cursor = row
		}
	}
	s.move(s.c, 0)
}

// samplesColumns are the widths of the trace and model columns.
type samplesColumns struct{ id, model int }

func samplesColumnsFor(width int) samplesColumns {
	// Fixed: indent 5, steps 6, answer 3, first error 6, gaps; the
	// checkpoint answers take what is left after the names.
	rest := width - 26
	return samplesColumns{id: max(12, min(40, rest*2/5)), model: max(8, min(22, rest/5))}
}

// layout builds the table rows for the screen width.
func (s *samplesScreen) layout() {
	s.width = s.c.width
	c := samplesColumnsFor(s.c.width)
	s.header = fmt.Sprintf("   %s %s %5s %s %4s  %s", padRight("ANSWER / TRACE", c.id+2), padRight("MODEL", c.model),
		"STEPS", "ANS", "1ST✗", "CHECKPOINT ANSWERS")
	s.rows, s.rowTrace = nil, nil
	for _, cl := range s.clusters {
		s.rows = append(s.rows, s.clusterLine(cl, c))
		s.rowTrace = append(s.rowTrace, -1)
		for _, i := range cl.Members {
			s.rows = append(s.rows, s.traceLine(s.sums[i], s.checkpoints[s.sums[i].Seq], c))
			s.rowTrace = append(s.rowTrace, i)
		}
	}
	s.heading = s.titleLine(len(s.clusters), s.more)
}

func (s *samplesScreen) resize() tea.Cmd {
	if s.problem != nil && s.width != s.c.width {
		s.layout()
		s.move(s.c, 0)
	}
	return nil
}

// titleLine: how many samples, the sampled accuracy, pass@k, the
// difficulty and the gold answer. Reference solutions are listed but are
// not samples (analytics.IsSample): they count in nothing here.
func (s *samplesScreen) titleLine(clusters int, more bool) string {
	st := s.stats
	n := fmt.Sprint(len(s.sums))
	if more {
		n = "first " + n
	}
	t := fmt.Sprintf("Samples of problem %s — %s traces", termsafe.Line(s.problem.ID), n)
	if refs := len(s.sums) - st.Samples; refs > 0 {
		t += fmt.Sprintf(" (%d sample%s + %d reference)", st.Samples, map[bool]string{true: "", false: "s"}[st.Samples == 1], refs)
	}
	t += fmt.Sprintf(", %d answers", clusters)
	if s.problem.GoldAnswer != "" {
		t += " · gold " + termsafe.Line(s.problem.GoldAnswer)
	}
	if st.Graded > 0 {
		t += fmt.Sprintf(" · accuracy %d/%d (%.0f%%)", st.Correct, st.Graded, 100*float64(st.Correct)/float64(st.Graded))
		if st.Graded > 1 {
			t += fmt.Sprintf(" · pass@%d %.0f%%", st.Graded, 100*st.PassAt[st.Graded])
		}
		t += " · " + st.Difficulty
	}
	t += majority(st)
	if st.Graded > 0 {
		// Last: on a narrow screen it is what gets cut.
		t += " · verdicts by " + verdictSources(s.sums)
	}
	return t
}

// samplesIn counts a cluster's members that are samples.
func (s *samplesScreen) samplesIn(c offline.AnswerCluster) int {
	n := 0
	for _, i := range c.Members {
		if analytics.IsSample(s.sums[i].Model) {
			n++
		}
	}
	return n
}

// majority is the self-consistency vote over the samples, as `stepwise
// problems` counts it: the answer most samples give (and whether they are
// right), or that no answer leads.
func majority(st analytics.Problem) string {
	switch {
	case st.MajoritySize == 0 || st.DistinctAnswers < 2 && st.MajoritySize < 2:
		return "" // one answer once: no vote to speak of
	case st.MajorityTied:
		return " · majority: none (a tie)"
	case st.MajorityCorrect == nil:
		return " · majority " + termsafe.Line(st.MajorityAnswer)
	case *st.MajorityCorrect:
		return " · majority " + termsafe.Line(st.MajorityAnswer) + " ✓"
	}
	return " · majority " + termsafe.Line(st.MajorityAnswer) + " ✗"
}

// clusterLine is a cluster's header: its answer, whether it is gold, and
// its share of the samples as a bar.
func (s *samplesScreen) clusterLine(c offline.AnswerCluster, cols samplesColumns) string {
	ans := termsafe.Line(c.Answer)
	switch {
	case c.Answer == "":
		ans = "(no final answer)"
	case c.Gold:
		ans += "  ✓ gold"
	case s.problem.GoldAnswer != "":
		ans += "  ✗"
	}
	n, all := s.samplesIn(c), s.stats.Samples
	share := float64(n) / float64(max(1, all))
	bar := strings.Repeat("█", int(share*12+0.5)) + strings.Repeat("░", 12-int(share*12+0.5))
	line := fmt.Sprintf(" ▸ %s %s %d of %d (%.0f%%)", padRight(ans, cols.id+2), bar, n, all, 100*share)
	if refs := len(c.Members) - n; refs > 0 {
		line += fmt.Sprintf(" + %d reference", refs)
	}
	return line
}

// traceLine is one sample under its cluster.
func (s *samplesScreen) traceLine(r store.Summary, cps []offline.Checkpoint, c samplesColumns) string {
	ans := "?"
	if r.Correct != nil {
		ans = map[bool]string{true: "✓", false: "✗"}[*r.Correct]
	}
	fe := "-"
	if r.FirstError != nil {
		fe = "none"
		if *r.FirstError >= 0 {
			fe = fmt.Sprint(*r.FirstError)
		}
	}
	id := termsafe.Line(r.ID)
	if r.ID == s.origin {
		id = "◆ " + id
	}
	var parts []string
	for _, c := range cps {
		parts = append(parts, fmt.Sprintf("%s@%d", termsafe.Line(c.Answer), c.Step))
	}
	return fmt.Sprintf("     %s %s %5d  %s  %4s  %s", padRight(id, c.id), padRight(termsafe.Line(r.Model), c.model),
		r.Steps, ans, fe, strings.Join(parts, " → "))
}

// selected is the summary under the cursor (false on a cluster header).
func (s *samplesScreen) selected() (store.Summary, bool) {
	if s.cursor >= len(s.rowTrace) || s.rowTrace[s.cursor] < 0 {
		return store.Summary{}, false
	}
	return s.sums[s.rowTrace[s.cursor]], true
}

// sibling opens the next or previous trace of the samples view after row
// (cluster headers are passed over): J and K in a trace opened from here.
func (s *samplesScreen) sibling(row int, next bool) tea.Cmd {
	d := -1
	if next {
		d = 1
	}
	for i := row + d; i >= 0 && i < len(s.rowTrace); i += d {
		if k := s.rowTrace[i]; k >= 0 {
			s.cursor = i
			s.move(s.c, 0)
			s.c.post(openTraceReq{ref: traceRef{seq: s.sums[k].Seq, sample: i + 1}, keepQuery: true})
			return nil
		}
	}
	s.c.setError("no more traces of this problem")
	return nil
}

// verdictSources says how the samples' verdicts were reached: "grader 1:
// numeric ×3, source: final_answer_correct ×2".
func verdictSources(sums []store.Summary) string {
	counts := map[string]int{}
	var order []string
	for _, r := range sums {
		if r.Correct == nil {
			continue
		}
		by := r.CorrectBy
		if by == "" {
			by = "unrecorded"
		}
		if counts[by] == 0 {
			order = append(order, by)
		}
		counts[by]++
	}
	parts := make([]string, len(order))
	for i, by := range order {
		parts[i] = fmt.Sprintf("%s ×%d", termsafe.Line(by), counts[by])
	}
	return strings.Join(parts, ", ")
}
