package tui

import (
	"context"
	"fmt"
	"sync/atomic"

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

// searchMsg carries a batch of hits from the running search, or its end.
type searchMsg struct {
	req  int
	hits []store.TraceHits
	done bool
	err  error
}

// searchProgressMsg says how much of the store the search has read; a
// later one replaces it.
type searchProgressMsg struct {
	req int
	p   store.SearchProgress
}

func (a searchProgressMsg) merge(later tea.Msg) (tea.Msg, bool) {
	b, ok := later.(searchProgressMsg)
	return b, ok && b.req == a.req
}

// searchBacklog is how many batches of hits may wait for the screen before
// the search waits too.
const searchBacklog = 16

func (s *listSearch) summary() string {
	text := fmt.Sprintf("· %d matches", s.matches)
	if !s.progress.Done && s.progress.Total > 0 {
		text += fmt.Sprintf(" (%.0f%% scanned)", 100*float64(s.progress.Scanned)/float64(s.progress.Total))
	}
	return text
}

// startSearch searches the current filter's traces for q.
func (l *listScreen) startSearch(q string) tea.Cmd {
	l.stopSearch()
	l.search = &listSearch{query: q}
	return l.reload()
}

// clearSearch goes back to the plain list.
func (l *listScreen) clearSearch() tea.Cmd {
	l.stopSearch()
	l.search = nil
	return l.reload()
}

func (l *listScreen) stopSearch() {
	if l.search != nil && l.search.job != 0 {
		l.c.cancelJob(l.search.job)
	}
}

// restart runs the search in the background; reload has reset the rows.
func (s *listSearch) restart(l *listScreen) tea.Cmd {
	s.req = l.seqReq
	s.hits, s.matches, s.progress = map[uint64]store.TraceHits{}, 0, store.SearchProgress{}
	db, req := l.c.db, s.req
	q := store.SearchQuery{Text: s.query, Filter: l.filter}
	var cmd tea.Cmd
	s.job, cmd = l.c.startJob(jobSpec{name: "search “" + s.query + "”", backlog: searchBacklog,
		run: func(ctx context.Context, out *jobOut) tea.Msg {
			var traces atomic.Int64
			err := db.Search(ctx, q,
				func(h []store.TraceHits) {
					traces.Add(int64(len(h)))
					out.send(searchMsg{req: req, hits: h})
				},
				func(p store.SearchProgress) {
					if p.Total > 0 {
						out.progress(float64(p.Scanned)/float64(p.Total), fmt.Sprintf("%d traces", traces.Load()))
					}
					out.offer(searchProgressMsg{req: req, p: p})
				})
			if ctx.Err() != nil {
				return nil // stopped: a new search or a cancel
			}
			return searchMsg{req: req, done: true, err: err}
		}})
	return cmd
}

// searchUpdate adds a batch of hits to the list.
func (l *listScreen) searchUpdate(msg searchMsg) tea.Cmd {
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
	if !msg.done {
		return l.ensureRows()
	}
	s.progress.Done, l.complete = true, true
	s.job = 0
	switch {
	case msg.err != nil:
		l.c.setError("search: " + msg.err.Error())
	case l.total == 0:
		l.c.setError(fmt.Sprintf("no trace matches %q", s.query))
	default:
		l.c.setInfo(fmt.Sprintf("%q: %d matches in %d traces — ⏎ opens, n/N move", s.query, s.matches, l.total))
	}
	return l.ensureRows()
}

// searchProgressed shows how much of the store the search has read.
func (l *listScreen) searchProgressed(msg searchProgressMsg) {
	if s := l.search; s != nil && msg.req == s.req {
		s.progress = msg.p
	}
}
