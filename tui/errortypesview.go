package tui

import (
	"context"
	"fmt"
	"slices"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/stepwise-dev/stepwise/judge/errortypes"
	"github.com/stepwise-dev/stepwise/store"
	"github.com/stepwise-dev/stepwise/themes/termsafe"
)

// errorTypesScreen is SEI's error types over the keyphrases annotators
// wrote for bad cases (the sei schema's texts question): the taxonomy's
// types and the proposed clusters, each with its phrases and cases, and
// the decisions `stepwise errortypes` records — accept a proposal, merge,
// split and rename types — saved to the same taxonomy file, plus the
// export of each type's bad cases. Phrases are grouped as the CLI groups
// them: by the embedding model when one is configured (Options.Embedder),
// else lexically.
type errorTypesScreen struct {
	noMouseClick
	c        *programContext
	req      int
	dataset  string
	loading  bool
	clusters []errortypes.Cluster
	cases    []errortypes.Case
	cursor   int
	// rows (one per cluster) and the selected one's detail, laid out when
	// the clusters, the cursor or the width change.
	rows   []string
	detail []string
}

// errorTypesMsg delivers the clusters (after a load or a decision).
type errorTypesMsg struct {
	req      int
	clusters []errortypes.Cluster
	cases    []errortypes.Case
	saved    string // the decision saved, for the status line
	focus    string // the type the cursor goes to (the one decided on)
	err      error
}

// errorTypesExportedMsg says an export finished.
type errorTypesExportedMsg struct {
	files []string
	dir   string
	err   error
}

func newErrorTypesScreen(c *programContext) *errorTypesScreen { return &errorTypesScreen{c: c} }

func (s *errorTypesScreen) where() string { return "error types view" }
func (s *errorTypesScreen) title() string { return "error types" }
func (s *errorTypesScreen) hints() []action {
	return []action{actAcceptType, actMergeType, actSplitType, actRenameType, actExportTypes, actBack}
}

func (s *errorTypesScreen) handlers() []handler {
	hs := moveHandlers(func(a action) tea.Cmd { s.move(a); return nil })
	decided := func(want bool) func() string {
		return func() string {
			cl := s.selected()
			switch {
			case s.c.opts.TaxonomyPath == "":
				return "no taxonomy file: the workbench was started without the configuration folder"
			case cl == nil:
				return "no error type is selected"
			case want && !cl.Decided:
				return "this is a proposal: accept it (a) to make it a type first"
			case !want && cl.Decided:
				return "this is a type of the taxonomy already"
			}
			return ""
		}
	}
	return append(hs,
		on(actAcceptType, s.accept).unless(decided(false)),
		on(actMergeType, s.merge).unless(decided(true)),
		on(actSplitType, s.split).unless(decided(true)),
		on(actRenameType, s.rename).unless(decided(true)),
		on(actExportTypes, s.export).unless(func() string {
			if len(s.clusters) == 0 {
				return "no error types to export"
			}
			return ""
		}),
	)
}

func (s *errorTypesScreen) selected() *errortypes.Cluster {
	if s.cursor < 0 || s.cursor >= len(s.clusters) {
		return nil
	}
	return &s.clusters[s.cursor]
}

func (s *errorTypesScreen) update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case openErrorTypesReq:
		if s.c.current() != scrErrorTypes {
			s.c.push(scrErrorTypes)
		}
		s.dataset, s.cursor = msg.dataset, 0
		return s.run(nil, "", "")
	case errorTypesMsg:
		s.loaded(msg)
	case errorTypesExportedMsg:
		if msg.err != nil {
			s.c.setError("export: " + msg.err.Error())
		} else {
			s.c.setInfo(fmt.Sprintf("wrote %d files to %s", len(msg.files), termsafe.Line(msg.dir)))
		}
	case labelSavedMsg:
		// A keyphrase answered in the workbench is a case here.
		if s.c.onStack(scrErrorTypes) && strings.HasPrefix(msg.ev.Question, "sei/") {
			return s.run(nil, "", "")
		}
	}
	return nil
}

// run applies a decision to the taxonomy file (decide nil: none) and
// proposes again, in a command: the file is read afresh, so a decision
// made meanwhile with the CLI is kept.
func (s *errorTypesScreen) run(decide func(*errortypes.Taxonomy) error, what, focus string) tea.Cmd {
	s.req, s.loading = s.c.req(), true
	req, db, ctx, path, dataset, emb := s.req, s.c.db, s.c.life, s.c.opts.TaxonomyPath, s.dataset, s.c.opts.Embedder
	return func() tea.Msg {
		cl, cases, err := proposeTypes(ctx, db, path, dataset, emb, decide)
		return errorTypesMsg{req: req, clusters: cl, cases: cases, saved: what, focus: focus, err: err}
	}
}

