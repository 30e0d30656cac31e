package tui

import (
	"context"
	"fmt"
	"strings"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/stepwise-dev/stepwise"
	"github.com/stepwise-dev/stepwise/store"
	"github.com/stepwise-dev/stepwise/themes/termsafe"
)

// listScreen is a virtualized table over the store: it holds the ordered
// seqs of the matching traces (8 bytes each; none at all for the unfiltered
// import order, where row i is seq i+1) and the summaries of the rows around
// the screen, fetched in the background as the cursor moves.
type listScreen struct {
	c      *programContext
	filter store.Filter
	order  store.Order

	identity bool     // unfiltered import order: row i is seq i+1
	seqs     []uint64 // otherwise the rows' seqs, growing while the scan runs
	total    int
	complete bool
	seqReq   int
	scanJob  int // the running scan of the store, 0 when none

	cursor, top int
	rows        map[uint64]store.Summary
	rowReq      int
	pending     [2]int // row range being fetched

	// refreshing: the query runs again after another process changed the
	// store; fresh collects its answer, and the rows on screen stay until
	// it is complete.
	refreshing bool
	fresh      []uint64

	search *listSearch
	// proofStrips are the verification strips of loaded rows ("" never
	// checked), kept apart from the summaries: checks change them.
	proofStrips map[uint64]string
	// humanStrips are the annotator's own labels of loaded rows ("" none),
	// updated as they label.
	humanStrips map[uint64]string
	// prmStrips are the PRM strips of loaded rows (prmstrip.go); prmAny
	// says the store holds PRM scores, so the list has a PRM column.
	prmStrips map[uint64]string
	prmAny    bool
	// tokensAny and toolsAny say a loaded row records tokens or calls a
	// tool, so the list has a measure column (measure.go).
	tokensAny, toolsAny bool
}

// seqsMsg brings a chunk of the scan's rows, or its end (done).
type seqsMsg struct {
	req   int
	seqs  []uint64
	done  bool
	err   error
	count int // identity lists: the trace count
}

// scanBacklog is how many chunks of rows may wait for the screen before
// the scan waits too.
const scanBacklog = 64

type rowsMsg struct {
	req    int
	rows   []store.Summary
	proofs []string
	humans []string
	prms   []string
	prmAny bool
	err    error
}

func newListScreen(c *programContext) *listScreen {
	l := &listScreen{c: c}
	l.init()
	return l
}

func (l *listScreen) where() string { return "trace list" }

func (l *listScreen) hints() []action {
	return []action{actOpen, actFilter, actSearch, actSort, actBack, actHelp}
}

func (l *listScreen) init() {
	l.rows = map[uint64]store.Summary{}
	l.proofStrips = map[uint64]string{}
	l.humanStrips = map[uint64]string{}
	l.prmStrips = map[uint64]string{}
}

// title is the breadcrumb text.
func (l *listScreen) title() string {
	t := "traces"
	if f := formatFilter(l.filter); f != "" {
		t += " [" + f + "]"
	}
	if l.search != nil {
		t += " /" + l.search.query
	}
	return t
}

// openWith shows the list for a filter, from the top.
func (l *listScreen) openWith(f store.Filter) tea.Cmd {
	if l.c.current() != scrList {
		l.c.push(scrList)
	}
	l.search = nil
	return l.setFilter(f)
}

// setFilter restarts the list with a new filter, keeping the sort order.
func (l *listScreen) setFilter(f store.Filter) tea.Cmd {
	l.filter = f
	return l.reload()
}

// refresh reloads the list (after an import) if it is open.
func (l *listScreen) refresh() tea.Cmd {
	if l.c.onStack(scrList) {
		return l.reload()
	}
	return nil
}

// storeChanged runs the list's query again after another process changed
// the store, keeping the cursor where it was. A search result stays as it
// is: it is the answer to the search the user ran.
func (l *listScreen) storeChanged() tea.Cmd {
	if !l.c.onStack(scrList) || l.search != nil {
		return nil
	}
	l.seqReq = l.c.req()
	l.refreshing, l.fresh = true, nil
	return l.query()
}

