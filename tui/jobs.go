package tui

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	tea "charm.land/bubbletea/v2"
)

// Background work — an import, an export, a verification, a judge run, a
// search, the triage queue's build, a list's scan of the store, the check
// of the store on open — runs as a job, and every job goes through this
// one mechanism:
//
//   - its body runs in its own goroutine with a context that ends on ctrl+x
//     (the newest job in the bar), when its owner starts a new one, or when
//     the program quits;
//   - it reports through a jobOut: progress for the job bar (the latest
//     wins), messages for the screens (in order, never dropped; a burst of
//     streamed text is merged into one message), and its result, the
//     message its body returns;
//   - one command waits for what the job has reported and brings it to
//     Update as a jobMsg, then waits again: nothing polls while a job is
//     quiet, and a busy one costs one Update per batch, at most one per
//     jobSpec.every;
//   - the root routes a batch's messages like any other message, tagged
//     with the request ids their owners compare to drop stale ones. A
//     cancelled job's streamed messages are dropped; its result is still
//     routed (a judge run reports what it saved), and a body that has
//     nothing to say after a cancel returns nil.
//
// A read that answers in one message is not a job: it is a plain tea.Cmd.

// jobs are the running jobs, oldest first.
type jobs struct {
	list []*job
}

// job is one running job.
type job struct {
	id     int
	name   string
	quiet  bool    // not in the job bar; ctrl+x does not cancel it
	done   float64 // 0..1, or -1 when unknown
	detail string
	cancel context.CancelFunc
}

// jobSpec describes a job to start.
type jobSpec struct {
	name string
	// quiet jobs (a list's scan, the store check) stay out of the job bar
	// and are cancelled by their owner or on quit, not by ctrl+x.
	quiet bool
	// every is the least time between two deliveries (0: as soon as
	// something is ready): streamed model output is shown a few times a
	// second, not once per token.
	every time.Duration
	// backlog is how many messages may wait for the UI before send waits
	// too (0: no limit). A limit keeps a fast producer (a scan of a
	// million rows) from running far ahead of the screen.
	backlog int
	// run is the body. Its return value is the job's result (nil: none).
	run func(ctx context.Context, out *jobOut) tea.Msg
}

// jobMsg brings what a job reported since the last one: streamed
// messages, the latest progress, and, when final, the result.
type jobMsg struct {
	id       int
	msgs     []tea.Msg
	progress *jobProgress
	final    bool
	result   tea.Msg
	next     tea.Cmd // waits for the next batch (nil when final)
}

type jobProgress struct {
	done   float64
	detail string
}

// merger is a streamed message that can take in a later one (more text of
// the same stream), so that a burst reaches the screen as one message.
type merger interface {
	merge(later tea.Msg) (tea.Msg, bool)
}

// start runs a job under parent with the given id and returns the command
// that delivers its first batch.
func (j *jobs) start(parent context.Context, id int, spec jobSpec) tea.Cmd {
	ctx, cancel := context.WithCancel(parent)
	j.list = append(j.list, &job{id: id, name: spec.name, quiet: spec.quiet, done: -1, cancel: cancel})
	out := &jobOut{id: id, ctx: ctx, backlog: spec.backlog, wake: make(chan struct{}, 1),
		room: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer cancel()
		out.finish(spec.run(ctx, out))
	}()
	return out.deliver(id, spec.every, time.Time{})
}

// find returns the running job id, nil when it has ended or was cancelled.
func (j *jobs) find(id int) *job {
	for _, jb := range j.list {
		if jb.id == id {
			return jb
		}
	}
	return nil
}

// remove takes a job out of the list and ends its context.
func (j *jobs) remove(id int) *job {
	for i, jb := range j.list {
		if jb.id == id {
			jb.cancel()
			j.list = append(j.list[:i], j.list[i+1:]...)
			return jb
		}
	}
	return nil
}

// active reports whether the job bar shows (a job that is not quiet runs).
func (j *jobs) active() bool {
	for _, jb := range j.list {
		if !jb.quiet {
			return true
		}
	}
	return false
}

// newest is the most recent job the bar shows, nil when none.
func (j *jobs) newest() *job {
	for i := len(j.list) - 1; i >= 0; i-- {
		if !j.list[i].quiet {
			return j.list[i]
		}
	}
	return nil
}

