package tui

import (
	"context"
	"fmt"
	"strings"

	tea "charm.land/bubbletea/v2"
)

// jobs are the background tasks (imports, searches; verification and
// judging later) shown in the job bar, each with progress and a cancel.
type jobs struct {
	list []*job
}

type job struct {
	id     int
	name   string
	done   float64 // 0..1, or -1 when unknown
	detail string
	cancel context.CancelFunc
}

// jobMsg reports a job's progress; finished jobs leave the bar.
type jobMsg struct {
	id       int
	done     float64
	detail   string
	finished bool
}

func (j *jobs) active() bool { return len(j.list) > 0 }

// start registers a job and returns its context.
func (j *jobs) start(m *Model, name string) (int, context.Context) {
	ctx, cancel := context.WithCancel(m.ctx)
	id := m.req()
	j.list = append(j.list, &job{id: id, name: name, done: -1, cancel: cancel})
	return id, ctx
}

func (j *jobs) update(m *Model, msg jobMsg) tea.Cmd {
	for i, jb := range j.list {
		if jb.id != msg.id {
			continue
		}
		if msg.finished {
			jb.cancel()
			j.list = append(j.list[:i], j.list[i+1:]...)
			return m.relayout()
		}
		jb.done, jb.detail = msg.done, msg.detail
	}
	return nil
}

// finish removes a job directly (from Update, when its result arrives).
func (j *jobs) finish(m *Model, id int) tea.Cmd {
	return j.update(m, jobMsg{id: id, finished: true})
}

// set updates a job's progress from Update.
func (j *jobs) set(id int, done float64, detail string) {
	for _, jb := range j.list {
		if jb.id == id {
			jb.done, jb.detail = done, detail
		}
	}
}

// cancelJob stops one job.
func (j *jobs) cancelJob(m *Model, id int) tea.Cmd {
	for _, jb := range j.list {
		if jb.id == id {
			jb.cancel()
		}
	}
	return j.finish(m, id)
}

// cancelNewest stops the most recent job.
func (j *jobs) cancelNewest(m *Model) tea.Cmd {
	if len(j.list) == 0 {
		m.setError("no background job to cancel")
		return nil
	}
	jb := j.list[len(j.list)-1]
	jb.cancel()
	m.setInfo("cancelled " + jb.name)
	return j.finish(m, jb.id)
}

func (j *jobs) view(m *Model) string {
	var parts []string
	for _, jb := range j.list {
		p := "…"
		if jb.done >= 0 {
			p = fmt.Sprintf("%3.0f%%", jb.done*100)
		}
		parts = append(parts, fmt.Sprintf("%s %s %s", jb.name, p, jb.detail))
	}
	return truncate(m.st.jobBar.Render("⟳ "+strings.Join(parts, "  │  ")+"  (ctrl+x cancels)"), m.width)
}
