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
func (l *listScreen) openWith(m *Model, f store.Filter) tea.Cmd {
	if m.current() != scrList {
		m.push(scrList)
	}
	l.search = nil
	return l.setFilter(m, f)
}

// setFilter restarts the list with a new filter, keeping the sort order.
func (l *listScreen) setFilter(m *Model, f store.Filter) tea.Cmd {
	l.filter = f
	return l.reload(m)
}

// refresh reloads the list (after an import) if it is open.
func (l *listScreen) refresh(m *Model) tea.Cmd {
	for _, s := range m.stack {
		if s == scrList {
			return l.reload(m)
		}
	}
	return nil
}

// storeChanged runs the list's query again after another process changed
// the store, keeping the cursor where it was. A search result stays as it
// is: it is the answer to the search the user ran.
func (l *listScreen) storeChanged(m *Model) tea.Cmd {
	if !m.onStack(scrList) || l.search != nil {
		return nil
	}
	l.seqReq = m.req()
	l.refreshing, l.fresh = true, nil
	return l.query(m)
}

// reload starts the scan for the current filter and order.
func (l *listScreen) reload(m *Model) tea.Cmd {
	l.seqReq = m.req()
	l.seqs, l.total, l.complete = nil, 0, false
	l.cursor, l.top = 0, 0
	l.rows = map[uint64]store.Summary{}
	l.refreshing, l.fresh = false, nil
	l.identity = l.search == nil && l.order.Key == store.SortImport && !l.order.Desc && isEmptyFilter(l.filter)
	l.stopScan(m)
	if l.search != nil {
		return l.search.restart(m)
	}
	return l.query(m)
}

