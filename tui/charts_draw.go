package tui

import (
	"fmt"
	"strings"

	"charm.land/lipgloss/v2"

	"github.com/stepwise-dev/stepwise/judge/analytics"
	"github.com/stepwise-dev/stepwise/themes/termsafe"
	"github.com/stepwise-dev/stepwise/tui/render"
)

// The charts, laid out as lines for the screen's width. Bars are drawn by
// tui/render; values from the store (model names) go through termsafe.

// barWidth is what a row leaves for its bar after label columns of used
// cells (never below 4: a bar still shows its proportion).
func (s *chartsScreen) barWidth(used int) int { return max(4, min(60, s.c.width-used-1)) }

func (s *chartsScreen) drawHist(d *chartData) []string {
	k := s.kinds[s.cur]
	if len(d.bins) == 0 {
		return []string{" " + s.c.st.muted.Render(fmt.Sprintf("no trace in scope records %s (%d traces without a value)", k.hist, d.missing))}
	}
	most, total := 0, 0
	for _, b := range d.bins {
		most, total = max(most, b.Count), total+b.Count
	}
	cw := max(5, len(fmt.Sprint(most)))
	lines := []string{s.c.st.header.Render(padRight(fmt.Sprintf(" %-15s %*s", strings.ToUpper(k.hist)+histUnit(k.hist), cw, "TRACES"), s.c.width))}
	for _, b := range d.bins {
		label := fmt.Sprint(b.Low)
		if b.High-b.Low > 1 {
			label = fmt.Sprintf("%d–%d", b.Low, b.High-1)
		}
		lines = append(lines, fmt.Sprintf(" %-15s %*d ", label, cw, b.Count)+
			s.c.st.accent.Render(render.Bar(float64(b.Count), float64(most), s.barWidth(18+cw))))
	}
	lines = append(lines, "", fmt.Sprintf(" %d traces", total))
	if d.missing > 0 {
		lines[len(lines)-1] += fmt.Sprintf(", and %d without a value", d.missing)
	}
	return lines
}

// histUnit names the unit of a histogram's bins where it is not a count:
// analytics bins the stored integers, latency in milliseconds and cost in
// millionths of a dollar (as `stepwise hist` prints them).
func histUnit(field string) string {
	switch field {
	case "latency":
		return " (ms)"
	case "cost":
		return " (µ$)"
	}
	return ""
}

// accuracyBar is a bar of an accuracy with its percent and what it rests on.
func (s *chartsScreen) accuracyBar(label string, labelW int, acc *float64, rest string) string {
	w := s.barWidth(labelW + 2 + 8 + len(rest))
	line := " " + padRight(label, labelW) + " "
	if acc == nil {
		return line + padRight("", w) + "      — " + s.c.st.muted.Render(rest)
	}
	return line + s.c.st.accent.Render(render.Bar(*acc, 1, w)) + fmt.Sprintf(" %5.1f%% ", 100**acc) + s.c.st.muted.Render(rest)
}

func (s *chartsScreen) drawDifficulty(d *chartData) []string {
	if len(d.diff) == 0 {
		return []string{" " + s.c.st.muted.Render("no sampled problem in scope (reference solutions are not samples)")}
	}
	byBucket := map[string][]analytics.ModelDifficulty{}
	models := map[string]bool{}
	for _, r := range d.diffBy {
		byBucket[r.Difficulty] = append(byBucket[r.Difficulty], r)
		models[r.Model] = true
	}
	perModel := len(models) > 1 && len(models) <= 6
	lw := 10
	if perModel {
		lw = 30
	}
	lines := []string{s.c.st.header.Render(padRight(" "+padRight("DIFFICULTY", lw)+" ACCURACY (correct of graded samples)", s.c.width))}
	for _, r := range d.diff {
		lines = append(lines, s.accuracyBar(r.Difficulty, lw, r.Accuracy, fmt.Sprintf("%d problems, %d of %d graded", r.Problems, r.Correct, r.Graded)))
		if !perModel {
			continue
		}
		for _, m := range byBucket[r.Difficulty] {
			lines = append(lines, s.accuracyBar("  "+modelName(m.Model), lw, m.Accuracy, fmt.Sprintf("%d of %d", m.Correct, m.Graded)))
		}
	}
	if len(models) > 6 {
		lines = append(lines, "", s.c.st.muted.Render(fmt.Sprintf(" %d models: per model in `stepwise models --by-difficulty`", len(models))))
	}
	return lines
}

