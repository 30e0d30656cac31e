package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestStatsGoldFromAdjudicator: ana's answers on hidden items are scored
// against the dataset's labels by default and against judy's ratings with
// --gold-from annotator:judy (or [gold] from in config.toml), each count
// computed here from the events written.
func TestStatsGoldFromAdjudicator(t *testing.T) {
	db := importInto(t, filepath.Join(sampleDir, "processbench", "gsm8k_0-99_and_200-299.json"))
	rows := lsRows(t, db, "--limit", "3")
	var judy, ana []string
	wantJudy, dataItems, dataRight := 0, 0, 0
	for _, r := range rows {
		for step := range min(r.Steps, 3) {
			// judy says good on even steps, bad on odd ones; ana says good
			// everywhere, on hidden items: she matches judy on even steps.
			rating := "good"
			if step%2 == 1 {
				rating = "bad"
			} else {
				wantJudy++
			}
			judy = append(judy, fmt.Sprintf(`{"trace_id":%q,"step":%d,"rating":%q}`, r.ID, step, rating))
			ana = append(ana, fmt.Sprintf(`{"trace_id":%q,"step":%d,"rating":"good","gold":true}`, r.ID, step))
			if step < len(r.Strip) && r.Strip[step] != '.' { // the dataset labels the step
				dataItems++
				if r.Strip[step] == '+' {
					dataRight++
				}
			}
		}
	}
	for who, evs := range map[string][]string{"judy": judy, "ana": ana} {
		f := filepath.Join(t.TempDir(), who+".jsonl")
		os.WriteFile(f, []byte(strings.Join(evs, "\n")+"\n"), 0o644)
		if code, _, errs := runCLI(t, "", "--db", db, "label", "--annotator", who, "--from", f); code != exitOK {
			t.Fatalf("label %s: %d %s", who, code, errs)
		}
	}
	goldOf := func(args ...string) (items, correct int, from string) {
		code, out, errs := runCLI(t, "", append([]string{"--db", db, "stats", "--json"}, args...)...)
		if code != exitOK {
			t.Fatalf("stats %v: %d %s", args, code, errs)
		}
		var st struct {
			Human struct {
				GoldFrom  string             `json:"gold_from"`
				GoldRates map[string]float64 `json:"gold_rates"`
				Agreement struct {
					Gold []struct {
						Annotator      string
						Items, Correct int
					} `json:"gold"`
				} `json:"agreement"`
			} `json:"human"`
		}
		if err := json.Unmarshal([]byte(out), &st); err != nil {
			t.Fatal(err)
		}
		if st.Human.GoldRates["ana"] <= 0 {
			t.Errorf("stats %v: no gold rate for ana: %v", args, st.Human.GoldRates)
		}
		for _, g := range st.Human.Agreement.Gold {
			if g.Annotator == "ana" {
				return g.Items, g.Correct, st.Human.GoldFrom
			}
		}
		return 0, 0, st.Human.GoldFrom
	}
	items, correct, from := goldOf("--gold-from", "annotator:judy")
	if items != len(ana) || correct != wantJudy || from != "annotator:judy" {
		t.Errorf("against judy: %d of %d right (%s), want %d of %d", correct, items, from, wantJudy, len(ana))
	}
	cfg := filepath.Join(t.TempDir(), "config.toml")
	os.WriteFile(cfg, []byte("[gold]\nfrom = \"annotator:judy\"\nrate = 0.2\n"), 0o644)
	t.Setenv("STEPWISE_CONFIG", cfg)
	if i2, c2, f2 := goldOf(); i2 != items || c2 != correct || f2 != from {
		t.Errorf("[gold] from in the config: %d %d %s, want %d %d %s", i2, c2, f2, items, correct, from)
	}
	os.WriteFile(cfg, nil, 0o644)
	items, correct, from = goldOf()
	if from != "dataset" || items != dataItems || correct != dataRight || dataItems == dataRight {
		t.Errorf("against the dataset (%s): %d of %d right, want %d of %d", from, correct, items, dataRight, dataItems)
	}
	if code, _, _ := runCLI(t, "", "--db", db, "stats", "--gold-from", "judy"); code != exitUsage {
		t.Errorf("--gold-from judy: exit %d, want %d", code, exitUsage)
	}
}