// query scans the store for the list's filter and order. A scan that is
// not the unfiltered import order streams its rows as a quiet job: the
// first screenful shows at once, and a new query stops the old scan (it
// holds a read transaction).
func (l *listScreen) query(m *Model) tea.Cmd {
	req, db := l.seqReq, m.db
	l.stopScan(m)
	if l.identity {
		return func() tea.Msg {
			n, err := db.MaxSeq()
			return seqsMsg{req: req, done: true, err: err, count: int(n)}
		}
	}
	f, o := l.filter, l.order
	var cmd tea.Cmd
	l.scanJob, cmd = m.startJob(jobSpec{name: "list", quiet: true, backlog: scanBacklog,
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
func (l *listScreen) stopScan(m *Model) {
	if l.scanJob != 0 {
		m.cancelJob(l.scanJob)
		l.scanJob = 0
	}
}

func isEmptyFilter(f store.Filter) bool { return formatFilter(f) == "" }

func (l *listScreen) seqsLoaded(m *Model, msg seqsMsg) tea.Cmd {
	if msg.req != l.seqReq {
		return nil
	}
	if msg.done {
		l.scanJob = 0
	}
	if msg.err != nil {
		m.setError("list: " + msg.err.Error())
	}
	if l.refreshing {
		return l.freshLoaded(m, msg)
	}
	if l.identity {
		l.total = msg.count
	} else {
		l.seqs = append(l.seqs, msg.seqs...)
		l.total = len(l.seqs)
	}
	l.complete = msg.done
	return l.ensureRows(m)
}

// freshLoaded collects a refresh's answer and, once it is complete, shows
// it in place of the old one, the cursor kept on its row number and every
// loaded row read again.
func (l *listScreen) freshLoaded(m *Model, msg seqsMsg) tea.Cmd {
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
	l.clamp(m)
	return l.ensureRows(m)
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
func (l *listScreen) ensureRows(m *Model) tea.Cmd {
	h := l.pageSize(m)
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
	l.rowReq = m.req()
	l.pending = [2]int{from, to}
	req, db, who := l.rowReq, m.db, m.opts.Annotator
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

func (l *listScreen) rowsLoaded(m *Model, msg rowsMsg) tea.Cmd {
	if msg.req != l.rowReq {
		return nil
	}
	l.pending = [2]int{}
	if msg.err != nil {
		m.setError("list: " + msg.err.Error())
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
	}
	l.prmAny = msg.prmAny
	return l.ensureRows(m)
}

// pageSize is the number of table rows on screen.
func (l *listScreen) pageSize(m *Model) int { return max(1, m.bodyHeight()-1) }

func (l *listScreen) resize(m *Model) tea.Cmd {
	l.clamp(m)
	return l.ensureRows(m)
}

func (l *listScreen) key(m *Model, a action) tea.Cmd {
	switch a {
	case actOpen:
		seq, ok := l.seqAt(l.cursor)
		if !ok {
			m.setError("no trace selected")
			return nil
		}
		m.trace.query = ""
		if l.search != nil {
			m.trace.query = l.search.query
		}
		return m.trace.open(m, traceRef{seq: seq, row: l.cursor})
	case actFilter:
		m.prompt = newPrompt(m, promptFilter, "filter ", formatFilter(l.filter))
		return nil
	case actSamples:
		seq, _ := l.seqAt(l.cursor)
		r, ok := l.rows[seq]
		if !ok {
			m.setError("no trace selected (or its row is still loading)")
			return nil
		}
		return m.samples.open(m, r.ID, r.ProblemID)
	case actClearFilter:
		var stop tea.Cmd
		if l.search != nil {
			stop = l.stopSearch(m)
			l.search = nil
			m.setInfo("filter and search cleared")
		}
		return tea.Batch(stop, l.setFilter(m, store.Filter{}))
	case actSort, actReverse:
		if l.search != nil {
			m.setError("search results are in import order: clear the search (/ then ⏎ on an empty line) to sort")
			return nil
		}
	}
	switch a {
	case actSort:
		keys := store.SortKeys()
		for i, k := range keys {
			if k == l.order.Key {
				l.order.Key = keys[(i+1)%len(keys)]
				break
			}
		}
		m.setInfo("sorted by " + sortName(l.order.Key))
		return l.reload(m)
	case actReverse:
		l.order.Desc = !l.order.Desc
		return l.reload(m)
	case actSearch:
		q := ""
		if l.search != nil {
			q = l.search.query
		}
		m.prompt = newPrompt(m, promptSearch, "/", q)
		return nil
	case actNextMatch:
		return l.move(m, 1)
	case actPrevMatch:
		return l.move(m, -1)
	}
	return l.moveKey(m, a)
}

func (l *listScreen) moveKey(m *Model, a action) tea.Cmd {
	page := l.pageSize(m)
	switch a {
	case actDown:
		return l.move(m, 1)
	case actUp:
		return l.move(m, -1)
	case actPageDown:
		return l.move(m, page)
	case actPageUp:
		return l.move(m, -page)
	case actHalfDown:
		return l.move(m, page/2)
	case actHalfUp:
		return l.move(m, -page/2)
	case actTop:
		return l.move(m, -l.cursor)
	case actBottom:
		return l.move(m, l.total)
	}
	return nil
}

func (l *listScreen) move(m *Model, d int) tea.Cmd {
	l.cursor += d
	l.clamp(m)
	return l.ensureRows(m)
}

// clamp keeps the cursor in range and on screen.
func (l *listScreen) clamp(m *Model) {
	l.cursor = max(0, min(l.cursor, l.total-1))
	h := l.pageSize(m)
	if l.cursor < l.top {
		l.top = l.cursor
	}
	if l.cursor >= l.top+h {
		l.top = l.cursor - h + 1
	}
	l.top = max(0, min(l.top, max(0, l.total-h)))
}

func (l *listScreen) click(m *Model, row int) tea.Cmd {
	i := l.top + row - 1 // the first body row is the header
	if row < 1 || i >= l.total {
		return nil
	}
	if i == l.cursor {
		return l.key(m, actOpen)
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
}

func (l *listScreen) columns(width int, yours, prm bool) listColumns {
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

func (l *listScreen) view(m *Model) string {
	c := l.columns(m.width, m.opts.Annotator != "", l.prmAny)
	var b strings.Builder
	b.WriteString(l.headerLine(m, c))
	h := l.pageSize(m)
	if l.total == 0 {
		if l.complete {
			b.WriteString("\n" + m.st.muted.Render("no traces match "+l.title()))
		} else {
			b.WriteString("\n" + m.st.muted.Render("loading…"))
		}
		return b.String()
	}
	for i := l.top; i < min(l.total, l.top+h); i++ {
		b.WriteByte('\n')
		seq, _ := l.seqAt(i)
		r, ok := l.rows[seq]
		if !ok {
			b.WriteString(m.st.dim.Render(padRight(fmt.Sprintf("  #%d …", seq), m.width)))
			continue
		}
		b.WriteString(l.rowLine(m, c, r, i == l.cursor))
	}
	return b.String()
}

func (l *listScreen) headerLine(m *Model, c listColumns) string {
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
		col("LABELS", store.SortLabel, 9, false) + col("✂", store.SortTruncated, 2, false) + " " +
		padRight("SOURCE", c.strip) + " "
	if c.yours {
		line += padRight("YOURS", c.strip) + " "
	}
	line += padRight("PROOFS", c.strip) + " "
	if c.prm {
		line += padRight("PRM", c.strip) + " "
	}
	line += count
	return m.st.header.Render(truncate(line, m.width))
}

func (l *listScreen) rowLine(m *Model, c listColumns, r store.Summary, selected bool) string {
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
	strip := r.Strip
	if r.LabelState == "none" {
		strip = "" // no source labels: nothing to draw, not a row of "unlabeled"
	}
	proofs := proofStripView(m, l.proofStrips[r.Seq], c.strip)
	tail := padRight(stripView(m, strip, c.strip), c.strip) + " "
	if c.yours {
		tail += padRight(stripView(m, l.humanStrips[r.Seq], c.strip), c.strip) + " "
	}
	if c.prm {
		tail += padRight(proofs, c.strip) + " " + prmStripView(m, l.prmStrips[r.Seq], c.strip)
	} else {
		tail += proofs
	}
	if selected {
		return m.st.selected.Render(text) + tail + m.st.selected.Render(padRight("", max(0, m.width-lipgloss.Width(text)-lipgloss.Width(tail))))
	}
	return m.st.row.Render(text) + tail
}

// stripView draws one badge per step (good, neutral, bad, unlabeled),
// styling runs of equal badges together to keep the row cheap to draw.
func stripView(m *Model, strip string, w int) string {
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
		badge := m.st.theme.Styles.Rating(ratingOfStrip(strip[i]))
		b.WriteString(badge.Style.Render(strings.Repeat(badge.Glyph, j-i)))
		i = j
	}
	if more {
		b.WriteString(m.st.dim.Render("…"))
	}
	return b.String()
}

// proofStripView draws a trace's proof strip: one status badge per step
// with a check, blank for steps never checked.
func proofStripView(m *Model, strip string, w int) string {
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
		b.WriteString(m.st.proof(st))
	}
	if more {
		b.WriteString(m.st.dim.Render("…"))
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