func (s *chartsScreen) drawIntensity(d *chartData) []string {
	if len(d.ints) == 0 {
		return []string{" " + s.c.st.muted.Render("no trace in scope calls a tool")}
	}
	lines := []string{s.c.st.header.Render(padRight(" SEARCH CALLS  ACCURACY (traces by their number of search calls)", s.c.width))}
	for _, r := range d.ints {
		lines = append(lines, s.accuracyBar(fmt.Sprint(r.SearchCalls), 12, r.Accuracy, fmt.Sprintf("%d traces, %d graded", r.Traces, r.Graded)))
	}
	return lines
}

// costPoint is a model on the quality-vs-cost plot.
type costPoint struct {
	m    analytics.Model
	x    float64
	mark rune
}

func (s *chartsScreen) drawCost(d *chartData) []string {
	if len(d.models) == 0 {
		return []string{" " + s.c.st.muted.Render("no model's traces in scope (reference solutions are not a model)")}
	}
	pts, unit, left := costPoints(d.models)
	lines := []string{s.c.st.header.Render(padRight(" ACCURACY against "+unit+" per trace, one mark per model", s.c.width))}
	if len(pts) == 0 {
		lines = append(lines, s.c.st.muted.Render(" no model has graded traces that record tokens or cost: accuracy only"))
	} else {
		rp := make([]render.Point, len(pts))
		for i, p := range pts {
			rp[i] = render.Point{X: p.x, Y: *p.m.Accuracy, Mark: p.mark}
		}
		plot := render.Scatter(rp, render.ScatterOptions{Width: max(10, min(60, s.c.width-12)), Height: 10, YMin: 0, YMax: 1,
			YLabel: func(v float64) string { return fmt.Sprintf("%.0f%%", 100*v) },
			XLabel: func(v float64) string { return costLabel(v, unit) }})
		for _, l := range plot {
			lines = append(lines, " "+l)
		}
		lines = append(lines, "")
		for _, p := range pts {
			lines = append(lines, fmt.Sprintf(" %c  %s %6.1f%%  %s  (%d graded, %d with usage)", p.mark,
				padRight(modelName(p.m.Model), 30), 100**p.m.Accuracy, costLabel(p.x, unit), p.m.Graded, p.m.WithUsage))
		}
	}
	for _, m := range left {
		why := "no token count recorded"
		if m.Accuracy == nil {
			why = "no graded trace"
		}
		lines = append(lines, s.accuracyBar(modelName(m.Model), 30, m.Accuracy, why))
	}
	return lines
}

// costPoints places the models that have both an accuracy and a mean
// cost or mean tokens (analytics' quality-vs-cost axes): by mean cost per
// trace when every one of them has it, else by mean tokens (prompt and
// completion) per trace that records them. left are the others.
func costPoints(ms []analytics.Model) (pts []costPoint, unit string, left []analytics.Model) {
	allCost := true
	for _, m := range ms {
		if m.Accuracy != nil && (m.MeanTokens != nil || m.MeanCostUSD != nil) {
			pts = append(pts, costPoint{m: m})
			allCost = allCost && m.MeanCostUSD != nil
		} else {
			left = append(left, m)
		}
	}
	unit = "USD"
	if !allCost || len(pts) == 0 {
		unit = "tokens"
		// Models with a cost but no token count cannot go on a token axis.
		kept := pts[:0]
		for _, p := range pts {
			if p.m.MeanTokens != nil {
				kept = append(kept, p)
			} else {
				left = append(left, p.m)
			}
		}
		pts = kept
	}
	for i := range pts {
		if unit == "USD" {
			pts[i].x = *pts[i].m.MeanCostUSD
		} else {
			pts[i].x = *pts[i].m.MeanTokens
		}
		pts[i].mark = markOf(i)
	}
	return pts, unit, left
}