// reload starts the scan for the current filter and order.
func (l *listScreen) reload() tea.Cmd {
	l.seqReq = l.c.req()
	l.seqs, l.total, l.complete = nil, 0, false
	l.cursor, l.top = 0, 0
	l.rows = map[uint64]store.Summary{}
	l.refreshing, l.fresh = false, nil
	l.tokensAny, l.toolsAny = false, false // the new rows decide the measure column
	l.identity = l.search == nil && l.order.Key == store.SortImport && !l.order.Desc && isEmptyFilter(l.filter)
	l.stopScan()
	if l.search != nil {
		return l.search.restart(l)
	}
	return l.query()
}

// query scans the store for the list's filter and order. A scan that is
// not the unfiltered import order streams its rows as a quiet job: the
// first screenful shows at once, and a new query stops the old scan (it
// holds a read transaction).
func (l *listScreen) query() tea.Cmd {
	req, db := l.seqReq, l.c.db
	l.stopScan()
	if l.identity {
		return func() tea.Msg {
			n, err := db.MaxSeq()
			return seqsMsg{req: req, done: true, err: err, count: int(n)}
		}
	}
	f, o := l.filter, l.order
	var cmd tea.Cmd
	l.scanJob, cmd = l.c.startJob(jobSpec{name: "list", quiet: true, backlog: scanBacklog,
		run: func(ctx context.Context, out *jobOut) tea.Msg {
			err := db.Seqs(ctx, f, o, func(c []uint64) error {
				if !out.send(seqsMsg{req: req, seqs: c}) {
					return ctx.Err()
				}
				return nil
			})
			return seqsMsg{req: req, done: true, err: err}
		}})
	return cmd
}

// stopScan ends the running scan, whose answer nobody waits for any more.
func (l *listScreen) stopScan() {
	if l.scanJob != 0 {
		l.c.cancelJob(l.scanJob)
		l.scanJob = 0
	}
}

func isEmptyFilter(f store.Filter) bool { return formatFilter(f) == "" }

func (l *listScreen) seqsLoaded(msg seqsMsg) tea.Cmd {
	if msg.req != l.seqReq {
		return nil
	}
	if msg.done {
		l.scanJob = 0
	}
	if msg.err != nil {
		l.c.setError("list: " + msg.err.Error())
	}
	if l.refreshing {
		return l.freshLoaded(msg)
	}
	if l.identity {
		l.total = msg.count
	} else {
		l.seqs = append(l.seqs, msg.seqs...)
		l.total = len(l.seqs)
	}
	l.complete = msg.done
	return l.ensureRows()
}

// freshLoaded collects a refresh's answer and, once it is complete, shows
// it in place of the old one, the cursor kept on its row number and every
// loaded row read again.
func (l *listScreen) freshLoaded(msg seqsMsg) tea.Cmd {
	l.fresh = append(l.fresh, msg.seqs...)
	if !msg.done {
		return nil
	}
	if msg.err != nil {
		l.refreshing, l.fresh = false, nil
		return nil
	}
	if l.identity {
		l.total = msg.count
	} else {
		l.seqs, l.total = l.fresh, len(l.fresh)
	}
	l.refreshing, l.fresh, l.complete = false, nil, true
	l.init()
	l.pending = [2]int{}
	l.clamp()
	return l.ensureRows()
}

// seqAt is the seq of row i.
func (l *listScreen) seqAt(i int) (uint64, bool) {
	if i < 0 || i >= l.total {
		return 0, false
	}
	if l.identity {
		return uint64(i + 1), true
	}
	return l.seqs[i], true
}

// ensureRows fetches the summaries around the screen that are not loaded.
func (l *listScreen) ensureRows() tea.Cmd {
	h := l.pageSize()
	from, to := max(0, l.top-h), min(l.total, l.top+2*h)
	missing := false
	for i := l.top; i < min(l.total, l.top+h); i++ {
		if seq, _ := l.seqAt(i); !l.has(seq) {
			missing = true
			break
		}
	}
	if !missing || (l.pending[0] <= l.top && l.top+h <= l.pending[1]) {
		return nil
	}
	seqs := make([]uint64, 0, to-from)
	for i := from; i < to; i++ {
		seq, _ := l.seqAt(i)
		seqs = append(seqs, seq)
	}
	l.rowReq = l.c.req()
	l.pending = [2]int{from, to}
	req, db, who := l.rowReq, l.c.db, l.c.opts.Annotator
	return func() tea.Msg {
		rows, err := db.Summaries(seqs)
		if err != nil {
			return rowsMsg{req: req, err: err}
		}
		proofs, err := db.ProofStrips(seqs)
		if err != nil {
			return rowsMsg{req: req, err: err}
		}
		humans, err := db.HumanStrips(seqs, who)
		if err != nil {
			return rowsMsg{req: req, err: err}
		}
		prms, prmAny, err := prmStrips(db, seqs, rows)
		return rowsMsg{req: req, rows: rows, proofs: proofs, humans: humans, prms: prms, prmAny: prmAny, err: err}
	}
}

