package errortypes

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// TestDecide: a decision is saved to a file in a folder that did not
// exist, the next one starts from the file, and a refused one leaves it.
func TestDecide(t *testing.T) {
	path := filepath.Join(t.TempDir(), "new", "error-types.toml")
	_, err := Decide(path, func(t *Taxonomy) error {
		return t.Accept(Cluster{Name: "sign error", Phrases: []Phrase{{Text: "sign error"}, {Text: "wrong sign"}}}, "")
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Decide(path, func(t *Taxonomy) error { return t.Rename("sign error", "signs") }); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(path)
	refused := errors.New("no")
	if _, err := Decide(path, func(t *Taxonomy) error { t.Types = nil; return refused }); !errors.Is(err, refused) {
		t.Fatalf("err %v", err)
	}
	after, _ := os.ReadFile(path)
	if string(before) != string(after) {
		t.Fatal("a refused decision changed the file")
	}
	tax, err := LoadTaxonomy(path)
	if err != nil || len(tax.Types) != 1 || tax.Types[0].Name != "signs" || len(tax.Types[0].Phrases) != 2 {
		t.Fatalf("%+v %v", tax, err)
	}
}
