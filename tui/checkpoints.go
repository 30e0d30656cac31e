package tui

import (
	"fmt"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/stepwise-dev/stepwise/judge/analytics"
	"github.com/stepwise-dev/stepwise/judge/offline"
)

// checkpointsScreen is SRCA's grid for one problem: a row per sample (its
// model and final verdict), a column per checkpoint (the k-th answer the
// sample commits to along the way), the cells marked where they equal the
// gold answer, where the sample first reaches it and where it leaves it;
// under the grid, each visible checkpoint's answer clusters. The cursor
// is a cell: tab and shift+tab move along the checkpoints (the grid
// scrolls sideways), enter opens the sample at that checkpoint's step.
type checkpointsScreen struct {
	noMouseClick
	c        *programContext
	problem  string
	grid     *analytics.ProblemCheckpoints
	clusters [][]offline.AnswerCluster // per checkpoint column
	cols     int                       // the most checkpoints of a sample
	row, col int                       // the cursor cell
	top      int                       // first sample row shown
	left     int                       // first checkpoint column shown
	loading  bool
	lines    []string // the laid-out body
	req      int
}

type checkpointsMsg struct {
	req      int
	grid     *analytics.ProblemCheckpoints
	clusters [][]offline.AnswerCluster
	err      error
}

// Cell and fixed column widths of the grid.
const (
	cpCell  = 10 // a mark and 8 columns of answer, then a gap
	cpID    = 28
	cpModel = 14
	cpEnd   = 4
)

func newCheckpointsScreen(c *programContext) *checkpointsScreen { return &checkpointsScreen{c: c} }

func (s *checkpointsScreen) where() string { return "checkpoint grid" }
func (s *checkpointsScreen) title() string { return "checkpoints" }
func (s *checkpointsScreen) view() string  { return strings.Join(s.lines, "\n") }

func (s *checkpointsScreen) hints() []action {
	return []action{actNextStep, actPrevStep, actOpen, actBack, actHelp}
}

func (s *checkpointsScreen) handlers() []handler {
	hs := moveHandlers(func(a action) tea.Cmd { s.moveRow(a); return nil })
	return append(hs,
		on(actNextStep, func() tea.Cmd { s.moveCol(1); return nil }),
		on(actPrevStep, func() tea.Cmd { s.moveCol(-1); return nil }),
		on(actOpen, s.open).unless(s.noCell),
	)
}

func (s *checkpointsScreen) wheel(delta int) tea.Cmd {
	if s.grid != nil {
		s.row = max(0, min(len(s.grid.Samples)-1, s.row+delta))
		s.layout()
	}
	return nil
}

func (s *checkpointsScreen) resize() tea.Cmd {
	s.layout()
	return nil
}

func (s *checkpointsScreen) update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case openCheckpointsReq:
		return s.load(msg.problem)
	case checkpointsMsg:
		s.loaded(msg)
	}
	return nil
}

// load reads the problem's grid and clusters each checkpoint's answers,
// off the UI goroutine.
func (s *checkpointsScreen) load(problem string) tea.Cmd {
	if s.c.current() != scrCheckpoints {
		s.c.push(scrCheckpoints)
	}
	s.problem, s.grid, s.clusters, s.loading = problem, nil, nil, true
	s.row, s.col, s.top, s.left = 0, 0, 0, 0
	s.req = s.c.req()
	s.layout()
	db, ctx, req := s.c.db, s.c.life, s.req
	return func() tea.Msg {
		g, err := analytics.Checkpoints(ctx, db, problem)
		if err != nil {
			return checkpointsMsg{req: req, err: fmt.Errorf("checkpoints of %s: %w", problem, err)}
		}
		return checkpointsMsg{req: req, grid: g, clusters: columnClusters(g)}
	}
}

// columnClusters groups the k-th checkpoint answers of the samples by
// the answer grader's equivalence, for every k.
func columnClusters(g *analytics.ProblemCheckpoints) [][]offline.AnswerCluster {
	var out [][]offline.AnswerCluster
	for k := 0; ; k++ {
		var answers []string
		for _, sm := range g.Samples {
			if k < len(sm.Checkpoints) {
				answers = append(answers, sm.Checkpoints[k].Answer)
			}
		}
		if len(answers) == 0 {
			return out
		}
		out = append(out, offline.ClusterAnswers(answers, g.Gold))
	}
}

func (s *checkpointsScreen) loaded(msg checkpointsMsg) {
	if msg.req != s.req {
		return
	}
	s.loading = false
	if msg.err != nil {
		s.c.setError(msg.err.Error())
		return
	}
	s.grid, s.clusters, s.cols = msg.grid, msg.clusters, len(msg.clusters)
	s.layout()
}

// noCell says why enter does nothing: no sample, or no checkpoint here.
func (s *checkpointsScreen) noCell() string {
	switch {
	case s.grid == nil || len(s.grid.Samples) == 0:
		return "no sample with checkpoint answers here"
	case s.col >= len(s.grid.Samples[s.row].Checkpoints):
		return fmt.Sprintf("this sample has %d checkpoints: move left (shift+tab) to one", len(s.grid.Samples[s.row].Checkpoints))
	}
	return ""
}

// open shows the sample under the cursor at its checkpoint's step.
func (s *checkpointsScreen) open() tea.Cmd {
	sm := s.grid.Samples[s.row]
	s.c.post(openTraceReq{ref: traceRef{id: sm.TraceID, step: sm.Checkpoints[s.col].Step}})
	return nil
}

func (s *checkpointsScreen) moveRow(a action) {
	if s.grid == nil {
		return
	}
	h, n := s.gridHeight(), len(s.grid.Samples)
	d := map[action]int{actDown: 1, actUp: -1, actPageDown: h, actPageUp: -h, actHalfDown: h / 2, actHalfUp: -h / 2,
		actTop: -n, actBottom: n}[a]
	s.wheel(d)
}

func (s *checkpointsScreen) moveCol(d int) {
	s.col = max(0, min(s.cols-1, s.col+d))
	s.layout()
}
