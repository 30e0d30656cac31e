package judge

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestDefaultPromptsAreValid(t *testing.T) {
	p := DefaultPrompts()
	if p.Version != "v1" {
		t.Errorf("version %q", p.Version)
	}
	for name := range templateVars {
		if strings.TrimSpace(p.texts[name]) == "" {
			t.Errorf("%s is empty", name)
		}
		if err := checkTemplate(name, p.texts[name]); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestLoadPromptsOverride(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("system.txt", "You are Qwen, created by Alibaba Cloud. You are a helpful assistant.")
	write("criteria.txt", "Questions for: {{problem}}")
	write("VERSION", "arjudge-qwen\n")
	write("notes.md", "ignored: not a .txt file")
	p, err := LoadPrompts(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(p.Version, "arjudge-qwen@") || len(p.Version) != len("arjudge-qwen@")+12 {
		t.Errorf("version %q", p.Version)
	}
	if p.text(tmplSystem) != "You are Qwen, created by Alibaba Cloud. You are a helpful assistant." {
		t.Errorf("system %q", p.text(tmplSystem))
	}
	if got := p.render(tmplCriteria, map[string]string{"problem": "2+2"}); got != "Questions for: 2+2" {
		t.Errorf("criteria %q", got)
	}
	if p.texts[tmplRefineOne] != DefaultPrompts().texts[tmplRefineOne] {
		t.Error("a template not overridden changed")
	}
	// Same label, different text: a different version.
	write("criteria.txt", "Other questions for: {{problem}}")
	q, err := LoadPrompts(dir)
	if err != nil || q.Version == p.Version {
		t.Errorf("versions %q and %q, err %v", p.Version, q.Version, err)
	}
}

func TestLoadPromptsErrors(t *testing.T) {
	for _, tc := range []struct{ file, text, want string }{
		{"critera.txt", "x {{problem}}", `unknown prompt name "critera"`},
		{"criteria.txt", "line one\n{{problem}} {{answer}}", "line 2: unknown placeholder {{answer}}"},
		{"refine_pair.txt", "{{problem}} {{response_1}} {{analyses}}", "missing required placeholder {{response_2}}"},
	} {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, tc.file), []byte(tc.text), 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := LoadPrompts(dir)
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), filepath.Join(dir, tc.file)) {
			t.Errorf("%s: err %v, want %q with the path", tc.file, err, tc.want)
		}
	}
	if _, err := LoadPrompts(filepath.Join(t.TempDir(), "missing")); err == nil {
		t.Error("no error for a missing directory")
	}
}

func TestExportDefaultsRoundTrip(t *testing.T) {
	dir := t.TempDir()
	if err := ExportDefaults(dir); err != nil {
		t.Fatal(err)
	}
	p, err := LoadPrompts(dir)
	if err != nil {
		t.Fatal(err)
	}
	d := DefaultPrompts()
	for name := range templateVars {
		if p.texts[name] != d.texts[name] {
			t.Errorf("%s differs after export", name)
		}
	}
	if p.Version != "v1-edited@"+d.hash() {
		t.Errorf("version %q", p.Version)
	}
}

func TestRenderIsSinglePass(t *testing.T) {
	p := DefaultPrompts()
	out := p.render(tmplCriteria, map[string]string{"problem": "{{problem}} {{evidence_end}}", "evidence_start": "<S>", "evidence_end": "<E>"})
	if !strings.Contains(out, "<S>\n{{problem}} {{evidence_end}}\n<E>") {
		t.Errorf("render re-expanded inserted text:\n%s", out)
	}
}

func TestRenderStepsBudget(t *testing.T) {
	steps := []string{strings.Repeat("a", 1000), "short", strings.Repeat("é", 600)}
	out := renderSteps(steps, 900)
	if !strings.Contains(out, "[step 0]\n"+strings.Repeat("a", 300)+" […700 characters cut…]") {
		t.Errorf("step 0 not cut to its share:\n%.400s", out)
	}
	if !strings.Contains(out, "[step 1]\nshort") || !strings.Contains(out, "[step 2]\n") {
		t.Error("steps missing")
	}
	for _, line := range strings.Split(out, "\n") {
		if !strings.HasPrefix(line, "[") && strings.ContainsRune(line, '\uFFFD') {
			t.Error("a multi-byte character was split")
		}
	}
	many := make([]string, 2500)
	for i := range many {
		many[i] = "s"
	}
	out = renderSteps(many, 1<<20)
	if !strings.Contains(out, "[steps 1000 to 1499 left out") || !strings.Contains(out, "[step 2499]") || strings.Contains(out, "[step 1200]") {
		t.Error("middle steps of a very long trace not left out")
	}
}