func (j *jobs) view(st styles, width int) string {
	var parts []string
	for _, jb := range j.list {
		if jb.quiet {
			continue
		}
		p := "…"
		if jb.done >= 0 {
			p = fmt.Sprintf("%3.0f%%", jb.done*100)
		}
		parts = append(parts, fmt.Sprintf("%s %s %s", jb.name, p, jb.detail))
	}
	return truncate(st.jobBar.Render("⟳ "+strings.Join(parts, "  │  ")+"  (ctrl+x cancels)"), width)
}

// jobOut is a running job's side of the delivery: the body writes to it
// from any goroutine, the delivery command reads it.
type jobOut struct {
	id      int // the job's id, for the body to tag its messages with
	ctx     context.Context
	backlog int

	mu   sync.Mutex
	msgs []tea.Msg
	prog *jobProgress
	// wake holds a token while there is something to deliver; room is
	// closed (and replaced) each time the reader takes the messages.
	wake chan struct{}
	room chan struct{}

	done   chan struct{} // closed when the body has returned
	result tea.Msg
}

// send queues msg for the screens. It is never dropped while the job
// runs: when backlog messages wait, send waits for the UI to take them. It
// reports false (and drops msg) once the job's context has ended, so that
// a producer nobody reads any more stops at once instead of holding what
// it holds (a read transaction).
func (o *jobOut) send(msg tea.Msg) bool {
	for {
		if o.ctx.Err() != nil {
			return false
		}
		o.mu.Lock()
		if o.mergeLocked(msg) {
			o.signalLocked()
			o.mu.Unlock()
			return true
		}
		room := o.room
		o.mu.Unlock()
		select {
		case <-room:
		case <-o.ctx.Done():
			return false
		}
	}
}

// offer queues msg like send but drops it rather than wait: for progress
// a later message replaces.
func (o *jobOut) offer(msg tea.Msg) {
	if o.ctx.Err() != nil {
		return
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.mergeLocked(msg) {
		o.signalLocked()
	}
}

// mergeLocked merges msg into a waiting message that takes it, or appends
// it when there is room; it reports whether msg is now queued.
func (o *jobOut) mergeLocked(msg tea.Msg) bool {
	for i := len(o.msgs) - 1; i >= 0; i-- {
		if mg, ok := o.msgs[i].(merger); ok {
			if merged, ok := mg.merge(msg); ok {
				o.msgs[i] = merged
				return true
			}
		}
	}
	if o.backlog == 0 || len(o.msgs) < o.backlog {
		o.msgs = append(o.msgs, msg)
		return true
	}
	return false
}

// progress sets the job bar's figure (0..1, or -1 when unknown) and text;
// the latest wins.
func (o *jobOut) progress(done float64, detail string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.prog = &jobProgress{done: done, detail: detail}
	o.signalLocked()
}

func (o *jobOut) signalLocked() {
	select {
	case o.wake <- struct{}{}:
	default:
	}
}

// finish records the body's result and ends the job.
func (o *jobOut) finish(result tea.Msg) {
	o.result = result
	close(o.done)
}

func (o *jobOut) finished() bool {
	select {
	case <-o.done:
		return true
	default:
		return false
	}
}

// deliver waits until the job has something to report (or has ended),
// no sooner than every after the last delivery, and returns it as a
// jobMsg that carries the wait for the next one.
func (o *jobOut) deliver(id int, every time.Duration, last time.Time) tea.Cmd {
	return func() tea.Msg {
		select {
		case <-o.wake:
		case <-o.done:
		}
		if wait := time.Until(last.Add(every)); every > 0 && wait > 0 {
			t := time.NewTimer(wait)
			select {
			case <-t.C:
			case <-o.done:
				t.Stop()
			}
		}
		// Seen before taking the messages: once the body has returned,
		// nothing more is sent, so this batch is the last.
		final := o.finished()
		o.mu.Lock()
		msg := jobMsg{id: id, msgs: o.msgs, progress: o.prog, final: final}
		o.msgs, o.prog = nil, nil
		close(o.room)
		o.room = make(chan struct{})
		select { // the token stood for what was just taken
		case <-o.wake:
		default:
		}
		o.mu.Unlock()
		if final {
			msg.result = o.result
		} else {
			msg.next = o.deliver(id, every, time.Now())
		}
		return msg
	}
}
