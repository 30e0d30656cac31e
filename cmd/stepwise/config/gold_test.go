package config

import (
	"strings"
	"testing"
)

func TestGoldSection(t *testing.T) {
	c, err := LoadFile(write(t, "[gold]\nfrom = \"annotator:judy\"\nrate = 0.1\n[gold.rates]\nnew = 0.2\n"))
	if err != nil {
		t.Fatal(err)
	}
	if c.Gold.Adjudicator() != "judy" || c.Gold.RateFor("new") != 0.2 || c.Gold.RateFor("ana") != 0.1 {
		t.Fatalf("gold %+v: adjudicator %q, rates %g %g", c.Gold, c.Gold.Adjudicator(), c.Gold.RateFor("new"), c.Gold.RateFor("ana"))
	}
	empty, err := LoadFile(write(t, ""))
	if err != nil || empty.Gold.Adjudicator() != "" || empty.Gold.RateFor("ana") != DefaultGoldRate {
		t.Fatalf("defaults: %+v %v", empty.Gold, err)
	}
	for body, want := range map[string]string{
		"[gold]\nfrom = \"judy\"\n":           "[gold] from",
		"[gold]\nfrom = \"annotator:\"\n":     "[gold] from",
		"[gold]\nrate = 0.9\n":                "[gold] rate = 0.9",
		"[gold.rates]\nana = -0.1\n":          "[gold.rates] ana = -0.1",
		"[gold]\nfrom = 3\n":                  "config.toml:2",
		"[gold]\nfrom = \"dataset\"\nx = 1\n": "unknown setting \"gold.x\"",
	} {
		_, err := LoadFile(write(t, body))
		if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "config.toml") {
			t.Errorf("%q: %v, want an error naming the file and %q", body, err, want)
		}
	}
}
