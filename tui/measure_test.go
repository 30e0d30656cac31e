package tui

import (
	"strconv"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/stepwise-dev/stepwise"
	"github.com/stepwise-dev/stepwise/judge/analytics"
	"github.com/stepwise-dev/stepwise/store"
)

// TestListToolColumnFilterAndSort: on agent traces the list shows their
// tool calls; a tool_calls:>N filter typed in the prompt keeps exactly
// the traces with more calls, and sorting by tool calls puts the column
// in the header and the rows in order.
func TestListToolColumnFilterAndSort(t *testing.T) {
	m := newTestModel(t, 140, 60, "dark")
	var calls []int
	err := m.db.List(store.Filter{}, func(s store.Summary) error {
		if s.Tools.Calls > 0 {
			calls = append(calls, s.Tools.Calls)
		}
		return nil
	})
	if err != nil || len(calls) < 10 {
		t.Fatalf("%d traces with tool calls (%v): too few to test", len(calls), err)
	}
	n := calls[len(calls)/2]
	want := 0
	for _, c := range calls {
		if c > n {
			want++
		}
	}
	settle(t, m, m.list().openWith(store.Filter{}))
	press(t, m, "f")
	for _, r := range "tool_calls:>" + strconv.Itoa(n) {
		press(t, m, string(r))
	}
	press(t, m, "enter")
	l := m.list()
	if l.total != want || want == 0 {
		t.Fatalf("tool_calls:>%d lists %d traces, want %d", n, l.total, want)
	}
	v := ansi.Strip(viewOf(m))
	if !strings.Contains(v, "TOOLS") {
		t.Fatalf("no TOOLS column:\n%s", v)
	}
	for i := 0; i < min(l.total, l.pageSize()); i++ {
		seq, _ := l.seqAt(i)
		r := l.rows[seq]
		if r.Tools.Calls <= n {
			t.Fatalf("row %s has %d calls under tool_calls:>%d", r.ID, r.Tools.Calls, n)
		}
		if !strings.Contains(v, " "+strconv.Itoa(r.Tools.Calls)+" ") {
			t.Fatalf("row %s: %d calls not on screen", r.ID, r.Tools.Calls)
		}
	}
	l.order = store.Order{Key: store.SortKey(store.FieldToolCalls), Desc: true}
	settle(t, m, l.reload())
	if v := ansi.Strip(viewOf(m)); !strings.Contains(v, "TOOLS▼") {
		t.Fatalf("sorted by tool calls, the header does not say so:\n%s", v)
	}
	last := 1 << 30
	for i := 0; i < min(l.total, l.pageSize()); i++ {
		seq, _ := l.seqAt(i)
		if c := l.rows[seq].Tools.Calls; c > last {
			t.Fatalf("row %d: %d calls after %d, descending", i, c, last)
		} else {
			last = c
		}
	}
}

// TestUsageInfo: the trace header's cost line, with a recorded cost, a
// cost from the price table (said so), and tool use.
func TestUsageInfo(t *testing.T) {
	tr := &stepwise.Trace{Model: "m", Usage: &stepwise.Usage{PromptTokens: 1000, CompletionTokens: 2345, ReasoningTokens: 120, LatencySeconds: 3.25},
		Steps: []stepwise.Step{{Kind: stepwise.StepToolCall, Tool: &stepwise.Tool{Name: "search"}}, {Kind: stepwise.StepToolResult, Tool: &stepwise.Tool{Error: "x"}}}}
	got := usageInfo(tr, nil)
	for _, want := range []string{"3,345 tokens (prompt 1,000, completion 2,345, reasoning 120)", "3.2 s", "1 tool calls in 1 rounds, 1 failed"} {
		if !strings.Contains(got, want) {
			t.Errorf("usage %q lacks %q", got, want)
		}
	}
	if strings.Contains(got, "$") {
		t.Errorf("a cost without a recorded cost or a price: %q", got)
	}
	priced := usageInfo(tr, map[string]analytics.Price{"m": {InputPerM: 1, OutputPerM: 2}})
	if !strings.Contains(priced, "$0.0057 (at [prices])") { // 1000×1 + 2345×2 per million
		t.Errorf("priced: %q", priced)
	}
	tr.Usage.CostUSD = 0.5
	if got := usageInfo(tr, nil); !strings.Contains(got, "$0.5000") || strings.Contains(got, "[prices]") {
		t.Errorf("recorded cost: %q", got)
	}
}
