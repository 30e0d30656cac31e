// Package config reads stepwise's configuration file,
// $XDG_CONFIG_HOME/stepwise/config.toml (or $STEPWISE_CONFIG): the theme,
// key bindings, the annotator's name and the error taxonomy, and the
// settings of the verification backends and judge endpoints. Every section
// is optional; a missing file is an empty configuration.
package config

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/pelletier/go-toml/v2"

	"github.com/stepwise-dev/stepwise/judge/analytics"
	"github.com/stepwise-dev/stepwise/judge/embed"
	"github.com/stepwise-dev/stepwise/judge/judgerun"
	"github.com/stepwise-dev/stepwise/verify/verifyrun"
)

// Config is the whole file.
type Config struct {
	// Theme is dark, light, high-contrast or a user theme's name; empty
	// follows the terminal's background.
	Theme string `toml:"theme"`
	// Annotator is the name annotations are recorded under.
	Annotator string `toml:"annotator"`
	// Keys rebinds actions: action = ["key", ...]. `?` in the workbench lists
	// the actions.
	Keys map[string][]string `toml:"keys"`
	// Taxonomy replaces the default error types for annotation.
	Taxonomy []string `toml:"taxonomy"`
	// Verify configures the verification backends.
	Verify verifyrun.Settings `toml:"verify"`
	// Judge configures the LLM judge's endpoints.
	Judge judgerun.Settings `toml:"judge"`
	// Schemas picks the label schema of each dataset (schemas.go).
	Schemas SchemaChoice `toml:"schemas"`
	// Prices give a model's tokens a cost (USD per million) where the
	// source records tokens only (stepwise models).
	Prices map[string]analytics.Price `toml:"prices"`
	// Difficulty sets the sampled-accuracy thresholds of the difficulty
	// buckets (stepwise problems): easy at or above, hard at or below.
	Difficulty *analytics.Buckets `toml:"difficulty"`
	// Gold configures hidden quality-control items (gold.go).
	Gold Gold `toml:"gold"`
	// Embeddings is the embedding model that groups error keyphrases
	// (stepwise errortypes); without one they are grouped lexically.
	Embeddings embed.Settings `toml:"embeddings"`

	// Dir is the directory the file was read from (themes/ lives there).
	Dir string `toml:"-"`
	// Path is the file that was read, "" when there was none.
	Path string `toml:"-"`
}

// Dir is the configuration directory: $XDG_CONFIG_HOME/stepwise, else
// ~/.config/stepwise.
func Dir() (string, error) {
	if d := os.Getenv("XDG_CONFIG_HOME"); d != "" {
		return filepath.Join(d, "stepwise"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("no XDG_CONFIG_HOME or home directory for the configuration: %w", err)
	}
	return filepath.Join(home, ".config", "stepwise"), nil
}

// Load reads $STEPWISE_CONFIG, else config.toml in Dir(). A missing file is
// not an error; a malformed one is, naming the file, line and key.
func Load() (*Config, error) {
	path := os.Getenv("STEPWISE_CONFIG")
	if path == "" {
		dir, err := Dir()
		if err != nil {
			return &Config{}, nil
		}
		path = filepath.Join(dir, "config.toml")
	}
	return LoadFile(path)
}

// LoadFile reads one configuration file.
func LoadFile(path string) (*Config, error) {
	c := &Config{Dir: filepath.Dir(path)}
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return c, nil
	}
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	c.Path = path
	dec := toml.NewDecoder(strings.NewReader(string(b)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(c); err != nil {
		return nil, describe(path, err)
	}
	if err := c.Gold.check(path); err != nil {
		return nil, err
	}
	return c, nil
}

// describe turns a TOML error into "file:line: reason".
func describe(path string, err error) error {
	var sm *toml.StrictMissingError
	if errors.As(err, &sm) && len(sm.Errors) > 0 {
		var parts []string
		for _, e := range sm.Errors {
			row, _ := e.Position()
			parts = append(parts, fmt.Sprintf("%s:%d: unknown setting %q", path, row, strings.Join(e.Key(), ".")))
		}
		return errors.New(strings.Join(parts, "\n"))
	}
	var de *toml.DecodeError
	if errors.As(err, &de) {
		row, col := de.Position()
		return fmt.Errorf("%s:%d:%d: %s", path, row, col, de.Error())
	}
	return fmt.Errorf("%s: %w", path, err)
}

// DifficultyBuckets are the configured difficulty thresholds, else the
// defaults (0.7 and 0.3).
func (c *Config) DifficultyBuckets() analytics.Buckets {
	if c.Difficulty == nil {
		return analytics.DefaultBuckets
	}
	return *c.Difficulty
}
