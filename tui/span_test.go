package tui

import (
	"strings"
	"testing"

	"github.com/stepwise-dev/stepwise"
)

// TestSpanSelLinesAndMarks: j/k move to the word above or below on the
// laid-out lines; marking joins overlapping selections and a mark inside
// one takes it away.
func TestSpanSelLinesAndMarks(t *testing.T) {
	m := newTestModel(t, 80, 24, "dark")
	text := "aa bb cc\tdd\n\nee ff"
	s := newSpanSel(text, nil)
	s.layout(m.programContext, 6) // "aa bb" / "cc dd" / "" / "ee ff"
	if len(s.lines) != 4 {
		t.Fatalf("lines %q", s.lines)
	}
	s.key("l")
	s.key("j")
	if got := text[s.words[s.cursor].Start:s.words[s.cursor].End]; got != "dd" {
		t.Fatalf("j from bb went to %q", got)
	}
	s.key("k")
	s.key("v") // start at bb
	s.key("j")
	s.key("v") // end at dd: bb cc dd
	s.key("g")
	s.key("v") // start at aa
	s.key("l")
	s.key("v") // end at bb: joins with bb..dd
	want := []stepwise.Span{{Start: 0, End: strings.Index(text, "dd") + 2}}
	if len(s.ranges) != 1 || s.ranges[0] != want[0] {
		t.Fatalf("ranges %+v, want %+v", s.ranges, want)
	}
	s.key("v") // inside it, none open: removed
	if len(s.ranges) != 0 || s.anchor != -1 {
		t.Fatalf("ranges %+v anchor %d", s.ranges, s.anchor)
	}
	// enter with a selection open ends it at the cursor.
	s.key("G")
	s.key("v")
	if !s.key("enter") || len(s.ranges) != 1 || text[s.ranges[0].Start:s.ranges[0].End] != "ff" {
		t.Fatalf("enter: %+v", s.ranges)
	}
}
