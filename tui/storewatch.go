package tui

import (
	"context"
	"time"

	tea "charm.land/bubbletea/v2"
)

// Other processes write to the store while the workbench is open: an
// import or a verify in another terminal, another annotator's workbench.
// The workbench looks for their commits once a second (a stat of the file
// when nothing moved; store.DB.Changes) and tells the screens
// (storeChangedMsg); those that show stored data read it again, each
// keeping its place. The look is a timer and a short read bounded by
// pollWait, not a job: it has no progress and nothing to cancel.

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
	db, ctx := m.db, m.life
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
	return batch(m.pollStore(), m.broadcast(storeChangedMsg{}))
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
	if msg.err != nil && m.life.Err() == nil {
		m.setError(msg.err.Error())
	}
}
