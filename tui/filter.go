package tui

import (
	"fmt"
	"strings"

	"github.com/stepwise-dev/stepwise/store"
)

// filterFields are the keys of the filter syntax "dataset:gsm8k label:error".
var filterFields = []string{"dataset", "model", "correct", "label", "truncated", "problem", "format", "human", "annotator", "proof", "finding", "conflict"}

// parseFilter reads "field:value" words into a store filter.
func parseFilter(s string) (store.Filter, error) {
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
		default:
			return f, fmt.Errorf("filter: unknown field %q (fields: %s)", k, strings.Join(filterFields, ", "))
		}
	}
	return f, f.Validate()
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
	return strings.Join(parts, " ")
}