// proposeTypes is `stepwise errortypes` for the workbench: the taxonomy
// (changed by decide and saved, when given), the cases, the proposals.
func proposeTypes(ctx context.Context, db *store.DB, path, dataset string, emb errortypes.Embedder, decide func(*errortypes.Taxonomy) error) ([]errortypes.Cluster, []errortypes.Case, error) {
	tax := &errortypes.Taxonomy{}
	var err error
	switch {
	case decide != nil:
		tax, err = errortypes.Decide(path, decide)
	case path != "":
		tax, err = errortypes.LoadTaxonomy(path)
	}
	if err != nil {
		return nil, nil, err
	}
	cases, err := errortypes.Gather(ctx, db, dataset, errortypes.DefaultQuestion)
	if err != nil {
		return nil, nil, err
	}
	cl, err := errortypes.ProposeWith(ctx, cases, errortypes.Options{Taxonomy: tax}, emb)
	return cl, cases, err
}

func (s *errorTypesScreen) loaded(msg errorTypesMsg) {
	if msg.req != s.req {
		return
	}
	s.loading = false
	if msg.err != nil {
		s.c.setError("error types: " + msg.err.Error())
		return
	}
	s.clusters, s.cases = msg.clusters, msg.cases
	// Decided types sort first: follow the one decided on.
	if i := slices.IndexFunc(s.clusters, func(c errortypes.Cluster) bool { return c.Name == msg.focus }); msg.focus != "" && i >= 0 {
		s.cursor = i
	}
	s.cursor = max(0, min(s.cursor, len(s.clusters)-1))
	s.layout()
	if msg.saved != "" {
		s.c.setInfo("saved ✓ " + termsafe.Line(msg.saved) + " to " + termsafe.Line(s.c.opts.TaxonomyPath))
	}
}

func (s *errorTypesScreen) move(a action) {
	h := max(1, s.listHeight())
	d := map[action]int{actDown: 1, actUp: -1, actPageDown: h, actPageUp: -h, actHalfDown: h / 2, actHalfUp: -h / 2,
		actTop: -len(s.clusters), actBottom: len(s.clusters)}
	s.cursor = max(0, min(len(s.clusters)-1, s.cursor+d[a]))
	s.detail = s.detailLines()
}

func (s *errorTypesScreen) wheel(delta int) tea.Cmd {
	s.cursor = max(0, min(len(s.clusters)-1, s.cursor+delta))
	s.detail = s.detailLines()
	return nil
}

func (s *errorTypesScreen) resize() tea.Cmd {
	s.layout()
	return nil
}

// layout formats the rows and the detail for the width.
func (s *errorTypesScreen) layout() {
	s.rows = s.rows[:0]
	for i := range s.clusters {
		s.rows = append(s.rows, s.row(i))
	}
	s.detail = s.detailLines()
}

// accept makes the selected proposal a type, under a name asked for.
func (s *errorTypesScreen) accept() tea.Cmd {
	cl := *s.selected()
	s.c.ask(newPrompt(s.c, "accept as the type ", termsafe.Line(cl.Name), func(name string) tea.Cmd {
		return s.run(func(t *errortypes.Taxonomy) error { return t.Accept(cl, name) }, "accepted "+name, name)
	}))
	return nil
}

// merge joins the selected type with another one picked from the types.
func (s *errorTypesScreen) merge() tea.Cmd {
	a := s.selected().Name
	var others []string
	for _, cl := range s.clusters {
		if cl.Decided && cl.Name != a {
			others = append(others, cl.Name)
		}
	}
	if len(others) == 0 {
		s.c.setError("no other type to merge with: accept another proposal first")
		return nil
	}
	s.c.ask(newPicker(s.c, "merge "+a+" with", others, false, nil, func(ch []string) tea.Cmd {
		return s.run(func(t *errortypes.Taxonomy) error { return t.Merge(a, ch[0], "") }, "merged "+ch[0]+" into "+a, a)
	}))
	return nil
}