// markOf names the i-th point: a–z, then A–Z, then '*'.
func markOf(i int) rune {
	switch {
	case i < 26:
		return rune('a' + i)
	case i < 52:
		return rune('A' + i - 26)
	}
	return '*'
}

func costLabel(v float64, unit string) string {
	if unit == "USD" {
		return fmt.Sprintf("$%.4f", v)
	}
	if v >= 10000 {
		return fmt.Sprintf("%.0fk tok", v/1000)
	}
	return fmt.Sprintf("%.0f tok", v)
}

// stacked draws parts (counts) as one bar of cells, each part in its
// style, scaled so that most fills the width.
func stacked(parts []int, styles []lipgloss.Style, most, width int) string {
	cells := render.Split(parts, most, width)
	var b strings.Builder
	used := 0
	for i, n := range cells {
		if n > 0 {
			b.WriteString(styles[i].Render(strings.Repeat("█", n)))
			used += n
		}
	}
	return b.String() + strings.Repeat(" ", max(0, width-used))
}

func (s *chartsScreen) drawProofSteps(d *chartData) []string {
	most := 0
	for _, r := range d.steps {
		most = max(most, r.Proved+r.Disproved+r.Unknown)
	}
	if most == 0 {
		return []string{" " + s.c.st.muted.Render("no checked step in scope: V verifies the traces in scope")}
	}
	st := []lipgloss.Style{s.c.st.good, s.c.st.bad, s.c.st.unknown}
	lines := []string{
		" " + st[0].Render("█") + " proved  " + st[1].Render("█") + " disproved  " + st[2].Render("█") +
			" unknown (failed, sorry, timeout, unsupported, a dataset's unchecked status)",
		s.c.st.header.Render(padRight(" STEP", s.c.width)),
	}
	w := s.barWidth(40)
	for _, r := range d.steps {
		if r.Proved+r.Disproved+r.Unknown == 0 {
			continue
		}
		lines = append(lines, fmt.Sprintf(" %5d ", r.Step)+stacked([]int{r.Proved, r.Disproved, r.Unknown}, st, most, w)+
			fmt.Sprintf(" %d✓ %d✗ %d? of %d", r.Proved, r.Disproved, r.Unknown, r.Traces))
	}
	return lines
}

func (s *chartsScreen) drawJudgeSteps(d *chartData) []string {
	most := 0
	for _, r := range d.steps {
		most = max(most, r.Judged)
	}
	if most == 0 {
		return []string{" " + s.c.st.muted.Render("no judged trace in scope: A runs the judge on a trace")}
	}
	st := []lipgloss.Style{s.c.st.bad, s.c.st.good}
	lines := []string{
		" " + st[0].Render("█") + " flagged by the judge  " + st[1].Render("█") + " not flagged   (the newest single-trace verdict of each trace)",
		s.c.st.header.Render(padRight(" STEP", s.c.width)),
	}
	w := s.barWidth(44)
	for _, r := range d.steps {
		if r.Judged == 0 {
			continue
		}
		lines = append(lines, fmt.Sprintf(" %5d ", r.Step)+stacked([]int{r.JudgeFlagged, r.Judged - r.JudgeFlagged}, st, most, w)+
			fmt.Sprintf(" %d flagged, %d first errors, of %d", r.JudgeFlagged, r.JudgeFirstError, r.Judged))
	}
	return lines
}

// modelName is a model's name as a chart shows it.
func modelName(m string) string {
	if m == "" {
		return "(no model)"
	}
	return termsafe.Line(m)
}
