package tui

import (
	tea "charm.land/bubbletea/v2"

	"github.com/stepwise-dev/stepwise/store"
	"github.com/stepwise-dev/stepwise/verify/verifyrun"
)

// scopeHandlers are the actions of the library and the trace list that
// act on the traces in scope — the library's selected dataset, or the
// list's filter: the triage queue, the conflicts, the stats, the
// scorecard, an export, a verification.
func scopeHandlers(c *programContext, scope func() store.Filter) []handler {
	return []handler{
		on(actQueue, func() tea.Cmd { c.post(openQueueReq{filter: scope()}); return nil }),
		on(actConflicts, func() tea.Cmd { c.post(openConflictsReq{dataset: scope().Dataset}); return nil }),
		on(actStatsView, func() tea.Cmd { c.post(openStatsReq{dataset: scope().Dataset}); return nil }),
		on(actScorecard, func() tea.Cmd { c.post(openScorecardReq{filter: scope()}); return nil }),
		on(actErrorTypes, func() tea.Cmd { c.post(openErrorTypesReq{dataset: scope().Dataset}); return nil }),
		on(actCharts, func() tea.Cmd { c.post(openChartsReq{filter: scope()}); return nil }),
		on(actExport, func() tea.Cmd {
			c.ask(newPrompt(c, "export FORMAT [PATH] [human|source|merged] [latest|majority] ", "", func(text string) tea.Cmd {
				return startExport(c, text, scope())
			}))
			return nil
		}),
		on(actVerify, func() tea.Cmd {
			f := scope()
			name := formatFilter(f)
			if name == "" {
				name = "all traces"
			}
			return startVerify(c, name, verifyrun.FilterTarget(f))
		}),
	}
}
