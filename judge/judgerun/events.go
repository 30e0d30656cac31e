package judgerun

import (
	"sync"

	"github.com/stepwise-dev/stepwise/judge"
)

// EventBuffer collects a run's progress events from the judge's goroutines
// until the UI drains them, merging streamed text: a model streaming tokens
// produces hundreds of deltas a second, and the workbench should turn them
// into a few messages a second (drain on a 50 ms tick). Start, stage and
// done events are kept whole and in order.
type EventBuffer struct {
	mu      sync.Mutex
	pending []judge.Event
}

// Add is the judge.Progress to pass to Judge or Run.
func (b *EventBuffer) Add(e judge.Event) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if e.Kind == judge.EventDelta {
		for i := len(b.pending) - 1; i >= 0; i-- {
			p := &b.pending[i]
			if p.Kind != judge.EventDelta || p.Job != e.Job || p.StageName != e.StageName {
				continue
			}
			if e.Restart {
				// The call is being retried: what it streamed is void.
				p.Delta, p.Restart = e.Delta, true
			} else {
				p.Delta += e.Delta
			}
			return
		}
	}
	b.pending = append(b.pending, e)
}

// Drain returns the events gathered since the last call, deltas of one
// stage merged into one event (with Restart set if the stage restarted in
// between, so the reader drops its earlier text first).
func (b *EventBuffer) Drain() []judge.Event {
	b.mu.Lock()
	defer b.mu.Unlock()
	out := b.pending
	b.pending = nil
	return out
}
