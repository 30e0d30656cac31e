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

// verifyDoneMsg ends a verification job.
type verifyDoneMsg struct {
	summary verifyrun.Summary
	err     error
}

// verifyBacklog is how many results may wait for the screen before the
// verifier waits too.
const verifyBacklog = 64

// startVerify runs the verifier on a target.
func startVerify(c *programContext, name string, target verifyrun.Target) tea.Cmd {
	if c.opts.Verifier == nil {
		c.setError("verification is not set up (see `stepwise doctor`)")
		return nil
	}
	v := c.opts.Verifier
	_, cmd := c.startJob(jobSpec{name: "verify " + name, backlog: verifyBacklog,
		run: func(ctx context.Context, out *jobOut) tea.Msg {
			sum, err := v.Run(ctx, target, verifyrun.Options{}, func(u verifyrun.Update) {
				if p := u.Progress; p.Checks > 0 {
					out.progress(float64(p.ChecksDone)/float64(p.Checks),
						fmt.Sprintf("%d/%d checks, %d/%d traces", p.ChecksDone, p.Checks, p.TracesDone, p.Traces))
				}
				if u.Result != nil {
					out.send(checkArrivedMsg{result: u.Result})
				}
				if s := u.Saved; s != nil {
					out.send(proofStripMsg{seq: s.Seq, strip: s.Strip})
				}
			})
			if ctx.Err() != nil {
				return nil // cancelled: the status line said so
			}
			return verifyDoneMsg{summary: sum, err: err}
		}})
	c.setInfo("verifying " + name + "…")
	return cmd
}

func verifyDone(c *programContext, msg verifyDoneMsg) {
	if msg.err != nil {
		c.setError("verify: " + msg.err.Error())
		return
	}
	c.setInfo("verified: " + statusCounts(msg.summary.ByStatus))
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
