package analytics

import (
	"context"

	"github.com/stepwise-dev/stepwise/store"
)

// SearchIntensity is Agents' accuracy by search intensity from the
// summaries, which carry each trace's tool use (stepwise.Trace.ToolUse,
// counted at import): the same rows without reading a trace's body.
func SearchIntensity(ctx context.Context, db *store.DB, f store.Filter) ([]IntensityRow, error) {
	var ts []AgentTrace
	err := db.List(f, func(s store.Summary) error {
		if s.Tools.Calls > 0 {
			ts = append(ts, AgentTrace{SearchCalls: s.Tools.Search, Correct: s.Correct})
		}
		return ctx.Err()
	})
	if err != nil {
		return nil, err
	}
	return intensity(ts), nil
}
