package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestBundledSchemas(t *testing.T) {
	s, err := LoadSchemas("", SchemaChoice{})
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{"prm800k", "lrm-safety", "webr", "sei"} {
		if s[n] == nil {
			t.Errorf("schema %s is not bundled (have %v)", n, s.Names())
		}
	}
	if len(s["prm800k"].Questions) != 0 || s["webr"].View != "side-by-side" {
		t.Errorf("prm800k %d questions, webr view %q", len(s["prm800k"].Questions), s["webr"].View)
	}
	if q, ok := s["sei"].Question("error_keyphrases"); !ok || q.Kind != "texts" {
		t.Errorf("sei's keyphrases question: %+v", q)
	}
}

func TestSchemaChoice(t *testing.T) {
	c := SchemaChoice{Default: "sei", Datasets: map[string]string{"processbench": "webr", "processbench/math": "lrm-safety"}}
	for ds, want := range map[string]string{"processbench/math": "lrm-safety", "processbench/gsm8k": "webr", "gsm8k": "sei"} {
		if got := c.For(ds); got != want {
			t.Errorf("For(%s) = %s, want %s", ds, got, want)
		}
	}
	if got := (SchemaChoice{}).For("x"); got != DefaultSchema {
		t.Errorf("no choice: %s", got)
	}
}

// TestBadSchemaFiles: a bad schema file is an error naming the file, the
// line and the reason.
func TestBadSchemaFiles(t *testing.T) {
	cases := []struct {
		body string
		want string
	}{
		{"name = \"x\"\n[[question]]\nid = \"a\"\nprompt = \"p\"\nscope = \"step\"\nkind = \"boolean\"\n[[question]]\nid = \"b\"\nprompt = \"p\"\nscope = \"step\"\nkind = \"one-of\"\n", ":7: question 2 (b): a one-of question needs at least two options"},
		{"name = \"x\"\ncolour = \"red\"\n", ":2: unknown setting \"colour\""},
		{"name = \"x\"\n[[question]]\nid = 3\n", ":3:"},
		{"name = \"bad name\"\n", ":1: name"},
	}
	for _, c := range cases {
		dir := t.TempDir()
		f := filepath.Join(dir, "s.toml")
		os.WriteFile(f, []byte(c.body), 0o644)
		_, err := LoadSchemas(dir, SchemaChoice{})
		if err == nil || !strings.Contains(err.Error(), f+c.want) {
			t.Errorf("%q: error %v, want %q", c.body, err, f+c.want)
		}
	}
	// A choice naming a schema that does not exist.
	if _, err := LoadSchemas("", SchemaChoice{Datasets: map[string]string{"gsm8k": "nope"}}); err == nil || !strings.Contains(err.Error(), "nope") {
		t.Errorf("an unknown schema in the choice: %v", err)
	}
	// A user schema replaces the bundled one of its name.
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "sei.toml"), []byte("name = \"sei\"\ntitle = \"mine\"\n"), 0o644)
	s, err := LoadSchemas(dir, SchemaChoice{})
	if err != nil || s["sei"].Title != "mine" {
		t.Errorf("user schema: %v %+v", err, s["sei"])
	}
}
