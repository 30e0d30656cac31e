package tui

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/stepwise-dev/stepwise/store"
)

// exportDoneMsg ends an export job.
type exportDoneMsg struct {
	path string
	rep  *store.ExportReport
	err  error
}

// startExport writes the list's traces in a format, as a background job.
// The prompt's text is "FORMAT [PATH] [human|source|merged] [latest|majority]".
func startExport(c *programContext, text string, f store.Filter) tea.Cmd {
	words := strings.Fields(text)
	if len(words) == 0 {
		c.setError("export: write a format (processbench, prm800k, prmbench, trl, math-shepherd, dpo, sft, steps-jsonl, steps-parquet, annotations)")
		return nil
	}
	opts := store.ExportOptions{Format: words[0], Filter: f}
	path := ""
	for _, w := range words[1:] {
		switch w {
		case "human", "source", "merged":
			opts.Labels = store.LabelMode(w)
		case "latest", "majority":
			opts.Resolve = store.Resolve(w)
		default:
			path = w
		}
	}
	if path == "" {
		ext := ".jsonl"
		if opts.Format == "steps-parquet" {
			ext = ".parquet"
		}
		path = "stepwise-" + opts.Format + ext
	}
	db := c.db // the job must not touch the screens
	_, cmd := c.startJob(jobSpec{name: "export " + filepath.Base(path), run: func(ctx context.Context, _ *jobOut) tea.Msg {
		// The workbench never overwrites a file: a name typed in a
		// prompt, or the default one, may be a file the user keeps.
		rep, err := db.ExportFile(ctx, path, opts, false)
		return exportDoneMsg{path: path, rep: rep, err: err}
	}})
	return cmd
}

func exportDone(c *programContext, msg exportDoneMsg) {
	if msg.err != nil {
		c.setError("export: " + msg.err.Error())
		return
	}
	skipped := 0
	for _, n := range msg.rep.Skipped {
		skipped += n
	}
	c.setInfo(fmt.Sprintf("exported %d records (%d traces, %d skipped) to %s", msg.rep.Written, msg.rep.Traces, skipped, msg.path))
}
