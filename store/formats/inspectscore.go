package formats

import (
	"bytes"
	"encoding/json"
	"sort"
	"strconv"
	"strings"

	"github.com/stepwise-dev/stepwise"
)

// inspectScore is one scorer's result for a sample.
type inspectScore struct {
	Value       json.RawMessage `json:"value"`
	Answer      *string         `json:"answer"`
	Explanation *string         `json:"explanation"`
	Metadata    json.RawMessage `json:"metadata"`
}

// inspectScoreOrder lists the sample's scorers in the log's results order
// (the order the task declared them), then any others by name.
func inspectScoreOrder(scores map[string]inspectScore, hdr *inspectHeader) []string {
	var names []string
	seen := map[string]bool{}
	if hdr != nil && hdr.Results != nil {
		for _, s := range hdr.Results.Scores {
			if _, ok := scores[s.Name]; ok && !seen[s.Name] {
				seen[s.Name] = true
				names = append(names, s.Name)
			}
		}
	}
	var rest []string
	for n := range scores {
		if !seen[n] {
			rest = append(rest, n)
		}
	}
	sort.Strings(rest)
	return append(names, rest...)
}

// applyInspectScores records every scorer as a trace label, and sets
// Correct from the first scorer whose value is a verdict.
func applyInspectScores(t *stepwise.Trace, scores map[string]inspectScore, hdr *inspectHeader) {
	for _, name := range inspectScoreOrder(scores, hdr) {
		sc := scores[name]
		verdict, rating := inspectVerdict(sc.Value)
		value := chatJSONText(sc.Value)
		l := stepwise.Label{Rating: rating, Scope: stepwise.ScopeTrace, Origin: inspectScoreOrigin(name, sc),
			Source: "inspect.scores." + name, OrigIndex: -1, Category: value}
		if sc.Explanation != nil {
			l.Reason = *sc.Explanation
		}
		t.Labels = append(t.Labels, l)
		if t.Correct == nil && verdict != nil {
			t.Correct = verdict
			t.CorrectBy = "inspect score " + name + ": " + value
		}
	}
}

// inspectVerdict maps a score value to correctness and a rating: "C"
// correct, "I" incorrect, "P" partial (neutral, no verdict), "N" no answer
// (no verdict); booleans as they are; 1 and 0 as correct and incorrect, a
// fraction between them as partial. Lists, dicts and other strings give no
// verdict.
func inspectVerdict(raw json.RawMessage) (*bool, stepwise.Rating) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return nil, stepwise.Unlabeled
	}
	switch raw[0] {
	case '"':
		var s string
		_ = json.Unmarshal(raw, &s)
		switch s {
		case "C":
			return boolPtr(true), stepwise.Good
		case "I":
			return boolPtr(false), stepwise.Bad
		case "P":
			return nil, stepwise.Neutral
		}
		return nil, stepwise.Unlabeled
	case 't':
		return boolPtr(true), stepwise.Good
	case 'f':
		return boolPtr(false), stepwise.Bad
	case '{', '[', 'n':
		return nil, stepwise.Unlabeled
	}
	v, err := strconv.ParseFloat(string(raw), 64)
	switch {
	case err != nil:
		return nil, stepwise.Unlabeled
	case v == 1:
		return boolPtr(true), stepwise.Good
	case v == 0:
		return boolPtr(false), stepwise.Bad
	case v > 0 && v < 1:
		return nil, stepwise.Neutral
	}
	return nil, stepwise.Unlabeled
}

// inspectScoreOrigin is model for LLM-judge scorers (model_graded_*, or a
// judge transcript in metadata.grading), automatic otherwise.
func inspectScoreOrigin(name string, sc inspectScore) stepwise.Origin {
	if strings.HasPrefix(name, "model_graded") {
		return stepwise.OriginModel
	}
	var md map[string]json.RawMessage
	if json.Unmarshal(sc.Metadata, &md) == nil {
		if _, ok := md["grading"]; ok {
			return stepwise.OriginModel
		}
	}
	return stepwise.OriginAutomatic
}
