package tui

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/stepwise-dev/stepwise"
	"github.com/stepwise-dev/stepwise/judge/errortypes"
	"github.com/stepwise-dev/stepwise/themes"
)

// newErrorTypesModel is a model whose store has keyphrases for four bad
// cases and whose taxonomy file is in a folder that does not exist yet.
func newErrorTypesModel(t *testing.T) (*Model, string) {
	t.Helper()
	return newErrorTypesModelWith(t, nil)
}

// newErrorTypesModelWith is newErrorTypesModel grouping with emb.
func newErrorTypesModelWith(t *testing.T, emb errortypes.Embedder) (*Model, string) {
	t.Helper()
	db := openTestStore(t)
	phrases := map[string][]string{
		"gsm8k-0": {"wrong sign", "sign error"},
		"gsm8k-1": {"dropped the units"},
		"gsm8k-2": {"forgot the units", "sign error"},
		"gsm8k-3": {"misread the question", "\x1b]0;pwned\x07 hostile \u202etitle"},
	}
	var evs []stepwise.Annotation
	for id, ps := range phrases {
		evs = append(evs, stepwise.Annotation{Annotator: "ann", TraceID: id, Step: -1, Question: errortypes.DefaultQuestion,
			Answer: &stepwise.Answer{Texts: ps}})
	}
	if _, err := db.AnnotateMany(evs); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "config", "error-types.toml")
	th, _ := themes.Builtin("dark")
	m, err := New(Options{StorePoll: -1, DB: db, Theme: th, ThemeFixed: true, Annotator: "tester", TaxonomyPath: path, Embedder: emb})
	if err != nil {
		t.Fatal(err)
	}
	settle(t, m, m.Init())
	send(t, m, tea_WindowSize(120, 40))
	return m, path
}

func (m *Model) errorTypes() *errorTypesScreen { return m.screens[scrErrorTypes].(*errorTypesScreen) }

// selectType moves the cursor to the cluster named name.
func selectType(t *testing.T, m *Model, name string) {
	t.Helper()
	i := slices.IndexFunc(m.errorTypes().clusters, func(c errortypes.Cluster) bool { return c.Name == name })
	if i < 0 {
		t.Fatalf("no cluster %q in %+v", name, m.errorTypes().clusters)
	}
	press(t, m, "g")
	for range i {
		press(t, m, "j")
	}
}

func TestErrorTypesDecisionsReachTheTaxonomyFile(t *testing.T) {
	m, path := newErrorTypesModel(t)
	press(t, m, "T")
	if m.current() != scrErrorTypes {
		t.Fatalf("T did not open the error types view (status %q)", m.status)
	}
	send(t, m, openErrorTypesReq{}) // every dataset
	s := m.errorTypes()
	if len(s.cases) != 4 || len(s.clusters) < 2 {
		t.Fatalf("%d cases, clusters %+v", len(s.cases), s.clusters)
	}
	for i := range s.clusters {
		selectType(t, m, s.clusters[i].Name)
		assertTerminalSafe(t, "error types view", viewOf(m))
	}
	if v := ansi.Strip(viewOf(m)); !strings.Contains(v, "proposed") || !strings.Contains(v, "gsm8k-") {
		t.Fatalf("view lacks the proposals and their cases:\n%s", v)
	}
	// Merge needs types: it says so on a proposal.
	press(t, m, "m")
	if !strings.Contains(m.status, "accept it (a)") {
		t.Fatalf("merge on a proposal: %q", m.status)
	}
	// Accept two proposals under names of ours.
	a, b := s.clusters[0], s.clusters[1]
	selectType(t, m, a.Name)
	press(t, m, "a", "ctrl+u")
	typeText(t, m, "first")
	press(t, m, "enter")
	selectType(t, m, b.Name)
	press(t, m, "a", "ctrl+u")
	typeText(t, m, "second")
	press(t, m, "enter")
	tax, err := errortypes.LoadTaxonomy(path)
	if err != nil || len(tax.Types) != 2 {
		t.Fatalf("taxonomy after two accepts: %+v %v (status %q)", tax, err, m.status)
	}
	// Merge second into first, then rename it.
	selectType(t, m, "first")
	press(t, m, "m", "1")
	selectType(t, m, "first")
	press(t, m, "r", "ctrl+u")
	typeText(t, m, "signs and units")
	press(t, m, "enter")
	tax, err = errortypes.LoadTaxonomy(path)
	if err != nil || len(tax.Types) != 1 || tax.Types[0].Name != "signs and units" {
		t.Fatalf("taxonomy after merge and rename: %+v %v (status %q)", tax, err, m.status)
	}
	var want []string
	for _, cl := range []errortypes.Cluster{a, b} {
		for _, p := range cl.Phrases {
			want = append(want, p.Text)
		}
	}
	slices.Sort(want)
	got := slices.Clone(tax.Types[0].Phrases)
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Fatalf("merged phrases %v, want %v", got, want)
	}
	// The view shows the decided type, the cursor on it.
	if v := ansi.Strip(viewOf(m)); !strings.Contains(v, "signs and units") || s.selected().Name != "signs and units" {
		t.Fatalf("view:\n%s", v)
	}
	// Split the first phrase off into a new type.
	first := s.selected().Phrases[0].Text
	press(t, m, "s", "1", "enter")
	typeText(t, m, "split off")
	press(t, m, "enter")
	tax, err = errortypes.LoadTaxonomy(path)
	if err != nil || len(tax.Types) != 2 {
		t.Fatalf("taxonomy after split: %+v %v (status %q)", tax, err, m.status)
	}
	for _, ty := range tax.Types {
		if (ty.Name == "split off") != slices.Contains(ty.Phrases, first) {
			t.Fatalf("after splitting %q off: %+v", first, tax.Types)
		}
	}
}

