package tui

import (
	"context"
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

// verifyMsg carries a check's result or a trace's saved proof strip.
type verifyMsg struct {
	update verifyrun.Update
}

// verifyDoneMsg ends a verification job.
type verifyDoneMsg struct {
	summary verifyrun.Summary
	err     error
}

// verifyBacklog is how many results may wait for the screen before the
// verifier waits too.
const verifyBacklog = 64

// startVerify runs the verifier on a target.
func (m *Model) startVerify(name string, target verifyrun.Target) tea.Cmd {
	if m.opts.Verifier == nil {
		m.setError("verification is not set up (see `stepwise doctor`)")
		return nil
	}
	v := m.opts.Verifier
	_, cmd := m.startJob(jobSpec{name: "verify " + name, backlog: verifyBacklog,
		run: func(ctx context.Context, out *jobOut) tea.Msg {
			sum, err := v.Run(ctx, target, verifyrun.Options{}, func(u verifyrun.Update) {
				if p := u.Progress; p.Checks > 0 {
					out.progress(float64(p.ChecksDone)/float64(p.Checks),
						fmt.Sprintf("%d/%d checks, %d/%d traces", p.ChecksDone, p.Checks, p.TracesDone, p.Traces))
				}
				if u.Result != nil || u.Saved != nil {
					out.send(verifyMsg{update: u})
				}
			})
			if ctx.Err() != nil {
				return nil // cancelled: the status line said so
			}
			return verifyDoneMsg{summary: sum, err: err}
		}})
	m.setInfo("verifying " + name + "…")
	return cmd
}

// verifyUpdate applies one streamed result.
func (m *Model) verifyUpdate(msg verifyMsg) {
	u := msg.update
	if r := u.Result; r != nil {
		m.trace.applyResult(m, r)
	}
	if s := u.Saved; s != nil {
		m.list.proofStrips[s.Seq] = s.Strip
	}
}

func (m *Model) verifyDone(msg verifyDoneMsg) tea.Cmd {
	if msg.err != nil {
		m.setError("verify: " + msg.err.Error())
		return nil
	}
	m.setInfo("verified: " + statusCounts(msg.summary.ByStatus))
	return nil
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
	verifyrun.ApplyChecks(ts.t, map[int][]stepwise.Formalization{r.Step: fs})
	ts.blocks.drop(r.Step)
	ts.layout(m)
	if m.current() == scrStep && m.step.index == r.Step {
		m.step.build(m)
	}
}
