package config

import (
	"embed"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/pelletier/go-toml/v2"

	"github.com/stepwise-dev/stepwise"
)

// Label schemas are TOML files: the bundled ones (schemas/*.toml in this
// package: prm800k, the default, lrm-safety, webr, sei) and the user's, in
// the schemas/ folder of the configuration directory, which replace a
// bundled one of the same name. The [schemas] section of config.toml picks
// the one active per dataset.

//go:embed schemas/*.toml
var bundled embed.FS

// DefaultSchema is the schema a dataset gets when none is named: the stock
// PRM800K ratings.
const DefaultSchema = "prm800k"

// SchemaChoice is the [schemas] section: which schema each dataset uses.
type SchemaChoice struct {
	// Default is the schema of every dataset not in Datasets.
	Default string `toml:"default"`
	// Datasets maps a dataset (or a dataset prefix, "processbench" for
	// "processbench/gsm8k") to a schema name.
	Datasets map[string]string `toml:"datasets"`
}

// For returns the schema name for a dataset: the longest matching entry
// of Datasets, else Default, else DefaultSchema.
func (c SchemaChoice) For(dataset string) string {
	best, name := -1, ""
	for d, s := range c.Datasets {
		if (dataset == d || strings.HasPrefix(dataset, d+"/")) && len(d) > best {
			best, name = len(d), s
		}
	}
	switch {
	case name != "":
		return name
	case c.Default != "":
		return c.Default
	}
	return DefaultSchema
}

// Schemas are the label schemas by name.
type Schemas map[string]*stepwise.Schema

// Names lists the schemas, sorted.
func (s Schemas) Names() []string {
	var out []string
	for n := range s {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// LoadSchemas reads the bundled schemas and then the user's from dir
// (the configuration directory's schemas/, which may be missing), and
// checks that every schema the choice names exists. A bad file is an
// error naming it, the line and the reason.
func LoadSchemas(dir string, choice SchemaChoice) (Schemas, error) {
	out := Schemas{}
	err := fs.WalkDir(bundled, "schemas", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := bundled.ReadFile(p)
		if err != nil {
			return err
		}
		s, err := ParseSchema("(bundled) "+p, b)
		if err != nil {
			return err
		}
		out[s.Name] = s
		return nil
	})
	if err != nil {
		return nil, err
	}
	if dir != "" {
		files, err := filepath.Glob(filepath.Join(dir, "*.toml"))
		if err != nil {
			return nil, err
		}
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				return nil, fmt.Errorf("schema: %w", err)
			}
			s, err := ParseSchema(f, b)
			if err != nil {
				return nil, err
			}
			out[s.Name] = s
		}
	}
	names := []string{choice.Default}
	for d, n := range choice.Datasets {
		if n == "" {
			return nil, fmt.Errorf("[schemas.datasets] %q names no schema", d)
		}
		names = append(names, n)
	}
	for _, n := range names {
		if n != "" && out[n] == nil {
			return nil, fmt.Errorf("[schemas] names schema %q, which is neither bundled nor in %s (known: %s)", n, dir, strings.Join(out.Names(), ", "))
		}
	}
	return out, nil
}

// ParseSchema reads one schema file; errors say "file:line: reason".
func ParseSchema(path string, b []byte) (*stepwise.Schema, error) {
	var s stepwise.Schema
	dec := toml.NewDecoder(strings.NewReader(string(b)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&s); err != nil {
		return nil, describe(path, err)
	}
	if err := s.Validate(); err != nil {
		return nil, fmt.Errorf("%s:%d: %w", path, schemaLine(b, err), err)
	}
	return &s, nil
}

var questionNumber = regexp.MustCompile(`^question (\d+)`)

// schemaLine is the line a validation error is about: the [[question]]
// header of the question it names, else the first line.
func schemaLine(b []byte, err error) int {
	m := questionNumber.FindStringSubmatch(err.Error())
	if m == nil {
		return 1
	}
	want, _ := strconv.Atoi(m[1])
	n := 0
	for i, l := range strings.Split(string(b), "\n") {
		if strings.TrimSpace(l) == "[[question]]" {
			if n++; n == want {
				return i + 1
			}
		}
	}
	return 1
}
