package tui

import (
	"fmt"
	"slices"
	"strings"

	"github.com/stepwise-dev/stepwise/judge/analytics"
	"github.com/stepwise-dev/stepwise/store"
)

// filterFields are the keys of the filter syntax "dataset:gsm8k label:error
// tokens:>1000 difficulty:hard".
var filterFields = append([]string{"dataset", "model", "correct", "label", "truncated", "problem", "format", "human",
	"annotator", "proof", "finding", "conflict", "accuracy", "difficulty"}, store.RangeFields()...)

// parseFilter reads "field:value" words into a store filter; difficulty
// buckets are accuracy ranges by the thresholds b.
func parseFilter(s string, b analytics.Buckets) (store.Filter, error) {
	var f store.Filter
	for _, word := range strings.Fields(s) {
		k, v, ok := strings.Cut(word, ":")
		if !ok || v == "" {
			return f, fmt.Errorf("filter %q: write field:value (fields: %s)", word, strings.Join(filterFields, ", "))
		}
		switch k {
		case "dataset", "d":
			f.Dataset = v
		case "model", "m":
			f.Model = v
		case "correct", "c":
			f.Correct = v
		case "label", "l":
			f.Label = v
		case "truncated", "t":
			f.Truncated = v
		case "problem", "p":
			f.Problem = v
		case "format":
			f.Format = v
		case "human", "h":
			f.Human = v
		case "annotator", "a":
			f.Annotator = v
		case "proof":
			f.Proof = v
		case "finding":
			f.Finding = v
		case "conflict": // conflict:yes — exact arithmetic contradicts the dataset's label
			if v != "yes" && v != "true" {
				return f, fmt.Errorf("filter %q: write conflict:yes", word)
			}
			f.Finding = store.CodeLabelContradicted
		case "accuracy", "difficulty":
			r, err := accuracyRange(k, v, b)
			if err != nil {
				return f, err
			}
			if f.Accuracy != nil {
				return f, fmt.Errorf("filter %q: one accuracy or difficulty at a time", word)
			}
			f.Accuracy = r
		default:
			if !slices.Contains(store.RangeFields(), k) {
				return f, fmt.Errorf("filter: unknown field %q (fields: %s)", k, strings.Join(filterFields, ", "))
			}
			r, err := store.ParseRange(k, v)
			if err != nil {
				return f, fmt.Errorf("filter: %w", err)
			}
			f.Ranges = append(f.Ranges, r)
		}
	}
	return f, f.Validate()
}

// accuracyRange reads accuracy:RANGE or difficulty:BUCKET.
func accuracyRange(k, v string, b analytics.Buckets) (*store.AccuracyRange, error) {
	if k == "accuracy" {
		r, err := store.ParseAccuracy(v)
		if err != nil {
			return nil, fmt.Errorf("filter: %w", err)
		}
		return r, nil
	}
	r, ok := b.Range(v)
	if !ok {
		return nil, fmt.Errorf("filter difficulty:%s: want easy, medium, hard, unsolved or unknown", v)
	}
	return r, nil
}

// formatFilter writes a filter back in the prompt's syntax.
func formatFilter(f store.Filter) string {
	var parts []string
	add := func(k, v string) {
		if v != "" {
			parts = append(parts, k+":"+v)
		}
	}
	add("dataset", f.Dataset)
	add("model", f.Model)
	add("correct", f.Correct)
	add("label", f.Label)
	add("truncated", f.Truncated)
	add("problem", f.Problem)
	add("format", f.Format)
	add("human", f.Human)
	add("annotator", f.Annotator)
	add("proof", f.Proof)
	if f.Finding == store.CodeLabelContradicted {
		add("conflict", "yes")
	} else {
		add("finding", f.Finding)
	}
	switch {
	case f.Accuracy != nil && f.Accuracy.Bucket != "":
		add("difficulty", f.Accuracy.Bucket)
	case f.Accuracy != nil:
		add("accuracy", f.Accuracy.String())
	}
	for _, r := range f.Ranges {
		parts = append(parts, r.String())
	}
	return strings.Join(parts, " ")
}
