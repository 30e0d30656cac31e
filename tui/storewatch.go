package tui

import (
	"context"
	"time"

	tea "charm.land/bubbletea/v2"
)

// Other processes write to the store while the workbench is open: an
// import or a verify in another terminal, another annotator's workbench.
// The workbench looks for their commits once a second (a stat of the file
// when nothing moved; store.DB.Changes) and tells the screens that show
// stored data to read it again, each keeping its place.

// pollEvery is how often the workbench looks for other processes'
// commits, unless Options.StorePoll says otherwise.
const pollEvery = time.Second

// pollWait bounds a look that meets another process's transaction; the
// next look tries again.
const pollWait = 200 * time.Millisecond

// storePollMsg is the tick that starts a look.
type storePollMsg struct{}

// storeChangesMsg is what a look found: the count of other processes'
// commits noticed so far.
type storeChangesMsg struct {
	n   uint64
	err error
}

// pollStore schedules the next look.
func (m *Model) pollStore() tea.Cmd {
	every := m.opts.StorePoll
	switch {
	case every < 0:
		return nil
	case every == 0:
		every = pollEvery
	}
	return tea.Tick(every, func(time.Time) tea.Msg { return storePollMsg{} })
}

// lookForChanges asks the store, off the UI thread.
func (m *Model) lookForChanges() tea.Cmd {
	db, ctx := m.db, m.ctx
	return func() tea.Msg {
		c, cancel := context.WithTimeout(ctx, pollWait)
		defer cancel()
		n, err := db.Changes(c)
		return storeChangesMsg{n: n, err: err}
	}
}

// changesSeen takes a look's result: when other processes committed, every
// screen on the stack that shows stored data reloads it.
func (m *Model) changesSeen(msg storeChangesMsg) tea.Cmd {
	if msg.err != nil || msg.n <= m.changes {
		return m.pollStore() // a busy store is looked at again next time
	}
	m.changes = msg.n
	return tea.Batch(m.pollStore(), m.storeChanged())
}

// storeChanged tells the screens that the store changed under them.
func (m *Model) storeChanged() tea.Cmd {
	return tea.Batch(m.library.load(m), m.list.storeChanged(m), m.trace.storeChanged(m))
}

// onStack reports whether s is open (shown or under the current screen).
func (m *Model) onStack(s screen) bool {
	for _, x := range m.stack {
		if x == s {
			return true
		}
	}
	return false
}

// storeCheckedMsg is the result of the full check the workbench runs on
// the store when it opens.
type storeCheckedMsg struct{ err error }

// checkStore reads the whole store once, in the background, looking for
// damage (store.DB.Check): what the workbench shows must be what was
// stored, and a damaged store is said so at once, with what to do.
func (m *Model) checkStore() tea.Cmd {
	if m.opts.NoStoreCheck {
		return nil
	}
	db := m.db
	_, cmd := m.startJob(jobSpec{name: "check", quiet: true, run: func(ctx context.Context, _ *jobOut) tea.Msg {
		_, err := db.Check(ctx)
		return storeCheckedMsg{err: err}
	}})
	return cmd
}

func (m *Model) storeChecked(msg storeCheckedMsg) {
	if msg.err != nil && m.ctx.Err() == nil {
		m.setError(msg.err.Error())
	}
}
