package tui

import (
	"fmt"

	tea "charm.land/bubbletea/v2"

	"github.com/stepwise-dev/stepwise/store"
)

// listSearch is a full-text search over the listed traces: the list shows
// the traces that match, filled in as the background scan finds them.
type listSearch struct {
	query    string
	req      int
	job      int
	hits     map[uint64]store.TraceHits
	matches  int
	progress store.SearchProgress
}

// searchMsg carries a batch of hits or progress from the running search.
type searchMsg struct {
	req      int
	hits     []store.TraceHits
	progress *store.SearchProgress
	done     bool
	err      error
}

func (s *listSearch) summary() string {
	text := fmt.Sprintf("· %d matches", s.matches)
	if !s.progress.Done && s.progress.Total > 0 {
		text += fmt.Sprintf(" (%.0f%% scanned)", 100*float64(s.progress.Scanned)/float64(s.progress.Total))
	}
	return text
}

// startSearch searches the current filter's traces for q.
func (l *listScreen) startSearch(m *Model, q string) tea.Cmd {
	l.stopSearch(m)
	l.search = &listSearch{query: q}
	return l.reload(m)
}

// clearSearch goes back to the plain list.
func (l *listScreen) clearSearch(m *Model) tea.Cmd {
	l.stopSearch(m)
	l.search = nil
	return l.reload(m)
}

func (l *listScreen) stopSearch(m *Model) tea.Cmd {
	if l.search == nil || l.search.job == 0 {
		return nil
	}
	return m.jobs.cancelJob(m, l.search.job)
}

// restart runs the search in the background; reload has reset the rows.
func (s *listSearch) restart(m *Model) tea.Cmd {
	l := &m.list
	s.req = l.seqReq
	s.hits, s.matches, s.progress = map[uint64]store.TraceHits{}, 0, store.SearchProgress{}
	id, ctx := m.jobs.start(m, "search “"+s.query+"”")
	s.job = id
	ch := make(chan tea.Msg, 16)
	db, req := m.db, s.req
	q := store.SearchQuery{Text: s.query, Filter: l.filter}
	go func() {
		defer close(ch)
		err := db.Search(ctx, q,
			func(h []store.TraceHits) {
				select { // a search nobody reads any more must not hold its transaction
				case ch <- searchMsg{req: req, hits: h}:
				case <-ctx.Done():
				}
			},
			func(p store.SearchProgress) {
				select { // progress may be dropped; hits never are
				case ch <- searchMsg{req: req, progress: &p}:
				default:
				}
			})
		select {
		case ch <- searchMsg{req: req, done: true, err: err}:
		case <-ctx.Done():
		}
	}()
	return tea.Batch(waitStream(ch), m.relayout())
}

// searchUpdate adds a batch of hits to the list.
func (l *listScreen) searchUpdate(m *Model, msg searchMsg) tea.Cmd {
	s := l.search
	if s == nil || msg.req != s.req {
		return nil
	}
	for _, h := range msg.hits {
		s.hits[h.Seq] = h
		s.matches += h.ProblemHits + h.StepHits
		l.seqs = append(l.seqs, h.Seq)
	}
	l.total = len(l.seqs)
	if msg.progress != nil {
		s.progress = *msg.progress
		if p := msg.progress; p.Total > 0 {
			m.jobs.set(s.job, float64(p.Scanned)/float64(p.Total), fmt.Sprintf("%d traces", l.total))
		}
	}
	if !msg.done {
		return l.ensureRows(m)
	}
	s.progress.Done, l.complete = true, true
	cmd := m.jobs.finish(m, s.job)
	s.job = 0
	switch {
	case msg.err != nil:
		m.setError("search: " + msg.err.Error())
	case l.total == 0:
		m.setError(fmt.Sprintf("no trace matches %q", s.query))
	default:
		m.setInfo(fmt.Sprintf("%q: %d matches in %d traces — ⏎ opens, n/N move", s.query, s.matches, l.total))
	}
	return tea.Batch(cmd, l.ensureRows(m))
}
