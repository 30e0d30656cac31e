package tui

import (
	"context"
	"fmt"
	"path/filepath"

	tea "charm.land/bubbletea/v2"

	"github.com/stepwise-dev/stepwise/store"
	"github.com/stepwise-dev/stepwise/themes/termsafe"
)

// importDoneMsg ends an import job.
type importDoneMsg struct {
	rep      *store.ImportReport
	err      error
	problems []string
}

// startImport runs an import as a background job: the UI stays live, the
// job bar shows progress, ctrl+x cancels (committed batches stay).
func startImport(c *programContext, paths []string, opts store.ImportOptions) tea.Cmd {
	name := "import"
	if len(paths) == 1 {
		name += " " + filepath.Base(paths[0])
	}
	db := c.db
	_, cmd := c.startJob(jobSpec{name: name, run: func(ctx context.Context, out *jobOut) tea.Msg {
		var problems []string
		opts.OnProblem = func(err error) {
			if len(problems) < 200 {
				problems = append(problems, err.Error())
			}
		}
		opts.OnProgress = func(p store.Progress) {
			done := 0.0
			if p.BytesTotal > 0 {
				done = float64(p.BytesRead) / float64(p.BytesTotal)
			}
			out.progress(done, fmt.Sprintf("%d new, %d dup, %d skipped", p.Imported, p.Duplicates, p.Skipped))
		}
		rep, err := db.Import(ctx, paths, opts)
		if ctx.Err() != nil {
			return nil // cancelled: the status line said so
		}
		return importDoneMsg{rep: rep, err: err, problems: problems}
	}})
	return cmd
}

// warnings says how many imported records had harmless gaps (a label that
// names no step, an error step past the end), "" when none had.
func warnings(rep *store.ImportReport) string {
	if rep.Warnings == 0 {
		return ""
	}
	return fmt.Sprintf(", %d warnings (imported with what could be trusted)", rep.Warnings)
}

func (m *Model) importDone(msg importDoneMsg) tea.Cmd {
	switch {
	case msg.err != nil:
		m.setError("import: " + msg.err.Error())
	case msg.rep.Skipped > 0:
		first := ""
		if len(msg.problems) > 0 {
			first = " — first: " + msg.problems[0]
		}
		m.setError(fmt.Sprintf("imported %d new traces, %d duplicates, %d skipped%s%s", msg.rep.Imported, msg.rep.Duplicates, msg.rep.Skipped, warnings(msg.rep), termsafe.Line(first)))
	case msg.rep.Warnings > 0:
		m.setError(fmt.Sprintf("imported %d new traces, %d duplicates%s — `stepwise import` lists them", msg.rep.Imported, msg.rep.Duplicates, warnings(msg.rep)))
	default:
		m.setInfo(fmt.Sprintf("imported %d new traces, %d duplicates", msg.rep.Imported, msg.rep.Duplicates))
	}
	return m.broadcast(importFinishedMsg{})
}
