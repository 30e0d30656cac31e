package tui

import (
	"fmt"
	"path/filepath"

	tea "charm.land/bubbletea/v2"

	"github.com/stepwise-dev/stepwise/store"
	"github.com/stepwise-dev/stepwise/themes/termsafe"
)

// importDoneMsg ends an import job.
type importDoneMsg struct {
	job      int
	rep      *store.ImportReport
	err      error
	problems []string
}

// streamMsg carries a message from a long-running command together with
// the command that waits for the next one.
type streamMsg struct {
	msg  tea.Msg
	next tea.Cmd
}

// waitStream turns a channel of messages into commands: each returns one
// message and re-arms itself until the channel closes.
func waitStream(ch <-chan tea.Msg) tea.Cmd {
	return func() tea.Msg {
		msg, ok := <-ch
		if !ok {
			return nil
		}
		return streamMsg{msg: msg, next: waitStream(ch)}
	}
}

// startImport runs an import as a background job: the UI stays live, the
// job bar shows progress, ctrl+x cancels (committed batches stay).
func (m *Model) startImport(paths []string, opts store.ImportOptions) tea.Cmd {
	name := "import"
	if len(paths) == 1 {
		name += " " + filepath.Base(paths[0])
	}
	id, ctx := m.jobs.start(m, name)
	ch := make(chan tea.Msg, 8)
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
		select { // progress may be dropped, never the result
		case ch <- jobMsg{id: id, done: done, detail: fmt.Sprintf("%d new, %d dup, %d skipped", p.Imported, p.Duplicates, p.Skipped)}:
		default:
		}
	}
	db := m.db
	go func() {
		defer close(ch)
		rep, err := db.Import(ctx, paths, opts)
		select {
		case ch <- importDoneMsg{job: id, rep: rep, err: err, problems: problems}:
		case <-ctx.Done():
		}
	}()
	return tea.Batch(waitStream(ch), m.relayout())
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
	cmd := m.jobs.finish(m, msg.job)
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
	return tea.Batch(cmd, m.library.load(m), m.list.refresh(m))
}
