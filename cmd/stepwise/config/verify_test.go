package config

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/stepwise-dev/stepwise/verify"

	"github.com/stepwise-dev/stepwise/verify/verifyrun"
)

func envOf(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestVerifySectionMapsOntoEngineConfig(t *testing.T) {
	c, err := LoadFile(write(t, `
[verify]
backends = ["rational", "smt-z3"]
concurrency = 3
timeout = "90s"
smt_timeout = "2s"
lean_project = "~/mathlib"
kimina_url = "http://localhost:8000"
kimina_key_env = "MY_KIMINA_KEY"
auto_tactics = ["norm_num"]
repl_start_timeout = "10m"
autoformalize = "local"
`))
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := c.Verify.EngineConfig(envOf(map[string]string{"HOME": "/home/ana",
		"LEAN_PROJECT_DIR": "/elsewhere", "LEAN_REPL": "/opt/repl"}))
	if err != nil {
		t.Fatal(err)
	}
	want := verify.DefaultConfig()
	want.Backends = []string{"rational", "smt-z3"}
	want.Concurrency = 3
	want.Timeout, want.SMTTimeout, want.REPLStartTimeout = 90*time.Second, 2*time.Second, 10*time.Minute
	want.LeanProjectDir = "/home/ana/mathlib" // the file wins over LEAN_PROJECT_DIR
	want.REPLPath = "/opt/repl"               // the environment fills what the file leaves empty
	want.KiminaURL, want.KiminaKeyEnv = "http://localhost:8000", "MY_KIMINA_KEY"
	want.AutoTactics = []string{"norm_num"}
	if !reflect.DeepEqual(cfg, want) {
		t.Fatalf("engine config\n got %+v\nwant %+v", cfg, want)
	}
	if c.Verify.Autoformalize != "local" {
		t.Errorf("autoformalize %q", c.Verify.Autoformalize)
	}
}

func TestEmptyVerifySectionIsTheDefaults(t *testing.T) {
	var v verifyrun.Settings
	cfg, err := v.EngineConfig(envOf(map[string]string{"KIMINA_URL": "https://k.example"}))
	if err != nil {
		t.Fatal(err)
	}
	want := verify.DefaultConfig()
	want.KiminaURL = "https://k.example"
	if !reflect.DeepEqual(cfg, want) {
		t.Fatalf("got %+v, want the defaults with KIMINA_URL", cfg)
	}
}

func TestVerifySectionErrors(t *testing.T) {
	cases := []struct{ body, want string }{
		// Errors the decoder finds name the line.
		{"[verify]\nconcurrency = 2\nbackends = [\"rational\", \"lean4\"]\n", `:3:`},
		{"[verify]\nbackends = [\"lean4\"]\n", `unknown backend "lean4"`},
		{"[verify]\ntimeout = \"5 minutes\"\n", `:2:`},
		{"[verify]\ntimeout = 5\n", `want a duration`},
		{"[verify]\ntimout = \"5s\"\n", `:2: unknown setting "verify.timout"`},
	}
	for _, c := range cases {
		p := write(t, c.body)
		_, err := LoadFile(p)
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), p) {
			t.Errorf("%q: error %v, want one naming %s and containing %q", c.body, err, p, c.want)
		}
	}
	// Errors found when mapping name the section and key.
	mapped := []struct{ body, want string }{
		{"[verify]\nkimina_key = \"sk-123\"\n", "keys are read only from the environment"},
		{"[verify]\nkimina_key_env = \"sk-123\"\n", "not a key"},
		{"[verify]\nkimina_url = \"localhost:8000\"\n", "kimina_url"},
		{"[verify]\nconcurrency = -2\n", "concurrency = -2"},
		{"[verify]\nbackends = [\"rational\", \"rational\"]\n", "listed twice"},
	}
	for _, c := range mapped {
		cf, err := LoadFile(write(t, c.body))
		if err != nil {
			t.Fatalf("%q: %v", c.body, err)
		}
		if _, err := cf.Verify.EngineConfig(envOf(nil)); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: error %v, want %q", c.body, err, c.want)
		}
	}
}

func FuzzVerifySection(f *testing.F) {
	f.Add("[verify]\nbackends = [\"rational\"]\ntimeout = \"5s\"\nconcurrency = 2\n")
	f.Add("[verify]\nkimina_url = \"http://x\"\nlean_project = \"~/p\"\n")
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, body string) {
		p := filepath.Join(dir, "c.toml")
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		c, err := LoadFile(p)
		if err != nil {
			if !strings.Contains(err.Error(), p) {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		cfg, err := c.Verify.EngineConfig(envOf(nil))
		if err == nil && (cfg.Concurrency <= 0 || len(cfg.Backends) == 0) {
			t.Fatalf("accepted config with concurrency %d and %d backends", cfg.Concurrency, len(cfg.Backends))
		}
	})
}
