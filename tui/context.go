package tui

import (
	"context"

	tea "charm.land/bubbletea/v2"

	"github.com/stepwise-dev/stepwise"
	"github.com/stepwise-dev/stepwise/judge/analytics"

	"github.com/stepwise-dev/stepwise/store"
	"github.com/stepwise-dev/stepwise/tui/render"
)

// programContext is what the screens share and all they are given of the
// root (gh-dash's ProgramContext): the store and the services (jobs, the
// label writer, the renderer), the styles and the key map, the terminal's
// size, the status line, the prompt, the navigation stack, and the queue
// of requests for the root. A screen holds no other screen: it asks the
// root for what another screen does by posting a request (requests.go).
type programContext struct {
	// life ends when the program quits; every job and every read that
	// can be cancelled runs under it.
	life context.Context
	db   *store.DB
	opts Options
	keys *keyMap
	// schemas are Options.Schemas with every question's key assigned.
	schemas map[string]*stepwise.Schema
	st      styles
	render  *render.Renderer

	width, height int

	jobs   jobs
	labels labelQueue

	stack    []screenID
	prompt   *prompt
	status   string
	statusOK bool

	nextReq int
	posted  []tea.Msg
}

// req returns a fresh request id. Every asynchronous answer carries the id
// of the request it answers, and whoever asked drops an answer whose id is
// not the last it asked for.
func (c *programContext) req() int {
	c.nextReq++
	return c.nextReq
}

// post queues a request or an event for the root, which routes it before
// the current Update returns: synchronously, in order, like a call, but
// without the poster knowing who handles it.
func (c *programContext) post(msg tea.Msg) { c.posted = append(c.posted, msg) }

func (c *programContext) setError(s string) { c.status, c.statusOK = s, false }
func (c *programContext) setInfo(s string)  { c.status, c.statusOK = s, true }

// ask opens a prompt at the bottom of the screen.
func (c *programContext) ask(p *prompt) { c.prompt = p }

// current is the screen shown.
func (c *programContext) current() screenID { return c.stack[len(c.stack)-1] }

// push shows a screen over the current one.
func (c *programContext) push(s screenID) { c.stack = append(c.stack, s) }

// pop goes back to the screen under the current one (never past the first).
func (c *programContext) pop() {
	if len(c.stack) > 1 {
		c.stack = c.stack[:len(c.stack)-1]
	}
}

// onStack reports whether s is open (shown or under the current screen).
func (c *programContext) onStack(s screenID) bool {
	for _, x := range c.stack {
		if x == s {
			return true
		}
	}
	return false
}

// bodyTop is the first screen row of the body (below the header).
func (c *programContext) bodyTop() int { return 1 }

// bodyHeight is the number of rows between the header and the bars.
func (c *programContext) bodyHeight() int {
	h := c.height - 2 // header, status bar
	if c.jobs.active() {
		h--
	}
	if c.prompt != nil {
		h -= c.prompt.height()
	}
	return max(h, 1)
}

// taxonomy is the configured error types.
func (c *programContext) taxonomy() []string {
	if len(c.opts.Taxonomy) > 0 {
		return c.opts.Taxonomy
	}
	return DefaultTaxonomy
}

// buckets are the configured difficulty thresholds.
func (c *programContext) buckets() analytics.Buckets {
	if c.opts.Buckets == (analytics.Buckets{}) {
		return analytics.DefaultBuckets
	}
	return c.opts.Buckets
}

// startJob starts a job under the program's life and returns its id (a
// request id: what it reports is tagged with it) and its command.
func (c *programContext) startJob(spec jobSpec) (int, tea.Cmd) {
	id := c.req()
	return id, c.jobs.start(c.life, id, spec)
}

// cancelJob stops a job; its streamed messages are dropped from now on.
func (c *programContext) cancelJob(id int) { c.jobs.remove(id) }

// batch joins commands, leaving out the nil ones.
func batch(cmds ...tea.Cmd) tea.Cmd {
	var out []tea.Cmd
	for _, c := range cmds {
		if c != nil {
			out = append(out, c)
		}
	}
	switch len(out) {
	case 0:
		return nil
	case 1:
		return out[0]
	}
	return tea.Batch(out...)
}