func (l *listScreen) has(seq uint64) bool { _, ok := l.rows[seq]; return ok }

func (l *listScreen) rowsLoaded(msg rowsMsg) tea.Cmd {
	if msg.req != l.rowReq {
		return nil
	}
	l.pending = [2]int{}
	if msg.err != nil {
		l.c.setError("list: " + msg.err.Error())
		return nil
	}
	if len(l.rows) > 4000 {
		l.init() // keep memory flat; the window is refetched
	}
	for i, r := range msg.rows {
		l.rows[r.Seq] = r
		if i < len(msg.proofs) {
			l.proofStrips[r.Seq] = msg.proofs[i]
		}
		if i < len(msg.humans) {
			l.humanStrips[r.Seq] = msg.humans[i]
		}
		if i < len(msg.prms) {
			l.prmStrips[r.Seq] = msg.prms[i]
		}
		_, tokens := store.NumericValue(&r, store.FieldTokens)
		l.tokensAny, l.toolsAny = l.tokensAny || tokens, l.toolsAny || r.Tools.Calls > 0
	}
	l.prmAny = msg.prmAny
	return l.ensureRows()
}

// pageSize is the number of table rows on screen.
func (l *listScreen) pageSize() int { return max(1, l.c.bodyHeight()-1) }

func (l *listScreen) resize() tea.Cmd {
	l.clamp()
	return l.ensureRows()
}

func (l *listScreen) handlers() []handler {
	c := l.c
	searching := func() string {
		if l.search != nil {
			return "search results are in import order: clear the search (/ then ⏎ on an empty line) to sort"
		}
		return ""
	}
	hs := moveHandlers(l.moveKey)
	hs = append(hs,
		on(actOpen, l.open),
		on(actBack, l.back),
		on(actFilter, func() tea.Cmd { l.askFilter(formatFilter(l.filter)); return nil }),
		on(actSearch, func() tea.Cmd {
			q := ""
			if l.search != nil {
				q = l.search.query
			}
			l.askSearch(q)
			return nil
		}),
		on(actNextMatch, func() tea.Cmd { return l.move(1) }),
		on(actPrevMatch, func() tea.Cmd { return l.move(-1) }),
		on(actSamples, func() tea.Cmd {
			seq, _ := l.seqAt(l.cursor)
			r, ok := l.rows[seq]
			if !ok {
				c.setError("no trace selected (or its row is still loading)")
				return nil
			}
			c.post(openSamplesReq{origin: r.ID, problem: r.ProblemID})
			return nil
		}),
		on(actClearFilter, func() tea.Cmd {
			if l.search != nil {
				l.stopSearch()
				l.search = nil
				c.setInfo("filter and search cleared")
			}
			return l.setFilter(store.Filter{})
		}),
		on(actSort, func() tea.Cmd {
			keys := store.SortKeys()
			for i, k := range keys {
				if k == l.order.Key {
					l.order.Key = keys[(i+1)%len(keys)]
					break
				}
			}
			c.setInfo("sorted by " + sortName(l.order.Key))
			return l.reload()
		}).unless(searching),
		on(actReverse, func() tea.Cmd {
			l.order.Desc = !l.order.Desc
			return l.reload()
		}).unless(searching),
		jumpHandler(c),
		on(actFreq, func() tea.Cmd { c.post(openFreqReq{filter: l.filter}); return nil }).unless(func() string {
			if l.search != nil {
				return "a frequency table counts the filter's traces, not a search's: clear the search (/ then ⏎ on an empty line) first"
			}
			return ""
		}),
	)
	return append(hs, scopeHandlers(c, func() store.Filter { return l.filter })...)
}

