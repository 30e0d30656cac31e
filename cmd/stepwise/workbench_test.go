package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stepwise-dev/stepwise/tui"
)

// TestWorkbenchGetsTheSchemasAndTaxonomy: the workbench is handed the
// label schemas, the per-dataset choice of config.toml and the taxonomy
// file `stepwise errortypes` uses.
func TestWorkbenchGetsTheSchemasAndTaxonomy(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("HOME", dir)
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(dir, "cfg"))
	t.Setenv("STEPWISE_CONFIG", "")
	cfgDir := filepath.Join(dir, "cfg", "stepwise")
	if err := os.MkdirAll(cfgDir, 0o755); err != nil {
		t.Fatal(err)
	}
	conf := "[schemas]\ndefault = \"prm800k\"\n[schemas.datasets]\nwebr = \"webr\"\n"
	if err := os.WriteFile(filepath.Join(cfgDir, "config.toml"), []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	wb, err := workbenchOptions(&env{})
	if err != nil {
		t.Fatal(err)
	}
	o := wb.opts
	if got := o.SchemaFor("webr/WR_all"); got != "webr" {
		t.Fatalf("webr/WR_all has schema %q", got)
	}
	if got := o.SchemaFor("processbench/gsm8k"); got != "prm800k" {
		t.Fatalf("processbench/gsm8k has schema %q", got)
	}
	if s := o.Schemas["webr"]; s == nil || len(s.Questions) == 0 {
		t.Fatalf("webr schema %+v", s)
	}
	// Every bundled schema's questions get keys: the workbench starts.
	if _, err := tui.New(o); err != nil {
		t.Fatalf("the workbench refuses the schemas: %v", err)
	}
	want, err := (&errorTypeOptions{}).taxonomyPath()
	if err != nil || o.TaxonomyPath != want || filepath.Dir(want) != cfgDir {
		t.Fatalf("taxonomy %q, the CLI's %q (%v)", o.TaxonomyPath, want, err)
	}
}
