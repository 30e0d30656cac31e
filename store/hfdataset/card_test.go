package hfdataset

import (
	"strings"
	"testing"
)

// TestCardCell: a question id from a script cannot close its table cell or
// end its row in the dataset card.
func TestCardCell(t *testing.T) {
	got := cardCell("s/a|b\nc\r| d")
	if strings.ContainsAny(got, "\n\r") || strings.Count(got, "|") != strings.Count(got, `\|`) {
		t.Fatalf("cell %q", got)
	}
}
