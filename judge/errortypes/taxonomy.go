package errortypes

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/pelletier/go-toml/v2"
)

// Taxonomy is what a person decided: error types by name, each with the
// phrases that belong to it. Proposals keep these phrases in their types
// and cluster only the phrases no type holds. It is kept as TOML:
//
//	[[type]]
//	name = "sign error"
//	phrases = ["wrong sign", "sign error", "dropped the minus"]
type Taxonomy struct {
	Types []Type `toml:"type" json:"types"`
}

// Type is one decided error type.
type Type struct {
	Name    string   `toml:"name" json:"name"`
	Phrases []string `toml:"phrases" json:"phrases"`
}

// typeOf returns the type holding phrase p (normalized), or "".
func (t *Taxonomy) typeOf(p string) string {
	for _, ty := range t.Types {
		if slices.Contains(ty.Phrases, p) {
			return ty.Name
		}
	}
	return ""
}

func (t *Taxonomy) index(name string) int {
	return slices.IndexFunc(t.Types, func(ty Type) bool { return ty.Name == name })
}

// Accept makes a proposed cluster a type of the taxonomy, under name
// (its own name when empty). A phrase another type holds moves.
func (t *Taxonomy) Accept(c Cluster, name string) error {
	if name == "" {
		name = c.Name
	}
	var ps []string
	for _, p := range c.Phrases {
		ps = append(ps, p.Text)
	}
	return t.assign(name, ps)
}

// assign puts phrases into type name (creating it), taking them out of
// any other type; a type left empty goes.
func (t *Taxonomy) assign(name string, phrases []string) error {
	if name == "" {
		return errors.New("an error type needs a name")
	}
	for i := range t.Types {
		t.Types[i].Phrases = slices.DeleteFunc(t.Types[i].Phrases, func(p string) bool { return slices.Contains(phrases, p) })
	}
	i := t.index(name)
	if i < 0 {
		t.Types = append(t.Types, Type{Name: name})
		i = len(t.Types) - 1
	}
	for _, p := range phrases {
		if !slices.Contains(t.Types[i].Phrases, p) {
			t.Types[i].Phrases = append(t.Types[i].Phrases, p)
		}
	}
	t.Types = slices.DeleteFunc(t.Types, func(ty Type) bool { return len(ty.Phrases) == 0 })
	t.sort()
	return nil
}

func (t *Taxonomy) sort() {
	for i := range t.Types {
		sort.Strings(t.Types[i].Phrases)
	}
	sort.SliceStable(t.Types, func(i, j int) bool { return t.Types[i].Name < t.Types[j].Name })
}

// Merge puts the phrases of types a and b into one type, named into (a's
// name when empty).
func (t *Taxonomy) Merge(a, b, into string) error {
	ia, ib := t.index(a), t.index(b)
	if ia < 0 || ib < 0 || a == b {
		return fmt.Errorf("merge: want two types of the taxonomy (%q, %q)", a, b)
	}
	if into == "" {
		into = a
	}
	phrases := append(slices.Clone(t.Types[ia].Phrases), t.Types[ib].Phrases...)
	return t.assign(into, phrases)
}

// Split moves some phrases of a type into a new type.
func (t *Taxonomy) Split(from string, phrases []string, into string) error {
	i := t.index(from)
	if i < 0 {
		return fmt.Errorf("split: no type %q", from)
	}
	var moved []string
	for _, p := range phrases {
		p = Normalize(p)
		if !slices.Contains(t.Types[i].Phrases, p) {
			return fmt.Errorf("split: %q is not a phrase of %q", p, from)
		}
		moved = append(moved, p)
	}
	if into == from || t.index(into) >= 0 {
		return fmt.Errorf("split: %q exists; name the new type", into)
	}
	return t.assign(into, moved)
}

// Rename renames a type.
func (t *Taxonomy) Rename(from, to string) error {
	i := t.index(from)
	switch {
	case i < 0:
		return fmt.Errorf("rename: no type %q", from)
	case to == "" || t.index(to) >= 0:
		return fmt.Errorf("rename: %q is empty or taken", to)
	}
	t.Types[i].Name = to
	t.sort()
	return nil
}

// LoadTaxonomy reads a taxonomy file; a missing file is an empty taxonomy.
func LoadTaxonomy(path string) (*Taxonomy, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return &Taxonomy{}, nil
	}
	if err != nil {
		return nil, err
	}
	var t Taxonomy
	dec := toml.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&t); err != nil {
		var sm *toml.StrictMissingError
		if errors.As(err, &sm) && len(sm.Errors) > 0 {
			row, _ := sm.Errors[0].Position()
			return nil, fmt.Errorf("%s:%d: unknown setting %q", path, row, strings.Join(sm.Errors[0].Key(), "."))
		}
		var de *toml.DecodeError
		if errors.As(err, &de) {
			row, col := de.Position()
			return nil, fmt.Errorf("%s:%d:%d: %s", path, row, col, de.Error())
		}
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	seen := map[string]string{}
	for _, ty := range t.Types {
		if ty.Name == "" {
			return nil, fmt.Errorf("%s: a type without a name", path)
		}
		for _, p := range ty.Phrases {
			if other, ok := seen[p]; ok {
				return nil, fmt.Errorf("%s: phrase %q is in both %q and %q", path, p, other, ty.Name)
			}
			seen[p] = ty.Name
		}
	}
	return &t, nil
}

// Save writes the taxonomy to path, through a temporary file.
func (t *Taxonomy) Save(path string) error {
	b, err := toml.Marshal(t)
	if err != nil {
		return err
	}
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	_, err = f.Write(b)
	if err == nil {
		err = f.Chmod(0o644)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), path)
	}
	if err != nil {
		os.Remove(f.Name())
	}
	return err
}

// Decide records one decision in the taxonomy file at path: the file is
// read afresh (another process may have decided meanwhile), changed by
// decide, and saved, its folder made if needed. On an error the file is
// left as it was. The CLI and the workbench both decide through it.
func Decide(path string, decide func(*Taxonomy) error) (*Taxonomy, error) {
	t, err := LoadTaxonomy(path)
	if err != nil {
		return nil, err
	}
	if err := decide(t); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, fmt.Errorf("taxonomy: %w", err)
	}
	if err := t.Save(path); err != nil {
		return nil, fmt.Errorf("taxonomy: %w", err)
	}
	return t, nil
}
