package judge

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
)

// DefaultPromptVersion names the embedded prompt set. Any change to an
// embedded prompt text must come with a new version directory.
const DefaultPromptVersion = "v1"

//go:embed prompts/v1/*.txt
var embedded embed.FS

// Prompt template names (file names without .txt).
const (
	tmplSystem       = "system"
	tmplFaithfulness = "faithfulness"
	tmplCriteria     = "criteria"
	tmplAnalysisPair = "analysis_pair"
	tmplAnalysisOne  = "analysis_single"
	tmplCodeRule     = "code_rule"
	tmplCodeRuleOff  = "code_rule_off"
	tmplRefinePair   = "refine_pair"
	tmplRefineOne    = "refine_single"
	tmplReference    = "reference"
)

// placeholders each template may use, and (marked with !) must use.
var templateVars = map[string][]string{
	tmplSystem:       {},
	tmplFaithfulness: {},
	tmplCodeRule:     {},
	tmplCodeRuleOff:  {},
	tmplReference:    {"gold!", "evidence_start", "evidence_end"},
	tmplCriteria:     {"problem!", "evidence_start", "evidence_end"},
	tmplAnalysisPair: {"problem!", "reference", "criterion!", "response_1!", "response_2!", "code_rule", "evidence_start", "evidence_end", "response_1_start", "response_1_end", "response_2_start", "response_2_end"},
	tmplAnalysisOne:  {"problem!", "reference", "criterion!", "steps!", "code_rule", "evidence_start", "evidence_end", "response_1_start", "response_1_end"},
	tmplRefinePair:   {"problem!", "reference", "response_1!", "response_2!", "analyses!", "evidence_start", "evidence_end", "response_1_start", "response_1_end", "response_2_start", "response_2_end"},
	tmplRefineOne:    {"problem!", "reference", "steps!", "analyses!", "last_step", "evidence_start", "evidence_end", "response_1_start", "response_1_end"},
}

var placeholderRe = regexp.MustCompile(`\{\{([a-z0-9_]+)\}\}`)

// Prompts is a versioned prompt set: the embedded default, or the default
// with some templates replaced from a directory of files.
type Prompts struct {
	// Version is recorded with every analysis: "v1" for the embedded set;
	// for overrides the directory's VERSION file (else "custom") plus "@"
	// and 12 hex digits of a hash over every template, so two runs with the
	// same label but different texts are never confused.
	Version string
	texts   map[string]string
}

// DefaultPrompts returns the embedded prompt set.
func DefaultPrompts() *Prompts {
	p := &Prompts{Version: DefaultPromptVersion, texts: map[string]string{}}
	for name := range templateVars {
		b, err := embedded.ReadFile("prompts/" + DefaultPromptVersion + "/" + name + ".txt")
		if err != nil {
			panic("judge: embedded prompt missing: " + name) // a build defect, caught by tests
		}
		p.texts[name] = string(b)
	}
	return p
}

// LoadPrompts starts from the embedded set and replaces every template for
// which dir holds NAME.txt. Unknown .txt files, unknown or missing required
// placeholders are errors naming the file, so a typo cannot silently fall
// back to the default.
func LoadPrompts(dir string) (*Prompts, error) {
	p := DefaultPrompts()
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("judge prompts: %w", err)
	}
	label := "custom"
	var errs []error
	for _, e := range ents {
		name := e.Name()
		path := filepath.Join(dir, name)
		if e.IsDir() {
			continue
		}
		if name == "VERSION" {
			b, err := os.ReadFile(path)
			if err != nil {
				return nil, fmt.Errorf("judge prompts: %w", err)
			}
			if v := strings.TrimSpace(string(b)); v != "" {
				label = v
			}
			continue
		}
		base, ok := strings.CutSuffix(name, ".txt")
		if !ok {
			continue
		}
		if _, known := templateVars[base]; !known {
			errs = append(errs, fmt.Errorf("%s: unknown prompt name %q (known: %s)", path, base, strings.Join(promptNames(), ", ")))
			continue
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("judge prompts: %w", err)
		}
		if err := checkTemplate(base, string(b)); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", path, err))
			continue
		}
		p.texts[base] = string(b)
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("judge prompts: %w", errors.Join(errs...))
	}
	p.Version = label + "@" + p.hash()
	return p, nil
}

func promptNames() []string {
	var names []string
	for n := range templateVars {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// checkTemplate verifies a template's placeholders, with line numbers.
func checkTemplate(name, text string) error {
	allowed := map[string]bool{}
	for _, v := range templateVars[name] {
		allowed[strings.TrimSuffix(v, "!")] = true
	}
	var errs []error
	seen := map[string]bool{}
	for i, line := range strings.Split(text, "\n") {
		for _, m := range placeholderRe.FindAllStringSubmatch(line, -1) {
			if !allowed[m[1]] {
				errs = append(errs, fmt.Errorf("line %d: unknown placeholder {{%s}}", i+1, m[1]))
			}
			seen[m[1]] = true
		}
	}
	for _, v := range templateVars[name] {
		if req, ok := strings.CutSuffix(v, "!"); ok && !seen[req] {
			errs = append(errs, fmt.Errorf("missing required placeholder {{%s}}", req))
		}
	}
	return errors.Join(errs...)
}

func (p *Prompts) hash() string {
	h := sha256.New()
	for _, n := range promptNames() {
		fmt.Fprintf(h, "%s\x00%d\x00%s", n, len(p.texts[n]), p.texts[n])
	}
	return hex.EncodeToString(h.Sum(nil))[:12]
}

// render fills a template in one pass: values are inserted as they are and
// never scanned for placeholders again, so text inside a trace cannot
// inject template syntax.
func (p *Prompts) render(name string, vars map[string]string) string {
	text := p.texts[name]
	return placeholderRe.ReplaceAllStringFunc(text, func(m string) string {
		return vars[m[2:len(m)-2]]
	})
}

// text returns a template without placeholders (system, faithfulness).
func (p *Prompts) text(name string) string { return strings.TrimSpace(p.texts[name]) }

// ExportDefaults writes the embedded templates into dir (for editing), one
// NAME.txt per template plus a VERSION file. It never overwrites a file:
// one that exists may hold the user's edits.
func ExportDefaults(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	sub, err := fs.Sub(embedded, "prompts/"+DefaultPromptVersion)
	if err != nil {
		return err
	}
	for _, n := range promptNames() {
		b, err := fs.ReadFile(sub, n+".txt")
		if err != nil {
			return err
		}
		if err := writeNew(filepath.Join(dir, n+".txt"), b); err != nil {
			return err
		}
	}
	return writeNew(filepath.Join(dir, "VERSION"), []byte(DefaultPromptVersion+"-edited\n"))
}

// writeNew writes a file that must not exist yet.
func writeNew(path string, b []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	_, err = f.Write(b)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}