// open shows the trace under the cursor.
func (l *listScreen) open() tea.Cmd {
	seq, ok := l.seqAt(l.cursor)
	if !ok {
		l.c.setError("no trace selected")
		return nil
	}
	query := ""
	if l.search != nil {
		query = l.search.query
	}
	l.c.post(openTraceReq{ref: traceRef{seq: seq, row: l.cursor, search: l.search != nil}, query: query})
	return nil
}

// back ends a search first, then leaves the list: a search must never
// outlive what the user sees.
func (l *listScreen) back() tea.Cmd {
	if l.search != nil {
		l.c.setInfo("search “" + l.search.query + "” cleared")
		return l.clearSearch()
	}
	l.c.post(backReq{})
	return nil
}

// askFilter opens the filter prompt.
func (l *listScreen) askFilter(value string) {
	l.c.ask(newPrompt(l.c, "filter ", value, func(text string) tea.Cmd {
		f, err := parseFilter(text, l.c.buckets())
		if err != nil {
			l.c.setError(err.Error())
			return nil
		}
		return l.setFilter(f)
	}))
}

// askSearch opens the search prompt: an empty search clears the search.
func (l *listScreen) askSearch(value string) {
	l.c.ask(newPrompt(l.c, "/", value, func(q string) tea.Cmd {
		if q == "" {
			return l.clearSearch()
		}
		return l.startSearch(q)
	}))
}

func (l *listScreen) update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case openListReq:
		return l.request(msg)
	case siblingReq:
		if r := msg.ref; r.queue == 0 && r.sample == 0 && r.seq != 0 {
			return l.sibling(r, msg.next)
		}
	case seqsMsg:
		return l.seqsLoaded(msg)
	case rowsMsg:
		return l.rowsLoaded(msg)
	case searchMsg:
		return l.searchUpdate(msg)
	case searchProgressMsg:
		l.searchProgressed(msg)
	case docChangedMsg:
		if msg.why == docLabels {
			// Your labels of the trace, as the YOURS strip shows them.
			l.humanStrips[msg.doc.ref.seq] = ""
			if mk := msg.doc.mine(l.c.opts.Annotator); mk != nil && len(mk.Steps) > 0 {
				l.humanStrips[msg.doc.ref.seq] = mk.Strip(len(msg.doc.t.Steps))
			}
		}
	case proofStripMsg:
		l.proofStrips[msg.seq] = msg.strip
	case storeChangedMsg:
		return l.storeChanged()
	case importFinishedMsg:
		return l.refresh()
	}
	return nil
}

// request shows the list for a filter, or with its filter or search
// prompt open.
func (l *listScreen) request(msg openListReq) tea.Cmd {
	switch msg.prompt {
	case listFilterPrompt:
		l.askFilter("")
		l.c.push(scrList)
		return nil
	case listSearchPrompt:
		l.c.push(scrList)
		cmd := l.openWith(store.Filter{})
		l.askSearch("")
		return cmd
	}
	return l.openWith(msg.filter)
}

// sibling opens the trace of the row after (or before) ref's.
func (l *listScreen) sibling(ref traceRef, next bool) tea.Cmd {
	row := ref.row - 1
	if next {
		row = ref.row + 1
	}
	seq, ok := l.seqAt(row)
	if !ok {
		l.c.setError("no more traces in the list")
		return nil
	}
	l.cursor = row
	l.clamp()
	l.c.post(openTraceReq{ref: traceRef{seq: seq, row: row, search: ref.search}, keepQuery: true})
	return l.ensureRows()
}

func (l *listScreen) moveKey(a action) tea.Cmd {
	page := l.pageSize()
	switch a {
	case actDown:
		return l.move(1)
	case actUp:
		return l.move(-1)
	case actPageDown:
		return l.move(page)
	case actPageUp:
		return l.move(-page)
	case actHalfDown:
		return l.move(page / 2)
	case actHalfUp:
		return l.move(-page / 2)
	case actTop:
		return l.move(-l.cursor)
	case actBottom:
		return l.move(l.total)
	}
	return nil
}

func (l *listScreen) wheel(delta int) tea.Cmd { return l.move(delta) }

