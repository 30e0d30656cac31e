package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func write(t *testing.T, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "config.toml")
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestLoadFile(t *testing.T) {
	c, err := LoadFile(write(t, "theme = \"light\"\nannotator = \"ana\"\n[keys]\ndown = [\"j\", \"ctrl+n\"]\n"))
	if err != nil {
		t.Fatal(err)
	}
	if c.Theme != "light" || c.Annotator != "ana" || strings.Join(c.Keys["down"], ",") != "j,ctrl+n" {
		t.Fatalf("got %+v", c)
	}
}

func TestMissingFileIsEmpty(t *testing.T) {
	c, err := LoadFile(filepath.Join(t.TempDir(), "none.toml"))
	if err != nil || c.Theme != "" || c.Path != "" {
		t.Fatalf("%+v %v", c, err)
	}
}

func TestErrorsNameLineAndKey(t *testing.T) {
	p := write(t, "theme = \"dark\"\nthme = \"light\"\n")
	_, err := LoadFile(p)
	if err == nil || !strings.Contains(err.Error(), p+":2") || !strings.Contains(err.Error(), "thme") {
		t.Fatalf("unknown key: %v", err)
	}
	_, err = LoadFile(write(t, "theme = \n"))
	if err == nil || !strings.Contains(err.Error(), ":1:") {
		t.Fatalf("syntax error: %v", err)
	}
}