func TestErrorTypesExport(t *testing.T) {
	m, _ := newErrorTypesModel(t)
	send(t, m, openErrorTypesReq{})
	dir := filepath.Join(t.TempDir(), "out")
	press(t, m, "X")
	typeText(t, m, dir)
	press(t, m, "enter")
	files, err := filepath.Glob(filepath.Join(dir, "*.jsonl"))
	if err != nil || len(files) != len(m.errorTypes().clusters) {
		t.Fatalf("files %v for %d clusters (%v, status %q)", files, len(m.errorTypes().clusters), err, m.status)
	}
	b, err := os.ReadFile(files[0])
	if err != nil || !strings.Contains(string(b), `"trace_id"`) {
		t.Fatalf("export file: %s %v", b, err)
	}
}

// TestErrorTypesHostileTypeName: a type name from the taxonomy file (a
// file that may come from anywhere) reaches the view cleaned.
func TestErrorTypesHostileTypeName(t *testing.T) {
	m, path := newErrorTypesModel(t)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	toml := "[[type]]\nname = \"\\u001b]0;pwned\\u0007 misreading \\u202e\"\nphrases = [\"misread the question\"]\n"
	if err := os.WriteFile(path, []byte(toml), 0o644); err != nil {
		t.Fatal(err)
	}
	send(t, m, openErrorTypesReq{})
	s := m.errorTypes()
	if !slices.ContainsFunc(s.clusters, func(c errortypes.Cluster) bool { return c.Decided && strings.Contains(c.Name, "\x1b]0;pwned") }) {
		t.Fatalf("the hostile type did not load: %+v", s.clusters)
	}
	for i := range s.clusters {
		selectType(t, m, s.clusters[i].Name)
		assertTerminalSafe(t, "error types view", viewOf(m))
		press(t, m, "r")
		assertTerminalSafe(t, "rename prompt", viewOf(m))
		press(t, m, "esc")
	}
}

// axisEmbedder puts phrases about units on one axis and everything else on
// another: "dropped the units" and "forgot the units" are one type for it,
// whatever the lexical grouping says.
type axisEmbedder struct{ calls *int }

func (e axisEmbedder) Embed(_ context.Context, texts []string) ([][]float64, error) {
	*e.calls++
	out := make([][]float64, len(texts))
	for i, s := range texts {
		if strings.Contains(s, "unit") {
			out[i] = []float64{1, 0}
		} else {
			out[i] = []float64{0, 1}
		}
	}
	return out, nil
}

// TestErrorTypesGroupByEmbeddings: with an embedder the screen groups as
// the embeddings say (every phrase but the unit ones in one type here),
// and says so.
func TestErrorTypesGroupByEmbeddings(t *testing.T) {
	calls := 0
	m, _ := newErrorTypesModelWith(t, axisEmbedder{&calls})
	send(t, m, openErrorTypesReq{})
	s := m.errorTypes()
	if calls == 0 {
		t.Fatal("the embedder was never asked")
	}
	if len(s.clusters) != 2 {
		t.Fatalf("want two types (units, the rest), got %+v", s.clusters)
	}
	for _, c := range s.clusters {
		units := 0
		for _, p := range c.Phrases {
			if strings.Contains(p.Text, "unit") {
				units++
			}
		}
		if units != 0 && units != len(c.Phrases) {
			t.Errorf("type %q mixes unit phrases with others: %v", c.Name, c.Phrases)
		}
	}
	if v := ansi.Strip(viewOf(m)); !strings.Contains(v, "grouped by embeddings") {
		t.Errorf("the view does not say how it grouped:\n%s", v)
	}
}
