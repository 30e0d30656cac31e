package tui

import (
	"slices"
	"strings"
	"testing"
)

// TestKeysWorkWhereTheyDid: where each action works now follows from the
// screens' handlers; this is the map as it was written by hand before
// (one list per binding), so a screen that gains or loses an action by
// accident fails here. One change was meant: r (raw text) did nothing in
// step detail; it now says it works in the trace view. Added since: the
// frequency table (F) and the charts (H) with their tabs.
func TestKeysWorkWhereTheyDid(t *testing.T) {
	want := map[action][]string{
		"open":           {"library", "trace list", "trace view", "triage queue", "conflicts view", "judge view", "samples view", "checkpoint grid", "rounds view", "frequency table"},
		"filter":         {"library", "trace list"},
		"clear-filter":   {"trace list"},
		"freq":           {"library", "trace list"},
		"charts":         {"library", "trace list"},
		"next-field":     {"frequency table", "charts view"},
		"prev-field":     {"frequency table", "charts view"},
		"search":         {"library", "trace list", "trace view"},
		"next-match":     {"trace list", "trace view"},
		"prev-match":     {"trace list", "trace view"},
		"jump":           {"library", "trace list", "trace view"},
		"sort":           {"trace list"},
		"reverse":        {"trace list"},
		"next-trace":     {"trace view", "step detail"},
		"prev-trace":     {"trace view", "step detail"},
		"queue":          {"library", "trace list"},
		"conflicts":      {"library", "trace list"},
		"stats-view":     {"library", "trace list"},
		"scorecard":      {"library", "trace list"},
		"export":         {"library", "trace list"},
		"next-step":      {"step detail", "compare view", "checkpoint grid"},
		"prev-step":      {"step detail", "compare view", "checkpoint grid"},
		"samples":        {"trace list", "trace view", "step detail"},
		"compare":        {"samples view"},
		"checkpoints":    {"samples view"},
		"rounds":         {"trace view"},
		"rate-good":      {"trace view", "step detail"},
		"rate-neutral":   {"trace view", "step detail"},
		"rate-bad":       {"trace view", "step detail"},
		"hallucinated":   {"trace view", "step detail"},
		"error-type":     {"trace view", "step detail"},
		"first-error":    {"trace view", "step detail"},
		"no-error":       {"trace view", "step detail"},
		"clear-label":    {"trace view", "step detail"},
		"note":           {"trace view", "step detail"},
		"verdict":        {"trace view", "step detail"},
		"undo":           {"trace view", "step detail"},
		"redo":           {"trace view", "step detail"},
		"answer":         {"trace view", "step detail", "side-by-side view"},
		"side-by-side":   {"trace view"},
		"switch-pane":    {"side-by-side view"},
		"error-types":    {"library", "trace list"},
		"accept-type":    {"error types view"},
		"merge-type":     {"error types view"},
		"split-type":     {"error types view"},
		"rename-type":    {"error types view"},
		"export-types":   {"error types view"},
		"verify":         {"library", "trace list", "trace view", "step detail"},
		"judge":          {"trace view", "step detail"},
		"judge-pair":     {"trace view", "step detail", "samples view"},
		"judge-runs":     {"trace view", "step detail"},
		"toggle-problem": {"trace view"},
		"palette":        {"trace view"},
		"raw":            {"trace view"},
	}
	everywhere := []action{actQuit, actHelp, actBack, actCancelJob, actDown, actUp, actPageDown, actPageUp,
		actHalfDown, actHalfUp, actTop, actBottom}
	km, err := newKeyMap(nil, newScreens(&programContext{}))
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range km.bindings {
		if b.universal != slices.Contains(everywhere, b.action) {
			t.Errorf("%s: universal %v", b.action, b.universal)
			continue
		}
		if b.universal {
			continue
		}
		if got := km.screenNames(b.on); strings.Join(got, ", ") != strings.Join(want[b.action], ", ") {
			t.Errorf("%s works in %q, want %q", b.action, got, want[b.action])
		}
	}
	if len(km.bindings) != len(want)+len(everywhere) {
		t.Errorf("%d bindings, the map has %d", len(km.bindings), len(want)+len(everywhere))
	}
}
