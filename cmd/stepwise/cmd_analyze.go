package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/stepwise-dev/stepwise/judge/judgerun"
	"github.com/stepwise-dev/stepwise/store"
)

func runAnalyze(ctx context.Context, e *env, args []string) int {
	fs := newFlags(e, "analyze", "[filters]",
		"Run the offline analyzers (no LLM): final answer against gold, every arithmetic claim checked exactly,\n"+
			"truncation, repetition loops, tool-call statistics. Findings are stored per trace and step for the\n"+
			"triage queue. Traces already analyzed by this analyzer version are skipped (--force redoes them).")
	var f store.Filter
	filterFlags(fs, &f)
	force := fs.Bool("force", false, "re-analyze traces whose findings are up to date")
	noArith := fs.Bool("no-arith", false, "skip the arithmetic checks")
	asJSON := fs.Bool("json", false, "one JSON object per analyzed trace per line: id, version, findings")
	if code, ok := parseNoArgs(e, fs, args, &f); !ok {
		return code
	}
	db, code := openStore(e, false)
	if db == nil {
		return code
	}
	defer db.Close()
	out := bufio.NewWriter(e.stdout)
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	bar := &judgeStatus{w: e.stderr, enabled: e.isTerminal, start: time.Now()}
	opts := judgerun.AnalyzeOptions{Force: *force, NoArithmetic: *noArith,
		OnProgress: func(done, total int) {
			if !bar.enabled {
				return
			}
			bar.mu.Lock()
			fmt.Fprintf(bar.w, "\r\x1b[Kanalyzing: %d/%d traces", done, total)
			bar.drawn = true
			bar.mu.Unlock()
		}}
	if *asJSON {
		opts.OnTrace = func(tf store.TraceFindings) {
			enc.Encode(struct {
				ID       string          `json:"id"`
				Version  string          `json:"version"`
				Findings []store.Finding `json:"findings"`
			}{tf.TraceID, tf.Version, tf.Findings})
		}
	}
	sum, err := judgerun.Analyze(ctx, db, f, opts)
	bar.clear()
	out.Flush()
	fmt.Fprintf(e.stderr, "analyzed %d of %d traces (%d up to date) in %s: %d findings%s\n",
		sum.Analyzed, sum.Selected, sum.UpToDate, sum.Elapsed.Round(time.Millisecond), sum.Findings, byCode(sum.ByCode))
	switch {
	case errors.Is(err, context.Canceled):
		fmt.Fprintln(e.stderr, "stepwise analyze: cancelled; the traces analyzed so far are stored")
		return exitError
	case err != nil:
		return failed(e, "stepwise analyze:", err)
	}
	return exitOK
}

// byCode lists finding counts, most frequent first.
func byCode(m map[string]int) string {
	if len(m) == 0 {
		return ""
	}
	codes := make([]string, 0, len(m))
	for c := range m {
		codes = append(codes, c)
	}
	slices.SortFunc(codes, func(a, b string) int {
		if m[a] != m[b] {
			return m[b] - m[a]
		}
		return strings.Compare(a, b)
	})
	parts := make([]string, len(codes))
	for i, c := range codes {
		parts[i] = fmt.Sprintf("%s %d", c, m[c])
	}
	return " (" + strings.Join(parts, ", ") + ")"
}