// split moves phrases picked from the selected type into a new one.
func (s *errorTypesScreen) split() tea.Cmd {
	cl := s.selected()
	from := cl.Name
	var phrases []string
	for _, p := range cl.Phrases {
		phrases = append(phrases, p.Text)
	}
	if len(phrases) < 2 {
		s.c.setError("a type of one phrase cannot be split")
		return nil
	}
	s.c.ask(newPicker(s.c, "phrases to split off "+from, phrases, true, nil, func(ch []string) tea.Cmd {
		if len(ch) == 0 {
			s.c.setError("no phrase picked: nothing split")
			return nil
		}
		s.c.ask(newPrompt(s.c, "name of the new type ", "", func(name string) tea.Cmd {
			return s.run(func(t *errortypes.Taxonomy) error { return t.Split(from, ch, name) }, "split "+name+" off "+from, name)
		}))
		return nil
	}))
	return nil
}

// rename renames the selected type.
func (s *errorTypesScreen) rename() tea.Cmd {
	from := s.selected().Name
	s.c.ask(newPrompt(s.c, "rename "+termsafe.Line(from)+" to ", termsafe.Line(from), func(to string) tea.Cmd {
		return s.run(func(t *errortypes.Taxonomy) error { return t.Rename(from, to) }, "renamed "+from+" to "+to, to)
	}))
	return nil
}

// export writes each type's bad cases to a new folder, as
// `stepwise errortypes --export DIR` does.
func (s *errorTypesScreen) export() tea.Cmd {
	c := s.c
	c.ask(newPrompt(c, "export each type's bad cases to a new folder ", "", func(dir string) tea.Cmd {
		if dir == "" {
			return nil
		}
		db, ctx, clusters, cases := c.db, c.life, s.clusters, s.cases
		c.setInfo("exporting…")
		return func() tea.Msg {
			files, err := errortypes.Export(ctx, db, clusters, cases, dir)
			return errorTypesExportedMsg{files: files, dir: dir, err: err}
		}
	}))
	return nil
}

// listHeight is the rows of the list; the selected type's phrases and
// cases fill the rest.
func (s *errorTypesScreen) listHeight() int { return max(3, (s.c.bodyHeight()-3)/2) }

func (s *errorTypesScreen) view() string {
	c := s.c
	head := "Error types from the bad cases' keyphrases"
	if s.dataset != "" {
		head += " — " + termsafe.Line(s.dataset)
	}
	switch {
	case c.opts.Embedder != nil:
		head += " · grouped by embeddings"
	case c.opts.EmbedderErr != "":
		head += " · grouped lexically: " + termsafe.Line(c.opts.EmbedderErr)
	default:
		head += " · grouped lexically"
	}
	out := []string{c.st.title.Render(truncate(head, c.width)),
		c.st.header.Render(truncate(fmt.Sprintf("%-9s %-40s %7s %6s", "", "TYPE", "PHRASES", "CASES"), c.width))}
	switch {
	case s.loading && len(s.clusters) == 0:
		return strings.Join(append(out, c.st.muted.Render("working…")), "\n")
	case len(s.clusters) == 0:
		return strings.Join(append(out, c.st.muted.Render("no bad case has keyphrases yet: answer the sei schema's "+
			errortypes.DefaultQuestion+" in the trace view (;) or with `stepwise label --from`")), "\n")
	}
	h := s.listHeight()
	first := max(0, min(s.cursor-h/2, len(s.clusters)-h))
	for i := first; i < min(len(s.rows), first+h); i++ {
		if i == s.cursor {
			out = append(out, c.st.selected.Render(s.rows[i]))
		} else {
			out = append(out, c.st.row.Render(s.rows[i]))
		}
	}
	out = append(out, c.st.border.Render(strings.Repeat("─", c.width)))
	return strings.Join(append(out, s.detail...), "\n")
}

func (s *errorTypesScreen) row(i int) string {
	cl := s.clusters[i]
	kind := "proposed"
	if cl.Decided {
		kind = "type"
	}
	return padRight(fmt.Sprintf("%-9s %-40s %7d %6d", kind, clipLine(cl.Name, 40), len(cl.Phrases), len(cl.Cases)), s.c.width)
}

// detailLines are the selected type's phrases with their counts and its
// cases.
func (s *errorTypesScreen) detailLines() []string {
	c, cl := s.c, s.selected()
	if cl == nil {
		return nil
	}
	out := []string{c.st.header.Render("phrases")}
	for _, p := range cl.Phrases {
		out = append(out, fmt.Sprintf("  %4d  %s", p.Count, termsafe.Line(p.Text)))
	}
	out = append(out, c.st.header.Render(fmt.Sprintf("cases (%d)", len(cl.Cases))))
	for _, l := range wrapText(strings.Join(cl.Cases, ", "), max(10, c.width-4)) {
		out = append(out, "  "+l)
	}
	return out
}
