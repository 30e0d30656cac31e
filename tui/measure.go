package tui

import (
	"fmt"
	"slices"
	"strconv"

	"github.com/stepwise-dev/stepwise"
	"github.com/stepwise-dev/stepwise/judge/analytics"
	"github.com/stepwise-dev/stepwise/judge/judgerun"
	"github.com/stepwise-dev/stepwise/store"
)

// The list's measure column shows one numeric field of a trace (tokens,
// latency, cost, tool use): the one the list is sorted by, else tokens
// once a loaded row records them, else tool calls once one calls a tool —
// a store without any keeps the room for the names.

// measureField is the numeric field the measure column shows, "" none.
func (l *listScreen) measureField() string {
	if k := string(l.order.Key); slices.Contains(store.RangeFields(), k) {
		return k
	}
	switch {
	case l.tokensAny:
		return store.FieldTokens
	case l.toolsAny:
		return store.FieldToolCalls
	}
	return ""
}

// measureWidth is the column's width with its gap, 0 without the column.
func measureWidth(field string) int {
	if field == "" {
		return 0
	}
	return 9
}

// measureTitle is the column's header.
func measureTitle(field string) string {
	switch field {
	case store.FieldTokens:
		return "TOKENS"
	case store.FieldLatency:
		return "LAT s"
	case store.FieldCost:
		return "COST $"
	case store.FieldToolCalls:
		return "TOOLS"
	case store.FieldSearch:
		return "SEARCH"
	case store.FieldRounds:
		return "ROUNDS"
	case store.FieldRepeated:
		return "REPEAT"
	case store.FieldFailed:
		return "FAILED"
	}
	return field
}

// measureText is a row's value in the user's unit, "-" without one.
func measureText(s *store.Summary, field string) string {
	v, ok := store.NumericValue(s, field)
	switch {
	case !ok:
		return "-"
	case field == store.FieldLatency:
		return strconv.FormatFloat(float64(v)/1e3, 'f', 1, 64)
	case field == store.FieldCost:
		return strconv.FormatFloat(float64(v)/1e6, 'f', 4, 64)
	}
	return strconv.FormatUint(uint64(v), 10)
}

// usageInfo is the trace header's cost and tool use: " · 1,234 tokens
// (prompt 1,000, completion 234, reasoning 120) · 3.2 s · $0.0042 · 5 tool
// calls in 2 rounds", each part where the source records it. A cost from
// the price table says so.
func usageInfo(t *stepwise.Trace, prices map[string]analytics.Price) string {
	var s string
	if u := t.Usage; u != nil {
		if n := u.PromptTokens + u.CompletionTokens; n > 0 {
			s += fmt.Sprintf(" · %s tokens (prompt %s, completion %s", judgerun.Thousands(n), judgerun.Thousands(u.PromptTokens), judgerun.Thousands(u.CompletionTokens))
			if u.ReasoningTokens > 0 {
				s += ", reasoning " + judgerun.Thousands(u.ReasoningTokens)
			}
			s += ")"
		}
		if u.LatencySeconds > 0 {
			s += fmt.Sprintf(" · %.1f s", u.LatencySeconds)
		}
		var price *analytics.Price
		if p, ok := prices[t.Model]; ok {
			price = &p
		}
		if usd, ok := analytics.Cost(u, price); ok {
			s += fmt.Sprintf(" · $%.4f", usd)
			if u.CostUSD == 0 {
				s += " (at [prices])"
			}
		}
	}
	if tu := t.ToolUse(); tu.Calls > 0 {
		s += fmt.Sprintf(" · %d tool calls in %d rounds", tu.Calls, tu.Rounds)
		if tu.Failed > 0 {
			s += fmt.Sprintf(", %d failed", tu.Failed)
		}
		if tu.Repeated > 0 {
			s += fmt.Sprintf(", %d repeated", tu.Repeated)
		}
	}
	return s
}
