package tui

import (
	"fmt"
	"sort"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/stepwise-dev/stepwise"
	"github.com/stepwise-dev/stepwise/verify/verifyrun"
)

// Verification runs as a background job: V checks the current step (in
// step detail), the trace (in the trace view) or the filtered set (in the
// list). Results stream in: each step's status appears in the gutter as
// its check finishes, each trace's proof strip in the list as it is saved,
// and the job bar counts checks.

// verifyMsg carries one update of a running verification.
type verifyMsg struct {
	job    int
	update verifyrun.Update
}

// verifyDoneMsg ends a verification job.
type verifyDoneMsg struct {
	job     int
	summary verifyrun.Summary
	err     error
}

// startVerify runs the verifier on a target.
func (m *Model) startVerify(name string, target verifyrun.Target) tea.Cmd {
	if m.opts.Verifier == nil {
		m.setError("verification is not set up (see `stepwise doctor`)")
		return nil
	}
	id, ctx := m.jobs.start(m, "verify "+name)
	ch := make(chan tea.Msg, 64)
	v := m.opts.Verifier
	go func() {
		defer close(ch)
		sum, err := v.Run(ctx, target, verifyrun.Options{}, func(u verifyrun.Update) {
			if u.Result == nil && u.Saved == nil {
				select { // progress alone may be dropped; results never are
				case ch <- verifyMsg{job: id, update: u}:
				default:
				}
				return
			}
			select {
			case ch <- verifyMsg{job: id, update: u}:
			case <-ctx.Done():
			}
		})
		select {
		case ch <- verifyDoneMsg{job: id, summary: sum, err: err}:
		case <-ctx.Done():
		}
	}()
	m.setInfo("verifying " + name + "…")
	return tea.Batch(waitStream(ch), m.relayout())
}

// verifyUpdate applies one streamed result.
func (m *Model) verifyUpdate(msg verifyMsg) {
	u := msg.update
	p := u.Progress
	if p.Checks > 0 {
		m.jobs.set(msg.job, float64(p.ChecksDone)/float64(p.Checks),
			fmt.Sprintf("%d/%d checks, %d/%d traces", p.ChecksDone, p.Checks, p.TracesDone, p.Traces))
	}
	if r := u.Result; r != nil {
		m.trace.applyResult(m, r)
	}
	if s := u.Saved; s != nil {
		m.list.proofStrips[s.Seq] = s.Strip
	}
}

func (m *Model) verifyDone(msg verifyDoneMsg) tea.Cmd {
	cmd := m.jobs.finish(m, msg.job)
	if msg.err != nil {
		m.setError("verify: " + msg.err.Error())
		return cmd
	}
	m.setInfo("verified: " + statusCounts(msg.summary.ByStatus))
	return cmd
}

// statusCounts writes "3 proved, 1 disproved" in a stable order.
func statusCounts(by map[stepwise.ProofStatus]int) string {
	if len(by) == 0 {
		return "nothing to check"
	}
	var keys []string
	for k := range by {
		keys = append(keys, string(k))
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%d %s", by[stepwise.ProofStatus(k)], k))
	}
	return strings.Join(parts, ", ")
}

// applyResult shows a streamed check on the open trace: the step's checked
// formalization replaces what was there (the dataset's stored status).
func (ts *traceScreen) applyResult(m *Model, r *verifyrun.StepResult) {
	if ts.t == nil || r.TraceID != ts.t.ID || r.Step < 0 || r.Step >= len(ts.t.Steps) {
		return
	}
	if ts.checked == nil {
		ts.checked = map[int][]stepwise.Formalization{}
	}
	fs := ts.checked[r.Step]
	for len(fs) <= r.Index {
		fs = append(fs, stepwise.Formalization{})
	}
	fs[r.Index] = r.Formalization
	ts.checked[r.Step] = fs
	stepwise.ApplyChecks(ts.t, map[int][]stepwise.Formalization{r.Step: fs})
	ts.blocks.drop(r.Step)
	ts.layout(m)
	if m.current() == scrStep && m.step.index == r.Step {
		m.step.build(m)
	}
}