func (l *listScreen) move(d int) tea.Cmd {
	l.cursor += d
	l.clamp()
	return l.ensureRows()
}

// clamp keeps the cursor in range and on screen.
func (l *listScreen) clamp() {
	l.cursor = max(0, min(l.cursor, l.total-1))
	h := l.pageSize()
	if l.cursor < l.top {
		l.top = l.cursor
	}
	if l.cursor >= l.top+h {
		l.top = l.cursor - h + 1
	}
	l.top = max(0, min(l.top, max(0, l.total-h)))
}

func (l *listScreen) click(row int) tea.Cmd {
	i := l.top + row - 1 // the first body row is the header
	if row < 1 || i >= l.total {
		return nil
	}
	if i == l.cursor {
		return l.open()
	}
	l.cursor = i
	return nil
}

// columns of the table, sized to the terminal. yours is false when no
// annotator is set: there is no one's labels to show; prm is false when
// the store holds no PRM scores.
type listColumns struct {
	id, dataset, model, strip int
	yours, prm                bool
	measure                   string // the numeric field shown, "" none
}

func (l *listScreen) columns(width int, yours, prm bool) listColumns {
	c := l.sizeColumns(width-measureWidth(l.measureField()), yours, prm)
	c.measure = l.measureField()
	return c
}

func (l *listScreen) sizeColumns(width int, yours, prm bool) listColumns {
	// Fixed: steps 6, answer 4, first error 6, labels 9, trunc 2, gaps;
	// the strips (source labels, yours, proofs, PRM) share what the names
	// leave.
	strips := 2
	if yours {
		strips++
	}
	if prm {
		strips++
	}
	rest := width - 6 - 4 - 6 - 9 - 2 - 7 - strips
	c := listColumns{strip: min(24, max(0, rest/(3*strips))), yours: yours, prm: prm}
	rest -= strips * c.strip
	c.dataset = max(8, min(24, rest/4))
	c.model = max(8, min(26, rest/4))
	c.id = max(8, rest-c.dataset-c.model)
	return c
}

func (l *listScreen) view() string {
	c := l.columns(l.c.width, l.c.opts.Annotator != "", l.prmAny)
	var b strings.Builder
	b.WriteString(l.headerLine(c))
	h := l.pageSize()
	if l.total == 0 {
		if l.complete {
			b.WriteString("\n" + l.c.st.muted.Render("no traces match "+l.title()))
		} else {
			b.WriteString("\n" + l.c.st.muted.Render("loading…"))
		}
		return b.String()
	}
	for i := l.top; i < min(l.total, l.top+h); i++ {
		b.WriteByte('\n')
		seq, _ := l.seqAt(i)
		r, ok := l.rows[seq]
		if !ok {
			b.WriteString(l.c.st.dim.Render(padRight(fmt.Sprintf("  #%d …", seq), l.c.width)))
			continue
		}
		b.WriteString(l.rowLine(c, r, i == l.cursor))
	}
	return b.String()
}

func (l *listScreen) headerLine(c listColumns) string {
	col := func(name string, key store.SortKey, w int, right bool) string {
		if key == l.order.Key && key != store.SortImport {
			if l.order.Desc {
				name += "▼"
			} else {
				name += "▲"
			}
		}
		if right {
			return padLeft(name, w)
		}
		return padRight(name, w)
	}
	count := fmt.Sprintf("%d", l.total)
	if !l.complete {
		count = "≥" + count
	}
	if l.search != nil {
		count += " " + l.search.summary()
	}
	line := " " + col("ID", store.SortID, c.id, false) + " " + col("DATASET", store.SortDataset, c.dataset, false) + " " +
		col("MODEL", store.SortModel, c.model, false) + " " + col("STEPS", store.SortSteps, 6, true) + " " +
		col("ANS", store.SortCorrect, 4, false) + col("1ST✗", store.SortFirstError, 6, true) + " " +
		col("LABELS", store.SortLabel, 9, false) + col("✂", store.SortTruncated, 2, false) + " "
	if c.measure != "" {
		line += col(measureTitle(c.measure), store.SortKey(c.measure), measureWidth(c.measure)-1, true) + " "
	}
	line += padRight("SOURCE", c.strip) + " "
	if c.yours {
		line += padRight("YOURS", c.strip) + " "
	}
	line += padRight("PROOFS", c.strip) + " "
	if c.prm {
		line += padRight("PRM", c.strip) + " "
	}
	line += count
	return l.c.st.header.Render(truncate(line, l.c.width))
}

