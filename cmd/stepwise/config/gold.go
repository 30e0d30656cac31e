package config

import (
	"fmt"
	"strings"
)

// Gold configures the hidden quality-control items of the triage queue
// and the gold accuracy `stats` reports.
type Gold struct {
	// From is where a gold item's answer comes from: "dataset" (the
	// dataset's own step labels, the default) or "annotator:NAME" (an
	// adjudicator's ratings).
	From string `toml:"from"`
	// Rate is the share of gold items in a queue (default 0.05; 0: none).
	Rate *float64 `toml:"rate"`
	// Rates set the share per annotator, over Rate.
	Rates map[string]float64 `toml:"rates"`
}

// DefaultGoldRate is one gold item in twenty.
const DefaultGoldRate = 0.05

// ParseGoldFrom reads "dataset" ("") or "annotator:NAME" (NAME).
func ParseGoldFrom(s string) (string, error) {
	switch name, ok := strings.CutPrefix(s, "annotator:"); {
	case s == "" || s == "dataset":
		return "", nil
	case ok && name != "":
		return name, nil
	}
	return "", fmt.Errorf("gold from %q: want dataset or annotator:NAME", s)
}

// Adjudicator is the annotator whose ratings are the gold answers, ""
// for the dataset's labels.
func (g Gold) Adjudicator() string {
	name, _ := ParseGoldFrom(g.From) // checked when the file was read
	return name
}

// RateFor is the share of gold items in who's queue.
func (g Gold) RateFor(who string) float64 {
	if r, ok := g.Rates[who]; ok {
		return r
	}
	if g.Rate != nil {
		return *g.Rate
	}
	return DefaultGoldRate
}

// check validates the section; path names the file in the error.
func (g Gold) check(path string) error {
	if _, err := ParseGoldFrom(g.From); err != nil {
		return fmt.Errorf("%s: [gold] from: %w", path, err)
	}
	bad := func(r float64) bool { return r < 0 || r > 0.5 || r != r }
	if g.Rate != nil && bad(*g.Rate) {
		return fmt.Errorf("%s: [gold] rate = %g: want a share from 0 to 0.5", path, *g.Rate)
	}
	for who, r := range g.Rates {
		if bad(r) {
			return fmt.Errorf("%s: [gold.rates] %s = %g: want a share from 0 to 0.5", path, who, r)
		}
	}
	return nil
}