func (l *listScreen) rowLine(c listColumns, r store.Summary, selected bool) string {
	ans := "?"
	switch {
	case r.Correct == nil:
	case *r.Correct:
		ans = "✓"
	default:
		ans = "✗"
	}
	fe := "-"
	if r.FirstError != nil {
		fe = "none"
		if *r.FirstError >= 0 {
			fe = fmt.Sprint(*r.FirstError)
		}
	}
	trunc := " "
	if r.Truncated {
		trunc = "✂"
	}
	// The dataset column already names the dataset: show the rest of the id.
	text := " " + padRight(termsafe.Line(strings.TrimPrefix(r.ID, r.Dataset+":")), c.id) + " " + padRight(termsafe.Line(r.Dataset), c.dataset) + " " +
		padRight(termsafe.Line(r.Model), c.model) + " " + padLeft(fmt.Sprint(r.Steps), 6) + " " +
		padRight(" "+ans, 4) + padLeft(fe, 6) + " " + padRight(string(r.LabelState), 9) + padRight(trunc, 2) + " "
	if c.measure != "" {
		text += padLeft(measureText(&r, c.measure), measureWidth(c.measure)-1) + " "
	}
	strip := r.Strip
	if r.LabelState == "none" {
		strip = "" // no source labels: nothing to draw, not a row of "unlabeled"
	}
	proofs := proofStripView(l.c, l.proofStrips[r.Seq], c.strip)
	tail := padRight(stripView(l.c, strip, c.strip), c.strip) + " "
	if c.yours {
		tail += padRight(stripView(l.c, l.humanStrips[r.Seq], c.strip), c.strip) + " "
	}
	if c.prm {
		tail += padRight(proofs, c.strip) + " " + prmStripView(l.c, l.prmStrips[r.Seq], c.strip)
	} else {
		tail += proofs
	}
	if selected {
		return l.c.st.selected.Render(text) + tail + l.c.st.selected.Render(padRight("", max(0, l.c.width-lipgloss.Width(text)-lipgloss.Width(tail))))
	}
	return l.c.st.row.Render(text) + tail
}

// stripView draws one badge per step (good, neutral, bad, unlabeled),
// styling runs of equal badges together to keep the row cheap to draw.
func stripView(c *programContext, strip string, w int) string {
	if w <= 0 {
		return ""
	}
	more := len(strip) > w
	if more {
		strip = strip[:w-1]
	}
	var b strings.Builder
	for i := 0; i < len(strip); {
		j := i
		for j < len(strip) && strip[j] == strip[i] {
			j++
		}
		badge := c.st.theme.Styles.Rating(ratingOfStrip(strip[i]))
		b.WriteString(badge.Style.Render(strings.Repeat(badge.Glyph, j-i)))
		i = j
	}
	if more {
		b.WriteString(c.st.dim.Render("…"))
	}
	return b.String()
}

// proofStripView draws a trace's proof strip: one status badge per step
// with a check, blank for steps never checked.
func proofStripView(c *programContext, strip string, w int) string {
	if w <= 0 || strings.TrimSpace(strip) == "" {
		return ""
	}
	more := len(strip) > w
	if more {
		strip = strip[:w-1]
	}
	var b strings.Builder
	for i := 0; i < len(strip); i++ {
		st, ok := store.StripStatus(strip[i])
		if !ok {
			b.WriteByte(' ')
			continue
		}
		b.WriteString(c.st.proof(st))
	}
	if more {
		b.WriteString(c.st.dim.Render("…"))
	}
	return b.String()
}

// ratingOfStrip maps a summary strip character back to its rating.
func ratingOfStrip(c byte) stepwise.Rating {
	switch c {
	case '+':
		return stepwise.Good
	case '0':
		return stepwise.Neutral
	case 'x':
		return stepwise.Bad
	}
	return stepwise.Unlabeled
}

func sortName(k store.SortKey) string {
	if k == store.SortImport {
		return "import order"
	}
	return string(k)
}
